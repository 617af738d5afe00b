"""Benchmarks run by hand, e.g. `python -m benchmarks.wave`; not part of the test suite."""
