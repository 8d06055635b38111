"""The typed async API over the engine's Lua scripts.

Every decision is made inside one script on Redis, with Redis's clock; this module only
validates argument types, calls a script and decodes its reply. Redis being unreachable
raises `EngineUnavailable`: bidding fails closed.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any, Final, TypeGuard

from redis.asyncio.cluster import RedisCluster
from redis.commands.core import AsyncScript
from redis.exceptions import ResponseError

from bidding_engine.batching import ScriptBatcher
from bidding_engine.boundary import redis_boundary, text
from bidding_engine.clock import engine_now_ms
from bidding_engine.errors import InvalidRequest, LotNotOpen
from bidding_engine.presence import WatcherCounts
from bidding_engine.results import (
    BidResult,
    CloseResult,
    ControlResult,
    EngineStatus,
    LotOpening,
    LotRestoration,
    ProxyResult,
    Snapshot,
)
from bidding_engine.streams import BidStreams
from core.money import is_amount
from core.redis import AnyRedis

SCRIPTS: Final = ("bid", "proxy", "open", "register", "control", "close", "snapshot", "restore")
KEEP_AFTER_CLOSE_S: Final = 30 * 24 * 3600
CLIENT_BID_ID: Final = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
BIDDER_CODE: Final = re.compile(r"^[A-Za-z0-9]{1,16}$")

MAX_CACHED_LOTS: Final = 10_000


def _load(name: str) -> str:
    return resources.files("bidding_engine.lua").joinpath(f"{name}.lua").read_text()


def _sharded(common: str) -> str:
    """The scripts' publishing for a cluster: sharded pub/sub (see common.lua)."""
    line = "local PUBLISH_COMMAND = 'PUBLISH'"
    if line not in common:
        raise RuntimeError("common.lua no longer names its publish command as the loader expects")
    return common.replace(line, "local PUBLISH_COMMAND = 'SPUBLISH'")


def _is_amount(value: object) -> TypeGuard[int]:
    return is_amount(value)


