"""Choosing a segment's automation boundary: Learn-then-Test, fixed sequence, exact binomial tests.

Statistics (Angelopoulos, Bates, Candès, Jordan, Lei 2021, "Learn then Test", arXiv:2110.01052):

* Each side of the boundary is a family of null hypotheses, one per candidate threshold ``t``:
  ``H_t: error among the cases automated at t > alpha`` (auto-act error = the case was not risky,
  i.e. 1 - PPV; auto-clear error = the case was risky, i.e. 1 - NPV).
* For ``n`` labelled cases selected at ``t`` with ``k`` errors, ``P(Bin(n, alpha) <= k)`` is a valid
  p-value for ``H_t``. It is at most ``delta'`` exactly when the one-sided Clopper-Pearson upper bound
  at confidence ``1 - delta'`` is at most ``alpha``: the two readings are one test.
* Fixed-sequence testing walks the candidates from the strictest (fewest cases automated) to the
  loosest, certifies while ``p <= delta'`` and stops at the first failure. The ordering is fixed
  before the labels are seen, so the family-wise error is at most ``delta'``: with probability
  ``>= 1 - delta'`` every certified threshold, hence the deployed loosest one, has error ``<= alpha``.
  Each side gets ``delta' = delta / 2``, so both sides of a segment hold together with probability
  ``>= 1 - delta``: the guarantee ROCA states is per segment (each segment's own alpha and delta,
  docs/decisions/0004-per-segment-guarantee.md).  ``segments > 1`` gives ``delta / (2 * segments)``
  for a deployment that wants every segment to hold at once.
* Candidates with too few labelled cases to certify even with zero errors (``n`` below the minimum,
  or ``(1 - alpha)^n > delta'``: 299 cases at alpha 1 %, delta' 5 %) are not tested and never
  automated; the sequence starts at the first testable one. Whether a candidate is testable depends
  on the scores and on who was labelled, never on the labels, so the guarantee is unchanged.
* Loosening is rate-limited: the sequence is truncated one grid step beyond the deployed threshold
  (again fixed before the labels are seen). Tightening is never limited.

Selective labels (ARCHITECTURE, "The automation boundary"): below the live auto-act threshold every
case was reviewed (weight 1); above it only the blind QA sample has labels, drawn with known
probability ``pi`` (weight ``1 / pi``). A QA sample drawn independently of the outcome is a simple
random sample of its band, so each band gets its own Clopper-Pearson bound, at ``delta' / B`` for
``B`` bands (Bonferroni), and the bounds are combined by the band sizes. When both bounds hold, the
size-weighted bound covers the error among all automated cases, so the union bound gives ``delta'``.
Inside the walk a band is the set of cases sharing one weight, and its size is the Horvitz-Thompson
count ``labelled / pi``; with a single band the plain binomial test above is used.

On a champion's whole certification pool (every case, labelled or not: :class:`PoolSample`) the
nightly recertification tests each candidate with ``policy.strata`` instead: score cells with one
labelling history each, a proportional subsample, the exact binomial test (decision 0005).  The
per-weight bound above lets a few clean audits of weight 1/pi stand for hundreds of automated cases
at a bound of 50 %, so a band it certified was given up the night after it was automated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from roca.policy import strata

Side = Literal["auto_act", "auto_clear"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

DEFAULT_ALPHA = 0.01
DEFAULT_DELTA = 0.05
DEFAULT_MIN_LABELLED = 100
# Walk order, strictest first. The clear grid stops below 0.5 so the two sides never overlap.
AUTO_ACT_GRID: tuple[float, ...] = (0.999, 0.995, 0.99, 0.985, *(round(0.98 - i / 100, 2) for i in range(49)))
AUTO_CLEAR_GRID: tuple[float, ...] = (
    0.001,
    0.005,
    0.01,
    0.015,
    *(round(0.02 + i / 100, 2) for i in range(48)),
)
_SAME = 1e-12  # threshold equality tolerance


def binomial_p_value(errors: int, labelled: int, alpha: float) -> float:
    """``P(Bin(labelled, alpha) <= errors)``: small when the errors are too few for a rate above alpha."""
    if labelled <= 0:
        return 1.0
    return float(np.clip(stats.binom.cdf(errors, labelled, alpha), 0.0, 1.0))


def clopper_pearson_upper(errors: int, labelled: int, confidence: float) -> float:
    """One-sided exact upper confidence bound on a binomial rate."""
    if labelled <= 0 or errors >= labelled:
        return 1.0
    return float(stats.beta.ppf(confidence, errors + 1, labelled - errors))


def weighted_error_rate(error: ArrayLike, weight: ArrayLike) -> float:
    """Inverse-probability-weighted (Hajek) error rate; nan without labels."""
    errors, weights = np.asarray(error, dtype=bool), np.asarray(weight, dtype=np.float64)
    total = float(weights.sum())
    return float(weights[errors].sum() / total) if total > 0 else math.nan


def effective_sample_size(weight: ArrayLike) -> float:
    """Kish effective sample size ``(sum w)^2 / sum w^2``: what unequal weights leave of n."""
    weights = np.asarray(weight, dtype=np.float64)
    squares = float((weights**2).sum())
    return float(weights.sum()) ** 2 / squares if squares > 0 else 0.0


@dataclass(frozen=True, slots=True)
class LabelBand:
    """Cases sharing one labelling probability: ``labelled`` of them have labels, ``errors`` of
    those were errors, and the band stands for ``cases`` automated cases (known or ``labelled/pi``)."""

    labelled: int
    errors: int
    cases: float


def banded_upper_bound(bands: Sequence[LabelBand], confidence: float) -> float:
    """Upper bound on the error among all cases of the bands: a Clopper-Pearson bound per band at
    ``1 - (1 - confidence) / B`` (Bonferroni over every band, empty or not), weighted by band size."""
    total = sum(band.cases for band in bands)
    if total <= 0:
        return 1.0
    per_band = 1.0 - (1.0 - confidence) / len(bands)
    bound = sum(band.cases * clopper_pearson_upper(band.errors, band.labelled, per_band) for band in bands)
    return min(1.0, bound / total)


def selective_label_upper_bound(
    *,
    reviewed_cases: int,
    reviewed_errors: int,
    audited_labelled: int,
    audited_errors: int,
    audited_cases: int,
    confidence: float,
) -> float:
    """Error bound over the reviewed band (every case labelled) and the QA-audited band
    (``audited_labelled`` of ``audited_cases`` labelled at known pi), each bounded at half the risk."""
    reviewed = LabelBand(reviewed_cases, reviewed_errors, float(reviewed_cases))
    audited = LabelBand(audited_labelled, audited_errors, float(audited_cases))
    return banded_upper_bound([reviewed, audited], confidence)


def certify_selective_labels(
    *,
    reviewed_cases: int,
    reviewed_errors: int,
    audited_labelled: int,
    audited_errors: int,
    audited_cases: int,
    alpha: float = DEFAULT_ALPHA,
    delta_side: float = DEFAULT_DELTA / 2,
) -> bool:
    """True when the two-band bound at confidence ``1 - delta_side`` is at most ``alpha``."""
    bound = selective_label_upper_bound(
        reviewed_cases=reviewed_cases,
        reviewed_errors=reviewed_errors,
        audited_labelled=audited_labelled,
        audited_errors=audited_errors,
        audited_cases=audited_cases,
        confidence=1.0 - delta_side,
    )
    return bound <= alpha


@dataclass(frozen=True, slots=True)
class SideDecision:
    """One side of the boundary and the evidence for it, stored with the policy version."""

    side: Side
    threshold: float | None  # None: this side is not automated
    alpha: float
    delta: float  # this side's delta'
    labelled: int  # labelled cases selected at the threshold (at the last one tested if None)
    errors: int
    weighted_error_rate: float | None  # inverse-probability-weighted error rate at the threshold
    p_value: float | None  # exact binomial p-value (single band); None with several bands
    upper_bound: float | None  # Clopper-Pearson / banded bound at 1 - delta'
    deployed: float | None
    candidates_tested: int
    stopped_at: float | None  # first candidate that failed, None if the walk ran out
    reason_en: str
    reason_zh: str

    def to_record(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    """Both sides of one segment's boundary."""

    auto_act: SideDecision
    auto_clear: SideDecision

    @property
    def auto_act_threshold(self) -> float | None:
        return self.auto_act.threshold

    @property
    def auto_clear_threshold(self) -> float | None:
        return self.auto_clear.threshold

    def to_record(self) -> dict[str, object]:
        return {"auto_act": self.auto_act.to_record(), "auto_clear": self.auto_clear.to_record()}


