"""What the lifespan builds once and every request reads: typed, passed down, never global."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from auction.lots.bidding import BidService
from auction.lots.lifecycle import LotScheduler
from auction.rules import RuleProfile
from bidding_engine.engine import BiddingEngine
from core.db import DbEngine, DbSessions
from core.loops import Loops
from core.redis import AnyRedis
from core.replica import ReplicaWatch
from core.settings import Settings
from web.cache import MicroCache
from web.i18n import Catalogs
from web.ratelimit import BucketsByKey


@dataclass(slots=True)
class AppState:
    settings: Settings
    profile: RuleProfile
    db: DbEngine
    # Partner checks' own pool, without the pre-ping round trip: at hundreds a second it is a
    # third of the check's round trips, and a partner retries the one check a restart fails.
    checks_db: DbEngine
    sessions: DbSessions
    redis: AnyRedis
    templates: Jinja2Templates
    engine: BiddingEngine
    catalogs: Catalogs
    bids: BidService
    # HTTP bids and proxies per user, at the rate one socket may send messages.
    http_bid_rate: BucketsByKey
    # Partner reads per key (check and feed), in this process (AUCTION_PARTNER_RATE).
    partner_rate: BucketsByKey
    cache: MicroCache = field(default_factory=MicroCache)
    loops: Loops = field(default_factory=Loops)
    scheduler: LotScheduler | None = None  # this worker's lifecycle clock, when it runs one
    replica: ReplicaWatch | None = None  # the read replica, when DATABASE_REPLICA_URL names one


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.app
    return state
