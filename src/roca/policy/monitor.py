"""Drift monitor on the QA-audited errors of one automated segment side: a Bernoulli CUSUM.

Every audited automatic decision adds its log-likelihood ratio of error rate ``alpha1 = shift * alpha``
(default ``2 * alpha``) against the target ``alpha0 = alpha``:

    error:  log(alpha1 / alpha0)              clean:  log((1 - alpha1) / (1 - alpha0))  (< 0)

and the statistic is ``S_t = max(0, S_{t-1} + llr_t)``; the monitor alarms when ``S_t >= h``
(Page 1954; Bernoulli CUSUM, Reynolds & Stoumbos 1999). An alarm says the segment's error has
most likely moved above alpha, and the policy contracts that side's automation at once.

Choosing ``h``: the false-alarm run length (ARL0, audits until a false alarm when the true error is
alpha) is computed exactly on the integer-scaled chain (Brook & Evans 1972): in units of one clean
step, an error moves the statistic up by ``round(log(alpha1/alpha0) / |log((1-alpha1)/(1-alpha0))|)``
units, and ``L = (I - Q)^-1 1`` over the transient states gives the ARL from zero. ``h`` is the
smallest limit whose ARL0 reaches the target (default 3,000 audits, a false alarm every few months at
a few dozen audits a day). Independently of that computation, ``exp(S_t)`` is a CUSUM e-detector
(Shin, Ramdas, Rinaldo 2023): each step's likelihood ratio has expectation at most 1 under any error
rate <= alpha, so ``h = log(target)`` would guarantee ``ARL0 >= target`` for every in-control rate;
the chain's ``h`` is smaller (faster detection) and exact for the nominal rate.

Weights: one audit of a single-pi QA stream is one Bernoulli draw of the automated error, so leave
``weight = 1``. When strata with different pi are mixed, pass the relative weight
``(1 / pi) / mean(1 / pi)``, which scales the step so each stratum counts for its share of traffic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

DEFAULT_TARGET_ARL = 3000.0
DEFAULT_SHIFT = 2.0


@dataclass(frozen=True, slots=True)
class MonitorState:
    """What the monitor knows after the latest audit; stored with the segment."""

    statistic: float = 0.0
    audits: int = 0  # since the last reset
    errors: int = 0
    weighted_audits: float = 0.0
    weighted_errors: float = 0.0
    alarm: bool = False
    alarm_at: int | None = None  # audit count at which the alarm first fired


def log_likelihood_ratios(alpha: float, shift: float = DEFAULT_SHIFT) -> tuple[float, float]:
    """(step on an error, step on a clean audit) of the CUSUM for alpha -> shift * alpha."""
    _check_rates(alpha, shift)
    drifted = shift * alpha
    return math.log(drifted / alpha), math.log((1 - drifted) / (1 - alpha))


def run_length(limit: float, true_rate: float, alpha: float, shift: float = DEFAULT_SHIFT) -> float:
    """Expected audits from a zero statistic to an alarm when the true error rate is ``true_rate``."""
    up, down = log_likelihood_ratios(alpha, shift)
    error_units = max(1, round(up / -down))
    states = max(1, math.ceil(limit / -down - 1e-9))
    return _chain_run_length(states, error_units, true_rate)


@lru_cache(maxsize=64)
def decision_limit(
    alpha: float, target_arl: float = DEFAULT_TARGET_ARL, shift: float = DEFAULT_SHIFT
) -> float:
    """Smallest CUSUM limit ``h`` whose false-alarm run length at ``alpha`` reaches ``target_arl``."""
    _, down = log_likelihood_ratios(alpha, shift)
    step = -down
    low, high = 1, max(2, math.ceil(math.log(target_arl) / step) + 1)  # log(target) is always enough
    while low < high:  # ARL0 grows with the number of states: binary search on it
        middle = (low + high) // 2
        if run_length(middle * step, alpha, alpha, shift) >= target_arl:
            high = middle
        else:
            low = middle + 1
    return low * step


def _chain_run_length(states: int, error_units: int, rate: float) -> float:
    # Transient states 0..states-1; an error jumps error_units up (alarm past the top), a clean audit
    # steps one down (floored at zero). Solve (I - Q) L = 1 for the run length from state 0.
    transition = np.zeros((states, states))
    rows = np.arange(states)
    transition[rows, np.maximum(rows - 1, 0)] += 1.0 - rate
    up = rows + error_units
    inside = up < states
    transition[rows[inside], up[inside]] += rate
    lengths = np.linalg.solve(np.eye(states) - transition, np.ones(states))
    return float(lengths[0])


def _check_rates(alpha: float, shift: float) -> None:
    if not 0 < alpha < 1 or shift <= 1 or shift * alpha >= 1:
        raise ValueError("need 0 < alpha < shift * alpha < 1")


@dataclass(slots=True)
class ErrorDriftMonitor:
    """Bernoulli CUSUM on one segment side's audited automatic decisions."""

    alpha: float
    shift: float = DEFAULT_SHIFT
    target_arl: float = DEFAULT_TARGET_ARL
    limit: float = field(init=False)
    state: MonitorState = field(default_factory=MonitorState)
    _error_step: float = field(init=False, repr=False)
    _clean_step: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._error_step, self._clean_step = log_likelihood_ratios(self.alpha, self.shift)
        self.limit = decision_limit(self.alpha, self.target_arl, self.shift)

    @property
    def alarm(self) -> bool:
        """True once the audited errors say the error rate is above alpha (until ``reset``)."""
        return self.state.alarm

    def update(self, error: bool, weight: float = 1.0) -> MonitorState:
        if not weight > 0 or not math.isfinite(weight):
            raise ValueError("weight must be a positive finite number")
        step = weight * (self._error_step if error else self._clean_step)
        statistic = max(0.0, self.state.statistic + step)
        fired = self.state.alarm or statistic >= self.limit
        audits = self.state.audits + 1
        self.state = replace(
            self.state,
            statistic=statistic,
            audits=audits,
            errors=self.state.errors + int(error),
            weighted_audits=self.state.weighted_audits + weight,
            weighted_errors=self.state.weighted_errors + (weight if error else 0.0),
            alarm=fired,
            alarm_at=self.state.alarm_at if self.state.alarm_at is not None else (audits if fired else None),
        )
        return self.state

    def reset(self) -> MonitorState:
        """Start afresh, e.g. after the policy contracted the segment and re-certified it."""
        self.state = MonitorState()
        return self.state
