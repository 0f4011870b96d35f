"""Rendering for the web, shared by the server and the static-site publisher.

Plain functions from a graph, :class:`~backcare_kg.web.links.Links` and a language to a page
or a document; nothing here knows about HTTP (Starlette lives in :mod:`backcare_kg.server`).
Templates, static files, the JSON-LD context and the pages' SPARQL ship beside the modules.
"""
