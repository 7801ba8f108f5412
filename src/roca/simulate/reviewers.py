"""Simulated reviewers: people who decide a case from what really happened, now and then wrongly,
and who say why when they overturn ROCA (root cause, annotation, signal marks).  Pure: the caller
hands in the ground truth, what ROCA showed (nothing in a blind audit) and a seeded generator.

Where the errors fall.  A reviewer's ``error_rate`` (2 % by default) is their overall share of
wrong decisions on the day's mix of cases, but it is not spread evenly: people do not get a blatant
takeover or a forgotten password wrong, they get the genuinely ambiguous cases wrong - a look-alike
whose footprint could be a takeover, a careful attacker who leaves the owner's footprint.  Each
case has a *difficulty*, its ambiguity relative to the average case (1.0 average, near 0 obvious),
and the reviewer errs with probability ``error_rate x difficulty`` (capped at 0.45), so the mean
stays ``error_rate`` while obvious cases are almost never wrong.

The closed loop measures difficulty on the case's evidence with a reference model trained on ground
truth elsewhere (``roca.learning.loop_expert``).  Without one, ``scenario_difficulty`` stands in:
an ambiguity weight per ATO scenario (``AMBIGUITY``: 0.05 for an ordinary takeover, up to 3 for the
owner's SIM-swap twin, a lost phone) over its mean on the default ATO mix; other case types get 1.
An error is the other decision (one of the others, for KYC and KYB), whatever ROCA recommended: the
simulated reviewers are not anchored on the recommendation (a caveat in ``docs/learning.md``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.simulate.ato import LEGIT_MIX
from roca.simulate.ato_campaigns import CAREFUL_FROM, EVASIONS
from roca.simulate.config import NOVEL_CAMPAIGN
from roca.simulate.reviewer_notes import note_for
from roca.simulate.world import GroundTruth

Language = Literal["en", "zh"]
ReviewerRole = Literal["reviewer", "senior_reviewer", "qa"]
MAX_ERROR = 0.45  # even the hardest case is more often right than wrong
ATO_TRUE_RATE = 0.20  # the simulator's default, for the mean ambiguity

# How easily a careful reviewer gets a scenario wrong, relative to the average ATO case.
AMBIGUITY: dict[str, float] = {
    "attack": 0.05,  # an ordinary takeover: a new device, a drain, security changes
    "careful": 2.5,  # an attacker with 4+ evasions: nearly the owner's footprint
    NOVEL_CAMPAIGN: 1.0,  # the owner's device and line, but an address saved minutes before
    "travel": 0.6,
    "new_phone": 1.0,
    "lost_phone": 3.0,
    "vpn_user": 0.2,
    "forgotten_password": 0.1,
    "failed_attack": 1.5,
    "new_exchange": 0.4,
    "trading_bot": 0.4,
    "large_withdrawal": 0.4,
    "account_exit": 2.0,
    "shared_access": 3.0,
    "p2p_merchant": 1.0,
}


@dataclass(frozen=True, slots=True)
class ReviewerProfile:
    name: str
    language: Language = "en"
    capacity: int = 60  # tasks a day
    error_rate: float = 0.02  # overall share of wrong decisions
    speed: float = 12.0  # tasks an hour
    role: ReviewerRole = "reviewer"

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rate < 0.5 or self.capacity < 0 or self.speed <= 0:
            raise ValueError(f"reviewer {self.name}: need 0 <= error_rate < 0.5, capacity >= 0, speed > 0")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the reviewer submits: a decision, and when it overturns ROCA, the feedback."""

    decision: str
    correct: bool
    root_cause: str | None = None
    annotation: str | None = None
    signal_marks: list[dict[str, str]] = field(default_factory=list)


def scenario_difficulty(truth: GroundTruth) -> float:
    """Difficulty from the scenario alone, when no measure of the case's evidence is at hand."""
    if truth.case_type != "ato":
        return 1.0
    if truth.malicious and truth.scenario != NOVEL_CAMPAIGN:
        weight = AMBIGUITY["careful" if truth.variant == "careful" else "attack"]
    else:
        weight = AMBIGUITY.get(truth.scenario, 1.0)
    return weight / mean_ato_ambiguity()


def error_probability(truth: GroundTruth, error_rate: float, difficulty: float | None = None) -> float:
    """The chance this reviewer gets this case wrong (see the module docstring)."""
    relative = scenario_difficulty(truth) if difficulty is None else max(difficulty, 0.0)
    return min(MAX_ERROR, error_rate * relative)


