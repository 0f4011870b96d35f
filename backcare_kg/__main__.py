"""``python -m backcare_kg``: the same command line as ``backcare-kg``."""

from __future__ import annotations

from backcare_kg.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
