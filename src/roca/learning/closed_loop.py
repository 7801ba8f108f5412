"""The closed loop: a simulated month of ROCA in production, learning from its reviewers.

Every simulated day the simulated exchange sends its cases hour by hour; ROCA ingests, scores and
routes them with the code the worker runs (automatic decisions with blind QA sampling, or review
tasks); simulated reviewers claim and decide tasks through the review services the console calls,
QA analysts audit, senior reviewers settle four-eyes decisions; every night ROCA retrains, promotes
a better challenger and recertifies its thresholds (``roca.learning.service.run_learning`` with
automatic promotion and policy approval).  The QA drift monitor runs as in production: inside
each audit's decision.  All of it on a simulated clock (``loop_clock``), so the stored timestamps,
leases and the monitor's windows are simulated time.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent import registry
from roca.agent.decisions import RISKY_DECISION
from roca.agent.service import Scorer, scorer_for
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.config import Settings
from roca.learning.loop_clock import SimulatedClock, simulated_time
from roca.learning.loop_config import LoopConfig, LoopResult, default_out, loop_settings
from roca.learning.loop_expert import Expert, expert
from roca.learning.loop_metrics import DayRecord
from roca.learning.loop_team import Member, enrol
from roca.models import Case, CaseScoring, PolicyVersion, ReviewTask
from roca.policy.drift import MONITOR
from roca.policy.service import active
from roca.review import approvals
from roca.review import service as review
from roca.review.service import LEASE
from roca.simulate import Exchange, GroundTruth, SimulatedCase
from roca.simulate.config import NOVEL_CAMPAIGN
from roca.simulate.reviewers import default_team, minutes_for
from roca.simulate.reviewers import review as simulated_review
from roca.simulate.rng import stream
from roca.storage import session_scope

__all__ = ["LoopConfig", "LoopResult", "default_out", "run_closed_loop"]

ACTOR = "closed-loop"
EXCHANGE = "simulated-exchange"
HOUR = timedelta(hours=1)
LONGEST_TASK = LEASE - timedelta(minutes=1)  # a reviewer near the end of the lease submits


@dataclass(frozen=True, slots=True)
class _Arrival:
    hour: int  # the cases raised in this hour of the day reach ROCA at its end


@dataclass(frozen=True, slots=True)
class _Submit:
    member: Member
    minutes: timedelta
    submit: Callable[[Session], None]


_Event = tuple[datetime, int, "_Arrival | _Submit | Member"]


@dataclass(frozen=True, slots=True)
class _Routed:
    truth: GroundTruth
    recommendation: str  # ROCA's recommended decision
    automatic: str | None  # ROCA's automatic decision, when it decided alone
    difficulty: float | None  # how ambiguous the evidence is, relative to the average case


def run_closed_loop(
    config: LoopConfig,
    settings: Settings,
    factory: sessionmaker[Session],
    on_day: Callable[[DayRecord], None] | None = None,
) -> LoopResult:
    """Run the loop on an empty, migrated database; the per-day records."""
    return ClosedLoop(config, loop_settings(settings, config), factory, on_day).run()


class ClosedLoop:
    def __init__(
        self,
        config: LoopConfig,
        settings: Settings,
        factory: sessionmaker[Session],
        on_day: Callable[[DayRecord], None] | None = None,
    ) -> None:
        self.config, self.settings, self.factory, self.on_day = config, settings, factory, on_day
        self.exchange = Exchange(config.simulation())
        self.start = datetime.combine(self.exchange.config.start, datetime.min.time(), UTC)
        self.routed: dict[int, _Routed] = {}
        self.rng = stream(config.seed, "reviewers")
        self.team: list[Member] = []
        self.scorer: Scorer = scorer_for(settings)
        self.expert: Expert | None = None
        self.labels = 0
        self.seen_contractions = 0
        self.settling: set[int] = set()  # four-eyes decisions a senior is looking at
        self.day_end = self.start
        self._sequence = itertools.count()

    def run(self) -> LoopResult:
        result = LoopResult(self.config)
        started = time.perf_counter()
        if self.config.expert_cases:
            self.expert = expert(self.config.case_type, self.config.seed, self.config.expert_cases)
        with simulated_time(self.start) as clock:
            with session_scope(self.factory) as session:
                config = self.config
                team = default_team(
                    config.reviewers, config.capacity, config.reviewer_error, config.speed, config.qa_analysts
                )
                self.team = enrol(session, team)
            for day in range(self.config.days):
                record = self._day(clock, day)
                result.days.append(record)
                if self.on_day is not None:
                    self.on_day(record)
        with self.factory() as session:
            query = select(Case.status, func.count()).group_by(Case.status)
            result.status_counts = {status: int(n) for status, n in session.execute(query)}
        result.seconds = time.perf_counter() - started
        return result

    # -- one day ---------------------------------------------------------------------------------------

    def _day(self, clock: SimulatedClock, day: int) -> DayRecord:
        """Events in time order (an hour's cases arriving, a person free to start, a decision
        submitted), so the clock only moves forward and people interleave as they would.  Each
        hour's work is one unit of work, committed when the next hour's cases arrive."""
        started = time.perf_counter()
        record = DayRecord(day)
        day_start = self.start + timedelta(days=day)
        self.day_end = day_start + timedelta(days=1)
        clock.advance_to(day_start)
        self._policy_in_force(record)
        arrivals = _by_hour(self.exchange.day(day), day_start)
        events: list[_Event] = []
        for hour in range(24):
            self._push(events, day_start + (hour + 1) * HOUR, _Arrival(hour))
        for member in self.team:
            member.done_today = 0
        self._wake(events, day_start, 0)
        session = self.factory()
        try:
            while events:
                moment, _, what = heapq.heappop(events)
                clock.advance_to(moment)
                if isinstance(what, _Arrival):
                    session = self._arrival(session, clock, arrivals[what.hour], record)
                    if what.hour < 23:
                        self._wake(events, clock.now(), what.hour + 1)
                elif isinstance(what, _Submit):
                    what.submit(session)
                    self._free(session, events, clock, what.member, record)
                else:
                    self._free(session, events, clock, what, record)
            session.commit()
        finally:
            session.close()
        self._note_contractions(record)
        self._night(clock, self.day_end, record)
        record.seconds = time.perf_counter() - started
        return record

    def _push(self, events: list[_Event], moment: datetime, what: _Arrival | _Submit | Member) -> None:
        heapq.heappush(events, (moment, next(self._sequence), what))

    def _wake(self, events: list[_Event], moment: datetime, hour: int) -> None:
        """People whose shift covers ``hour`` and who are not busy start looking for work."""
        for member in self.team:
            if not member.busy and member.on_shift(hour) and member.available:
                member.busy = True
                self._push(events, moment, member)

    def _free(
        self, session: Session, events: list[_Event], clock: SimulatedClock, member: Member, record: DayRecord
    ) -> None:
        """``member`` is free: they take the next job, or wait for the next cases to arrive."""
        member.busy = False
        hour = clock.now().hour
        if clock.now() >= self.day_end or not (member.on_shift(hour) and member.available):
            return  # after midnight the night's retraining comes first; the queue waits for morning
        job = self._next_job(session, member, record)
        if job is not None:
            member.busy = True
            self._push(events, clock.now() + job.minutes, job)

    def _arrival(
        self, session: Session, clock: SimulatedClock, batch: list[SimulatedCase], record: DayRecord
    ) -> Session:
        """The hour's cases reach ROCA: stored, scored and routed; the hour's work is committed."""
        if batch:
            results = cases.ingest(session, [submission(c.case) for c in batch], EXCHANGE)
            truths = {
                r.case_id: c.truth for r, c in zip(results, batch, strict=True) if r.case_id is not None
            }
            query = select(Case).where(Case.id.in_(list(truths))).order_by(Case.id)
            rows = self.scorer.score(session, list(session.scalars(query)))
            difficulty: list[float | None] = [None] * len(rows)
            if self.expert is not None:
                difficulty = list(self.expert.difficulty([row.signals for row in rows]))
            for row, hard in zip(rows, difficulty, strict=True):
                self._routed(row, truths[row.case_id], hard, record)
        session.commit()
        session.close()
        self._note_contractions(record)
        return self.factory()

    def _policy_in_force(self, record: DayRecord) -> None:
        with self.factory() as session:
            policy = active(session)
        if policy is None:
            return
        segment = policy.segments.get(self.config.case_type) or {}
        record.policy_version = policy.version
        record.auto_clear_threshold = segment.get("auto_clear")
        record.auto_act_threshold = segment.get("auto_act")

    def _routed(
        self, row: CaseScoring, truth: GroundTruth, difficulty: float | None, record: DayRecord
    ) -> None:
        automatic = row.auto_decision if row.route == "auto" else None
        self.routed[row.case_id] = _Routed(truth, row.decision, automatic, difficulty)
        novel = truth.scenario == NOVEL_CAMPAIGN
        record.cases_in += 1
        record.novel_in += novel
        if automatic is None:
            return
        wrong = automatic != truth.label
        record.automated += 1
        record.novel_automated += novel
        record.auto_errors += wrong
        record.novel_auto_errors += novel and wrong
        if automatic == RISKY_DECISION[truth.case_type]:
            record.auto_act += 1
        else:
            record.auto_clear += 1

    # -- people at work --------------------------------------------------------------------------------

    def _next_job(self, session: Session, member: Member, record: DayRecord) -> _Submit | None:
        """What ``member`` picks up now: an approval to settle (seniors), an audit (QA analysts), a
        review; None when there is nothing for them."""
        if member.senior:
            job = self._settlement(session, member, record)
            if job is not None:
                return job
        if member.qa:
            task = review.claim_next(session, member.who, kind="qa")
            if task is not None:
                return self._decision_job(member, task, record)
        chinese = self.settings.route_chinese_to_readers
        task = review.claim_next(session, member.who, kind="review", chinese_to_readers=chinese)
        return None if task is None else self._decision_job(member, task, record)

    def _decision_job(self, member: Member, task: ReviewTask, record: DayRecord) -> _Submit:
        routed = self.routed[task.case_id]
        truth, kind, task_id, pi = routed.truth, task.kind, task.id, task.qa_probability
        shown = routed.recommendation if kind == "review" else None  # audits, shadow, 2nd reviews: blind
        answer = routed.automatic if kind == "qa" else shown
        verdict = simulated_review(
            truth, shown, member.profile, self.rng, roca_answer=answer, difficulty=routed.difficulty
        )

        def submit(session: Session) -> None:
            made = review.decide(
                session, task_id, member.who, verdict.decision,
                root_cause=verdict.root_cause, annotation=verdict.annotation,
                signal_marks=verdict.signal_marks,
            )  # fmt: skip
            member.done_today += 1
            self.labels += 1
            record.labels = self.labels
            record.human_errors += not verdict.correct
            if kind == "qa":
                overturned = made.agrees_with_roca is False
                record.add_audit(pi or review.QA_RATE, overturned)
                record.novel_audit_errors += overturned and truth.scenario == NOVEL_CAMPAIGN
            else:
                record.reviews += 1

        return _Submit(member, self._minutes(routed, member), submit)

    def _settlement(self, session: Session, member: Member, record: DayRecord) -> _Submit | None:
        """A four-eyes decision by someone else, judged afresh: approved when the senior reaches the
        same decision, refused (back to the queue) otherwise."""
        waiting = [
            d
            for d in approvals.pending(session)
            if d.actor != member.who.username and d.id not in self.settling
        ]
        if not waiting:
            return None
        pending = waiting[0]
        self.settling.add(pending.id)
        routed = self.routed[pending.case_id]
        verdict = simulated_review(routed.truth, None, member.profile, self.rng, difficulty=routed.difficulty)
        approve = verdict.decision == pending.decision
        decision_id = pending.id

        def submit(session: Session) -> None:
            approvals.settle(session, decision_id, member.who, approve, note="simulated senior review")
            self.settling.discard(decision_id)
            member.done_today += 1
            record.settlements += 1

        return _Submit(member, self._minutes(routed, member), submit)

    def _minutes(self, routed: _Routed, member: Member) -> timedelta:
        spent = minutes_for(routed.truth, member.profile, self.rng, routed.difficulty)
        return min(timedelta(minutes=spent), LONGEST_TASK)

    # -- the night -------------------------------------------------------------------------------------

    def _night(self, clock: SimulatedClock, midnight: datetime, record: DayRecord) -> None:
        from roca.learning.service import run_learning  # the learning engine, built alongside

        clock.advance_to(midnight)
        case_type = self.config.case_type
        started = time.perf_counter()
        with session_scope(self.factory) as session:
            self._end_of_day_counts(session, record)
            before = registry.champion(session, case_type)
            policy_before = active(session)
            run = run_learning(
                session, self.settings, actor=ACTOR, promote=True, case_types=[case_type], now=clock.now()
            )
            after = registry.champion(session, case_type)
            policy_after = active(session)
            record.champion = after.version if after else None
            record.promoted = after is not None and (before is None or before.version != after.version)
            record.learning_note = _learning_note(run.results, case_type)
            if policy_after is not None and (policy_before is None or policy_before.id != policy_after.id):
                record.new_policy = policy_after.version
        record.learning_seconds = time.perf_counter() - started

    def _end_of_day_counts(self, session: Session, record: DayRecord) -> None:
        query = (
            select(ReviewTask.kind, func.count())
            .where(ReviewTask.status.in_(("open", "claimed")))
            .group_by(ReviewTask.kind)
        )
        open_by_kind = {kind: int(n) for kind, n in session.execute(query)}
        record.qa_backlog = open_by_kind.pop("qa", 0)
        record.backlog = sum(open_by_kind.values())
        record.awaiting_approval = len(approvals.pending(session))

    def _note_contractions(self, record: DayRecord) -> None:
        with self.factory() as session:
            query = (
                select(PolicyVersion).where(PolicyVersion.proposed_by == MONITOR).order_by(PolicyVersion.id)
            )
            contracted = list(session.scalars(query.offset(self.seen_contractions)))
        self.seen_contractions += len(contracted)
        record.contractions.extend(f"{p.version}: {p.notes}" for p in contracted)


def _by_hour(day: list[SimulatedCase], day_start: datetime) -> list[list[SimulatedCase]]:
    """The day's cases by the hour they were raised (late alerts land in the last hour)."""
    hours: list[list[SimulatedCase]] = [[] for _ in range(24)]
    for case in day:
        created = datetime.fromisoformat(case.case["created_at"])
        hour = int((created - day_start).total_seconds() // 3600)
        hours[min(max(hour, 0), 23)].append(case)
    return hours


def _learning_note(results: dict[str, Any], case_type: str) -> str:
    """Why the night promoted the challenger or not, from the learning run's results."""
    entry = results.get(case_type) or {}
    pool = entry.get("certification") or {}
    certified = f"; certified on {pool['labels']} labels ({pool['audits']} audits)" if pool else ""
    return (str(entry.get("reason", ""))[:160] + certified)[:240]