@lru_cache(maxsize=1)
def mean_ato_ambiguity() -> float:
    """Mean ambiguity over the default ATO mix: 20 % takeovers (a share of them careful), 80 %
    look-alikes in ``LEGIT_MIX`` proportions."""
    careful = careful_share()
    attack = careful * AMBIGUITY["careful"] + (1 - careful) * AMBIGUITY["attack"]
    total = sum(LEGIT_MIX.values())
    legit = sum(share * AMBIGUITY[name] for name, share in LEGIT_MIX.items()) / total
    return ATO_TRUE_RATE * attack + (1 - ATO_TRUE_RATE) * legit


def careful_share() -> float:
    """P(at least CAREFUL_FROM of the independent evasions): the share of "careful" attacks."""
    counts = [1.0]  # counts[k] = P(k evasions so far)
    for share in EVASIONS.values():
        counts = [
            (counts[k] if k < len(counts) else 0.0) * (1 - share) + (counts[k - 1] * share if k else 0.0)
            for k in range(len(counts) + 1)
        ]
    return math.fsum(counts[CAREFUL_FROM:])


def judge(
    truth: GroundTruth, profile: ReviewerProfile, rng: random.Random, difficulty: float | None = None
) -> str:
    """The reviewer's decision: the truth, or with the case's error probability another decision."""
    if rng.random() >= error_probability(truth, profile.error_rate, difficulty):
        return truth.label
    others = [d for d in DECISIONS[truth.case_type] if d != truth.label]
    return others[int(rng.random() * len(others))]


def feedback(
    truth: GroundTruth, decision: str, roca_answer: str, language: Language, rng: random.Random
) -> Verdict:
    """Root cause, annotation (in the reviewer's language) and signal marks for a decision that
    differs from ``roca_answer``; the marks' notes stay empty, as most reviewers leave them."""
    right = decision == truth.label
    believes_risky = decision == RISKY_DECISION[truth.case_type]
    note = note_for(truth.case_type, truth.scenario, right, believes_risky)
    marks = [{"kind": kind, "signal": signal, "note": ""} for kind, signal in note.marks]
    if len(marks) > 1 and rng.random() < 0.3:  # some reviewers mark only the signal that struck them
        marks = marks[:1]
    text = note.zh if language == "zh" else note.en
    return Verdict(decision, right, note.root_cause, text, marks)


def review(
    truth: GroundTruth,
    shown: str | None,
    profile: ReviewerProfile,
    rng: random.Random,
    roca_answer: str | None = None,
    difficulty: float | None = None,
) -> Verdict:
    """Decide a case.  ``shown`` is ROCA's recommendation as the reviewer saw it (None in a blind
    audit or shadow mode); ``roca_answer`` is what the decision is compared with when it is
    recorded (for a blind audit, ROCA's automatic decision: the form asks for feedback on submit).
    ``difficulty``: the case's ambiguity relative to the average case (None: from the scenario)."""
    decision = judge(truth, profile, rng, difficulty)
    compared = roca_answer if roca_answer is not None else shown
    if compared is None or compared == decision:
        return Verdict(decision, decision == truth.label)
    return feedback(truth, decision, compared, profile.language, rng)


def minutes_for(
    truth: GroundTruth, profile: ReviewerProfile, rng: random.Random, difficulty: float | None = None
) -> float:
    """Time spent on one case: ``60 / speed`` for an average case, longer on ambiguous ones."""
    mean = 60.0 / profile.speed
    relative = scenario_difficulty(truth) if difficulty is None else difficulty
    scale = 0.7 + 0.3 * min(relative, 3.0)
    return mean * scale * math.exp(0.3 * rng.gauss(0.0, 1.0) - 0.045)


def default_team(
    reviewers: int, capacity: int, error_rate: float, speed: float = 12.0, qa_analysts: int = 1
) -> list[ReviewerProfile]:
    """``reviewers`` reviewers (a third read Chinese; every third, from the first, is a senior who
    also settles four-eyes decisions) and ``qa_analysts`` QA analysts with the same capacity."""
    team = []
    for index in range(reviewers):
        language: Language = "zh" if index % 3 == 1 else "en"
        role: ReviewerRole = "senior_reviewer" if index % 3 == 0 else "reviewer"
        team.append(
            ReviewerProfile(f"sim-{language}-{index + 1}", language, capacity, error_rate, speed, role)
        )
    for index in range(qa_analysts):
        language = "zh" if index % 2 else "en"
        team.append(ReviewerProfile(f"sim-qa-{index + 1}", language, capacity, error_rate, speed, "qa"))
    return team
