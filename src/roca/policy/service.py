"""Policy versions: recompute the automation boundary from labelled cases, approve (four-eyes),
and read the thresholds in force.  Functions flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.audit.writer import record
from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal
from roca.config import Settings
from roca.errors import Conflict, Forbidden, NotFound
from roca.models import Case, Decision, PolicyVersion, ReviewTask
from roca.policy.router import SegmentThresholds
from roca.policy.thresholds import PoolSample, choose_segment_thresholds, choose_segment_thresholds_on_pool
from roca.storage.base import utcnow


def active(session: Session) -> PolicyVersion | None:
    return session.scalar(select(PolicyVersion).where(PolicyVersion.status == "active"))


def thresholds_in_force(session: Session) -> dict[str, SegmentThresholds]:
    policy = active(session)
    if policy is None:
        return {}
    return {
        case_type: SegmentThresholds(
            auto_act=segment.get("auto_act"),
            auto_clear=segment.get("auto_clear"),
            policy_version=policy.version,
            shadow=bool(segment.get("shadow")),
            qa_rate=segment.get("qa_rate"),
        )
        for case_type, segment in policy.segments.items()
    }


Scores = tuple[list[float], list[bool], list[float]]  # labelled cases: probability, risky, weight
Evidence = Scores | PoolSample  # or every case of a champion's pool, labelled or not


def labelled_cases(session: Session, case_type: str) -> Scores:
    """People's decisions with ROCA's probability at the time: reviews weigh 1, blind audits 1/pi."""
    query = (
        select(Decision.risk_probability, Decision.decision, ReviewTask.kind, ReviewTask.qa_probability)
        .join(Case, Case.id == Decision.case_id)
        .join(ReviewTask, ReviewTask.id == Decision.task_id)
        .where(
            Case.case_type == case_type,
            Decision.automatic.is_(False),
            Decision.risk_probability.is_not(None),
            ReviewTask.kind != "second_review",  # a second opinion would count its case twice
        )
        .order_by(Decision.id)
    )
    probabilities, risky, weights = [], [], []
    for probability, decision, kind, pi in session.execute(query):
        probabilities.append(float(probability or 0.0))
        risky.append(decision == RISKY_DECISION[case_type])  # type: ignore[index]
        weights.append(1.0 / pi if kind == "qa" and pi else 1.0)
    return probabilities, risky, weights


def recompute(
    session: Session,
    actor: str,
    settings: Settings,
    labelled: Mapping[str, Evidence] | None = None,
    notes: str = "",
) -> PolicyVersion:
    """A proposed version: each segment's thresholds certified by Learn-then-Test on today's labels.
    ``labelled`` gives a segment's (probabilities, risky, weights) from outside: the champion's own
    probabilities on its out-of-sample labels, not those stored at decision time by an older model
    (thresholds only hold for the scores they were certified on)."""
    return _proposed(session, actor, certified_segments(session, settings, labelled), notes)


def recompute_if_changed(
    session: Session,
    actor: str,
    settings: Settings,
    labelled: Mapping[str, Evidence] | None = None,
    notes: str = "",
) -> PolicyVersion | None:
    """As :func:`recompute`, but None when every segment's thresholds equal those in force: a
    nightly recertification that changes nothing leaves no version for a lead to approve."""
    segments = certified_segments(session, settings, labelled)
    in_force = thresholds_in_force(session)
    unchanged = all(
        (s["auto_act"], s["auto_clear"]) == _deployed(in_force.get(case_type))
        for case_type, s in segments.items()
    )
    return None if unchanged else _proposed(session, actor, segments, notes)


def certified_segments(
    session: Session,
    settings: Settings,
    labelled: Mapping[str, Evidence] | None = None,
) -> dict[str, Any]:
    """Every segment's thresholds and their justification.  The guarantee is stated per segment
    (its own alpha and delta), so delta is split over the two sides of that segment only."""
    in_force = thresholds_in_force(session)
    segments: dict[str, Any] = {}
    for case_type in DECISIONS:
        given = (labelled or {}).get(case_type)
        evidence = given if given is not None else labelled_cases(session, case_type)
        deployed = in_force.get(case_type)
        alpha, delta = segment_targets(settings, case_type)
        maths: dict[str, Any] = {
            "alpha": alpha, "delta": delta, "segments": 1,
            "deployed_auto_act": deployed.auto_act if deployed else None,
            "deployed_auto_clear": deployed.auto_clear if deployed else None,
            "min_labelled": settings.automation_min_labelled,
        }  # fmt: skip
        if isinstance(evidence, PoolSample):
            choice = choose_segment_thresholds_on_pool(evidence, **maths)
            labelled_count = int(evidence.labelled.sum())
        else:
            choice = choose_segment_thresholds(*evidence, **maths)
            labelled_count = len(evidence[0])
        segments[case_type] = {
            "auto_act": choice.auto_act_threshold,
            "auto_clear": choice.auto_clear_threshold,
            "alpha": alpha,
            "delta": delta,
            "qa_rate": settings.qa_rate,
            "shadow": False,
            "labelled": labelled_count,
            "justification": choice.to_record(),
        }
    return segments


def segment_targets(settings: Settings, case_type: str) -> tuple[float, float]:
    """The segment's (alpha, delta): its own where ``ROCA_AUTOMATION_SEGMENTS`` sets them."""
    targets = settings.automation_segments.get(case_type, {})
    alpha = float(targets.get("alpha", settings.automation_alpha))
    return alpha, float(targets.get("delta", settings.automation_delta))