def choose_segment_thresholds(
    risk_probability: ArrayLike,
    is_risky: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    delta: float = DEFAULT_DELTA,
    segments: int = 1,
    deployed_auto_act: float | None = None,
    deployed_auto_clear: float | None = None,
    min_labelled: int = DEFAULT_MIN_LABELLED,
) -> ThresholdChoice:
    """Both sides from one set of labelled cases: auto-act errs on benign cases, auto-clear on risky."""
    risky = np.asarray(is_risky, dtype=bool)
    act, clear = _walks(alpha, delta / (2 * segments), deployed_auto_act, deployed_auto_clear, min_labelled)
    return ThresholdChoice(
        auto_act=act.run(risk_probability, ~risky, weight),
        auto_clear=clear.run(risk_probability, risky, weight),
    )


@dataclass(frozen=True, slots=True)
class PoolSample:
    """Every case of a certification pool, labelled or not, with what the post-stratified test
    (``policy.strata``) needs to know about how its labels were drawn."""

    risk_probability: FloatArray
    labelled: NDArray[np.bool_]
    risky: NDArray[np.bool_]  # read only where labelled
    stratum: IntArray  # cases labelled whatever their score (a guardrail forced review) apart
    boundaries: FloatArray  # sorted scores at which the labelling probability changed in the pool
    draw: FloatArray  # a uniform number fixed per case, never its label: which labels a cell keeps

    @classmethod
    def of(
        cls,
        risk_probability: ArrayLike,
        labelled: ArrayLike,
        risky: ArrayLike,
        *,
        stratum: ArrayLike | None = None,
        boundaries: ArrayLike = (),
        draw: ArrayLike | None = None,
    ) -> PoolSample:
        score = np.asarray(risk_probability, dtype=np.float64).ravel()
        sample = cls(
            score,
            np.asarray(labelled, dtype=bool).ravel(),
            np.asarray(risky, dtype=bool).ravel(),
            np.zeros(score.size, np.int64) if stratum is None else np.asarray(stratum, np.int64).ravel(),
            np.unique(np.asarray(boundaries, dtype=np.float64).ravel()),
            _draws(score.size) if draw is None else np.asarray(draw, dtype=np.float64).ravel(),
        )
        if len({a.size for a in (score, sample.labelled, sample.risky, sample.stratum, sample.draw)}) != 1:
            raise ValueError("every array of a pool sample must have one entry per case")
        _validated(score, sample.risky, None)
        if np.any(sample.stratum < 0):
            raise ValueError("strata are numbered from 0")
        return sample

    def __len__(self) -> int:
        return int(self.risk_probability.size)


