"""Storage: the files we read and write, the caches and the on-disk stores.

- :mod:`.files`: where the bundled ontology, data and queries live;
- :mod:`.loading` and :mod:`.export`: RDF files in and out;
- :mod:`.cache` and :mod:`.snapshot`: the closure cache and the command line's fast path;
- :mod:`.store`: persistent pyoxigraph stores (``build --store``);
- :mod:`.fingerprint`: the package's own code as a cache key.
"""
