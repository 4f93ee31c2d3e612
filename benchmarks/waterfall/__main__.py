"""`python -m benchmarks.waterfall` runs `benchmarks.waterfall.render`."""

from benchmarks.waterfall.render import main

main()
