"""The durable bid log: exactly once in PostgreSQL, hash-chained, whatever the persisters do."""

from __future__ import annotations

import asyncio
import itertools
import random

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.lots.bid_log import BidPersister, check_chain
from auction.models import Bid
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from tests import factories


async def live_lot(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, bidders: int = 3, **kwargs: object
) -> factories.LotFixture:
    async with sessions.begin() as session:
        made = await factories.lot_with_bidders(session, bidders, **kwargs)  # type: ignore[arg-type]
    now = await engine.now_ms()
    regs = tuple(EligibleRegistration(r.id, r.bidder_code) for r in made.registrations)
    await engine.open(
        LotOpening(made.lot.id, made.lot.starting_price, made.lot.increment, now + 600_000, 300_000, regs)
    )
    return made


async def place_bids(engine: BiddingEngine, made: factories.LotFixture, count: int) -> None:
    for n in range(count):
        registration = made.registrations[n % len(made.registrations)]
        result = await engine.bid(
            made.lot.id, registration.id, made.lot.starting_price + n * made.lot.increment, f"b{n}"
        )
        assert result.accepted


async def rows(sessions: async_sessionmaker[AsyncSession], lot_id: int) -> list[tuple[int, int, str]]:
    async with sessions() as session:
        result = await session.execute(
            sa.select(Bid.seq, Bid.amount, Bid.bidder_code).where(Bid.lot_id == lot_id).order_by(Bid.seq)
        )
        return [tuple(row) for row in result]  # type: ignore[misc]


