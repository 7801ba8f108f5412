"""The case page: what ROCA found and recommends, and the reviewer's decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from babel.numbers import format_percent
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from roca.agent.narrative import sentence_count
from roca.agent.repository import latest_scoring
from roca.api.deps import SessionDep
from roca.auth.roles import Permission
from roca.cases import repository as cases
from roca.cases.repository import EventFilter
from roca.errors import Conflict, Forbidden, NotFound, ValidationFailed
from roca.models import Case, CaseScoring, Decision, ReviewTask
from roca.review import repository as tasks
from roca.review import service as review
from roca.review.feedback import MAX_ANNOTATION_CHARS, MAX_ANNOTATION_SENTENCES
from roca.signals import catalog
from roca.sop.documents import clause_index
from roca.web import case_view as view
from roca.web.i18n import translations
from roca.web.routes import SignedInPage, can, render, require
from roca.web.security import Page, require_csrf
from roca.web.timeline import event_row

router = APIRouter(include_in_schema=False)

TIMELINE_LIMIT = 500  # newest first; the account page pages through the rest
LINK_LIMIT = 200  # shared identifiers read; a device shared by thousands is one finding, not a list
MAX_MISSING_SIGNAL = 128
KIND_PERMISSION = {
    "review": Permission.REVIEW_WORK,
    "shadow": Permission.REVIEW_WORK,
    tasks.SECOND_REVIEW: Permission.REVIEW_WORK,
    "qa": Permission.QA_WORK,
}


@dataclass
class DecisionForm:
    """What the reviewer entered, kept across a refused submit, with the problem of each field."""

    decision: str = ""
    root_cause: str = ""
    annotation: str = ""
    misleading: list[str] = field(default_factory=list)
    missing_signal: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field -> problem (view.form_problem)
    expired: bool = False  # the claim ran out before the submit


@dataclass(frozen=True)
class LinkedAccount:
    account_id: str
    shared: list[tuple[str, str]]  # (kind, value as shown)
    case_id: int | None
    decision: Decision | None  # of its newest case; None when undecided or under a blind audit


@router.get("/cases/{case_id}")
def case_page(case_id: int, page: SignedInPage, session: SessionDep) -> HTMLResponse:
    require(page, Permission.CASES_READ)
    case = cases.get_case(session, case_id)
    if case is None:
        return render(page, "error.html", status_code=404, reason="not_found")
    return _render_case(page, session, case, DecisionForm())


@router.post("/cases/{case_id}/decision", dependencies=[Depends(require_csrf)], response_model=None)
def submit_decision(
    request: Request,
    case_id: int,
    page: SignedInPage,
    session: SessionDep,
    decision: Annotated[str, Form()] = "",
    root_cause: Annotated[str, Form()] = "",
    annotation: Annotated[str, Form()] = "",
    misleading: Annotated[list[str] | None, Form()] = None,
    missing_signal: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    require(page, Permission.CASES_READ)
    case = cases.get_case(session, case_id)
    if case is None:
        return render(page, "error.html", status_code=404, reason="not_found")
    task = _held_task(session, page, case_id)
    if task is None:  # not claimed by this user (any more): nothing to decide here
        return render(page, "error.html", status_code=403, reason="forbidden")
    require(page, KIND_PERMISSION.get(task.kind, Permission.REVIEW_WORK))
    form = DecisionForm(decision, root_cause, annotation, list(misleading or []), missing_signal)
    if _missing_signal_too_long(form):
        return _render_case(page, session, case, form, status_code=422)
    try:
        made = review.decide(
            session, task.id, page.principal, decision, root_cause or None, annotation,
            _signal_marks(session, case_id, form),
        )  # fmt: skip
    except ValidationFailed as refused:
        return _refused(page, session, case, form, refused)
    except Conflict:
        form.expired = True
        return _render_case(page, session, case, form, status_code=409)
    except (Forbidden, NotFound):
        return render(page, "error.html", status_code=403, reason="forbidden")
    if task.kind in review.EXPLAINABLE_KINDS and made.agrees_with_roca is False and not made.root_cause:
        # The blind label is recorded; now ROCA's answer may be shown and the overturn explained.
        return RedirectResponse(f"/cases/{case_id}#explain", status_code=303)
    return _next_of_kind(request, session, page, task.kind)


@router.post("/cases/{case_id}/explanation", dependencies=[Depends(require_csrf)], response_model=None)
def explain_overturn(
    request: Request,
    case_id: int,
    page: SignedInPage,
    session: SessionDep,
    root_cause: Annotated[str, Form()] = "",
    annotation: Annotated[str, Form()] = "",
    misleading: Annotated[list[str] | None, Form()] = None,
    missing_signal: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    require(page, Permission.CASES_READ)
    case = cases.get_case(session, case_id)
    if case is None:
        return render(page, "error.html", status_code=404, reason="not_found")
    made = review.overturn_awaiting_explanation(session, case_id, page.principal)
    task = session.get(ReviewTask, made.task_id) if made is not None and made.task_id is not None else None
    if task is None:
        return render(page, "error.html", status_code=403, reason="forbidden")
    form = DecisionForm("", root_cause, annotation, list(misleading or []), missing_signal)
    if _missing_signal_too_long(form):
        return _render_case(page, session, case, form, status_code=422)
    try:
        review.explain_overturn(
            session, case_id, page.principal, root_cause or None, annotation,
            _signal_marks(session, case_id, form),
        )  # fmt: skip
    except ValidationFailed as refused:
        return _refused(page, session, case, form, refused)
    return _next_of_kind(request, session, page, task.kind)


@router.post("/cases/{case_id}/release", dependencies=[Depends(require_csrf)], response_model=None)
def release_task(case_id: int, page: SignedInPage, session: SessionDep) -> HTMLResponse | RedirectResponse:
    task = _held_task(session, page, case_id)
    if task is None:
        return render(page, "error.html", status_code=403, reason="forbidden")
    review.release(session, task.id, page.principal)
    return RedirectResponse("/qa" if task.kind == "qa" else "/", status_code=303)


def _signal_marks(session: Session, case_id: int, form: DecisionForm) -> list[dict[str, str]]:
    known = [item["id"] for item in _scoring_signals(session, case_id)]
    return view.signal_marks(form.misleading, form.missing_signal, known)


def _refused(
    page: Page, session: Session, case: Case, form: DecisionForm, refused: ValidationFailed
) -> HTMLResponse:
    """The form again with every refused field marked; nothing was recorded."""
    form.errors = {error.path: view.form_problem(error.path, error.reason) for error in refused.errors}
    return _render_case(page, session, case, form, status_code=422)


def _missing_signal_too_long(form: DecisionForm) -> bool:
    if len(form.missing_signal.strip()) <= MAX_MISSING_SIGNAL:
        return False
    form.errors["missing_signal"] = "too_long"
    return True


def _next_of_kind(request: Request, session: Session, page: Page, kind: str) -> RedirectResponse:
    """Straight on to the next task of the same kind, as "Next case" / "Next audit" would."""
    queue_kind = "qa" if kind == "qa" else "review"
    chinese = request.app.state.settings.route_chinese_to_readers
    following = review.claim_next(session, page.principal, kind=queue_kind, chinese_to_readers=chinese)
    if following is None:
        return RedirectResponse("/qa?empty=1" if queue_kind == "qa" else "/?empty=1", status_code=303)
    return RedirectResponse(f"/cases/{following.case_id}", status_code=303)


def _held_task(session: Session, page: Page, case_id: int) -> ReviewTask | None:
    assert page.user is not None
    return next(
        (task for task in tasks.open_tasks_of(session, page.user.id) if task.case_id == case_id), None
    )


def _scoring_signals(session: Session, case_id: int) -> list[dict[str, Any]]:
    scoring = latest_scoring(session, case_id)
    return list(scoring.signals) if scoring is not None else []


@cache
def _names(locale: str) -> view.Names:
    return view.names(translations(locale).gettext)


@cache
def _signal_names() -> dict[str, tuple[str, str]]:
    return {spec.id: (spec.name_en, spec.name_zh) for spec in catalog.specs()}


def _render_case(
    page: Page, session: Session, case: Case, form: DecisionForm, status_code: int = 200
) -> HTMLResponse:
    locale = page.locale
    unfinished = tasks.unfinished_tasks_of_case(session, case.id)
    blind = any(task.kind in tasks.BLIND_KINDS for task in unfinished) and not can(
        page, Permission.POLICY_APPROVE
    )
    # A second review is independent only if the first reviewer's answer stays out of sight too.
    second_opinion = blind and any(task.kind == tasks.SECOND_REVIEW for task in unfinished)
    pii = can(page, Permission.PII_READ)
    events = cases.account_events(session, case.account_id, EventFilter(), TIMELINE_LIMIT)
    total = len(events)
    if total == TIMELINE_LIMIT:
        total = cases.count_account_events(session, case.account_id, EventFilter())
    scrub: view.Scrub = view.unmasked
    if not pii:  # the case's own events too: signals quote them even when older than the page shows
        own = cases.event_payloads(session, case.event_ids)
        scrub = view.pii_scrubber(case.payload, [*own, *(event.payload for event in events)])
    scoring = latest_scoring(session, case.id)
    held = _held_task(session, page, case.id)
    return render(
        page,
        "case.html",
        status_code=status_code,
        case=case,
        evidence=case.payload if pii else view.masked_payload(case.payload),
        blind=blind,
        due_at=min((task.due_at for task in unfinished), default=None),
        **_answer(scoring, case, locale, scrub, blind),
        signals=view.signal_rows(scoring.signals if scoring else [], _signal_names(), locale, scrub),
        timeline=[event_row(event, pii) for event in events],
        timeline_total=total,
        links=_linked_accounts(session, page, case.account_id, pii),
        history=[] if second_opinion else _history(session, case.id, blind),
        scrub=scrub,
        task=held if held is not None and _may_decide(page, held) else None,
        explain=None if blind else review.overturn_awaiting_explanation(session, case.id, page.principal),
        form=form,
        names=_names(locale),
        decision_codes=view.decision_codes(case.case_type),
        root_cause_groups=view.root_cause_groups(),
        max_sentences=MAX_ANNOTATION_SENTENCES,
        max_chars=MAX_ANNOTATION_CHARS,
        sentences=sentence_count,
        percent=lambda value: format_percent(value, "#,##0.0%", locale=locale),
    )


def _answer(
    scoring: CaseScoring | None, case: Case, locale: str, scrub: view.Scrub, blind: bool
) -> dict[str, Any]:
    """ROCA's answer as the page shows it; in blind mode none of it reaches the template."""
    if scoring is None or blind:
        return {"rec": None, "bars": [], "orientation": None, "clauses": []}
    orientation = view.risk_orientation(case.case_type, scoring.decision)
    return {
        "rec": view.recommendation(scoring, locale, scrub),
        "bars": view.contribution_bars(scoring.contributions, _signal_names(), locale, orientation, scrub),
        "orientation": orientation,
        "clauses": view.cited_clauses(scoring.sop_clauses, clause_index(), locale),
    }


