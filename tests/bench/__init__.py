"""Benchmark data checks."""
