"""Operational endpoints: health, the engine clock, where the gateway listens."""

from __future__ import annotations

import asyncio
import logging

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bidding_engine.clock import engine_now_ms
from core.db import DATABASE_ERRORS, ping
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
            await app_state(request).redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("health: redis unavailable: %s", exc)
        return "down"
    return "ok"


async def healthz(request: Request) -> Response:
    database, redis = await asyncio.gather(_check_database(request), _check_redis(request))
    healthy = database == "ok" and redis == "ok"
    # Without PostgreSQL the engine still takes bids (the log catches up later): degraded.
    # Without Redis nothing can be bid: down.
    status = "ok" if healthy else ("degraded" if redis == "ok" else "down")
    body = {"status": status, "database": database, "redis": redis}
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
