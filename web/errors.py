"""Every refusal a client sees. An API client gets docs/api.md's shape,
`{"error": {"code", "message", "fields"?}}`; a browser gets a page in its language
(`web.error_pages`, whose `handle` is the app's one exception handler).

The contexts raise their own errors; this module is the one boundary that maps them to
HTTP statuses and codes, so a route never builds an error response by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from auction import errors as auction_errors
from bidding_engine.errors import EngineError, EngineUnavailable, InvalidRequest
from settlement import errors as settlement_errors

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[auction_errors.AuctionError], int]] = [
    (auction_errors.ValidationFailed, 422),
    (auction_errors.NotFound, 404),
    (auction_errors.Unauthenticated, 401),
    (auction_errors.Forbidden, 403),
    (auction_errors.Conflict, 409),
    (auction_errors.RateLimited, 429),
]

SETTLEMENT_STATUS: list[tuple[type[settlement_errors.SettlementError], int]] = [
    (settlement_errors.PlanInvalid, 422),
    (settlement_errors.PlanNotFound, 404),
    (settlement_errors.PlanConflict, 409),
]

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


@dataclass(frozen=True)
class Refusal:
    """An error as the boundary answers it, whoever asked."""

    status: int
    code: str
    message: str  # the API's words (English); pages show their own by `code`
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def refusal(request: Request, exc: Exception) -> Refusal:
    """What `exc` means to a client; an unexpected exception is logged here with its traceback."""
    if isinstance(exc, auction_errors.AuctionError):
        status = next((s for kind, s in STATUS_BY_ERROR if isinstance(exc, kind)), 400)
        headers = {}
        if isinstance(exc, auction_errors.RateLimited):
            headers["Retry-After"] = str(exc.retry_after_s)
        return Refusal(status, exc.code, exc.message, dict(exc.fields or {}), headers)
    if isinstance(exc, settlement_errors.SettlementError):
        status = next((s for kind, s in SETTLEMENT_STATUS if isinstance(exc, kind)), 409)
        return Refusal(status, exc.code, exc.message, dict(exc.fields or {}))
    if isinstance(exc, EngineUnavailable):
        log.warning("engine unavailable on %s %s: %s", request.method, request.url.path, exc)
        return Refusal(503, "unavailable", "bidding is paused: the engine is unreachable; retry shortly")
    if isinstance(exc, InvalidRequest):
        return Refusal(422, "validation_failed", str(exc))
    if isinstance(exc, EngineError):
        return Refusal(409, exc.code, str(exc))
    if isinstance(exc, HTTPException):
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return Refusal(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))
    # Logged with the traceback here, never swallowed; the client sees no internals.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Refusal(500, "internal_error", "an internal error occurred; it has been logged")


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, fields), status_code=status)


def wants_html(request: Request) -> bool:
    """A browser navigating (a link, a form): everything but the API asked for a page."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/healthz") and "text/html" in request.headers.get(
        "accept", ""
    )
