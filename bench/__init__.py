"""Balai's benchmark: synthetic data, load generators and the figures of `make bench` (see README.md)."""
