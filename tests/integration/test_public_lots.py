"""The public lot list and detail, with the engine's live snapshot."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Category, LotStatus
from auction.lots.lifecycle import close_due_lots, open_due_lots
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from tests import factories
from tests.integration.conftest import advance_clock


async def test_list_filters_and_pages(
    committed: async_sessionmaker[AsyncSession], api: httpx.AsyncClient
) -> None:
    async with committed.begin() as session:
        car = await factories.lot_with_bidders(session, 0, status=LotStatus.ANNOUNCED)
        flat = await factories.lot_with_bidders(
            session, 0, status=LotStatus.FAILED, category=Category.REAL_ESTATE
        )
        draft = await factories.lot_with_bidders(session, 0, status=LotStatus.DRAFT)
    everything = (await api.get("/api/v1/lots")).json()
    ids = {item["id"] for item in everything["items"]}
    assert {car.lot.id, flat.lot.id} <= ids and draft.lot.id not in ids
    assert everything["page"] == 1 and everything["total"] == len(ids)
    only_flats = (await api.get("/api/v1/lots?category=real_estate")).json()["items"]
    assert [item["id"] for item in only_flats] == [flat.lot.id]
    by_court = (await api.get(f"/api/v1/lots?court={car.court.code}")).json()["items"]
    assert [item["id"] for item in by_court] == [car.lot.id]
    assert (await api.get("/api/v1/lots?q=测试")).json()["total"] == 2
    assert (await api.get("/api/v1/lots?q=%25")).json()["total"] == 0  # LIKE wildcards are literal
    bad = await api.get("/api/v1/lots?status=open&page=0")
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"] == {"status": "invalid_choice", "page": "invalid_value"}
    assert (await api.get(f"/api/v1/lots/{draft.lot.id}")).status_code == 404


async def test_detail_follows_the_engine_then_the_record(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine, api: httpx.AsyncClient
) -> None:
    async with committed.begin() as session:
        made = await factories.lot_with_bidders(session, 2, status=LotStatus.ANNOUNCED)
    await open_due_lots(committed, standalone_engine, sandbox(10, 60))
    before = (await api.get(f"/api/v1/lots/{made.lot.id}")).json()
    assert (before["status"], before["price"], before["leader_code"], before["bid_count"]) == (
        "live",
        None,
        None,
        0,
    )
    assert before["registrants"] == 2 and isinstance(before["end_ms"], int)

    first, second = made.registrations
    await standalone_engine.bid(made.lot.id, first.id, 100_000, "a")
    await standalone_engine.bid(made.lot.id, second.id, 101_000, "b")
    live = (await api.get(f"/api/v1/lots/{made.lot.id}")).json()
    assert (live["price"], live["leader_code"], live["bid_count"]) == (101_000, second.bidder_code, 2)
    assert set(live) >= {"status", "price", "leader_code", "end_at", "bid_count", "registrants"}

    await advance_clock(standalone_engine, made.lot.id, 3_600_000)
    await close_due_lots(committed, standalone_engine)
    after = (await api.get(f"/api/v1/lots/{made.lot.id}")).json()
    assert (after["status"], after["price"], after["leader_code"], after["bid_count"]) == (
        "sold",
        101_000,
        second.bidder_code,
        2,
    )