def _may_decide(page: Page, task: ReviewTask) -> bool:
    return can(page, KIND_PERMISSION.get(task.kind, Permission.REVIEW_WORK))


def _history(session: Session, case_id: int, blind: bool) -> list[Decision]:
    made = tasks.decisions_of_case(session, case_id)
    # Blind: ROCA's automatic decision is the answer being audited.
    return [item for item in made if not item.automatic] if blind else made


def _linked_accounts(session: Session, page: Page, account_id: str, pii: bool) -> list[LinkedAccount]:
    shared: dict[str, list[tuple[str, str]]] = {}
    for kind, value, other in cases.accounts_linked_to(session, account_id, LINK_LIMIT):
        shared.setdefault(other, []).append((kind, value if pii else view.masked_link_value(kind, value)))
    newest = cases.latest_cases_of_accounts(session, list(shared))
    case_ids = [case_id for case_id, _ in newest.values()]
    decided = review.latest_decisions(session, case_ids)
    hidden = set() if can(page, Permission.POLICY_APPROVE) else tasks.blind_case_ids(session, case_ids)
    linked = []
    for other, identifiers in shared.items():
        case_id = newest[other][0] if other in newest else None
        shown = decided.get(case_id) if case_id is not None and case_id not in hidden else None
        linked.append(LinkedAccount(other, identifiers, case_id, shown))
    return linked
