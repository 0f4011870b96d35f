"""Storage: the files we read and write, the caches and the on-disk stores.

- :mod:`.files`: where the bundled ontology, data and queries live;
- :mod:`.loading` and :mod:`.export`: RDF files in and out;
- :mod:`.cache`: the closure cache;
- :mod:`.snapshot`, :mod:`.query_plans` and :mod:`.fast_path`: the command line's fast path
  (the snapshot files, the plans of its queries, and answering from them);
- :mod:`.store`: persistent pyoxigraph stores (``build --store``);
- :mod:`.fingerprint`: the package's own code as a cache key.
"""
