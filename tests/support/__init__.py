"""Helpers shared by the tests: live servers, stores, generated graphs, a stand-in pool."""
