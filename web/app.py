"""The Starlette application factory and its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gettext
import io
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from auction.disclosure.lists_clock import ListsClock
from auction.disclosure.pushes import PushDispatcher
from auction.errors import AuctionError
from auction.lots.bid_log import BidPersister
from auction.lots.bidding import BidService
from auction.lots.lifecycle import LotScheduler
from auction.notifications.channels import notifiers_for
from auction.notifications.dispatcher import NotificationDispatcher
from auction.rules import profile_for
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineError
from core.db import create_engine, session_factory
from core.redis import AnyRedis
from core.redis import connect as connect_redis
from core.replica import ReplicaWatch
from core.settings import Settings
from settlement.errors import SettlementError
from web import error_pages, formatting, labels, openapi
from web.gateway.server import Gateway
from web.i18n import load_catalogs
from web.ratelimit import BucketsByKey
from web.routes import (
    account_pages,
    accounts,
    after_hammer,
    agents,
    announcement_pages,
    auction_objections,
    bidding,
    court,
    court_pages,
    disclosure,
    enforcement,
    engagement,
    files,
    home_page,
    joint_punishment,
    lawful_listing,
    lists,
    lot_pages,
    lots,
    party_notices,
    party_pages,
    public_pages,
    service_pages,
    settlement,
    system,
)
from web.security import SecurityHeaders
from web.state import AppState

WEB_DIR = Path(__file__).parent
log = logging.getLogger(__name__)


@pass_context
def _gettext(context: Context, message: str) -> str:
    translations: gettext.NullTranslations = context["translations"]
    return translations.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    translations: gettext.NullTranslations = context["translations"]
    return translations.ngettext(singular, plural, n)


def static_url(path: str) -> str:
    return f"/static/{path}"


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=WEB_DIR / "templates")  # autoescape on for .html
    templates.env.filters["yuan"] = formatting.yuan
    templates.env.filters["cst"] = formatting.cst
    templates.env.filters["cst_end"] = formatting.cst_end
    templates.env.globals.update(labels.GLOBALS)
    # Static files sit under one fixed prefix: Starlette's url_for would walk every route
    # (raising NoMatchFound on each) for each asset of each page, a tenth of a page's cost.
    templates.env.globals["static"] = static_url
    # The language is the request's, so the callables read the catalog from the render
    # context (web.rendering.render puts it there); newstyle escapes the values put into a message.
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    return templates


SHUTDOWN_REPORT_S = 5.0
BACKGROUND_CONNECTIONS = 8


def report_stuck_tasks() -> None:
    """Name every task still running when a shutdown has taken too long, with its stack.

    A shutdown that hangs is otherwise silent until the supervisor's SIGKILL; the stacks say
    which await is stuck."""
    stacks = []
    for task in asyncio.all_tasks():
        frames = io.StringIO()
        task.print_stack(file=frames)
        stacks.append(frames.getvalue())
    log.error("shutdown still waiting after %.0f s:\n%s", SHUTDOWN_REPORT_S, "\n".join(stacks))


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def engine_for(redis: AnyRedis, settings: Settings) -> BiddingEngine:
    return BiddingEngine(
        redis,
        namespace=settings.redis_namespace,
        ack_replicas=settings.redis_ack_replicas,
        ack_timeout_ms=settings.redis_ack_timeout_ms,
    )


def create_app(settings: Settings, *, background: bool = True, gateway: bool = True) -> Starlette:
    """Build the app for settings whose service URLs are resolved (see `core.services`).

    `background` runs this worker's share of the lifecycle clock and the bid persister;
    `gateway` starts the real-time gateway on `settings.ws_port` in the same event loop.
    Tests that drive those by hand turn them off.
    """
    if settings.database_url is None or settings.redis_url is None:
        raise ValueError("create_app needs resolved service URLs; use core.services.resolved_services")
    database_url, redis_url = settings.database_url, settings.redis_url
    templates = build_templates()
    catalogs = load_catalogs()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = create_engine(database_url, pool_size=settings.database_pool_size)
        checks_db = create_engine(database_url, pool_size=settings.database_pool_size, pre_ping=False)
        redis = connect_redis(redis_url, cluster=settings.redis_cluster)
        profile = profile_for(settings)
        sessions = session_factory(db)
        engine = engine_for(redis, settings)
        app.state.app = AppState(
            settings=settings,
            profile=profile,
            db=db,
            checks_db=checks_db,
            sessions=sessions,
            redis=redis,
            templates=templates,
            engine=engine,
            catalogs=catalogs,
            bids=BidService(sessions, engine),
            http_bid_rate=BucketsByKey(settings.ws_rate, 2 * settings.ws_rate),
            partner_rate=BucketsByKey(settings.partner_rate, 2 * settings.partner_rate),
        )
        loops = app.state.app.loops
        replica_db = None
        if settings.database_replica_url:
            replica_db = create_engine(settings.database_replica_url, pool_size=settings.database_pool_size)
            watch = ReplicaWatch(
                db, replica_db, session_factory(replica_db), max_lag_s=settings.database_replica_max_lag_s
            )
            app.state.app.replica = watch
            loops.start("replica-watch", watch.run())
        # The clock and the persister use a pool of their own: a crowd of subscribers or bidders
        # that takes every connection of the main pool cannot stop lots from closing.
        background_redis = connect_redis(
            redis_url, cluster=settings.redis_cluster, max_connections=BACKGROUND_CONNECTIONS
        )
        if background:
            own = engine_for(background_redis, settings)
            scheduler = LotScheduler(own, sessions, profile)
            app.state.app.scheduler = scheduler
            loops.start("lifecycle", scheduler.run())
            loops.start("persister", BidPersister(own, sessions, worker_name()).run())
            loops.start("notifications", NotificationDispatcher(sessions, notifiers_for(settings)).run())
            loops.start("lists", ListsClock(sessions).run())
            loops.start("pushes", PushDispatcher(sessions, settings.lists_key).run())
        realtime = Gateway(app.state.app) if gateway else None
        if realtime is not None:
            await realtime.start(settings.host, settings.ws_port)
            app.state.gateway = realtime
        try:
            yield
        finally:
            watchdog = asyncio.get_running_loop().call_later(SHUTDOWN_REPORT_S, report_stuck_tasks)
            if realtime is not None:
                await realtime.stop()
            await loops.stop()
            await background_redis.aclose()
            await redis.aclose()
            await db.dispose()
            await checks_db.dispose()
            if replica_db is not None:
                await replica_db.dispose()
            watchdog.cancel()

    ws_origin = None
    if settings.public_ws_url:
        parts = urlsplit(settings.public_ws_url)
        ws_origin = f"{parts.scheme}://{parts.netloc}"
    return Starlette(
        middleware=[Middleware(SecurityHeaders, ws_origin=ws_origin)],
        routes=[
            *system.routes,
            *accounts.routes,
            *lots.routes,
            *court.routes,
            *lawful_listing.routes,
            *after_hammer.routes,
            *auction_objections.routes,
            *joint_punishment.routes,
            *bidding.routes,
            *agents.routes,
            *party_notices.routes,
            *disclosure.routes,
            *files.routes,
            *settlement.routes,
            *lists.routes,
            *enforcement.routes,
            *engagement.routes,
            *openapi.routes,
            *home_page.routes,
            *lot_pages.routes,
            *announcement_pages.routes,
            *service_pages.routes,
            *account_pages.routes,
            *party_pages.routes,
            *public_pages.routes,
            *court_pages.routes,
            Mount("/static", app=StaticFiles(directory=WEB_DIR / "static"), name="static"),
        ],
        lifespan=lifespan,
        # The known errors go through Starlette's exception middleware (answered, not re-raised);
        # `Exception` is the server-error handler's, which logs it as the bug it is.
        exception_handlers=dict.fromkeys(
            (AuctionError, EngineError, SettlementError, HTTPException, Exception), error_pages.handle
        ),
    )