def _draws(size: int) -> FloatArray:
    return np.random.default_rng(size).random(size)


def choose_segment_thresholds_on_pool(
    sample: PoolSample,
    *,
    alpha: float = DEFAULT_ALPHA,
    delta: float = DEFAULT_DELTA,
    segments: int = 1,
    deployed_auto_act: float | None = None,
    deployed_auto_clear: float | None = None,
    min_labelled: int = DEFAULT_MIN_LABELLED,
) -> ThresholdChoice:
    """Both sides by the post-stratified exact test over every case of the pool (``policy.strata``);
    the walk, the grids, the loosening cap and delta' are those of :func:`choose_segment_thresholds`."""
    act, clear = _walks(alpha, delta / (2 * segments), deployed_auto_act, deployed_auto_clear, min_labelled)
    return ThresholdChoice(
        auto_act=act.run_on_pool(sample, ~sample.risky),
        auto_clear=clear.run_on_pool(sample, sample.risky),
    )


def _walks(
    alpha: float,
    delta_side: float,
    deployed_act: float | None,
    deployed_clear: float | None,
    min_labelled: int,
) -> tuple[_Walk, _Walk]:
    """The two sides' walks over their grids, each at ``delta_side``."""
    return (
        _Walk("auto_act", alpha, delta_side, AUTO_ACT_GRID, deployed_act, min_labelled),
        _Walk("auto_clear", alpha, delta_side, AUTO_CLEAR_GRID, deployed_clear, min_labelled),
    )


def choose_auto_act_threshold(
    risk_probability: ArrayLike,
    error: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    delta_side: float = DEFAULT_DELTA / 2,
    grid: Sequence[float] = AUTO_ACT_GRID,
    deployed: float | None = None,
    min_labelled: int = DEFAULT_MIN_LABELLED,
) -> SideDecision:
    """Loosest certified ``auto_act`` (automate p >= t); ``error`` = the case was not risky."""
    walk = _Walk("auto_act", alpha, delta_side, tuple(grid), deployed, min_labelled)
    return walk.run(risk_probability, error, weight)


