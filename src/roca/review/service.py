"""Opening, claiming, deciding and releasing review tasks.  Functions flush, never commit."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.actions import outbox
from roca.agent.decisions import DECISIONS
from roca.agent.repository import latest_scoring
from roca.audit.writer import record
from roca.auth.schemas import Principal
from roca.cases.service import move_case
from roca.cases.status import CaseStatus
from roca.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from roca.models import Case, CaseScoring, Decision, ReviewTask
from roca.policy.router import Routing, SegmentThresholds
from roca.review import queue, repository
from roca.review.feedback import feedback_problems
from roca.storage.base import utcnow

LEASE = timedelta(minutes=15)
QA_RATE = 0.03  # share of automatic decisions audited blind (per segment; known, so labels weigh 1/pi)
QA_NEAR_THRESHOLD = 0.02  # just above the threshold errors are likeliest: audit twice as often there
# Share of people's review decisions that get a blind second review by someone else: a known rate, so
# reviewer-vs-reviewer agreement (Cohen's kappa) and label noise are estimated from a random sample.
DOUBLE_REVIEW_RATE = 0.05
SECOND_REVIEW = repository.SECOND_REVIEW
LABEL_ONLY = "label"  # status of a second reviewer's decision: a label, never the case's decision


def qa_probability(
    risk_probability: float, segment: SegmentThresholds | None, base_rate: float = QA_RATE
) -> float:
    """The known audit probability pi of one automatic decision (stratified near the threshold)."""
    if segment is None:
        return base_rate
    base_rate = segment.qa_rate if segment.qa_rate is not None else base_rate  # the policy's rate
    near = [
        t
        for t in (segment.auto_act, segment.auto_clear)
        if t is not None and abs(risk_probability - t) <= QA_NEAR_THRESHOLD
    ]
    return min(1.0, base_rate * (2.0 if near else 1.0))


def sampled_for_qa(case_id: int, pi: float) -> bool:
    """Bernoulli(pi), seeded by the case so the draw can be re-derived when auditing the audit."""
    return random.Random(f"qa:{case_id}:{pi}").random() < pi


def sampled_for_double_review(case_id: int, rate: float = DOUBLE_REVIEW_RATE) -> bool:
    """Bernoulli(rate), seeded by the case like the QA draw, so the sample can be re-derived."""
    return random.Random(f"double-review:{case_id}:{rate}").random() < rate


def record_automatic_decision(
    session: Session, case: Case, scoring: CaseScoring, routing: Routing, segment: SegmentThresholds | None
) -> Decision:
    """ROCA's own decision, and with probability pi a blind QA audit of it."""
    made = Decision(
        case_id=case.id, decision=routing.decision, automatic=True, actor="roca",
        risk_probability=scoring.risk_probability, model_version=scoring.model_version,
        rules_version=scoring.rules_version, policy_version=segment.policy_version if segment else None,
        roca_recommendation=scoring.decision, agrees_with_roca=True,
    )  # fmt: skip
    session.add(made)
    pi = qa_probability(scoring.risk_probability, segment)
    if routing.needs_second_approval:
        made.status = "awaiting_second_approval"
        move_case(case, CaseStatus.AWAITING_SECOND_APPROVAL)
    elif sampled_for_qa(case.id, pi):
        move_case(case, CaseStatus.QA_PENDING)
        open_task(session, case, scoring, kind="qa", qa_probability=pi)
    session.flush()
    outbox.enqueue(session, made, case)  # does nothing until the decision is final
    record(session, actor="roca", action="case.auto_decided", entity_type="case", entity_id=case.id,
           payload={"decision": routing.decision, "reason": routing.reason_en, "qa_probability": pi,
                    "qa_sampled": case.status == CaseStatus.QA_PENDING.value})  # fmt: skip
    return made


def open_task(
    session: Session,
    case: Case,
    scoring: CaseScoring | None,
    kind: str = "review",
    qa_probability: float | None = None,
    sla_hours: Mapping[str, float] | None = None,
    window_from: datetime | None = None,
) -> ReviewTask:
    """A task whose SLA runs from the case's arrival, or from ``window_from`` when given."""
    now = utcnow()
    due = queue.due_at(case.case_type, window_from or case.received_at or now, sla_hours)
    risk = scoring.risk_probability if scoring is not None else 0.5
    task = ReviewTask(
        case_id=case.id,
        kind=kind,
        status="open",
        case_type=case.case_type,
        language=case.language,
        priority=queue.priority(risk, case.amount_at_risk_usd, due, now),
        due_at=due,
        qa_probability=qa_probability,
    )
    session.add(task)
    session.flush()
    return task


