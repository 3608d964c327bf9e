"""The listener simulator and the benchmarks built on it."""
