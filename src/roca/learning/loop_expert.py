"""How ambiguous a case's evidence is, as an experienced reviewer would find it.

Simulated reviewers err on genuinely ambiguous cases, not on obvious ones (``roca.simulate.
reviewers``).  What makes a case ambiguous is its evidence: a look-alike whose footprint could be
a takeover, a careful attack that leaves the owner's footprint.  The loop measures that with a
reference model - the "expert's eye" - trained once on ground truth in a separate simulated world
(another seed, no novel campaign), so it knows the attack patterns of the time but nothing of
ROCA's own learning.  A case's ambiguity is how close the expert's probability is to a coin flip
(``1 - max p`` scaled to [0, 1]), relative to the mean over the expert's own held-out cases: 1.0 is
an average case, near 0 an obvious one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roca.agent.training import train_on_simulation
from roca.cases.schemas import CaseType
from roca.signals import catalog

EXPERT_SEED_OFFSET = 7_919  # the expert's world is not the loop's
EXPERT_DAYS = 6  # five to train on, one held out to measure the mean ambiguity on


@dataclass(frozen=True)
class Expert:
    case_type: CaseType
    estimator: Any
    mean_ambiguity: float

    def difficulty(self, signals: Sequence[Sequence[Mapping[str, Any]]]) -> list[float]:
        """Each case's ambiguity relative to the average case, from the signals ROCA stored."""
        if not signals:
            return []
        proba = np.asarray(self.estimator.predict_proba(_matrix(self.case_type, signals)), dtype=np.float64)
        return [float(v) for v in ambiguity(proba) / self.mean_ambiguity]


def ambiguity(proba: NDArray[np.float64]) -> NDArray[np.float64]:
    """0 when one decision is certain, 1 when every decision is equally likely."""
    classes = proba.shape[1]
    return np.asarray((1.0 - proba.max(axis=1)) * classes / (classes - 1), dtype=np.float64)


@lru_cache(maxsize=4)
def expert(case_type: CaseType, seed: int, cases: int) -> Expert:
    """The reference model for ``case_type``, trained on ``cases`` simulated cases with their
    ground truth (cached per process: the benchmark runs several loops)."""
    per_day = max(cases // EXPERT_DAYS, 50)
    trained = train_on_simulation(case_type, EXPERT_DAYS, per_day, seed + EXPERT_SEED_OFFSET, test_days=1)
    mean = float(ambiguity(np.asarray(trained.test_probabilities, dtype=np.float64)).mean())
    return Expert(case_type, trained.estimator, max(mean, 1e-6))


def _matrix(case_type: CaseType, signals: Sequence[Sequence[Mapping[str, Any]]]) -> NDArray[np.float64]:
    position = {name: i for i, name in enumerate(catalog.feature_names(case_type))}
    matrix = np.full((len(signals), len(position)), np.nan)
    for i, row in enumerate(signals):
        for item in row:
            j, value = position.get(item["id"]), item.get("value")
            if j is not None and isinstance(value, bool | int | float):
                matrix[i, j] = float(value)
    return matrix
