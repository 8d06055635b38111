"""The durable bid log: every accepted bid written to PostgreSQL exactly once, hash-chained.

The engine's stream is the source of truth while a lot is live; PostgreSQL is the record.
Persisters in every worker read the lots' streams through one consumer group, so each
entry is delivered to one persister, and one that dies leaves its entries pending for
another to claim. Exactly-once comes from PostgreSQL, not from delivery: a lot's rows are
written under a per-lot advisory lock, continuing from the last row's seq and hash, and
`(lot_id, seq)` is unique. Entries that arrive out of order (another persister holds the
earlier ones) are filled in from the stream by seq, so the chain never has to wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import HALTED_STATUSES, LotStatus
from auction.lots.bid_chain import GENESIS_HASH, ChainCheck, ChainLink, link_hash, verify
from auction.models import Bid, Lot
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from bidding_engine.results import BidRecord
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

BID_LOG_LOCK = 0x62_69_64  # advisory lock namespace ("bid") for per-lot serialisation
ACTIVE_STATUSES = (LotStatus.LIVE, *HALTED_STATUSES, LotStatus.ENDED)


def _link(record: BidRecord) -> ChainLink:
    return ChainLink(
        record.lot_id, record.seq, record.bidder_code, record.amount, record.kind.value, record.at_ms
    )


async def lock_lot_log(session: AsyncSession, lot_id: int) -> None:
    """Serialise writers of one lot's log until the transaction ends."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(BID_LOG_LOCK, lot_id)))


async def append_records(
    session: AsyncSession, engine: BiddingEngine, lot_id: int, records: Sequence[BidRecord]
) -> int:
    """Write what `records` (and any earlier gap) add to the lot's log; return rows written.

    Precondition: the caller holds `lock_lot_log` for this lot in this transaction.
    """
    last = (
        await session.execute(
            sa.select(Bid.seq, Bid.hash).where(Bid.lot_id == lot_id).order_by(Bid.seq.desc()).limit(1)
        )
    ).first()
    last_seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    newest = max((record.seq for record in records), default=0)
    if newest <= last_seq:
        return 0
    fresh = sorted((r for r in records if r.seq > last_seq), key=lambda r: r.seq)
    if [r.seq for r in fresh] != list(range(last_seq + 1, newest + 1)):
        # Another persister holds the entries in between: take them from the stream by seq.
        fresh = await engine.bids_since(lot_id, last_seq, limit=newest - last_seq)
    rows = []
    for record in fresh:
        digest = link_hash(prev_hash, _link(record))
        rows.append(
            {
                "lot_id": lot_id,
                "seq": record.seq,
                "registration_id": record.registration_id,
                "bidder_code": record.bidder_code,
                "amount": record.amount,
                "kind": record.kind,
                "at_ms": record.at_ms,
                "end_ms": record.end_ms,
                "client_bid_id": record.client_bid_id,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    if rows:
        await session.execute(sa.insert(Bid), rows)
    return len(rows)


async def flush_lot(session: AsyncSession, engine: BiddingEngine, lot_id: int) -> str:
    """Bring the lot's log up to the stream's end (used at the close); return the chain head."""
    await lock_lot_log(session, lot_id)
    last_seq = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Bid.seq), 0)).where(Bid.lot_id == lot_id)
    )
    await append_records(session, engine, lot_id, await engine.bids_since(lot_id, int(last_seq or 0)))
    head = await session.scalar(
        sa.select(Bid.hash).where(Bid.lot_id == lot_id).order_by(Bid.seq.desc()).limit(1)
    )
    return head or GENESIS_HASH


