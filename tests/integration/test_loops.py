"""Background loops ride out what Redis says when it cannot serve (a read-only replica after a
failover), and a loop that dies of a bug makes /healthz fail."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from auction.enums import LotStatus
from auction.lots import lifecycle
from auction.lots.lifecycle import LotScheduler
from bidding_engine.engine import BiddingEngine
from core.redis import connect
from core.settings import Settings
from tests.integration.conftest import truncate_all
from tests.integration.test_lifecycle import PROFILE, announced_lot, lot_row
from tests.redis_cluster import redis_server
from web.app import create_app


async def test_the_clock_rides_out_a_read_only_replica_and_goes_on_once_promoted(
    committed: async_sessionmaker[AsyncSession], redis_namespace: str, tmp_path: Path
) -> None:
    made = await announced_lot(committed, starts_in_s=-1)
    with (
        redis_server(tmp_path) as master,
        redis_server(tmp_path, "--replicaof", "127.0.0.1", str(master)) as replica,
    ):
        client = connect(f"redis://127.0.0.1:{replica}/0")
        engine = BiddingEngine(client, namespace=redis_namespace)
        scheduler = LotScheduler(engine, committed, PROFILE, tick_s=0.05)
        loop = asyncio.create_task(scheduler.run())
        try:
            await asyncio.sleep(1.5)  # every tick is refused READONLY
            assert not loop.done(), loop
            assert (await lot_row(committed, made.lot.id)).status is LotStatus.ANNOUNCED
            assert scheduler.failures == {}  # Redis's state, not the lot's: nothing to report
            await client.execute_command("REPLICAOF", "NO", "ONE")  # the failover completes
            for _ in range(60):
                if (await lot_row(committed, made.lot.id)).status is LotStatus.LIVE:
                    break
                await asyncio.sleep(0.1)
            assert (await lot_row(committed, made.lot.id)).status is LotStatus.LIVE
            assert not loop.done()
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)
            await client.aclose()


async def test_a_loop_that_died_makes_healthz_fail(
    settings: Settings, db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def bug(self: LotScheduler) -> tuple[list[int], list[int]]:
        raise RuntimeError("a bug in the clock")

    monkeypatch.setattr(lifecycle.LotScheduler, "tick", bug)
    app = create_app(settings, background=True, gateway=False)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                await asyncio.sleep(0.3)
                health = await http.get("/healthz")
    finally:
        await truncate_all(db_engine)
    assert health.status_code == 503
    body = health.json()
    assert body["loops"]["lifecycle"].startswith("dead: RuntimeError")
    assert body["loops"]["persister"] == "running" and body["database"] == body["redis"] == "ok"