def claim_next(
    session: Session,
    who: Principal,
    case_type: str | None = None,
    kind: str = "review",
    language: str | None = None,
    lease: timedelta = LEASE,
    chinese_to_readers: bool = False,
) -> ReviewTask | None:
    """Claim the most urgent task for ``who``; None when the queue is empty.  With
    ``chinese_to_readers``, Chinese-language cases go to reviewers who read Chinese (their
    language is zh) first, and never to the others."""
    now = utcnow()
    task_id = None
    if chinese_to_readers and who.language == "zh" and language is None:
        task_id = repository.claimable(session, kind, now, case_type, "zh", reviewer_id=who.user_id)
    if task_id is None:
        excluded = "zh" if chinese_to_readers and who.language != "zh" else None
        task_id = repository.claimable(
            session, kind, now, case_type, language, excluded, reviewer_id=who.user_id
        )
    if task_id is None:
        return None
    repository.mark_claimed(session, task_id, who.user_id, now + lease)
    task = session.get(ReviewTask, task_id, populate_existing=True)
    assert task is not None
    case = session.get(Case, task.case_id)
    assert case is not None
    if task.kind in ("review", "shadow") and case.status == CaseStatus.QUEUED.value:
        move_case(case, CaseStatus.IN_REVIEW)
    lease_until = task.lease_expires_at.isoformat() if task.lease_expires_at else None
    record(session, actor=who.username, action="task.claimed", entity_type="review_task", entity_id=task_id,
           payload={"case_id": task.case_id, "lease_until": lease_until})  # fmt: skip
    return task


def decide(
    session: Session,
    task_id: int,
    who: Principal,
    decision: str,
    root_cause: str | None = None,
    annotation: str | None = None,
    signal_marks: list[dict[str, str]] | None = None,
) -> Decision:
    task = _owned_task(session, task_id, who)
    case = session.get(Case, task.case_id)
    assert case is not None
    _check_decision(case, decision)
    scoring = latest_scoring(session, case.id)
    recommended = _roca_answer(session, case.id, scoring, task.kind)
    disagrees = recommended is not None and recommended != decision
    # Audits, shadow reviews and second reviews are blind: demanding a reason to differ from ROCA
    # would reveal its answer.  Their labels still record whether they agree.
    blind = task.kind in repository.BLIND_KINDS
    problems = feedback_problems(disagrees and not blind, root_cause, annotation)
    if problems:
        raise ValidationFailed("the feedback is incomplete", problems)
    made = Decision(
        case_id=case.id, task_id=task.id, decision=decision, automatic=False, actor=who.username,
        user_id=who.user_id, role=who.role.value,
        risk_probability=scoring.risk_probability if scoring else None,
        model_version=scoring.model_version if scoring else None,
        rules_version=scoring.rules_version if scoring else None, roca_recommendation=recommended,
        agrees_with_roca=None if recommended is None else not disagrees, root_cause=root_cause,
        annotation=(annotation or "").strip() or None, signal_marks=signal_marks or [],
    )  # fmt: skip
    session.add(made)
    task.status, task.completed_at = "done", utcnow()
    if task.kind == SECOND_REVIEW:
        return _second_opinion(session, made, who)
    reviewed = task.kind in ("review", "shadow")
    move_case(case, CaseStatus.DECIDED if reviewed else CaseStatus.QA_DONE)
    if reviewed and _needs_four_eyes(scoring, decision):
        made.status = "awaiting_second_approval"
        move_case(case, CaseStatus.AWAITING_SECOND_APPROVAL)
    session.flush()
    if reviewed:  # a QA audit is a label; the automatic decision already acted
        outbox.enqueue(session, made, case)
        _maybe_double_review(session, case, scoring)
    if task.kind == "qa":
        from roca.policy.drift import check_drift  # the policy layer sits above review

        check_drift(session, case.case_type)
    record(session, actor=who.username, action="case.decided", entity_type="case", entity_id=case.id,
           payload={"decision": decision, "task_id": task.id, "agrees_with_roca": made.agrees_with_roca,
                    "root_cause": root_cause})  # fmt: skip
    return made


def _check_decision(case: Case, decision: str) -> None:
    if decision not in DECISIONS[case.case_type]:  # type: ignore[index]
        known = ", ".join(DECISIONS[case.case_type])  # type: ignore[index]
        raise ValidationFailed(
            "not a decision for this case type", [FieldError("decision", f"one of {known}")]
        )


def _second_opinion(session: Session, made: Decision, who: Principal) -> Decision:
    """A blind second review is only a label (for agreement and the learning loop): the case keeps
    its status and its decision, and nothing is dispatched."""
    made.status = LABEL_ONLY
    session.flush()
    record(session, actor=who.username, action="case.second_reviewed", entity_type="case",
           entity_id=made.case_id, payload={"decision": made.decision, "task_id": made.task_id})  # fmt: skip
    return made


def _maybe_double_review(session: Session, case: Case, scoring: CaseScoring | None) -> ReviewTask | None:
    """With probability DOUBLE_REVIEW_RATE, a blind second review of a decided case by someone else.
    Only scored cases: unscored ones never enter the learning loop the label is for."""
    if scoring is None or not sampled_for_double_review(case.id):
        return None
    if repository.has_second_review(session, case.id):
        return None  # a case sent back to the queue by four-eyes is decided twice, sampled once
    now = utcnow()  # its SLA runs from now: nobody waits on a label
    task = open_task(session, case, scoring, kind=SECOND_REVIEW, qa_probability=DOUBLE_REVIEW_RATE,
                     window_from=now)  # fmt: skip
    record(session, actor="roca", action="task.second_review_opened", entity_type="review_task",
           entity_id=task.id, payload={"case_id": case.id, "rate": DOUBLE_REVIEW_RATE})  # fmt: skip
    return task


