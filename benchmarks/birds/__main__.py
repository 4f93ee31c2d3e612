"""`python -m benchmarks.birds` runs `benchmarks.birds.flight`."""

from benchmarks.birds.flight import main

main()
