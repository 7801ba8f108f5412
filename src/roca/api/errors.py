"""The one place where errors become HTTP responses.  Clients never see a stack trace."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from roca import errors

log = logging.getLogger("roca.api")

STATUS_BY_ERROR: list[tuple[type[errors.RocaError], int]] = [
    (errors.ValidationFailed, 422),
    (errors.NotFound, 404),
    (errors.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.Conflict, 409),
    (errors.PayloadTooLarge, 413),
    (errors.ConfigurationError, 500),
]


def status_for(error: errors.RocaError) -> int:
    return next((status for kind, status in STATUS_BY_ERROR if isinstance(error, kind)), 400)


def error_body(code: str, message: str, **details: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **details}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.RocaError)
    async def _roca_error(_request: Request, exc: errors.RocaError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, errors.Unauthenticated) else None
        return JSONResponse(
            error_body(exc.code, exc.message, **exc.details), status_code=status_for(exc), headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err["loc"]), "reason": str(err["msg"])} for err in exc.errors()
        ]
        return JSONResponse(
            error_body("validation_failed", "the request is not valid", errors=problems), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(f"http_{exc.status_code}", str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def _database_busy(request: Request, exc: OperationalError) -> JSONResponse:
        if "database is locked" not in str(exc.orig):
            return await _unexpected(request, exc)
        # SQLite's writer lock stayed taken past busy_timeout: a retry will get through.
        return JSONResponse(
            error_body("busy", "the database is busy with other writes; retry shortly"),
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        log.exception("unhandled error %s on %s %s", incident, request.method, request.url.path)
        return JSONResponse(
            error_body("internal_error", "internal error; the operators can look it up", incident=incident),
            status_code=500,
        )