def reassign(session: Session, task_id: int, to: Principal, by: Principal) -> ReviewTask:
    """A lead hands a task to a named reviewer (with a fresh lease)."""
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no review task {task_id}", task_id=task_id)
    if task.status == "done":
        raise Conflict(f"task {task_id} is already decided", task_id=task_id)
    if task.kind == SECOND_REVIEW and repository.decided_by(session, task.case_id, to.user_id):
        raise Conflict("a second review must go to someone who has not decided the case", task_id=task_id)
    task.status, task.claimed_by, task.lease_expires_at = "claimed", to.user_id, utcnow() + LEASE
    case = session.get(Case, task.case_id)
    if case is not None and case.status == CaseStatus.QUEUED.value:
        move_case(case, CaseStatus.IN_REVIEW)
    session.flush()
    record(session, actor=by.username, action="task.reassigned", entity_type="review_task", entity_id=task_id,
           payload={"to": to.username})  # fmt: skip
    return task


def release(session: Session, task_id: int, who: Principal) -> ReviewTask:
    """Give a claimed task back to the queue."""
    task = _owned_task(session, task_id, who)
    task.status, task.claimed_by, task.lease_expires_at = "open", None, None
    case = session.get(Case, task.case_id)
    if case is not None and case.status == CaseStatus.IN_REVIEW.value:
        move_case(case, CaseStatus.QUEUED)
    session.flush()
    record(session, actor=who.username, action="task.released", entity_type="review_task", entity_id=task_id)
    return task


def _owned_task(session: Session, task_id: int, who: Principal) -> ReviewTask:
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no review task {task_id}", task_id=task_id)
    if task.status != "claimed" or task.claimed_by != who.user_id:
        raise Forbidden("this task is not claimed by you")
    if task.lease_expires_at is not None and task.lease_expires_at < utcnow():
        raise Conflict("your claim on this task expired; claim the next task again", task_id=task_id)
    return task


def _roca_answer(session: Session, case_id: int, scoring: CaseScoring | None, kind: str) -> str | None:
    """What ROCA said: its recommendation for a review, its automatic decision for a QA audit."""
    if kind == "qa":
        query = select(Decision.decision).where(Decision.case_id == case_id, Decision.automatic.is_(True))
        return session.scalar(query.order_by(Decision.id.desc()).limit(1))
    return scoring.decision if scoring is not None else None


def _needs_four_eyes(scoring: CaseScoring | None, decision: str) -> bool:
    hits = scoring.guardrails if scoring is not None else []
    return any(hit["effect"] == "four_eyes" and decision in hit["decisions"] for hit in hits)


def latest_decisions(session: Session, case_ids: list[int]) -> dict[int, Decision]:
    """The latest decision of each case, in one query (second opinions are labels, not decisions)."""
    if not case_ids:
        return {}
    query = select(Decision).where(Decision.case_id.in_(case_ids), Decision.status != LABEL_ONLY)
    return {made.case_id: made for made in session.scalars(query.order_by(Decision.case_id, Decision.id))}


def latest_decision(session: Session, case_id: int) -> Decision | None:
    query = select(Decision).where(Decision.case_id == case_id, Decision.status != LABEL_ONLY)
    return session.scalar(query.order_by(Decision.id.desc()).limit(1))


# Kinds whose person decided without seeing ROCA's answer and may explain an overturn afterwards.
EXPLAINABLE_KINDS = ("qa", "shadow")


def overturn_awaiting_explanation(session: Session, case_id: int, who: Principal) -> Decision | None:
    """``who``'s blind decision on the case that differs from ROCA and has no root cause yet."""
    for made in repository.decisions_of_case(session, case_id):
        if made.user_id == who.user_id and made.agrees_with_roca is False and made.root_cause is None:
            task = session.get(ReviewTask, made.task_id) if made.task_id is not None else None
            if task is not None and task.kind in EXPLAINABLE_KINDS:
                return made
    return None


def explain_overturn(
    session: Session,
    case_id: int,
    who: Principal,
    root_cause: str | None,
    annotation: str | None,
    signal_marks: list[dict[str, str]] | None = None,
) -> Decision:
    """The root cause and annotation of a blind overturn, given once the decision is recorded: the
    label stayed blind, and the ML engineers still learn why ROCA was wrong."""
    made = overturn_awaiting_explanation(session, case_id, who)
    if made is None:
        raise Conflict(
            "no blind overturn of yours on this case is waiting for an explanation", case_id=case_id
        )
    problems = feedback_problems(True, root_cause, annotation)
    if problems:
        raise ValidationFailed("the feedback is incomplete", problems)
    made.root_cause, made.annotation = root_cause, (annotation or "").strip()
    made.signal_marks = signal_marks or []
    session.flush()
    record(session, actor=who.username, action="case.overturn_explained", entity_type="case",
           entity_id=case_id, payload={"decision_id": made.id, "root_cause": root_cause})  # fmt: skip
    return made
