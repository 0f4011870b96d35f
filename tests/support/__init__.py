"""Helpers shared by the tests: live servers, stores, generated graphs, a stand-in pool,
page checks, static-site helpers, CLI runs, hostile values and the core vocabulary."""
