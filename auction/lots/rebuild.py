"""Rebuilding a lot's live state in Redis from PostgreSQL (`auction engine rebuild LOT`), for a
Redis that lost it. What the record holds comes back exactly: the settings, the eligible
registrations, every persisted bid (price, leader, seq, end), the proxy maxima in the order they
were set. What it does not hold: bids accepted but not yet persisted when Redis was lost (the
persister runs every 50 ms), the idempotency results of past client_bid_ids, and a suspended
lot's exact remaining time (taken as the time left to its last end).
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import DepositStatus, LotStatus, SaleKind
from auction.errors import Conflict, NotFound
from auction.lots.transitions import datetime_to_ms
from auction.models import Bid, Lot, ProxyMaximum, Registration
from auction.rules import RuleProfile
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import (
    ORDINARY_CLASS,
    BidRecord,
    EligibleRegistration,
    EngineStatus,
    LotRestoration,
)

ENGINE_STATUS = {
    LotStatus.LIVE: EngineStatus.LIVE,
    LotStatus.SUSPENDED: EngineStatus.SUSPENDED,
    LotStatus.CANCELLED: EngineStatus.CANCELLED,
    LotStatus.ENDED: EngineStatus.ENDED,
    LotStatus.SOLD: EngineStatus.ENDED,
    LotStatus.FAILED: EngineStatus.ENDED,
    LotStatus.SETTLED: EngineStatus.ENDED,
    LotStatus.DEFAULTED: EngineStatus.ENDED,
    LotStatus.DEFERRED: EngineStatus.SUSPENDED,  # 暂缓 holds the lot as 中止 does, time kept
    LotStatus.RULED: EngineStatus.ENDED,
    LotStatus.DELIVERED: EngineStatus.ENDED,
    LotStatus.ANNULLED: EngineStatus.ENDED,
}


async def record_proxy(session: AsyncSession, lot_id: int, registration_id: int, max_amount: int) -> None:
    """Keep the maximum a bidder set, so a rebuild knows it; an unchanged maximum keeps its order."""
    at_ms = int(time.time() * 1000)
    statement = pg_insert(ProxyMaximum).values(
        lot_id=lot_id, registration_id=registration_id, max_amount=max_amount, set_at_ms=at_ms
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["lot_id", "registration_id"],
            set_={"max_amount": statement.excluded.max_amount, "set_at_ms": statement.excluded.set_at_ms},
            where=ProxyMaximum.max_amount != statement.excluded.max_amount,
        )
    )


async def restoration(
    session: AsyncSession, profile: RuleProfile, lot_id: int, now_ms: int
) -> LotRestoration:
    lot = await session.get(Lot, lot_id)
    if lot is None:
        raise NotFound("no such lot")
    status = ENGINE_STATUS.get(lot.status)
    if status is None:
        raise Conflict(f"a {lot.status.value} lot has no live state to rebuild", code="invalid_status")
    registrations = list(
        await session.scalars(
            sa.select(Registration).where(
                Registration.lot_id == lot_id,
                Registration.deposit_status.in_((DepositStatus.FROZEN, DepositStatus.APPLIED)),
            )
        )
    )
    rows = list(await session.scalars(sa.select(Bid).where(Bid.lot_id == lot_id).order_by(Bid.seq)))
    bids = tuple(
        BidRecord(
            lot_id,
            b.seq,
            b.registration_id,
            b.bidder_code,
            b.amount,
            b.kind,
            b.at_ms,
            b.end_ms,
            b.client_bid_id,
            f"{b.seq}-1",
        )
        for b in rows
    )
    proxies = list(
        await session.scalars(
            sa.select(ProxyMaximum).where(ProxyMaximum.lot_id == lot_id).order_by(ProxyMaximum.set_at_ms)
        )
    )
    last = rows[-1] if rows else None
    leader = await session.get(Registration, last.registration_id) if last else None
    # The scheduled end moves with a late opening and a resumption; a bid's extension moves it
    # further: the later of the two is where the engine was.
    end_ms = max(last.end_ms if last else 0, datetime_to_ms(lot.end_at))
    window = profile.fixed_price_window if lot.sale_kind is SaleKind.FIXED_PRICE else None
    outcome = None
    if status is EngineStatus.ENDED:
        outcome = "sold" if lot.winner_registration_id else "failed"
    return LotRestoration(
        lot_id=lot_id,
        status=status,
        starting_price=lot.starting_price,
        increment=lot.increment,
        extension_ms=int(profile.extension.total_seconds() * 1000),
        end_ms=end_ms,
        remaining_ms=max(end_ms - now_ms, 0) if status is EngineStatus.SUSPENDED else 0,
        first_bid_window_ms=int(window.total_seconds() * 1000) if window else 0,
        price=last.amount if last else 0,
        leader_registration_id=last.registration_id if last else None,
        leader_code=last.bidder_code if last else None,
        leader_class=(leader.priority_rank or ORDINARY_CLASS) if leader else 0,
        outcome=outcome,
        registrations=tuple(
            EligibleRegistration(r.id, r.bidder_code, r.priority_rank) for r in registrations
        ),
        proxies=tuple((p.registration_id, p.max_amount, order) for order, p in enumerate(proxies, start=1)),
        bids=bids,
    )


async def rebuild_lot(
    session: AsyncSession, engine: BiddingEngine, profile: RuleProfile, lot_id: int, *, force: bool = False
) -> int:
    """Restore the lot in the engine from the record. A lot the engine still holds is refused
    unless `force`: its keys carry what the record may not have yet (bids not persisted, the
    results of past client_bid_ids), and replacing them would lose it."""
    if not force and await engine.snapshot(lot_id) is not None:
        raise Conflict(
            "the engine holds this lot: a rebuild would replace its live state (--force does it anyway)",
            code="lot_in_engine",
        )
    return await engine.restore(await restoration(session, profile, lot_id, await engine.now_ms()))
