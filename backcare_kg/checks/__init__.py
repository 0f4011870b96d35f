"""Checks of the bundled files: syntax, SHACL shapes, and quotes against the source.

- :mod:`.validation`: ``backcare-kg validate``, one ``file:line: message`` per problem;
- :mod:`.quotes`: quotes, selectors and sentences checked character for character.
"""
