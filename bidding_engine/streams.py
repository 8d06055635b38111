"""The lots' bid streams: the durable order of accepted bids while a lot is live, read by the
gateway to replay what a client missed and by the persisters, through one consumer group, to
write each bid to PostgreSQL once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.exceptions import ResponseError

from bidding_engine.boundary import redis_boundary, text
from bidding_engine.errors import EngineUnavailable
from bidding_engine.keys import KeyedRedis
from bidding_engine.results import BidKind, BidRecord
from core.redis import is_transient

CONSUMER_GROUP = "persisters"


class BidStreams(KeyedRedis):
    async def bids_since(self, lot_id: int, since_seq: int = 0, limit: int | None = None) -> list[BidRecord]:
        """Accepted bids with seq > since_seq, oldest first, straight from the lot's stream."""
        async with redis_boundary():
            entries: Any = await self.redis.xrange(
                self.keys(lot_id).bids, min=f"{since_seq + 1}-0", max="+", count=limit
            )
        return [_record(lot_id, entry_id, fields) for entry_id, fields in entries]

    async def read_new(self, lot_ids: Sequence[int], consumer: str, count: int = 500) -> list[BidRecord]:
        """Entries never delivered to any persister, for these lots (one round trip)."""
        if not lot_ids:
            return []
        async with redis_boundary():
            pipe = self.redis.pipeline(transaction=False)
            for lot_id in lot_ids:
                # Queued on the pipeline; execute() below awaits them all in one round trip.
                _ = pipe.xreadgroup(CONSUMER_GROUP, consumer, {self.keys(lot_id).bids: ">"}, count=count)
            replies = await pipe.execute(raise_on_error=False)
        records: list[BidRecord] = []
        for lot_id, reply in zip(lot_ids, replies, strict=True):
            if is_transient(reply):
                raise EngineUnavailable(f"lot {lot_id}'s stream cannot be read now: {reply}")
            if isinstance(reply, ResponseError):
                continue  # the lot's stream expired or was never opened: nothing to persist
            for _stream, entries in reply or []:
                records += [_record(lot_id, entry_id, fields) for entry_id, fields in entries]
        return records

    async def claim_stale(
        self, lot_id: int, consumer: str, min_idle_ms: int, count: int = 500
    ) -> list[BidRecord]:
        """Take over entries another persister received but never acknowledged (it died)."""
        async with redis_boundary():
            try:
                reply = await self.redis.xautoclaim(
                    self.keys(lot_id).bids, CONSUMER_GROUP, consumer, min_idle_time=min_idle_ms, count=count
                )
            except ResponseError:
                return []
        return [_record(lot_id, entry_id, fields) for entry_id, fields in reply[1] if fields]

    async def ack(self, lot_id: int, entry_ids: Sequence[str]) -> None:
        if entry_ids:
            async with redis_boundary():
                await self.redis.xack(self.keys(lot_id).bids, CONSUMER_GROUP, *entry_ids)

    async def pending_count(self, lot_id: int) -> int:
        async with redis_boundary():
            try:
                summary = await self.redis.xpending(self.keys(lot_id).bids, CONSUMER_GROUP)
            except ResponseError:
                return 0
        return int(summary["pending"])


def _record(lot_id: int, entry_id: bytes | str, raw: dict[Any, Any]) -> BidRecord:
    fields = {text(k): text(v) for k, v in raw.items()}
    return BidRecord(
        lot_id=lot_id,
        seq=int(fields["seq"]),
        registration_id=int(fields["reg"]),
        bidder_code=fields["code"],
        amount=int(fields["amount"]),
        kind=BidKind(fields["kind"]),
        at_ms=int(fields["at_ms"]),
        end_ms=int(fields["end_ms"]),
        client_bid_id=fields["cbid"] or None,
        entry_id=text(entry_id),
    )
