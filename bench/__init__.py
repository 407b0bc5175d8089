"""Benchmarks (`make bench`): kept apart from the tests; numbers go to bench/results/."""
