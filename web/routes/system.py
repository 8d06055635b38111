"""Operational endpoints: health, the engine clock, where the gateway listens."""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bidding_engine.clock import engine_now_ms
from web.state import app_state

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_S = 2.0


async def _check_database(request: Request) -> str:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S), app_state(request).db.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
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


async def healthz(request: Request) -> JSONResponse:
    database, redis = await asyncio.gather(_check_database(request), _check_redis(request))
    healthy = database == "ok" and redis == "ok"
    # Without PostgreSQL the engine still takes bids (the log catches up later): degraded.
    # Without Redis nothing can be bid: down.
    status = "ok" if healthy else ("degraded" if redis == "ok" else "down")
    body = {"status": status, "database": database, "redis": redis}
    return JSONResponse(body, status_code=200 if healthy else 503)


async def engine_time(request: Request) -> JSONResponse:
    return JSONResponse({"now_ms": await engine_now_ms(app_state(request).redis)})


def public_ws_url(request: Request) -> str:
    settings = app_state(request).settings
    if settings.public_ws_url:
        return settings.public_ws_url
    scheme = "wss" if request.url.scheme == "https" else "ws"
    host = request.url.hostname or settings.host
    return f"{scheme}://{host}:{settings.ws_port}/ws"


async def realtime(request: Request) -> JSONResponse:
    return JSONResponse({"ws_url": public_ws_url(request)})


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/api/v1/time", engine_time, methods=["GET"]),
    Route("/api/v1/realtime", realtime, methods=["GET"]),
]
