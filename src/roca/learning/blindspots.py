"""The blind-spot report for ML engineers (pure): what reviewers keep telling ROCA, ranked so that
what is both frequent and new comes first.

Every piece of feedback (a root cause, a signal marked misleading or named missing, an annotation
that falls into a cluster of similar ones) is counted per segment in the report window and in the
baseline before it.  Its rate per human decision in each window gives a lift, smoothed towards the
pooled rate so that a handful of cases cannot claim a huge one; the score is count x ln(1 + lift):
a steady finding earns 0.69 per case, one ten times commoner than before 2.4 per case."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from roca.learning.blindspot_text import UNCLUSTERED, cluster_texts

FindingKind = Literal["root_cause", "missing_signal", "misleading_signal", "annotation_cluster"]
KIND_ORDER: tuple[FindingKind, ...] = (
    "root_cause",
    "missing_signal",
    "misleading_signal",
    "annotation_cluster",
)
Place = Literal["window", "baseline"]
Period = Literal["day", "week"]

PRIOR_DECISIONS = 5.0  # pseudo-decisions at the pooled rate added to each window
MAX_EXAMPLES = 3
MIN_CLUSTER = 2  # one annotation is an anecdote, two that agree are a pattern
LEANED_ON = 3
DAILY_UP_TO_DAYS = 62  # longer reports count root causes per ISO week


@dataclass(frozen=True, slots=True)
class SignalMark:
    kind: Literal["misleading", "missing"]
    signal: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    """One human decision and what its reviewer said about ROCA.  ``leaned_on``: the signals
    that pushed hardest towards ROCA's recommendation in the case's latest scoring."""

    decision_id: int
    case_id: int
    external_id: str
    case_type: str
    task_kind: str | None
    created_at: datetime
    agrees_with_roca: bool | None
    root_cause: str | None = None
    annotation: str | None = None
    marks: tuple[SignalMark, ...] = ()
    leaned_on: tuple[str, ...] = ()

    @property
    def overturned(self) -> bool:
        return self.agrees_with_roca is False


@dataclass(frozen=True, slots=True)
class Window:
    """The report window [since, until) and the baseline [baseline_since, since) before it."""

    since: datetime
    until: datetime
    baseline_since: datetime

    def place(self, at: datetime) -> Place | None:
        if self.since <= at < self.until:
            return "window"
        if self.baseline_since <= at < self.since:
            return "baseline"
        return None

    @property
    def period(self) -> Period:
        return "day" if self.until - self.baseline_since <= timedelta(days=DAILY_UP_TO_DAYS) else "week"

    def periods(self) -> tuple[str, ...]:
        labels: dict[str, None] = {}
        day = self.baseline_since
        while day < self.until:
            labels[period_of(day, self.period)] = None
            day += timedelta(days=1)
        return tuple(labels)


@dataclass(frozen=True, slots=True)
class Example:
    case_id: int
    external_id: str
    task_kind: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Volume:
    """Human decisions of one segment, and how many overturned ROCA, in each window."""

    decisions: int = 0
    overturns: int = 0
    baseline_decisions: int = 0
    baseline_overturns: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    segment: str
    key: str
    count: int
    baseline_count: int
    lift: float
    score: float
    overturns: int
    qa_audits: int  # how many came from blind audits of automatic decisions
    examples: tuple[Example, ...]
    leaned_on: tuple[tuple[str, int], ...]
    by_period: tuple[tuple[str, int], ...]
    terms: tuple[str, ...] = ()  # an annotation cluster's characteristic terms


@dataclass(frozen=True, slots=True)
class BlindSpotReport:
    window: Window
    volumes: dict[str, Volume]
    findings: tuple[Finding, ...]  # best first
    periods: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(v.decisions or v.baseline_decisions for v in self.volumes.values())

    def top(self, limit: int) -> list[Finding]:
        return [finding for finding in self.findings if finding.count > 0][:limit]

    def of_kind(self, *kinds: FindingKind) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind in kinds]


def lift(count: int, decisions: int, baseline_count: int, baseline_decisions: int) -> float:
    """How much commoner per human decision a finding is in the window than in the baseline."""
    pooled = (count + baseline_count + 0.5) / (decisions + baseline_decisions + 1.0)
    now = (count + PRIOR_DECISIONS * pooled) / (decisions + PRIOR_DECISIONS)
    before = (baseline_count + PRIOR_DECISIONS * pooled) / (baseline_decisions + PRIOR_DECISIONS)
    return now / before


def score(count: int, lift_: float) -> float:
    return count * math.log1p(lift_)


def period_of(at: datetime, period: Period) -> str:
    if period == "day":
        return at.date().isoformat()
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def build_report(feedback: Iterable[Feedback], window: Window) -> BlindSpotReport:
    rows = [row for row in feedback if window.place(row.created_at) is not None]
    volumes = _volumes(rows, window)
    groups: dict[tuple[FindingKind, str, str], list[Feedback]] = defaultdict(list)
    for row in rows:
        for kind, key in _keys(row):
            groups[kind, row.case_type, key].append(row)
    terms: dict[tuple[str, str], tuple[str, ...]] = {}
    for (segment, key), (members, cluster_terms) in _clusters(rows).items():
        groups["annotation_cluster", segment, key] = members
        terms[segment, key] = cluster_terms
    findings = [
        _finding(kind, segment, key, members, window, volumes[segment], terms.get((segment, key), ()))
        for (kind, segment, key), members in groups.items()
    ]
    findings.sort(key=lambda f: (-f.score, -f.count, KIND_ORDER.index(f.kind), f.segment, f.key))
    return BlindSpotReport(window, volumes, tuple(findings), window.periods())


def _volumes(rows: list[Feedback], window: Window) -> dict[str, Volume]:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        where = window.place(row.created_at)
        tally[row.case_type][f"{where}"] += 1
        tally[row.case_type][f"{where}_overturns"] += row.overturned
    return {
        segment: Volume(t["window"], t["window_overturns"], t["baseline"], t["baseline_overturns"])
        for segment, t in tally.items()
    }


def _keys(row: Feedback) -> Iterator[tuple[FindingKind, str]]:
    if row.root_cause:
        yield "root_cause", row.root_cause
    marked = {(mark.kind, mark.signal) for mark in row.marks}
    for kind, signal in sorted(marked):
        yield ("missing_signal" if kind == "missing" else "misleading_signal"), signal


def _clusters(rows: list[Feedback]) -> dict[tuple[str, str], tuple[list[Feedback], tuple[str, ...]]]:
    """Annotations grouped per segment, keyed by their characteristic terms."""
    by_segment: dict[str, list[Feedback]] = defaultdict(list)
    for row in rows:
        if row.annotation and row.annotation.strip():
            by_segment[row.case_type].append(row)
    found: dict[tuple[str, str], tuple[list[Feedback], tuple[str, ...]]] = {}
    for segment, annotated in sorted(by_segment.items()):
        clustering = cluster_texts([row.annotation or "" for row in annotated])
        members: dict[int, list[Feedback]] = defaultdict(list)
        for row, cluster in zip(annotated, clustering.assignment, strict=True):
            if cluster != UNCLUSTERED:
                members[cluster].append(row)
        for cluster, rows_in in members.items():
            if len(rows_in) >= MIN_CLUSTER:
                key = _unique(" · ".join(clustering.terms[cluster]), segment, found)
                found[segment, key] = (rows_in, clustering.terms[cluster])
    return found


def _unique(key: str, segment: str, taken: Mapping[tuple[str, str], object]) -> str:
    candidate, n = key, 2
    while (segment, candidate) in taken:
        candidate, n = f"{key} ({n})", n + 1
    return candidate


def _finding(
    kind: FindingKind,
    segment: str,
    key: str,
    members: list[Feedback],
    window: Window,
    volume: Volume,
    terms: tuple[str, ...],
) -> Finding:
    now = [row for row in members if window.place(row.created_at) == "window"]
    count, before = len(now), len(members) - len(now)
    lifted = lift(count, volume.decisions, before, volume.baseline_decisions)
    leaned = Counter(signal for row in now for signal in row.leaned_on)
    periods = Counter(period_of(row.created_at, window.period) for row in members)
    return Finding(
        kind=kind, segment=segment, key=key, count=count, baseline_count=before, lift=lifted,
        score=score(count, lifted), overturns=sum(row.overturned for row in now),
        qa_audits=sum(row.task_kind == "qa" for row in now), examples=_examples(kind, key, now),
        leaned_on=tuple(leaned.most_common(LEANED_ON)), by_period=tuple(sorted(periods.items())), terms=terms,
    )  # fmt: skip


def _examples(kind: FindingKind, key: str, rows: list[Feedback]) -> tuple[Example, ...]:
    """Overturns first, then the most recent; cases whose reviewer wrote something before others."""
    ordered = sorted(rows, key=lambda r: (not r.overturned, -r.created_at.timestamp(), -r.decision_id))
    texts = [(row, _example_text(kind, key, row)) for row in ordered]
    chosen = [pair for pair in texts if pair[1]] + [pair for pair in texts if not pair[1]]
    return tuple(
        Example(row.case_id, row.external_id, row.task_kind, text) for row, text in chosen[:MAX_EXAMPLES]
    )


def _example_text(kind: FindingKind, key: str, row: Feedback) -> str:
    """For a marked signal the reviewer's note on it says most; otherwise the annotation."""
    if kind in ("missing_signal", "misleading_signal"):
        notes = [mark.note for mark in row.marks if mark.signal == key and mark.note.strip()]
        if notes:
            return notes[0].strip()
    return (row.annotation or "").strip()
