"""A prior distilled from a teacher: ``skipwise distill`` (``docs/distill.md``).

The pipeline, one module each: a simulated population plays (:mod:`.population`)
into a pooled log (:mod:`.pooled_log`); a larger model learns from it
(:mod:`.teacher`, the only module that imports scikit-learn); the 42-parameter
student is fitted to the teacher's probabilities (:mod:`.student`); the spread
of per-listener students gives the covariance (:mod:`.covariance`); and
:mod:`.pipeline` puts them together into a :class:`~engine.learner.prior.Prior`.
"""