def choose_auto_clear_threshold(
    risk_probability: ArrayLike,
    error: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
    delta_side: float = DEFAULT_DELTA / 2,
    grid: Sequence[float] = AUTO_CLEAR_GRID,
    deployed: float | None = None,
    min_labelled: int = DEFAULT_MIN_LABELLED,
) -> SideDecision:
    """Loosest certified ``auto_clear`` (automate p <= t); ``error`` = the case was risky."""
    walk = _Walk("auto_clear", alpha, delta_side, tuple(grid), deployed, min_labelled)
    return walk.run(risk_probability, error, weight)


@dataclass(frozen=True, slots=True)
class _Tests:
    """Per-candidate counts and test outcomes, in walk order."""

    labelled: IntArray
    errors: IntArray
    weighted_rate: FloatArray
    p_value: FloatArray | None
    bound: FloatArray | None
    certified: NDArray[np.bool_]
    testable: NDArray[np.bool_]
    subsamples: list[strata.StratifiedTest] | None = None  # the post-stratified test per candidate


@dataclass(frozen=True, slots=True)
class _Walk:
    side: Side
    alpha: float
    delta_side: float
    grid: tuple[float, ...]
    deployed: float | None
    min_labelled: int

    @property
    def _sign(self) -> float:
        # Scores are flipped for auto-clear so both sides select "score >= cut", strictest cut first.
        return 1.0 if self.side == "auto_act" else -1.0

    def run(self, risk_probability: ArrayLike, error: ArrayLike, weight: ArrayLike | None) -> SideDecision:
        score, errors, weights = _validated(risk_probability, error, weight)
        grid = self._capped_grid()
        cuts = self._sign * np.asarray(grid, dtype=np.float64)
        if np.any(np.diff(cuts) >= 0):
            raise ValueError(f"{self.side} grid must run from the strictest threshold to the loosest")
        tests = _run_tests(self._sign * score, errors, weights, cuts, self)
        return self._decide(grid, tests)

    def run_on_pool(self, sample: PoolSample, error: NDArray[np.bool_]) -> SideDecision:
        grid = self._capped_grid()
        cuts = self._sign * np.asarray(grid, dtype=np.float64)
        tests = _run_stratified_tests(self._sign * sample.risk_probability, sample, error, cuts, self)
        return self._decide(grid, tests)

    def _capped_grid(self) -> tuple[float, ...]:
        if self.deployed is None:
            return self.grid
        deployed_cut = self._sign * self.deployed
        for index, threshold in enumerate(self.grid):
            if self._sign * threshold < deployed_cut - _SAME:
                return self.grid[: index + 1]  # one grid step looser than the deployed threshold
        return self.grid

    def _decide(self, grid: tuple[float, ...], tests: _Tests) -> SideDecision:
        start_at = np.flatnonzero(tests.testable)
        if start_at.size == 0:
            return self._record(None, tests, len(grid) - 1, 0, None, _too_few(tests, self))
        start = int(start_at[0])
        failed = np.flatnonzero(~(tests.certified[start:] & tests.testable[start:]))
        stop = start + int(failed[0]) if failed.size else len(grid)
        tested = stop - start + (1 if stop < len(grid) else 0)
        stopped_at = grid[stop] if stop < len(grid) else None
        if stop == start:
            return self._record(
                None, tests, start, tested, stopped_at, _first_failed(grid[start], tests, self)
            )
        capped = len(grid) < len(self.grid)
        reasons = _certified_reason(grid[stop - 1], tests, stop - 1, stopped_at, capped, self)
        return self._record(grid[stop - 1], tests, stop - 1, tested, stopped_at, reasons)

    def _record(
        self,
        threshold: float | None,
        tests: _Tests,
        index: int,
        tested: int,
        stopped_at: float | None,
        reasons: tuple[str, str],
    ) -> SideDecision:
        labelled = int(tests.labelled[index]) if tests.labelled.size else 0
        return SideDecision(
            side=self.side,
            threshold=threshold,
            alpha=self.alpha,
            delta=self.delta_side,
            labelled=labelled,
            errors=int(tests.errors[index]) if labelled else 0,
            weighted_error_rate=float(tests.weighted_rate[index]) if labelled else None,
            p_value=None if tests.p_value is None or not labelled else float(tests.p_value[index]),
            upper_bound=None if tests.bound is None or not labelled else float(tests.bound[index]),
            deployed=self.deployed,
            candidates_tested=tested,
            stopped_at=stopped_at,
            reason_en=reasons[0],
            reason_zh=reasons[1],
        )


