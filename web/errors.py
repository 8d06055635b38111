"""Every error a client sees, in docs/api.md's shape:
`{"error": {"code", "message", "fields"?}}`.

The contexts raise their own errors; this module is the one boundary that maps them to
HTTP statuses, so a route never builds an error response by hand.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, fields), status_code=status)


async def auction_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, auction_errors.AuctionError)
    status = next((s for kind, s in STATUS_BY_ERROR if isinstance(exc, kind)), 400)
    response = error_response(status, exc.code, exc.message, exc.fields or None)
    if isinstance(exc, auction_errors.RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


async def settlement_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, settlement_errors.SettlementError)
    status = next((s for kind, s in SETTLEMENT_STATUS if isinstance(exc, kind)), 409)
    return error_response(status, exc.code, exc.message, exc.fields or None)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    response = error_response(exc.status_code, code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def engine_error_handler(request: Request, exc: Exception) -> Response:
    """The engine could not decide (Redis unreachable) or refused a malformed call."""
    assert isinstance(exc, EngineError)
    if isinstance(exc, EngineUnavailable):
        log.warning("engine unavailable on %s %s: %s", request.method, request.url.path, exc)
        return error_response(
            503, "unavailable", "bidding is paused: the engine is unreachable; retry shortly"
        )
    if isinstance(exc, InvalidRequest):
        return error_response(422, "validation_failed", str(exc))
    return error_response(409, exc.code, str(exc))


async def unhandled_error_handler(request: Request, exc: Exception) -> Response:
    # Logged with the traceback here, never swallowed; the client sees no internals.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "an internal error occurred; it has been logged")
