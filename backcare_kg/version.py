"""The version of backcare-kg (the one place it is written in the package)."""

__version__ = "0.1.0"