def _validated(
    risk_probability: ArrayLike, error: ArrayLike, weight: ArrayLike | None
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray]:
    score = np.asarray(risk_probability, dtype=np.float64).ravel()
    errors = np.asarray(error, dtype=bool).ravel()
    weights = np.ones_like(score) if weight is None else np.asarray(weight, dtype=np.float64).ravel()
    if not score.shape == errors.shape == weights.shape:
        raise ValueError("risk_probability, error and weight must have the same length")
    if np.any(~np.isfinite(score)) or np.any((score < 0) | (score > 1)):
        raise ValueError("risk probabilities must lie in [0, 1]")
    if np.any(~np.isfinite(weights)) or np.any(weights < 1):
        raise ValueError("weights are 1 / pi for a labelling probability pi in (0, 1]")
    return score, errors, weights


def _count_at_or_above(values: FloatArray, cuts: FloatArray) -> IntArray:
    ordered = np.sort(values)
    return (ordered.size - np.searchsorted(ordered, cuts, side="left")).astype(np.int64)


def _run_tests(
    score: FloatArray, errors: NDArray[np.bool_], weights: FloatArray, cuts: FloatArray, walk: _Walk
) -> _Tests:
    levels = np.unique(weights) if weights.size else np.ones(1)  # one band per labelling probability
    band_n = np.stack([_count_at_or_above(score[weights == w], cuts) for w in levels])
    band_k = np.stack([_count_at_or_above(score[(weights == w) & errors], cuts) for w in levels])
    labelled, errs = band_n.sum(axis=0), band_k.sum(axis=0)
    mass = (band_n * levels[:, None]).sum(axis=0)
    rate = np.divide(
        (band_k * levels[:, None]).sum(axis=0), mass, out=np.full(cuts.size, np.nan), where=mass > 0
    )
    enough = labelled >= max(walk.min_labelled, 1)
    if levels.size == 1:
        p_value = np.clip(stats.binom.cdf(errs, labelled, walk.alpha), 0.0, 1.0).astype(np.float64)
        clean = (1.0 - walk.alpha) ** labelled <= walk.delta_side
        bound = _cp_upper(errs, labelled, 1.0 - walk.delta_side)
        return _Tests(labelled, errs, rate, p_value, bound, p_value <= walk.delta_side, enough & clean)
    bound = _banded(band_n, band_k, levels, walk.delta_side)
    clean_bound = _banded(band_n, np.zeros_like(band_k), levels, walk.delta_side)
    testable = enough & (clean_bound <= walk.alpha)
    return _Tests(labelled, errs, rate, None, bound, bound <= walk.alpha, testable)


def _run_stratified_tests(
    score: FloatArray, sample: PoolSample, error: NDArray[np.bool_], cuts: FloatArray, walk: _Walk
) -> _Tests:
    cell = strata.cells(sample.risk_probability, sample.stratum, sample.boundaries)
    confidence = 1.0 - walk.delta_side
    labelled, draw = sample.labelled, sample.draw
    bands = [
        strata.test_band(score >= cut, cell, labelled, error, draw, walk.alpha, confidence) for cut in cuts
    ]
    p_value = np.array([band.p_value for band in bands], dtype=np.float64)
    kept = np.array([band.kept for band in bands], dtype=np.int64)
    testable = (kept >= max(walk.min_labelled, 1)) & (
        np.array([b.clean_p_value for b in bands]) <= walk.delta_side
    )
    return _Tests(
        labelled=kept,
        errors=np.array([band.kept_errors for band in bands], dtype=np.int64),
        weighted_rate=np.array([band.estimate for band in bands], dtype=np.float64),
        p_value=p_value,
        bound=np.array([band.upper_bound for band in bands], dtype=np.float64),
        certified=p_value <= walk.delta_side,
        testable=testable,
        subsamples=bands,
    )


