"""The OWL 2 RL reasoners by name, and the default one, known without importing any reasoner.

The reasoners themselves are in :mod:`backcare_kg.reasoning.reasoners`, imported the first
time one is asked for: the command line reads the names and the default to build its parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backcare_kg.registry import Registry

if TYPE_CHECKING:
    from backcare_kg.reasoning.reasoners import Reasoner

__all__ = ["REASONERS", "DEFAULT_REASONER"]

#: The reasoners by name.
REASONERS: Registry[Reasoner] = Registry("reasoner", "unknown reasoner {name!r}",
                                         default="compiled")
REASONERS.register_lazy("compiled", "backcare_kg.reasoning.reasoners", "COMPILED")
REASONERS.register_lazy("owlrl", "backcare_kg.reasoning.reasoners", "OWLRL")

#: The reasoner used unless another is named.
DEFAULT_REASONER = REASONERS.default
