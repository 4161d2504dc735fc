"""Benchmarks for vaultfu: a synthetic vault generator and one command that measures it."""
