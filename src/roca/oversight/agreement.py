"""Agreement and error statistics for the lead's dashboard (pure).

* Cohen's kappa ``(p_o - p_e) / (1 - p_e)``: agreement beyond what two raters with these marginal
  frequencies would reach by chance.  Undefined (None) when chance agreement is already perfect
  (both raters always gave the same single answer).
* Observed auto-decision error from blind QA audits: each audit was drawn with a known probability
  ``pi``, so the point estimate is the Hajek (inverse-probability-weighted) rate and the upper bound
  is the banded Clopper-Pearson bound of ``roca.policy.thresholds`` (one band per ``pi``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from roca.policy.thresholds import LabelBand, banded_upper_bound, clopper_pearson_upper, weighted_error_rate

CONFIDENCE = 0.95  # of every upper bound shown on the dashboard
MIN_AGREEMENT_PAIRS = 20  # below this, kappa swings too much to be worth showing


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``total``, with an exact upper confidence bound on the underlying rate."""

    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None

    def upper(self, confidence: float = CONFIDENCE) -> float | None:
        return clopper_pearson_upper(self.count, self.total, confidence) if self.total else None


@dataclass(frozen=True, slots=True)
class Agreement:
    pairs: int
    observed: float | None  # share of pairs that agree
    kappa: float | None

    @property
    def enough(self) -> bool:
        return self.pairs >= MIN_AGREEMENT_PAIRS


@dataclass(frozen=True, slots=True)
class ObservedError:
    """ROCA's automatic decisions as blind audits judged them."""

    audits: int
    errors: int
    point: float | None  # inverse-probability-weighted error rate
    upper: float | None  # upper bound at CONFIDENCE


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[label] * second[label] for label in first) / (n * n)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1.0 - chance)


def agreement(pairs: Sequence[tuple[str, str]]) -> Agreement:
    observed = sum(a == b for a, b in pairs) / len(pairs) if pairs else None
    return Agreement(len(pairs), observed, cohens_kappa(pairs))


def overturn_rate(agreed: int, overturned: int) -> Share:
    """People's decisions on cases ROCA recommended: the share that went against ROCA."""
    return Share(overturned, agreed + overturned)


def observed_error(audits: Sequence[tuple[bool, float]], confidence: float = CONFIDENCE) -> ObservedError:
    """``audits``: (ROCA was wrong, the audit's sampling probability pi) per blind audit."""
    if not audits:
        return ObservedError(0, 0, None, None)
    wrong = [error for error, _ in audits]
    point = weighted_error_rate(wrong, [1.0 / pi for _, pi in audits])
    return ObservedError(len(audits), sum(wrong), point, banded_upper_bound(_bands(audits), confidence))


def _bands(audits: Sequence[tuple[bool, float]]) -> list[LabelBand]:
    """One band per sampling probability: its audits stand for ``audits / pi`` automatic decisions."""
    by_pi: dict[float, list[bool]] = {}
    for error, pi in audits:
        by_pi.setdefault(pi, []).append(error)
    return [LabelBand(len(errs), sum(errs), len(errs) / pi) for pi, errs in sorted(by_pi.items())]