class BidPersister:
    """One per worker. `run()` until cancelled; `persist_once()` is one pass (tests call it)."""

    def __init__(
        self,
        engine: BiddingEngine,
        sessions: async_sessionmaker[AsyncSession],
        consumer: str,
        *,
        claim_idle_ms: int = 15_000,
        idle_sleep_s: float = 0.05,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.consumer = consumer
        self.claim_idle_ms = claim_idle_ms
        self.idle_sleep_s = idle_sleep_s

    async def active_lots(self) -> list[int]:
        async with self.sessions() as session:
            return list(await session.scalars(sa.select(Lot.id).where(Lot.status.in_(ACTIVE_STATUSES))))

    async def persist_once(self, lot_ids: Sequence[int], *, claim: bool = False) -> int:
        records = await self.engine.read_new(lot_ids, self.consumer)
        if claim:
            for lot_id in lot_ids:
                records += await self.engine.claim_stale(lot_id, self.consumer, self.claim_idle_ms)
        by_lot: dict[int, list[BidRecord]] = defaultdict(list)
        for record in records:
            by_lot[record.lot_id].append(record)
        written = 0
        for lot_id, lot_records in by_lot.items():
            async with self.sessions.begin() as session:
                await lock_lot_log(session, lot_id)
                written += await append_records(session, self.engine, lot_id, lot_records)
            # Acknowledged only after the commit: a crash before this line re-delivers them,
            # and the unique (lot_id, seq) plus the seq check make the retry a no-op.
            await self.engine.ack(lot_id, [record.entry_id for record in lot_records])
        return written

    async def run(self, lots_refresh_s: float = 1.0) -> None:
        lot_ids: list[int] = []
        refreshed_at = 0.0
        passes = 0
        loop = asyncio.get_running_loop()
        while True:
            stop_if_cancelled()
            try:
                if loop.time() - refreshed_at >= lots_refresh_s:
                    lot_ids, refreshed_at = await self.active_lots(), loop.time()
                passes += 1
                # Claiming dead persisters' entries is rarer work: every 20th pass.
                written = await self.persist_once(lot_ids, claim=passes % 20 == 0)
            except (EngineUnavailable, OSError, sa.exc.SQLAlchemyError) as exc:
                # Nothing is lost: unacknowledged entries stay pending in Redis for the next pass.
                log.warning("bid persister pass failed, retrying: %s", exc)
                written = 0
                await asyncio.sleep(1.0)
            if not written:
                await asyncio.sleep(self.idle_sleep_s)


async def check_chain(session: AsyncSession, lot_id: int) -> ChainCheck:
    rows = await session.execute(
        sa.select(Bid.seq, Bid.bidder_code, Bid.amount, Bid.kind, Bid.at_ms, Bid.prev_hash, Bid.hash)
        .where(Bid.lot_id == lot_id)
        .order_by(Bid.seq)
    )
    return verify(
        (
            ChainLink(lot_id, row.seq, row.bidder_code, row.amount, row.kind.value, row.at_ms),
            row.prev_hash,
            row.hash,
        )
        for row in rows
    )


class PublicBid(msgspec.Struct, frozen=True):
    """One row of the public bid log: what anyone may read, the chain link included."""

    seq: int
    bidder_code: str
    amount: int
    kind: str
    at_ms: int
    end_ms: int
    prev_hash: str
    hash: str


async def public_bids(
    session: AsyncSession,
    lot_id: int,
    *,
    after_seq: int = 0,
    until_seq: int | None = None,
    limit: int | None = None,
) -> list[PublicBid]:
    """The lot's persisted bids with after_seq < seq (≤ until_seq), oldest first."""
    query = (
        sa.select(
            Bid.seq, Bid.bidder_code, Bid.amount, Bid.kind, Bid.at_ms, Bid.end_ms, Bid.prev_hash, Bid.hash
        )
        .where(Bid.lot_id == lot_id, Bid.seq > after_seq)
        .order_by(Bid.seq)
    )
    if until_seq is not None:
        query = query.where(Bid.seq <= until_seq)
    if limit is not None:
        query = query.limit(limit)
    return [
        PublicBid(
            row.seq,
            row.bidder_code,
            row.amount,
            row.kind.value,
            row.at_ms,
            row.end_ms,
            row.prev_hash,
            row.hash,
        )
        for row in await session.execute(query)
    ]


async def published_head(session: AsyncSession, lot_id: int) -> str | None:
    """The chain head announced at the lot's close (None before it closed)."""
    return await session.scalar(sa.select(Lot.bid_chain_head).where(Lot.id == lot_id))