async def test_every_bid_is_written_once_with_a_valid_chain(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await live_lot(committed, standalone_engine)
    await place_bids(standalone_engine, made, 12)
    persister = BidPersister(standalone_engine, committed, "p1")
    assert await persister.persist_once([made.lot.id]) == 12
    assert await persister.persist_once([made.lot.id]) == 0
    stream = [(b.seq, b.amount, b.bidder_code) for b in await standalone_engine.bids_since(made.lot.id)]
    assert await rows(committed, made.lot.id) == stream
    async with committed() as session:
        check = await check_chain(session, made.lot.id)
    assert check.valid and check.count == 12
    assert await standalone_engine.pending_count(made.lot.id) == 0


async def test_a_dead_persisters_entries_are_claimed_and_written_once(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await live_lot(committed, standalone_engine)
    await place_bids(standalone_engine, made, 6)
    # "dead" receives the entries and dies before writing or acknowledging them.
    assert len(await standalone_engine.read_new([made.lot.id], "dead")) == 6
    survivor = BidPersister(standalone_engine, committed, "survivor", claim_idle_ms=0)
    assert await survivor.persist_once([made.lot.id]) == 0  # nothing new to read...
    assert await survivor.persist_once([made.lot.id], claim=True) == 6  # ...but the dead one's are claimed
    assert [seq for seq, _, _ in await rows(committed, made.lot.id)] == [1, 2, 3, 4, 5, 6]
    assert await standalone_engine.pending_count(made.lot.id) == 0


async def test_out_of_order_batches_fill_the_gap_from_the_stream(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await live_lot(committed, standalone_engine)
    await place_bids(standalone_engine, made, 5)
    slow = await standalone_engine.read_new([made.lot.id], "slow")  # holds 1..5
    await place_bids_from(standalone_engine, made, 5, 5)
    fast = BidPersister(standalone_engine, committed, "fast")
    assert await fast.persist_once([made.lot.id]) == 10  # 6..10 delivered, 1..5 filled in
    slow_persister = BidPersister(standalone_engine, committed, "slow")
    from auction.lots.bid_log import append_records, lock_lot_log

    async with committed.begin() as session:
        await lock_lot_log(session, made.lot.id)
        assert await append_records(session, standalone_engine, made.lot.id, slow) == 0
    await standalone_engine.ack(made.lot.id, [r.entry_id for r in slow])
    assert slow_persister.consumer == "slow"
    assert [seq for seq, _, _ in await rows(committed, made.lot.id)] == list(range(1, 11))
    async with committed() as session:
        assert (await check_chain(session, made.lot.id)).valid


async def place_bids_from(engine: BiddingEngine, made: factories.LotFixture, first: int, count: int) -> None:
    for n in range(first, first + count):
        registration = made.registrations[n % len(made.registrations)]
        amount = made.lot.starting_price + n * made.lot.increment
        assert (await engine.bid(made.lot.id, registration.id, amount, f"b{n}")).accepted


async def test_concurrent_persisters_write_each_bid_once(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await live_lot(committed, standalone_engine, bidders=4)
    persisters = [BidPersister(standalone_engine, committed, f"p{n}", claim_idle_ms=0) for n in range(3)]

    async def bidding() -> None:
        await place_bids(standalone_engine, made, 60)

    async def persisting(persister: BidPersister) -> None:
        for _ in range(40):
            await persister.persist_once([made.lot.id], claim=True)
            await asyncio.sleep(0.005)

    await asyncio.gather(bidding(), *(persisting(p) for p in persisters))
    for persister in persisters:
        await persister.persist_once([made.lot.id], claim=True)
    assert [seq for seq, _, _ in await rows(committed, made.lot.id)] == list(range(1, 61))


async def test_200_concurrent_bidders(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    """Exactly the valid bids are accepted, seq is gapless, the highest valid bid wins, and
    PostgreSQL holds exactly the stream."""
    made = await live_lot(committed, standalone_engine, bidders=200)
    start, increment = made.lot.starting_price, made.lot.increment
    rng = random.Random(7)
    steps = rng.sample(range(400), 200)
    amounts = [start + k * increment + (increment // 2 if n % 5 == 0 else 0) for n, k in enumerate(steps)]
    results = await asyncio.gather(
        *(
            standalone_engine.bid(made.lot.id, registration.id, amount, f"race-{n}")
            for n, (registration, amount) in enumerate(zip(made.registrations, amounts, strict=True))
        )
    )
    accepted = [r for r in results if r.accepted]
    assert sorted(r.seq for r in accepted) == list(range(1, len(accepted) + 1))  # type: ignore[type-var]
    for amount, result in zip(amounts, results, strict=True):
        if (amount - start) % increment:
            assert result.code in {"invalid_amount", "too_low"}
        elif not result.accepted:
            assert result.code == "too_low"
    log = await standalone_engine.bids_since(made.lot.id)
    assert [b.seq for b in log] == list(range(1, len(accepted) + 1))
    assert all(later.amount > earlier.amount for earlier, later in itertools.pairwise(log))
    best_valid = max(a for a in amounts if (a - start) % increment == 0)
    assert log[-1].amount == best_valid
    await BidPersister(standalone_engine, committed, "p").persist_once([made.lot.id])
    assert await rows(committed, made.lot.id) == [(b.seq, b.amount, b.bidder_code) for b in log]


async def test_the_public_log_and_its_verification(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine, api: httpx.AsyncClient
) -> None:
    made = await live_lot(committed, standalone_engine)
    await place_bids(standalone_engine, made, 4)
    await BidPersister(standalone_engine, committed, "p").persist_once([made.lot.id])
    history = (await api.get(f"/api/v1/lots/{made.lot.id}/bids")).json()
    assert [(b["seq"], b["amount"], b["kind"]) for b in history] == [
        (1, 100_000, "manual"),
        (2, 101_000, "manual"),
        (3, 102_000, "manual"),
        (4, 103_000, "manual"),
    ]
    assert set(history[0]) >= {"seq", "bidder_code", "amount", "at", "kind"}
    assert history[0]["at"].endswith("+00:00")
    assert (await api.get(f"/api/v1/lots/{made.lot.id}/bids?after_seq=2")).json()[0]["seq"] == 3
    verified = (await api.get(f"/api/v1/lots/{made.lot.id}/bids/verify")).json()
    assert verified == {"head": history[-1]["hash"], "count": 4, "valid": True}

    async with committed.begin() as session:  # tamper with the record
        await session.execute(
            sa.update(Bid).where(Bid.lot_id == made.lot.id, Bid.seq == 2).values(amount=100_001)
        )
    tampered = (await api.get(f"/api/v1/lots/{made.lot.id}/bids/verify")).json()
    assert tampered["valid"] is False and tampered["first_broken_seq"] == 2

    assert (await api.get("/api/v1/lots/999999999/bids")).status_code == 404
    assert (await api.get("/api/v1/lots/abc/bids/verify")).status_code == 404
