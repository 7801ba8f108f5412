"""An exact test of "error among automated cases <= alpha" on a pool whose labels were drawn
selectively: post-stratified by score cells, then a proportional subsample (pure).

Why: once a band is automated, only blind audits drawn with a small known probability pi label it.
Bounding each labelling-probability band on its own (``thresholds.banded_upper_bound``) lets a
handful of clean audits of weight 1/pi stand for hundreds of cases with a bound of 50 %, and the
segment's automation collapses the night after it starts (docs/learning.md).  The reviews from
before the band was automated say a lot about it, but only under the assumption Learn-then-Test
already makes for the cases to come: cases are exchangeable over time.

The test, for one candidate band:

* A **cell** is a set of pool cases in which, at every moment of the pool, every case had the same
  labelling probability: cases between two consecutive scores at which the routing changed (the
  thresholds in force and their QA near-bands) and in one **stratum** (a guardrail that forces
  review labels a case whatever its score).  A candidate band takes the part of each cell inside
  it, which shares that labelling history too; few large cells keep ``f`` below from being the
  smallest of many noisy shares.  Within a cell the labelled cases are then the ones that arrived
  while the cell was reviewed, plus the audit draws: under exchangeability a random subset of the
  cell, whatever the labels.
* Let ``N_c`` be the cell's cases in the pool (labelled or not) and ``n_c`` its labelled ones, and
  ``f = min_c n_c / N_c`` over the band's cells.  From every cell keep ``k_c = ceil(f N_c)``
  labelled cases, chosen by a draw fixed per case (a hash of its id, never its label).  The kept
  cases are a proportional stratified sample of the band: their error count is a sum of binomials
  with mean ``sum_c k_c e_c >= f sum_c N_c e_c``, at least ``k alpha'`` under the null (error among
  the band's cases > alpha), where ``k = sum_c k_c`` and ``alpha' = alpha f N / k``.
* ``P(Bin(k, alpha') <= errors)`` is a valid p-value: a sum of independent Bernoulli variables is
  more concentrated than the binomial with the same mean (Hoeffding 1956, Theorem 4, for counts
  below the mean minus one; above it the binomial p-value exceeds any delta' the walk uses).

With every case labelled (nothing automated yet) ``f = 1`` and this is the exact binomial test on
all labels.  Once a band is automated, ``f`` is the share of its time the least-labelled cell was
reviewed (plus the audit rate), so the band keeps its certificate while the audits stay clean and
grows it with every reviewed cell beyond the threshold.  The cell shares are those of the pool's
own cases (post-stratification), an approximation of the population shares of order 1/sqrt(N).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class StratifiedTest:
    """One candidate band's proportional subsample and its exact p-value."""

    cases: int  # pool cases in the band, labelled or not
    labelled: int
    labelled_errors: int
    labelled_share: float  # f: the smallest labelled share of the band's cells
    kept: int  # k
    kept_errors: int
    alpha_kept: float  # alpha'
    estimate: float  # the post-stratified error rate, sum_c N_c/N * errors_c/n_c
    p_value: float
    clean_p_value: float  # the p-value with no error in the kept cases
    upper_bound: float  # on the band's error at the test's confidence: <= alpha exactly when p <= delta'


def cells(score: FloatArray, stratum: IntArray, boundaries: FloatArray) -> IntArray:
    """Cell index of every case: its stratum and the interval (b_i-1, b_i] its score falls in."""
    interval = np.searchsorted(boundaries, score, side="left").astype(np.int64)
    return stratum.astype(np.int64) * (boundaries.size + 1) + interval


def test_band(
    in_band: BoolArray,
    cell: IntArray,
    labelled: BoolArray,
    error: BoolArray,
    draw: FloatArray,
    alpha: float,
    confidence: float,
) -> StratifiedTest:
    """The proportional subsample of the band, the exact binomial p-value of its errors and the
    matching upper bound on the band's error (Clopper-Pearson on the kept cases, scaled by
    ``k / (f N)`` as ``alpha'`` is)."""
    chosen = np.flatnonzero(in_band)
    if chosen.size == 0:
        return StratifiedTest(0, 0, 0, 0.0, 0, 0, alpha, math.nan, 1.0, 1.0, 1.0)
    _, local = np.unique(cell[chosen], return_inverse=True)
    is_labelled = labelled[chosen]
    is_error = error[chosen] & is_labelled
    cases_per_cell = _per_cell(local, np.ones(local.size, dtype=bool))
    labelled_per_cell = _per_cell(local, is_labelled)
    errors_per_cell = _per_cell(local, is_error)
    share = float(np.min(labelled_per_cell / cases_per_cell))
    estimate = _post_stratified(cases_per_cell, labelled_per_cell, errors_per_cell)
    counts = (len(chosen), int(is_labelled.sum()), int(is_error.sum()))
    if share <= 0:
        return StratifiedTest(*counts, 0.0, 0, 0, alpha, estimate, 1.0, 1.0, 1.0)
    keep_per_cell = np.minimum(np.ceil(share * cases_per_cell - 1e-9), labelled_per_cell).astype(np.int64)
    kept = _kept(local, is_labelled, draw[chosen], keep_per_cell)
    k, errors = int(kept.sum()), int((kept & is_error).sum())
    alpha_kept = alpha * share * len(chosen) / k
    p_value = float(stats.binom.cdf(errors, k, alpha_kept))
    clean = float((1.0 - alpha_kept) ** k)
    upper = 1.0 if errors >= k else float(stats.beta.ppf(confidence, errors + 1, k - errors))
    bound = min(1.0, upper * alpha / alpha_kept)
    return StratifiedTest(*counts, share, k, errors, alpha_kept, estimate, p_value, clean, bound)


def _per_cell(local: IntArray, flag: BoolArray) -> FloatArray:
    return np.bincount(local, weights=flag.astype(np.float64), minlength=int(local.max()) + 1).astype(
        np.float64
    )


def _kept(local: IntArray, is_labelled: BoolArray, draw: FloatArray, keep_per_cell: IntArray) -> BoolArray:
    """The first ``keep_per_cell[c]`` labelled cases of every cell in the order of their draws."""
    candidates = np.flatnonzero(is_labelled)
    order = candidates[np.lexsort((draw[candidates], local[candidates]))]
    cell_of = local[order]
    first = np.searchsorted(cell_of, cell_of, side="left")
    rank = np.arange(order.size) - first
    kept = np.zeros(local.size, dtype=bool)
    kept[order[rank < keep_per_cell[cell_of]]] = True
    return kept


def _post_stratified(cases: FloatArray, labelled: FloatArray, errors: FloatArray) -> float:
    seen = labelled > 0
    if not np.any(seen):
        return math.nan
    rates = np.divide(errors, labelled, out=np.zeros_like(errors), where=seen)
    return float((cases[seen] * rates[seen]).sum() / cases[seen].sum())