def _deployed(thresholds: SegmentThresholds | None) -> tuple[float | None, float | None]:
    return (thresholds.auto_act, thresholds.auto_clear) if thresholds else (None, None)


def _proposed(session: Session, actor: str, segments: dict[str, Any], notes: str) -> PolicyVersion:
    count = session.scalar(select(func.count()).select_from(PolicyVersion)) or 0
    policy = PolicyVersion(
        version=f"v{count + 1}", status="proposed", segments=segments, proposed_by=actor, notes=notes
    )
    session.add(policy)
    session.flush()
    summary = {t: (s["auto_clear"], s["auto_act"], s["labelled"]) for t, s in segments.items()}
    record(session, actor=actor, action="policy.proposed", entity_type="policy", entity_id=policy.version,
           payload={"segments": summary})  # fmt: skip
    return policy


def approve(session: Session, version: str, who: Principal | None, settings: Settings) -> PolicyVersion:
    """Activate a proposed version.  A risk lead other than the proposer approves; with automatic
    approval on (``who`` None), ROCA approves and the audit log says so."""
    policy = session.scalar(select(PolicyVersion).where(PolicyVersion.version == version))
    if policy is None:
        raise NotFound(f"no policy version {version!r}", version=version)
    if policy.status != "proposed":
        raise Conflict(f"policy {version} is {policy.status}, not proposed", version=version)
    approver = _approver(policy, who, settings)
    previous = active(session)
    if previous is not None:
        previous.status = "superseded"
    policy.status, policy.approved_by, policy.approved_at = "active", approver, utcnow()
    session.flush()
    replaced = previous.version if previous else None
    record(session, actor=approver, action="policy.approved", entity_type="policy", entity_id=version,
           payload={"replaced": replaced, "automatic": who is None})  # fmt: skip
    return policy


def _approver(policy: PolicyVersion, who: Principal | None, settings: Settings) -> str:
    if who is None:
        if not settings.policy_auto_approve:
            raise Forbidden("automatic approval is off: a risk lead must approve (ROCA_POLICY_AUTO_APPROVE)")
        return "roca:auto-approval"
    if not has_permission(who.role, Permission.POLICY_APPROVE):
        raise Forbidden(
            f"role {who.role.value} may not approve policies", permission=Permission.POLICY_APPROVE.value
        )
    if who.username == policy.proposed_by:
        raise Forbidden("four-eyes: the proposer may not approve their own policy")
    return who.username


def set_shadow(session: Session, case_type: str, on: bool, actor: str) -> PolicyVersion:
    """Shadow mode for one segment: ROCA scores, people decide everything without seeing it.  Taking
    automation away needs no approval; giving it back goes through recompute and approval."""
    current = active(session)
    segments = {name: dict(values) for name, values in (current.segments if current else {}).items()}
    segment = segments.setdefault(
        case_type, {"auto_act": None, "auto_clear": None, "alpha": 0.01, "delta": 0.05}
    )
    segment["shadow"] = on
    if on:
        segment["auto_act"] = segment["auto_clear"] = None
    elif current is not None:
        raise Conflict("leaving shadow mode needs a recomputed, approved policy (roca policy recompute)")
    if current is not None:
        current.status = "superseded"
    count = session.scalar(select(func.count()).select_from(PolicyVersion)) or 0
    now = utcnow()
    version = PolicyVersion(
        version=f"v{count + 1}", status="active", segments=segments, proposed_by=actor, approved_by=actor,
        approved_at=now, notes=f"{case_type} shadow mode {'on' if on else 'off'}",
    )  # fmt: skip
    session.add(version)
    session.flush()
    record(session, actor=actor, action="policy.shadow", entity_type="policy", entity_id=version.version,
           payload={"segment": case_type, "shadow": on})  # fmt: skip
    return version
