"""An anytime-valid test of "error among automated cases <= alpha" that reads every case of a pool,
labelled or not, with inverse-probability weights (pure).

Why: once a band is automated, only blind audits drawn with a small known probability pi label it.
Bounding each labelling-probability band on its own (``thresholds.banded_upper_bound``) then lets a
handful of clean audits of weight 1/pi stand for hundreds of cases with a bound of 50 %, and the
segment's automation collapses the night after it starts (docs/learning.md).  The reviews from
before the band was automated say a lot about it, but only under the assumption Learn-then-Test
already makes for future cases: cases are exchangeable over time.  Under that assumption this test
uses them, and audits of automated cases still count, each at its own weight.

The test (Waudby-Smith & Ramdas 2023, "Estimating means of bounded random variables by betting";
with inverse-probability weights for actively sampled labels as in Xu, Karampatziakis & Mineiro
2024, "Active, anytime-valid risk controlling prediction sets"):

* Walk the pool's cases in arrival order.  Case ``t`` inside the candidate band contributes
  ``D_t = e_t / pi_t - alpha`` when it was labelled (``e_t`` = 1 when the decision the band would take
  was wrong) and ``-alpha`` when it was not; cases outside the band contribute nothing.  Given
  everything before it, ``E[D_t] = P(error, in band) - alpha P(in band)``: labelling with known
  probability ``pi_t`` is unbiased whatever the case, so the null "error among automated cases >
  alpha" makes every ``D_t`` non-negative in expectation.
* Wealth ``W = prod_t (1 - lambda_t D_t)`` with a bet ``lambda_t`` fixed before case ``t`` is seen
  (from the cases before it and the policy in force when it arrived) and small enough that a
  labelled error of the largest weight possible at that time (``max_weight_t``) cannot make a
  factor negative.  Under the null ``W`` is a non-negative supermartingale starting at 1, so
  ``P(W >= 1/delta') <= delta'`` (Ville's inequality): ``p = min(1, 1/W)`` is a valid p-value, and
  it stays valid whenever the pool is read, every night.
* The bet is the plug-in of the growth-optimal bet for the running error estimate (GRAPA): large
  while every case is reviewed (weight 1), small while audits of weight 33 could arrive.  An
  automated case nobody audited adds a little evidence (``1 + lambda alpha``); a labelled error of
  weight 1/pi takes a share of the wealth proportional to that weight.

Compared with the exact binomial test on a fully labelled sample it needs somewhat more cases (a
bet cannot know the error rate in advance), which is the price of reading audited and unaudited
automated cases in the same test.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# The bet's prior: the error rate is a quarter of alpha, worth this many cases.
PRIOR_SHARE_OF_ALPHA = 0.25
PRIOR_CASES = 50.0
# Never stake more than this share of what a worst-case labelled error could take.
MAX_STAKE = 0.95


def log_wealth(
    in_band: BoolArray,
    weighted_error: FloatArray,
    max_weight: FloatArray,
    alpha: float,
) -> float:
    """Log of the betting wealth over one candidate band; cases in arrival order.
    ``weighted_error`` is ``e_t / pi_t`` for a labelled case (0 when it was right or not labelled)."""
    selected = np.flatnonzero(in_band)
    if selected.size == 0:
        return 0.0
    observed = weighted_error[selected]
    ceiling = max_weight[selected]
    seen_before = np.concatenate(([0.0], np.cumsum(observed)[:-1]))
    cases_before = np.arange(selected.size, dtype=np.float64)
    error_estimate = (seen_before + alpha * PRIOR_SHARE_OF_ALPHA * PRIOR_CASES) / (cases_before + PRIOR_CASES)
    edge = np.maximum(alpha - error_estimate, 0.0)
    # Variance of one case's weighted error under a regime whose audits weigh up to ``ceiling``.
    spread = error_estimate * ceiling + edge**2
    bet = np.minimum(edge / spread, MAX_STAKE / np.maximum(ceiling - alpha, 1e-12))
    return float(np.log1p(-bet * (observed - alpha)).sum())


def p_value(in_band: BoolArray, weighted_error: FloatArray, max_weight: FloatArray, alpha: float) -> float:
    """``min(1, 1/W)``: at most delta' with probability at most delta' when the band's error > alpha."""
    return min(1.0, math.exp(-log_wealth(in_band, weighted_error, max_weight, alpha)))


def clean_p_value(in_band: BoolArray, max_weight: FloatArray, alpha: float) -> float:
    """The p-value the band would get with no error at all: above delta', the band cannot be
    certified whatever its labels say, so it is not tested (like too few labels)."""
    return p_value(in_band, np.zeros(in_band.shape, dtype=np.float64), max_weight, alpha)
