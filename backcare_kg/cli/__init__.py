"""The ``backcare-kg`` command line (see :mod:`.commands`); ``main`` is the entry point."""

from backcare_kg.cli.commands import main

__all__ = ["main"]
