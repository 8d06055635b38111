"""Operational endpoints: health, the engine clock, where the gateway listens."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bidding_engine.clock import engine_now_ms
from core.db import DATABASE_ERRORS, ping
from core.redis import is_redis_failure
from core.redis import ping as ping_redis
from web.gateway.url import public_ws_url
from web.responses import json_response
from web.state import app_state

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_S = 2.0
HEALTH_ERRORS: tuple[type[Exception], ...] = (*DATABASE_ERRORS, TimeoutError)


async def _check_database(request: Request) -> str:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S):
            await ping(app_state(request).db)
    except HEALTH_ERRORS as exc:
        log.warning("health: database unavailable: %s", exc)
        return "down"
    return "ok"


async def _check_redis(request: Request) -> str:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S):
            await ping_redis(app_state(request).redis)
    except Exception as exc:
        if not (is_redis_failure(exc) or isinstance(exc, TimeoutError)):
            raise
        log.warning("health: redis unavailable: %s", exc)
        return "down"
    return "ok"


async def healthz(request: Request) -> Response:
    """503 when a service is away or a background loop died (restart the worker); lots whose
    opening or close could not be recorded are listed, for the operator, with a 200."""
    state = app_state(request)
    database, redis = await asyncio.gather(_check_database(request), _check_redis(request))
    loops = state.loops.health()
    healthy = database == "ok" and redis == "ok" and all(s == "running" for s in loops.values())
    # Without PostgreSQL the engine still takes bids (the log catches up later): degraded.
    # Without Redis nothing can be bid: down.
    status = "ok" if healthy else ("down" if redis != "ok" else "degraded")
    failures = state.scheduler.failures if state.scheduler is not None else {}
    body: dict[str, object] = {"status": status, "database": database, "redis": redis}
    if loops:  # a worker that runs background loops says how each is
        body["loops"] = loops
    if state.replica is not None:  # public reads go to it, or (set aside) to the primary
        body["replica"] = "in_use" if state.replica.usable else "set_aside"
        body["replica_lag_s"] = state.replica.lag_s
    if failures:
        body["unrecorded_lots"] = [
            {
                "lot_id": lot_id,
                "stage": f.stage,
                "error": f.error,
                "since": f.since.isoformat(),
                "attempts": f.attempts,
            }
            for lot_id, f in sorted(failures.items())
        ]
    down_since = state.scheduler.engine_down_since if state.scheduler is not None else None
    if down_since is not None:
        # Lots whose final minutes this overlaps will be deferred, not sold (auction.lots.outages).
        body["engine_unreachable_since"] = down_since.isoformat()
    return json_response(body, status_code=200 if healthy else 503)


async def engine_time(request: Request) -> Response:
    return json_response({"now_ms": await engine_now_ms(app_state(request).redis)})


async def realtime(request: Request) -> Response:
    return json_response({"ws_url": public_ws_url(request)})


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/api/v1/time", engine_time, methods=["GET"]),
    Route("/api/v1/realtime", realtime, methods=["GET"]),
]
