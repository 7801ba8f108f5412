"""Error versus coverage (pure): for each candidate threshold of the policy grids, the share of
cases that would be decided automatically and the error estimated on the labelled cases among them.
Reviews weigh 1 and blind audits 1/pi, as when the thresholds are certified."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from roca.policy.thresholds import AUTO_ACT_GRID, AUTO_CLEAR_GRID

MIN_LABELLED = 30  # fewer labelled cases than this draw no curve


@dataclass(frozen=True, slots=True)
class CurvePoint:
    threshold: float
    coverage: float  # weighted share of cases automated at this threshold
    error: float | None  # weighted error among them; None when none would be automated


@dataclass(frozen=True, slots=True)
class CoverageCurves:
    labelled: int
    auto_act: tuple[CurvePoint, ...]
    auto_clear: tuple[CurvePoint, ...]
    current_act: CurvePoint | None  # where the threshold in force sits on its curve
    current_clear: CurvePoint | None
    alpha: float | None


def coverage_curves(
    probabilities: Sequence[float],
    risky: Sequence[bool],
    weights: Sequence[float],
    *,
    auto_act: float | None = None,
    auto_clear: float | None = None,
    alpha: float | None = None,
) -> CoverageCurves:
    p = np.asarray(probabilities, dtype=np.float64)
    bad = np.asarray(risky, dtype=bool)
    w = np.asarray(weights, dtype=np.float64)
    if p.size < MIN_LABELLED:
        return CoverageCurves(int(p.size), (), (), None, None, alpha)
    act = tuple(_point(t, p >= t, ~bad, w) for t in AUTO_ACT_GRID)  # auto-act errs on benign cases
    clear = tuple(_point(t, p <= t, bad, w) for t in AUTO_CLEAR_GRID)  # auto-clear errs on risky ones
    return CoverageCurves(
        labelled=int(p.size),
        auto_act=act,
        auto_clear=clear,
        current_act=None if auto_act is None else _point(auto_act, p >= auto_act, ~bad, w),
        current_clear=None if auto_clear is None else _point(auto_clear, p <= auto_clear, bad, w),
        alpha=alpha,
    )


def _point(
    threshold: float, automated: NDArray[np.bool_], error: NDArray[np.bool_], w: NDArray[np.float64]
) -> CurvePoint:
    total = float(w.sum())
    chosen = float(w[automated].sum())
    wrong = float(w[automated & error].sum())
    return CurvePoint(threshold, chosen / total if total else 0.0, wrong / chosen if chosen else None)
