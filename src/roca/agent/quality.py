"""How good are a model's probabilities: discrimination (AUC), accuracy of the probabilities (Brier,
log loss) and calibration (ECE over equal-mass bins, and in the tail where automation happens).

Binary metrics read ``y`` as 0/1 outcomes (1 = the risky decision happened) and ``p`` as the
probability of the risky decision, shape (n,).  Multi-class metrics read ``y`` as class indices and
``p`` as (n, k) probabilities.  :class:`QualityReport` picks the right ones for a model's output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.metrics import roc_auc_score

FloatArray = NDArray[np.float64]
TAIL_THRESHOLDS: tuple[float, ...] = (0.8, 0.9, 0.95, 0.99)
_EPS = 1e-15


def _weights(sample_weight: ArrayLike | None, n: int) -> FloatArray:
    if sample_weight is None:
        return np.ones(n)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), got {weights.shape}")
    return weights


def _outcomes(y: ArrayLike, p: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Binary inputs as float arrays of equal length, ``p`` (n,) or (n, k)."""
    outcomes = np.asarray(y, dtype=np.float64)
    scores = np.asarray(p, dtype=np.float64)
    if outcomes.ndim != 1 or len(outcomes) != len(scores):
        raise ValueError(f"y must be (n,) with one entry per row of p; got {outcomes.shape}, {scores.shape}")
    return outcomes, scores


def _one_hot(y: FloatArray, k: int) -> FloatArray:
    onehot: FloatArray = np.eye(k)[y.astype(np.intp)]
    return onehot


