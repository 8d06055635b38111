"""What a socket is sent when it (re)joins a lot: the snapshot, then the bids it missed.

A crowd opens a popular lot within seconds of its start. Each subscriber needs a snapshot
taken after it began buffering the lot's events (so snapshot + buffer has no gap); subscribers
that ask in the same event-loop turn share one engine read, which is taken after all of them
registered, so ten thousand subscribers cost a few dozen reads rather than ten thousand
pooled connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from auction.lots.bid_log import public_bids
from auction.lots.public_record import recorded_lot
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import Snapshot as EngineSnapshot
from core.db import DbSessions
from web.gateway.messages import BidEvent, Snapshot


class SharedSnapshots:
    """One engine snapshot read per lot per event-loop turn, shared by whoever asked in it."""

    def __init__(self, engine: BiddingEngine) -> None:
        self.engine = engine
        self._waiting: dict[int, asyncio.Future[EngineSnapshot | None]] = {}

    def read(self, lot_id: int) -> asyncio.Future[EngineSnapshot | None]:
        waiting = self._waiting.get(lot_id)
        if waiting is None:
            waiting = self._waiting[lot_id] = asyncio.get_running_loop().create_future()
            # The read starts on the next turn: every caller that registered before then joins.
            asyncio.get_running_loop().call_soon(self._start, lot_id)
        return waiting

    def _start(self, lot_id: int) -> None:
        future = self._waiting.pop(lot_id)
        task = asyncio.ensure_future(self.engine.snapshot(lot_id))

        def settle(done: asyncio.Future[EngineSnapshot | None]) -> None:
            if future.done():
                return
            if done.cancelled():
                future.cancel()
            elif (exc := done.exception()) is not None:
                future.set_exception(exc)
            else:
                future.set_result(done.result())

        task.add_done_callback(settle)


class Snapshots:
    def __init__(
        self,
        engine: BiddingEngine,
        sessions: DbSessions,
        watchers: Callable[[int], int],
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.watchers = watchers
        self.shared = SharedSnapshots(engine)

    async def snapshot(self, lot_id: int) -> Snapshot:
        """From the engine while it holds the lot, from the record after (NotFound for an
        unknown or draft lot)."""
        live = await asyncio.shield(self.shared.read(lot_id))
        if live is not None:
            return Snapshot(
                lot_id=lot_id,
                status=live.status.value,
                price=live.price,
                leader_code=live.leader_code,
                starting_price=live.starting_price,
                increment=live.increment,
                end_ms=live.end_ms,
                now_ms=live.now_ms,
                seq=live.seq,
                bid_count=live.seq,
                watchers=self.watchers(lot_id),
                remaining_ms=live.remaining_ms,
            )
        async with self.sessions() as session:
            record = await recorded_lot(session, lot_id)
        return Snapshot(
            lot_id=lot_id,
            status=record.status,
            price=record.price,
            leader_code=record.leader_code,
            starting_price=record.starting_price,
            increment=record.increment,
            end_ms=record.end_ms,
            now_ms=await self.engine.now_ms(),
            seq=record.bid_count,
            bid_count=record.bid_count,
            watchers=self.watchers(lot_id),
        )

    async def replay(self, lot_id: int, after: int, until: int) -> list[BidEvent]:
        """Bids after `after` up to `until`: from the engine's stream, else from the record."""
        records = await self.engine.bids_since(lot_id, after, limit=until - after)
        if records:
            return [
                BidEvent(lot_id, r.seq, r.bidder_code, r.amount, r.kind.value, r.at_ms, r.end_ms)
                for r in records
            ]
        async with self.sessions() as session:
            rows = await public_bids(session, lot_id, after_seq=after, until_seq=until)
        return [BidEvent(lot_id, b.seq, b.bidder_code, b.amount, b.kind, b.at_ms, b.end_ms) for b in rows]