def _cp_upper(errors: IntArray, labelled: IntArray, confidence: float) -> FloatArray:
    """Vectorised one-sided Clopper-Pearson upper bound (1 where it is undefined)."""
    defined = errors < labelled
    upper = np.asarray(stats.beta.ppf(confidence, errors + 1, np.where(defined, labelled - errors, 1)))
    return np.where(defined, upper, 1.0).astype(np.float64)


def _banded(band_n: IntArray, band_k: IntArray, levels: FloatArray, delta_side: float) -> FloatArray:
    # Every band takes delta'/B whether or not it reaches this candidate: the split is fixed in advance.
    per_band = 1.0 - delta_side / levels.size
    sizes = band_n * levels[:, None]
    upper = np.stack([_cp_upper(band_k[b], band_n[b], per_band) for b in range(levels.size)])
    total = sizes.sum(axis=0)
    combined = np.divide((sizes * upper).sum(axis=0), total, out=np.ones(total.size), where=total > 0)
    return np.asarray(np.minimum(combined, 1.0), dtype=np.float64)


def _side_text(walk: _Walk, threshold: float) -> tuple[str, str]:
    if walk.side == "auto_act":
        return f"auto-act at p >= {threshold:.3f}", f"自动处置（p >= {threshold:.3f}）"
    return f"auto-clear at p <= {threshold:.3f}", f"自动放行（p <= {threshold:.3f}）"


def _evidence(tests: _Tests, index: int, walk: _Walk) -> str:
    counts = f"{int(tests.errors[index])} errors in {int(tests.labelled[index])} labelled cases"
    if tests.p_value is not None and tests.subsamples is not None:
        band = tests.subsamples[index]
        drawn = (
            f"{band.kept_errors} errors in {band.kept} labelled cases kept of {band.labelled} "
            f"({band.labelled_share:.0%} of every score cell of {band.cases} cases), "
            f"post-stratified error rate {band.estimate:.4f}"
        )
        return f"{drawn}, p-value {band.p_value:.4f} vs delta' {walk.delta_side:.4f}"
    if tests.p_value is not None:
        return f"{counts}, p-value {tests.p_value[index]:.4f} vs delta' {walk.delta_side:.4f}"
    assert tests.bound is not None
    return f"{counts}, banded upper bound {tests.bound[index]:.4f} vs alpha {walk.alpha:.4f}"


def _too_few(tests: _Tests, walk: _Walk) -> tuple[str, str]:
    most = int(tests.labelled.max()) if tests.labelled.size else 0
    if most == 0:
        return f"{walk.side}: no labelled cases, so no automation", "无已标注案例，不自动化"
    english = (
        f"{walk.side}: too few labelled cases (at most {most} at a candidate) to certify error <= "
        f"{walk.alpha:.2%} at confidence {1 - walk.delta_side:.1%} (minimum {walk.min_labelled})"
    )
    return (
        english,
        f"已标注案例不足（任一候选阈值最多 {most} 个），无法认证错误率不超过 {walk.alpha:.2%}，不自动化",
    )


def _first_failed(threshold: float, tests: _Tests, walk: _Walk) -> tuple[str, str]:
    index = walk.grid.index(threshold)
    what_en, what_zh = _side_text(walk, threshold)
    english = f"{walk.side}: not certified; the strictest testable candidate ({what_en}) failed: "
    n, k = int(tests.labelled[index]), int(tests.errors[index])
    chinese = f"未认证：最严格的可检验阈值（{what_zh}）未通过检验（{n} 个已标注案例中 {k} 个错误），不自动化"
    return english + _evidence(tests, index, walk), chinese


def _certified_reason(
    threshold: float, tests: _Tests, index: int, stopped_at: float | None, capped: bool, walk: _Walk
) -> tuple[str, str]:
    what_en, what_zh = _side_text(walk, threshold)
    if stopped_at is not None:
        stop = f"the next candidate {stopped_at:.3f} failed"
    elif capped:
        stop = f"loosening is capped one grid step beyond the deployed {walk.deployed:.3f}"
    else:
        stop = "the grid ran out"
    english = f"{what_en}: {_evidence(tests, index, walk)} (alpha {walk.alpha:.2%}); {stop}"
    n, k = int(tests.labelled[index]), int(tests.errors[index])
    confidence = f"{1 - walk.delta_side:.1%}"
    chinese = (
        f"{what_zh}：{n} 个已标注案例中 {k} 个错误，在置信度 {confidence} 下错误率不超过 {walk.alpha:.2%}"
    )
    return english, chinese
