"""`python -m benchmarks.text` runs `benchmarks.text.rollouts`."""

from benchmarks.text.rollouts import main

main()
