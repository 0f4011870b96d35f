"""The routes of ``backcare-kg serve``, one module per concern.

Each module has a ``routes()`` list that :mod:`backcare_kg.server.app` mounts; the state they
share is in :mod:`backcare_kg.server.state`.
"""
