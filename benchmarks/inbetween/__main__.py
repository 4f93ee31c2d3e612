"""`python -m benchmarks.inbetween` runs `benchmarks.inbetween.triplets`."""

from benchmarks.inbetween.triplets import main

main()
