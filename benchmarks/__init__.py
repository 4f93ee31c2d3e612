"""Benchmarks: scripts that measure the animators on real data (`python -m benchmarks.<name>`)."""
