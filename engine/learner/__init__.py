"""The on-device learner: 42 parameters, labels from timings, optimizer, INT8."""
