"""The engine's benchmarks (``skipwise bench learner|listeners|scan``): medians, each against a
baseline measured in the same run. The window's own benchmark (``bench gui``) lives in app/.

Nothing outside this package imports it, but the CLI's ``bench`` command, lazily.
"""
