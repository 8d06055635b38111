"""Public reads from a real streaming replica (issue 19.4): a primary and a `pg_basebackup -R`
replica started by the fixture. Anonymous public reads go to the replica; a signed-in caller
reads the primary (their own writes); a replica that lags or is away is left aside and the
pages answer from the primary, and it is used again once it is back."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from auction.accounts import identity
from auction.disclosure import dishonest
from auction.migrations import upgrade
from core.db import create_engine, session_factory
from core.settings import Settings
from tests.conftest import TEST_SECRET
from tests.integration.conftest import api_client
from tests.pg_replica import PrimaryAndReplica, postgres_binaries, primary_and_replica

DATABASE = "auction_replicated"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrimaryAndReplica]:
    if postgres_binaries() is None:
        pytest.skip("no PostgreSQL server binaries (Debian's postgresql package) to start a replica with")
    with primary_and_replica(tmp_path_factory.mktemp("pg") / "pair") as started:
        yield started


@pytest.fixture
async def migrated(pair: PrimaryAndReplica) -> AsyncIterator[PrimaryAndReplica]:
    admin = create_engine(pair.url(pair.primary_port))
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        exists = await connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DATABASE}
        )
        if not exists:
            await connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    engine = create_engine(pair.url(pair.primary_port, DATABASE))
    await upgrade(engine)
    await engine.dispose()
    yield pair


def replicated_settings(settings: Settings, pair: PrimaryAndReplica, max_lag_s: int) -> Settings:
    return settings.replace(
        database_url=pair.url(pair.primary_port, DATABASE),
        database_replica_url=pair.url(pair.replica_port, DATABASE),
        database_replica_max_lag_s=max_lag_s,
    )


async def list_someone(pair: PrimaryAndReplica, folder: Path) -> str:
    """A new entry on the dishonest list, written on the primary; its case number."""
    n = next(_numbers)
    case_number = f"(2026)京01执{9000 + n}号"
    number = identity.complete(f"11010519800101{n:03d}")
    path = folder / f"list-{n}.csv"
    path.write_text(
        f"name,kind,id_number,court,case_number,obligation,listed_on\n"
        f"复制{n},natural,{number},一院,{case_number},还款,2026-01-01\n",
        encoding="utf-8",
    )
    engine = create_engine(pair.url(pair.primary_port, DATABASE))
    try:
        async with session_factory(engine).begin() as session:
            report = await dishonest.import_dishonest(session, path, TEST_SECRET, lists_key=bytes(32))
        assert report.imported == 1
    finally:
        await engine.dispose()
        path.unlink()
    return case_number


async def replay(pair: PrimaryAndReplica, *, paused: bool) -> None:
    engine = create_engine(pair.url(pair.replica_port, DATABASE))
    try:
        async with engine.connect() as connection:
            call = "pg_wal_replay_pause()" if paused else "pg_wal_replay_resume()"
            await connection.execute(sa.text(f"SELECT {call}"))
    finally:
        await engine.dispose()


async def found(api: httpx.AsyncClient, case_number: str, *, signed_in: bool = False) -> bool:
    headers = {"authorization": "Bearer someone"} if signed_in else {}
    response = await api.get("/api/v1/disclosure/dishonest", params={"q": case_number}, headers=headers)
    assert response.status_code == 200, response.text
    return bool(response.json()["total"])


async def until(condition: object, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the time"
        await asyncio.sleep(0.2)


async def healthz(api: httpx.AsyncClient) -> dict:
    return dict((await api.get("/healthz")).json())


async def test_the_public_reads_the_replica_and_a_signed_in_caller_the_primary(
    migrated: PrimaryAndReplica, settings: Settings, tmp_path: Path
) -> None:
    pair = migrated
    async with api_client(replicated_settings(settings, pair, max_lag_s=120)) as api:
        await until(lambda: _in_use(api))
        await replay(pair, paused=True)  # the replica stands still: what it serves is older
        try:
            case_number = await list_someone(pair, tmp_path)
            assert await found(api, case_number, signed_in=True)  # the primary
            assert not await found(api, case_number)  # the replica, not yet there
        finally:
            await replay(pair, paused=False)
        await until(lambda: found(api, case_number))  # replayed: there for everyone


async def test_a_replica_too_far_behind_is_left_aside_then_used_again(
    migrated: PrimaryAndReplica, settings: Settings, tmp_path: Path
) -> None:
    pair = migrated
    async with api_client(replicated_settings(settings, pair, max_lag_s=1)) as api:
        await until(lambda: _in_use(api))
        await replay(pair, paused=True)
        try:
            case_number = await list_someone(pair, tmp_path)
            # Within the lag allowed plus a check or two, the public reads the primary.
            await until(lambda: found(api, case_number), timeout_s=10)
            assert (await healthz(api))["replica"] == "set_aside"
        finally:
            await replay(pair, paused=False)
        await until(lambda: _in_use(api))


async def test_a_replica_that_is_down_costs_no_page(
    migrated: PrimaryAndReplica, settings: Settings, tmp_path: Path
) -> None:
    pair = migrated
    async with api_client(replicated_settings(settings, pair, max_lag_s=5)) as api:
        await until(lambda: _in_use(api))
        case_number = await list_someone(pair, tmp_path)
        await until(lambda: found(api, case_number))
        pair.stop_replica()
        try:
            # At once, before the watch notices: the read that fails on it is asked of the primary.
            assert await found(api, case_number)
            await until(lambda: _set_aside(api))
            assert await found(api, case_number)
        finally:
            pair.start_replica()
        await until(lambda: _in_use(api), timeout_s=30)


async def _in_use(api: httpx.AsyncClient) -> bool:
    return (await healthz(api)).get("replica") == "in_use"


async def _set_aside(api: httpx.AsyncClient) -> bool:
    return (await healthz(api)).get("replica") == "set_aside"