class BiddingEngine(BidStreams, WatcherCounts):
    """One per process; cheap to share between tasks (the Redis client pools connections)."""

    def __init__(
        self,
        redis: AnyRedis,
        *,
        namespace: str,
        keep_after_close_s: int = KEEP_AFTER_CLOSE_S,
        ack_replicas: int = 0,
        ack_timeout_ms: int = 500,
    ) -> None:
        """`ack_replicas`: replicas that must hold a write before it is answered (batching)."""
        super().__init__(redis, namespace)
        self.keep_after_close_s = keep_after_close_s
        common = _load("common")
        if isinstance(redis, RedisCluster):
            common = _sharded(common)
        # register_script gives EVALSHA with a reload after NOSCRIPT (a restart or failover).
        self._scripts: dict[str, AsyncScript] = {
            name: redis.register_script(common + "\n" + _load(name)) for name in SCRIPTS
        }
        self._batcher = ScriptBatcher(
            redis, self._scripts, replicas=ack_replicas, replica_timeout_ms=ack_timeout_ms
        )
        self._encoded_keys: dict[int, list[bytes]] = {}

    async def restore(self, lot: LotRestoration) -> int:
        """Replace the lot's live state with one rebuilt from the record; returns its seq."""
        args: list[str | int] = [
            lot.lot_id,
            lot.status.value,
            lot.starting_price,
            lot.increment,
            lot.extension_ms,
            lot.end_ms,
            lot.remaining_ms,
            lot.first_bid_window_ms,
            lot.price,
            lot.leader_registration_id or "",
            lot.leader_code or "",
            lot.leader_class,
            lot.outcome or "",
            len(lot.registrations),
        ]
        for registration in lot.registrations:
            args += [
                registration.registration_id,
                _checked_code(registration.bidder_code),
                registration.priority_rank or 0,
            ]
        args.append(len(lot.proxies))
        for registration_id, max_amount, order in lot.proxies:
            args += [registration_id, f"{max_amount}|{order}"]
        for bid in lot.bids:
            args += [
                bid.seq,
                bid.registration_id,
                bid.bidder_code,
                bid.amount,
                bid.kind.value,
                bid.at_ms,
                bid.end_ms,
                bid.client_bid_id or "",
            ]
        return int(await self._run("restore", lot.lot_id, *args))

    async def now_ms(self) -> int:
        """The engine clock (Redis TIME)."""
        async with redis_boundary():
            return await engine_now_ms(self.redis)

    def _script_keys(self, lot_id: int) -> list[bytes]:
        """KEYS then the events channel, encoded once per lot (they are on every call)."""
        encoded = self._encoded_keys.get(lot_id)
        if encoded is None:
            if len(self._encoded_keys) >= MAX_CACHED_LOTS:
                self._encoded_keys.clear()
            keys = self.keys(lot_id)
            encoded = self._encoded_keys[lot_id] = [key.encode() for key in (*keys.all, keys.events)]
        return encoded

    async def _run(self, script: str, lot_id: int, *args: str | int) -> Any:
        *keys, channel = self._script_keys(lot_id)
        async with redis_boundary():
            return await self._batcher.call(script, keys, [channel, *args])

    async def open(self, lot: LotOpening) -> bool:
        """Load a lot into the engine; False when it was already open (nothing changes)."""
        args: list[str | int] = [
            lot.lot_id,
            lot.starting_price,
            lot.increment,
            lot.end_ms,
            lot.extension_ms,
            lot.first_bid_window_ms,
        ]
        for registration in lot.registrations:
            args += [
                registration.registration_id,
                _checked_code(registration.bidder_code),
                registration.priority_rank or 0,
            ]
        return bool(await self._run("open", lot.lot_id, *args))

    async def register(
        self, lot_id: int, registration_id: int, bidder_code: str, priority_rank: int | None
    ) -> None:
        """Make a registration eligible now (its deposit was just confirmed)."""
        await self._register(lot_id, "add", registration_id, _checked_code(bidder_code), priority_rank or 0)

    async def unregister(self, lot_id: int, registration_id: int) -> None:
        await self._register(lot_id, "remove", registration_id, "", 0)

    async def _register(self, lot_id: int, op: str, registration_id: int, code: str, rank: int) -> None:
        try:
            await self._run("register", lot_id, op, registration_id, code, rank)
        except ResponseError as exc:
            raise LotNotOpen(f"lot {lot_id} is not open in the engine") from exc

    async def bid(self, lot_id: int, registration_id: int, amount: object, client_bid_id: str) -> BidResult:
        if not isinstance(client_bid_id, str) or not CLIENT_BID_ID.match(client_bid_id):
            raise InvalidRequest("client_bid_id must be 1–64 characters of letters, digits, '_-.:'")
        if not _is_amount(amount):
            return BidResult(accepted=False, code="invalid_amount")
        parts = text(await self._run("bid", lot_id, registration_id, amount, client_bid_id)).split("|")
        if parts[0] == "1":
            return BidResult(accepted=True, seq=int(parts[1]), price=int(parts[2]), end_ms=int(parts[3]))
        return BidResult(accepted=False, code=parts[1])

    async def set_proxy(self, lot_id: int, registration_id: int, max_amount: object) -> ProxyResult:
        if not _is_amount(max_amount):
            return ProxyResult(accepted=False, code="invalid_amount")
        parts = text(await self._run("proxy", lot_id, registration_id, max_amount)).split("|")
        if parts[0] == "1":
            return ProxyResult(
                accepted=True,
                max_amount=int(parts[1]),
                price=int(parts[2]) or None,
                end_ms=int(parts[3]),
                leader_code=parts[4] or None,
            )
        return ProxyResult(accepted=False, code=parts[1])

    async def _control(self, lot_id: int, action: str) -> ControlResult:
        parts = text(await self._run("control", lot_id, action, self.keep_after_close_s)).split("|")
        if parts[0] == "1":
            return ControlResult(accepted=True, status=EngineStatus(parts[1]), end_ms=int(parts[2]))
        return ControlResult(accepted=False, code=parts[1])

    async def suspend(self, lot_id: int) -> ControlResult:
        return await self._control(lot_id, "suspend")

    async def resume(self, lot_id: int) -> ControlResult:
        return await self._control(lot_id, "resume")

    async def cancel(self, lot_id: int) -> ControlResult:
        return await self._control(lot_id, "cancel")

    async def reinstate(self, lot_id: int) -> ControlResult:
        """Undo a cancellation: the lot is live or suspended again, as it was."""
        return await self._control(lot_id, "reinstate")

    async def close(self, lot_id: int) -> CloseResult:
        """Close the lot if its engine end has passed; idempotent from any number of callers."""
        reply = [
            text(part) if isinstance(part, bytes | str) else part
            for part in await self._run("close", lot_id, self.keep_after_close_s)
        ]
        status, outcome, price, leader, code, end_ms, seq, now_ms, closed_now, closed_ms = reply
        return CloseResult(
            status=status,
            outcome=outcome or None,
            price=int(price),
            winner_registration_id=int(leader) if leader and outcome == "sold" else None,
            winner_code=code if code and outcome == "sold" else None,
            end_ms=int(end_ms),
            seq=int(seq),
            now_ms=int(now_ms),
            closed_now=bool(int(closed_now)),
            closed_ms=int(closed_ms),
        )

    async def snapshot(self, lot_id: int) -> Snapshot | None:
        flat = [text(part) for part in await self._run("snapshot", lot_id)]
        fields = dict(zip(flat[::2], flat[1::2], strict=True))
        if "status" not in fields:
            return None
        price = int(fields["price"])
        return Snapshot(
            lot_id=lot_id,
            status=EngineStatus(fields["status"]),
            starting_price=int(fields["start_price"]),
            increment=int(fields["increment"]),
            price=price or None,
            leader_code=fields.get("leader_code") or None,
            leader_registration_id=int(fields["leader"]) if fields.get("leader") else None,
            end_ms=int(fields["end_ms"]),
            now_ms=int(fields["now_ms"]),
            seq=int(fields["seq"]),
            outcome=fields.get("outcome") or None,
            remaining_ms=(
                int(fields.get("remaining_ms") or 0) if fields["status"] == EngineStatus.SUSPENDED else None
            ),
        )


def _checked_code(code: str) -> str:
    if not BIDDER_CODE.match(code):
        raise InvalidRequest(f"a bidder code is 1–16 letters or digits, got {code!r}")
    return code
