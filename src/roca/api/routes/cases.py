"""Case intake and reading."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from roca.agent.repository import latest_scoring
from roca.api.deps import SessionDep, get_settings_dep, require
from roca.api.openapi import body_ref
from roca.auth.roles import Permission, has_permission
from roca.auth.schemas import Principal
from roca.cases import service
from roca.cases.prepare import submission
from roca.cases.repository import CaseFilter
from roca.cases.schemas import (
    CASE_TYPES,
    BatchResult,
    CaseIn,
    CaseOut,
    CasePage,
    CaseType,
    IntakeResult,
    RecommendationOut,
)
from roca.cases.validation import decode_json
from roca.config import Settings
from roca.errors import Conflict, FieldError, PayloadTooLarge, ValidationFailed
from roca.review.repository import blind_case_ids
from roca.review.schemas import DecisionOut
from roca.review.service import latest_decision, latest_decisions

router = APIRouter(prefix="/cases", tags=["cases"])
Ingester = Annotated[Principal, Depends(require(Permission.CASES_INGEST))]
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]


async def _raw_body(request: Request) -> bytes:
    # Read on the event loop; the handler itself runs in the thread pool (its database work blocks).
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/ndjson")


@router.post(
    "",
    response_model=IntakeResult,
    status_code=status.HTTP_201_CREATED,
    summary="Submit one case (idempotent on external_id)",
    responses={
        200: {"description": "the same case was already stored: the existing case", "model": IntakeResult},
        409: {"description": "external_id already stored with different content; both hashes named"},
        422: {"description": "the case does not match the contract; each error names field and reason"},
    },
    openapi_extra=body_ref(CaseIn),
)
def submit_case(
    request: Request, response: Response, body: RawBody, session: SessionDep, who: Ingester
) -> IntakeResult:
    raw = _decode(body)
    result = service.ingest_one(session, submission(raw), who.username)
    if result.outcome == "conflict":
        raise Conflict(
            f"external_id {result.external_id!r} is already stored with different content",
            external_id=result.external_id,
            case_id=result.case_id,
            existing_content_hash=result.existing_content_hash,
            submitted_content_hash=result.content_hash,
        )
    if result.outcome == "duplicate":
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"{request.url.path}/{result.case_id}"
    return result


@router.post(
    "/batch",
    response_model=BatchResult,
    summary="Submit up to max_batch_items cases as a JSON array or NDJSON; answers per item",
    openapi_extra=body_ref(CaseIn, array=True, ndjson=True),
)
def submit_batch(
    request: Request,
    body: RawBody,
    session: SessionDep,
    who: Ingester,
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> BatchResult:
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    items = _batch_items(body, ndjson=content_type in NDJSON_TYPES)
    if len(items) > settings.max_batch_items:
        raise PayloadTooLarge(
            f"batch holds {len(items)} cases; the limit is {settings.max_batch_items}",
            limit=settings.max_batch_items,
        )
    submissions = [item if isinstance(item, list) else submission(item) for item in items]
    return service.summarise(service.ingest(session, submissions, who.username))


@router.get("/{case_id}", response_model=CaseOut, summary="One case with its timeline")
def read_case(case_id: int, session: SessionDep, who: Reader) -> CaseOut:
    case = service.get_case(session, case_id)
    out = service.case_out(session, case)
    # While a blind task (QA audit, shadow or second review) is open, ROCA's answer and the decision
    # are hidden from everyone but leads and engineers.
    blind = case.status == "qa_pending" or bool(blind_case_ids(session, [case.id]))
    if blind and not has_permission(who.role, Permission.DASHBOARD_READ):
        return out
    scoring = latest_scoring(session, case_id)
    if scoring is not None:
        out.recommendation = RecommendationOut.model_validate(scoring, from_attributes=True)
    made = latest_decision(session, case_id)
    if made is not None:
        out.decision = DecisionOut.model_validate(made, from_attributes=True).model_dump(mode="json")
    return out


@router.get("", response_model=CasePage, summary="Cases, newest first, with cursor pagination")
def list_cases(
    session: SessionDep,
    who: Reader,
    case_type: Annotated[CaseType | None, Query(description=f"one of {', '.join(CASE_TYPES)}")] = None,
    status_: Annotated[str | None, Query(alias="status")] = None,
    external_id: str | None = None,
    account_id: str | None = None,
    created_from: Annotated[datetime | None, Query(description="inclusive lower bound on created_at")] = None,
    created_to: Annotated[datetime | None, Query(description="exclusive upper bound on created_at")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CasePage:
    where = CaseFilter(case_type, status_, account_id, external_id, created_from, created_to)
    page = service.list_cases(session, where, cursor, limit)
    if has_permission(who.role, Permission.DASHBOARD_READ):
        visible = list(page.items)
    else:  # blind tasks: no decision shown while a QA audit, shadow or second review is open
        blind = blind_case_ids(session, [item.id for item in page.items])
        visible = [item for item in page.items if item.status != "qa_pending" and item.id not in blind]
    decided = latest_decisions(session, [item.id for item in visible])
    for item in visible:
        made = decided.get(item.id)
        item.decision = (
            DecisionOut.model_validate(made, from_attributes=True).model_dump(mode="json") if made else None
        )
    return page


def _decode(body: bytes) -> Any:
    try:
        return decode_json(body)
    except ValueError as exc:
        raise ValidationFailed("the body is not valid JSON", [FieldError("body", str(exc))]) from exc


def _batch_items(body: bytes, *, ndjson: bool) -> list[Any]:
    """Decoded items; a line that is not JSON becomes that item's error list, not a failed batch."""
    if not ndjson:
        decoded = _decode(body)
        if not isinstance(decoded, list):
            raise ValidationFailed(
                "a batch is a JSON array", [FieldError("body", "expected a JSON array of cases")]
            )
        return decoded
    items: list[Any] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(decode_json(line))
        except ValueError as exc:
            items.append([FieldError("", f"line {number}: {exc}")])
    return items