def brier(y: ArrayLike, p: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
    """Mean squared error of the probabilities: binary on the risky probability; multi-class the sum
    over classes (so a binary model scores twice as much read as two columns)."""
    outcomes, scores = _outcomes(y, p)
    if scores.ndim == 2:
        errors = ((scores - _one_hot(outcomes, scores.shape[1])) ** 2).sum(axis=1)
    else:
        errors = (scores - outcomes) ** 2
    return float(np.average(errors, weights=_weights(sample_weight, len(outcomes))))


def log_loss(y: ArrayLike, p: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
    """Mean negative log-likelihood, probabilities clipped at 1e-15."""
    outcomes, scores = _outcomes(y, p)
    if scores.ndim == 2:
        chosen = scores[np.arange(len(scores)), outcomes.astype(np.intp)]
    else:
        chosen = np.where(outcomes > 0.5, scores, 1.0 - scores)
    losses = -np.log(np.clip(chosen, _EPS, 1.0))
    return float(np.average(losses, weights=_weights(sample_weight, len(outcomes))))


def quantile_bins(p: FloatArray, bins: int) -> list[NDArray[np.intp]]:
    """Row indices in ``bins`` equal-mass groups of increasing score (stable on ties)."""
    if len(p) == 0:  # e.g. no case scores in the tail yet
        return []
    order = np.argsort(p, kind="stable")
    return [chunk for chunk in np.array_split(order, min(bins, len(p))) if len(chunk)]


def ece_quantile(y: ArrayLike, p: ArrayLike, bins: int = 10, sample_weight: ArrayLike | None = None) -> float:
    """Expected calibration error over ``bins`` equal-mass bins: the weighted mean of
    |observed rate - mean probability| per bin.  NaN when there are no rows."""
    outcomes, scores = _outcomes(y, p)
    if len(scores) == 0:
        return float("nan")
    weights = _weights(sample_weight, len(scores))
    total = 0.0
    for rows in quantile_bins(scores, bins):
        mass = weights[rows].sum()
        if mass > 0:
            gap = np.average(outcomes[rows], weights=weights[rows]) - np.average(
                scores[rows], weights=weights[rows]
            )
            total += mass * abs(gap)
    return float(total / weights.sum())


def tail_ece(
    y: ArrayLike,
    p: ArrayLike,
    above: Sequence[float] = TAIL_THRESHOLDS,
    *,
    bins: int = 10,
    min_per_bin: int = 50,
) -> dict[float, float]:
    """ECE among the rows scoring at least each threshold (the rows an auto-act threshold there would
    decide), over up to ``bins`` equal-mass bins of at least ``min_per_bin`` rows (one bin for a
    small tail).  NaN for a threshold no row reaches."""
    outcomes, scores = _outcomes(y, p)
    result: dict[float, float] = {}
    for threshold in above:
        chosen = scores >= threshold
        tail_bins = max(1, min(bins, int(chosen.sum()) // min_per_bin))
        result[threshold] = ece_quantile(outcomes[chosen], scores[chosen], tail_bins)
    return result


def auc(y: ArrayLike, p: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
    """ROC AUC: binary on the risky probability; multi-class the macro mean of one-vs-rest AUCs over
    the classes that occur (and do not make up every row).  NaN when none can be computed."""
    outcomes, scores = _outcomes(y, p)
    if scores.ndim == 1:
        columns, targets = [scores], [outcomes > 0.5]
    else:
        columns = [scores[:, c] for c in range(scores.shape[1])]
        targets = [outcomes == c for c in range(scores.shape[1])]
    values = [
        float(roc_auc_score(target, column, sample_weight=sample_weight))
        for column, target in zip(columns, targets, strict=True)
        if 0 < target.sum() < len(target)
    ]
    return float(np.mean(values)) if values else float("nan")


def top_class(y: ArrayLike, p: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Multi-class to binary for calibration: (was the top class right, its probability)."""
    outcomes, scores = _outcomes(y, p)
    top = np.argmax(scores, axis=1)
    return (top == outcomes).astype(np.float64), scores[np.arange(len(scores)), top]


@dataclass(frozen=True)
class QualityReport:
    """Quality of one model's probabilities on one labelled set.  Binary: every figure is on the
    risky decision's probability.  Multi-class: macro one-vs-rest AUC, multi-class Brier and log
    loss, and ECE / tail ECE of the top class's confidence."""

    kind: Literal["binary", "multiclass"]
    n: int
    base_rate: float  # binary: share of risky outcomes; multi-class: top-class accuracy
    auc: float
    brier: float
    log_loss: float
    ece: float
    tail_ece: dict[float, float]
    tail_count: dict[float, int]

    @classmethod
    def of(
        cls,
        y: ArrayLike,
        proba: ArrayLike,
        *,
        risky: int = 1,
        bins: int = 10,
        above: Sequence[float] = TAIL_THRESHOLDS,
    ) -> QualityReport:
        """From class indices ``y`` and (n, k) probabilities (``predict_proba``); ``risky`` is the
        column binary figures read."""
        outcomes, scores = _outcomes(y, proba)
        if scores.ndim != 2:
            raise ValueError("QualityReport.of reads (n, k) probabilities; use the metric functions for (n,)")
        if scores.shape[1] == 2:  # everything on the risky column
            hit, confidence = (outcomes == risky).astype(np.float64), scores[:, risky]
            kind: Literal["binary", "multiclass"] = "binary"
            labels, probabilities = hit, confidence
        else:  # ranking and accuracy over every class, calibration of the top class
            hit, confidence = top_class(outcomes, scores)
            kind, labels, probabilities = "multiclass", outcomes, scores
        return cls(
            kind=kind,
            n=len(outcomes),
            base_rate=float(hit.mean()) if len(hit) else float("nan"),
            auc=auc(labels, probabilities),
            brier=brier(labels, probabilities),
            log_loss=log_loss(labels, probabilities),
            ece=ece_quantile(hit, confidence, bins),
            tail_ece=tail_ece(hit, confidence, above, bins=bins),
            tail_count={t: int((confidence >= t).sum()) for t in above},
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
_GREY = "#8c8c8c"
_ZOOM = 0.1  # the inset of the full-range panel shows scores up to this
_STYLE: dict[Any, Any] = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11.5,
    "legend.fontsize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
}


@dataclass(frozen=True)
class _Series:
    name: str
    scores: FloatArray
    colour: str
    bold: bool

    @property
    def dashed(self) -> bool:
        return self.name.startswith("uncalibrated")


@dataclass(frozen=True)
class _Bins:
    """One series' equal-mass bins over one range: mean score, observed rate, its 95 % interval."""

    series: _Series
    mean_p: FloatArray
    rate: FloatArray
    low: FloatArray
    high: FloatArray
    ece: float


def _wilson(hits: FloatArray, n: FloatArray, z: float = 1.96) -> tuple[FloatArray, FloatArray]:
    rate = hits / n
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _bins(series: _Series, y: FloatArray, start: float, bins: int) -> _Bins:
    chosen = series.scores >= start
    outcomes, p = y[chosen], series.scores[chosen]
    count = max(1, min(bins, len(p) // 50))
    groups = quantile_bins(p, count)
    hits = np.array([outcomes[g].sum() for g in groups])
    n = np.array([len(g) for g in groups], dtype=np.float64)
    mean_p = np.array([p[g].mean() for g in groups])
    low, high = _wilson(hits, n)
    return _Bins(series, mean_p, hits / n, low, high, ece_quantile(outcomes, p, count))


def _plot_bins(ax: Any, binned: list[_Bins], span: tuple[float, float], *, labels: bool = True) -> None:
    ax.plot(span, span, ":", color="black", lw=1.2, label="perfect calibration")
    for b in binned:
        errors = np.clip([b.rate - b.low, b.high - b.rate], 0.0, None)
        ax.errorbar(
            b.mean_p, b.rate, yerr=errors, color=b.series.colour, ls="--" if b.series.dashed else "-",
            lw=2.6 if b.series.bold else 1.6, marker="o", ms=6 if b.series.bold else 4.5, capsize=2.5,
            elinewidth=0.9, alpha=0.9, zorder=3 if b.series.bold else 2,
            label=f"{b.series.name}   ECE {b.ece:.4f}" if labels else None,
        )  # fmt: skip
    ax.set_xlim(*span)


def _inset(ax: Any, binned: list[_Bins]) -> None:
    """A zoom on the low scores, where equal-mass bins crowd (most cases are clearly benign)."""
    inset = ax.inset_axes((0.55, 0.07, 0.42, 0.4))
    _plot_bins(inset, binned, (0.0, _ZOOM), labels=False)
    inset.set_ylim(0.0, _ZOOM)
    inset.tick_params(labelsize=9)
    inset.set_title(f"zoom: scores below {_ZOOM:g}", fontsize=10)
    ax.indicate_inset_zoom(inset, edgecolor="#555555")


def _plot_counts(ax: Any, series: list[_Series], span: tuple[float, float]) -> None:
    edges = np.linspace(span[0], span[1], 41)
    for s in series:
        counts, _ = np.histogram(s.scores, bins=edges)
        if s.bold:
            ax.stairs(np.maximum(counts, 0.8), edges, fill=True, color=s.colour, alpha=0.45, label=s.name)
        elif s.dashed:
            ax.stairs(np.maximum(counts, 0.8), edges, color=_GREY, ls="--", lw=1.4, label=s.name)
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.8)
    ax.set_xlim(*span)
    ax.set_xlabel("predicted probability of the risky outcome")
    ax.set_ylabel("cases")
    ax.legend(loc="upper center", frameon=False, ncols=2, fontsize=9.5)


def _panel(
    figure: Any, cell: tuple[Any, Any], y: FloatArray, series: list[_Series], start: float, bins: int
) -> None:
    """One column: reliability curves from ``start`` to 1 above, how many cases score where below."""
    top = figure.add_subplot(cell[0])
    binned = [_bins(s, y, start, bins) for s in series]
    _plot_bins(top, binned, (start, 1.0))
    lowest = min([start, *(float(b.low.min()) for b in binned if len(b.low))])
    margin = 0.03 * (1.0 - start)
    top.set_ylim(lowest - margin, 1.0 + margin / 3)
    top.set_ylabel("observed rate of the risky outcome")
    top.legend(loc="upper left", frameon=False)
    if start <= 0:
        top.set_title(f"all scores, {bins} equal-mass bins")
        _inset(top, binned)
    else:
        top.set_title(f"the auto-act tail: scores >= {start:g} (ECE within it)")
    _plot_counts(figure.add_subplot(cell[1], sharex=top), series, (start, 1.0))


def _draw(y: FloatArray, series: list[_Series], path: Path, title: str, bins: int, tail: float) -> None:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_STYLE):
        figure = Figure(figsize=(14, 8), dpi=130, layout="constrained")
        grid = figure.add_gridspec(2, 2, height_ratios=(3.2, 1.1), width_ratios=(1.1, 1))
        for column, start in enumerate((0.0, tail)):
            _panel(figure, (grid[0, column], grid[1, column]), y, series, start, bins)
        rate = float(y.mean()) if len(y) else float("nan")
        figure.suptitle(f"{title}\n{len(y):,} cases, {rate:.1%} risky; bars: 95% Wilson intervals", size=14)
        figure.savefig(path, facecolor="white")


def reliability_diagram(
    y: ArrayLike,
    p: ArrayLike | Mapping[str, ArrayLike],
    path: str | Path,
    title: str,
    *,
    bins: int = 10,
    tail_from: float = 0.8,
    highlight: str | None = None,
) -> Path:
    """Write a reliability diagram (PNG; no display needed) of binary outcomes ``y`` against one score
    array ``p`` or several named ones, e.g. "uncalibrated" (drawn grey and dashed) and each
    calibrator.  Left: every score over ``bins`` equal-mass bins, with a zoom on the low scores;
    right: the tail at or above ``tail_from``.  Under each, how many cases score where (log scale)
    for the ``highlight`` series (default: the last) and the uncalibrated one."""
    named = {
        k: np.asarray(v, dtype=np.float64)
        for k, v in (p.items() if isinstance(p, Mapping) else [("model", p)])
    }
    chosen = highlight if highlight is not None else list(named)[-1]
    if chosen not in named:
        raise ValueError(f"highlight {chosen!r} is not one of {list(named)}")
    colours = iter(_COLOURS * len(named))
    series = [
        _Series(name, scores, _GREY if name.startswith("uncalibrated") else next(colours), name == chosen)
        for name, scores in named.items()
    ]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _draw(np.asarray(y, dtype=np.float64), series, target, title, bins, tail_from)
    return target
