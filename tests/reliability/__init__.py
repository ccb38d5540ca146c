"""Support for tests/test_reliability.py: a served variant, the faults it meets, and the clients that drive it."""
