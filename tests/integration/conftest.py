"""Fixtures for tests that drive the app in-process against the real services."""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from auction.lots.lifecycle import LotScheduler
from auction.rules import sandbox
from bidding_engine.clock import engine_now_ms
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from core.db import Base, session_factory
from core.embedded import EmbeddedServiceError, redis_server_binary
from core.settings import RuleProfileName, Settings
from settlement import ledger
from tests.conftest import TEST_SECRET
from tests.redis_cluster import redis_cluster
from web.app import create_app


async def truncate_all(engine: AsyncEngine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        # Identities keep counting: a reused lot id would meet its predecessor's engine keys.
        await connection.execute(sa.text(f"TRUNCATE {tables} CASCADE"))


_visitors = itertools.count(1)


@contextlib.asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on an app built from `settings`, lifespan run, no background tasks."""
    app = create_app(settings, background=False, gateway=False)
    async with app.router.lifespan_context(app):
        # Each client is its own visitor: per-address throttles (sign-in, look-up) left by one
        # test must not answer another's requests.
        n = next(_visitors)
        address = f"10.{n // 250 % 250}.{n % 250}.1"
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def api(settings: Settings, db_engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app; the app commits for real, so tables are emptied after the test."""
    try:
        async with api_client(settings) as client:
            yield client
    finally:
        await truncate_all(db_engine)


# -- the bidding engine, on a standalone Redis and on a real 3-master cluster ---------------

_lot_ids = itertools.count(10**12)  # far from the ids PostgreSQL hands out


def new_lot_id() -> int:
    """A lot id no other test of this session uses (keys are namespaced per session)."""
    return next(_lot_ids)


@pytest.fixture(scope="session")
def cluster_ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[int]]:
    try:
        redis_server_binary()
    except EmbeddedServiceError as exc:
        pytest.skip(f"no redis-server binary to start a cluster with: {exc}")
    with redis_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster.ports


@pytest.fixture(params=["standalone", "cluster"])
async def engine(
    request: pytest.FixtureRequest, redis: Redis, redis_namespace: str
) -> AsyncIterator[BiddingEngine]:
    if request.param == "standalone":
        yield BiddingEngine(redis, namespace=redis_namespace)
        return
    ports = request.getfixturevalue("cluster_ports")
    client = RedisCluster(host="127.0.0.1", port=ports[0])
    try:
        yield BiddingEngine(client, namespace=redis_namespace)
    finally:
        await client.aclose()


async def open_lot(
    engine: BiddingEngine,
    *registrations: EligibleRegistration,
    starting_price: int = 100_000,
    increment: int = 1_000,
    remaining_ms: int = 600_000,
    extension_ms: int = 300_000,
) -> int:
    lot_id = new_lot_id()
    now_ms = await engine_now_ms(engine.redis)
    opened = await engine.open(
        LotOpening(lot_id, starting_price, increment, now_ms + remaining_ms, extension_ms, registrations)
    )
    assert opened
    return lot_id


async def advance_clock(engine: BiddingEngine, lot_id: int, delta_ms: int) -> None:
    """Move the lot `delta_ms` closer to its end: the same, for every rule, as the engine clock
    running on (all time rules compare the end with the clock)."""
    await engine.redis.hincrby(engine.keys(lot_id).state, "end_ms", -delta_ms)


@pytest.fixture
async def committed(db_engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions that really commit (for code that opens its own transactions); tables are
    emptied after the test, once the ledger has been checked: every test that moves money
    leaves a balanced ledger behind."""
    sessions = session_factory(db_engine)
    try:
        yield sessions
        async with sessions() as session:
            result = await ledger.check(session)
        assert result.ok, f"the ledger does not balance after the test: {result}"
    finally:
        await truncate_all(db_engine)


@pytest.fixture
def standalone_engine(redis: Redis, redis_namespace: str) -> BiddingEngine:
    return BiddingEngine(redis, namespace=redis_namespace)


@pytest.fixture
async def cli_env(
    database_url: str, redis_url: str, redis_namespace: str, db_engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[dict]:
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": redis_namespace,
        "SECRET_KEY": TEST_SECRET,
        "DATA_DIR": str(tmp_path),
    }
    yield environ
    await truncate_all(db_engine)


def auction(environ: dict, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def scheduler(standalone_engine: BiddingEngine, committed: async_sessionmaker[AsyncSession]) -> LotScheduler:
    return LotScheduler(standalone_engine, committed, sandbox(10, 60))


@pytest.fixture
async def spc_api(
    settings: Settings, committed: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app under spc2016: approval, notices before the announcement, the law's periods."""
    async with api_client(settings.replace(rules=RuleProfileName.SPC2016)) as client:
        yield client
