"""Benchmarks of convflow, each with a run() function for the `make bench` driver."""
