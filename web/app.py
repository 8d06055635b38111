"""The Starlette application factory and its lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from auction.errors import AuctionError
from auction.rules import profile_for
from core.db import create_engine, session_factory
from core.settings import Settings
from web import errors, formatting
from web.routes import accounts, pages, system
from web.state import AppState

WEB_DIR = Path(__file__).parent


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=WEB_DIR / "templates")  # autoescape on for .html
    templates.env.filters["yuan"] = formatting.yuan
    templates.env.filters["cst"] = formatting.cst
    return templates


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/healthz") and "text/html" in request.headers.get(
        "accept", ""
    )


def create_app(settings: Settings) -> Starlette:
    """Build the app for settings whose service URLs are resolved (see `core.services`)."""
    if settings.database_url is None or settings.redis_url is None:
        raise ValueError("create_app needs resolved service URLs; use core.services.resolved_services")
    database_url, redis_url = settings.database_url, settings.redis_url
    templates = build_templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = create_engine(database_url)
        redis = Redis.from_url(redis_url, decode_responses=False)
        app.state.app = AppState(
            settings=settings,
            profile=profile_for(settings),
            db=db,
            sessions=session_factory(db),
            redis=redis,
            templates=templates,
        )
        try:
            yield
        finally:
            await redis.aclose()
            await db.dispose()

    async def on_http_error(request: Request, exc: Exception) -> Response:
        if wants_html(request) and isinstance(exc, HTTPException):
            context = {"status": exc.status_code, "message": exc.detail}
            return pages.render(request, "error.html", context, status_code=exc.status_code)
        return await errors.http_error_handler(request, exc)

    return Starlette(
        routes=[
            *system.routes,
            *accounts.routes,
            *pages.routes,
            Mount("/static", app=StaticFiles(directory=WEB_DIR / "static"), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={
            AuctionError: errors.auction_error_handler,
            HTTPException: on_http_error,
            Exception: errors.unhandled_error_handler,
        },
    )
