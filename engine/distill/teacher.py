"""The teacher: a larger model learned from the pooled log (the only module that imports scikit-learn).

Two kinds:

- ``gbt``: ``HistGradientBoostingClassifier``, 200 trees of up to 31 leaves;
  its parameters are every split's threshold and every leaf's value;
- ``mlp``: ``MLPClassifier``, two hidden layers of 64 and 32; its parameters
  are every weight and bias.

A label is a soft target (a late skip is 0.3..0.84), so every row enters
twice, as a play-through with weight ``target`` and as a skip with weight
``1 - target``: the classifier then estimates the expected target, which is
what the student is fitted to. The pipeline runs it on one thread, so the same seed
gives the same teacher.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TEACHERS = ("gbt", "mlp")


@dataclass
class Teacher:
    """A fitted teacher: ``predict(features)`` -> P(play through) [shape=(n,)]."""

    kind: str
    model: Any

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict_proba(features)[:, 1], dtype=np.float64)

    @property
    def parameters(self) -> int:
        if self.kind == "gbt":
            # every node: a split holds a threshold, a leaf a value
            return int(sum(len(tree[0].nodes) for tree in self.model._predictors))
        mlp = self.model[-1]
        return int(sum(c.size for c in mlp.coefs_) + sum(b.size for b in mlp.intercepts_))

    def describe(self) -> dict[str, Any]:
        if self.kind == "gbt":
            m = self.model
            return {
                "model": "sklearn HistGradientBoostingClassifier",
                "trees": int(m.n_iter_),
                "max_leaf_nodes": m.max_leaf_nodes,
                "learning_rate": m.learning_rate,
            }
        return {"model": "sklearn MLPClassifier", "hidden_layers": list(self.model[-1].hidden_layer_sizes)}


def fit_teacher(kind: str, features: np.ndarray, target: np.ndarray, *, seed: int) -> Teacher:
    """A teacher of ``kind`` fitted to ``features`` [shape=(n, d)] and soft ``target`` [shape=(n,)].

    On the caller's math threads: the pipeline holds the whole run to one (``pipeline.distill``).
    """
    X = np.vstack([features, features])
    y = np.concatenate([np.ones(len(target)), np.zeros(len(target))])
    weight = np.concatenate([target, 1.0 - target])
    keep = weight > 0
    if kind == "gbt":
        model: Any = HistGradientBoostingClassifier(
            max_iter=200,
            max_leaf_nodes=31,
            learning_rate=0.1,
            min_samples_leaf=40,
            early_stopping=False,
            random_state=seed,
        )
        model.fit(X[keep], y[keep], sample_weight=weight[keep])
    elif kind == "mlp":
        model = make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(64, 32),
                alpha=1e-3,
                batch_size=512,
                max_iter=30,
                early_stopping=False,
                random_state=seed,
            ),
        )
        with warnings.catch_warnings():  # a fixed number of epochs, on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[keep], y[keep], mlpclassifier__sample_weight=weight[keep])
    else:
        raise ValueError(f"unknown teacher {kind!r}; known: {', '.join(TEACHERS)}")
    return Teacher(kind, model)
