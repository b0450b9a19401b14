"""Reproducible performance runs (not timed tests): ``python -m benchmarks NAME``."""
