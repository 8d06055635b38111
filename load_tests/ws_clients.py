"""Light WebSocket load clients (picows, one process each), so that the benchmark measures the
server and not its client: watchers that subscribe and time each bid from its engine time
`at_ms`, and bidders that bid as fast as their acks come back.

Each runs in its own process, reports through a queue, and stops by itself at a deadline.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import time
from array import array
from dataclasses import dataclass, field
from typing import Any

import msgspec
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

CONNECT_BATCH = 250


class _Event(msgspec.Struct):
    type: str
    seq: int | None = None
    at_ms: int | None = None
    accepted: bool | None = None
    code: str | None = None
    lot_id: int | None = None


_decode = msgspec.json.Decoder(_Event).decode


def percentiles(values: array[float] | list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return {"count": len(ordered), "p50": at(0.50), "p99": at(0.99), "max": float(ordered[-1])}


# -- watchers --------------------------------------------------------------------------


@dataclass
class WatcherStats:
    snapshots: int = 0
    latencies_ms: array[float] = field(default_factory=lambda: array("d"))
    per_connection: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)  # bids a watcher never saw, between its first and last
    errors: dict[str, int] = field(default_factory=dict)  # error events by code (subscribe refused, …)


class Watcher(WSListener):  # type: ignore[misc]
    """Watches like the lot page: a snapshot it did not ask for (the gateway skipped it while it
    was slow) is followed by a subscribe from its last bid, which replays what it missed; a
    subscribe answered `unavailable` is tried again a second later."""

    def __init__(self, stats: WatcherStats, lot_id: int, index: int) -> None:
        self.stats, self.lot_id, self.index = stats, lot_id, index
        self.last_seq: int | None = None
        self.awaiting = False
        self.transport: WSTransport | None = None

    def subscribe(self) -> None:
        if self.transport is None:
            return
        self.awaiting = True
        message: dict[str, Any] = {"type": "subscribe", "lot_id": self.lot_id}
        if self.last_seq is not None:
            message["since_seq"] = self.last_seq
        self.transport.send(WSMsgType.TEXT, json.dumps(message).encode())

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        self.subscribe()

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type is not WSMsgType.TEXT:
            return
        event = _decode(frame.get_payload_as_bytes())
        if event.type == "bid" and event.at_ms is not None and event.seq is not None:
            if self.last_seq is not None and event.seq <= self.last_seq:
                return  # a replayed bid already seen
            if self.last_seq is not None and event.seq > self.last_seq + 1:
                self.stats.missed[self.index] += event.seq - self.last_seq - 1
            self.last_seq = event.seq
            self.stats.latencies_ms.append(time.time() * 1000 - event.at_ms)
            self.stats.per_connection[self.index] += 1
        elif event.type == "snapshot":
            asked, self.awaiting = self.awaiting, False
            if asked:
                self.stats.snapshots += 1
            elif event.seq is not None and self.last_seq is not None and event.seq > self.last_seq:
                self.subscribe()  # fill the gap from the last bid seen
        elif event.type == "error":
            code = event.code or "error"
            self.stats.errors[code] = self.stats.errors.get(code, 0) + 1
            if code == "unavailable" and self.awaiting:
                asyncio.get_running_loop().call_later(1.0, self.subscribe)


async def _watch(
    url: str, lot_id: int, count: int, ready: Any, expected: int, timeout_s: float, at_once: bool
) -> dict[str, Any]:
    stats = WatcherStats(per_connection=[0] * count, missed=[0] * count)
    transports = []
    # All at once: the crowd of a popular lot's start, every subscribe in the same second.
    batch_size = count if at_once else CONNECT_BATCH
    for start in range(0, count, batch_size):
        batch = await asyncio.gather(
            *(
                # A crowd waits for its handshakes as a browser would, rather than give up at 5 s.
                ws_connect(lambda i=i: Watcher(stats, lot_id, i), url, websocket_handshake_timeout=60)
                for i in range(start, min(count, start + batch_size))
            )
        )
        transports += [transport for transport, _ in batch]
    while stats.snapshots < count:
        await asyncio.sleep(0.05)
    ready.put(count)
    # Until every connection has every event, or the time is up (then the shortfall is a loss).
    deadline = time.monotonic() + timeout_s
    while min(stats.per_connection) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for transport in transports:
        transport.disconnect()
    return {
        "received_min": min(stats.per_connection),
        "received_max": max(stats.per_connection),
        "missed_max": max(stats.missed),
        "errors": stats.errors,
        "connections": count,
        **percentiles(stats.latencies_ms),
    }


def watcher_process(
    url: str,
    lot_id: int,
    count: int,
    ready: Any,
    results: Any,
    expected: int,
    timeout_s: float,
    at_once: bool,
) -> None:
    results.put(asyncio.run(_watch(url, lot_id, count, ready, expected, timeout_s, at_once)))


# -- bidders ---------------------------------------------------------------------------


class Bidder(WSListener):  # type: ignore[misc]
    """Sends a bid, waits for its result, sends the next: `amount` rises past every rival's."""

    def __init__(
        self,
        lot_id: int,
        slot: int,
        slots: int,
        base: int,
        increment: int,
        acks: array[float],
        codes: dict[str, int],
        deadline: float,
    ) -> None:
        self.lot_id, self.slot, self.slots = lot_id, slot, slots
        self.base, self.increment = base, increment
        self.acks, self.codes, self.deadline = acks, codes, deadline
        self.round = 0
        self.sent_at = 0.0

    def _next(self, transport: WSTransport) -> None:
        if time.monotonic() >= self.deadline:
            transport.disconnect()
            return
        self.round += 1
        amount = self.base + (self.round * self.slots + self.slot) * self.increment
        message = {
            "type": "bid",
            "lot_id": self.lot_id,
            "amount": amount,
            "client_bid_id": f"s{self.slot}-r{self.round}",
        }
        self.sent_at = time.monotonic()
        transport.send(WSMsgType.TEXT, json.dumps(message).encode())

    def on_ws_connected(self, transport: WSTransport) -> None:
        self._next(transport)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type is not WSMsgType.TEXT:
            return
        event = _decode(frame.get_payload_as_bytes())
        if event.type != "bid_result":
            return
        self.acks.append((time.monotonic() - self.sent_at) * 1000)
        key = "accepted" if event.accepted else (event.code or "rejected")
        self.codes[key] = self.codes.get(key, 0) + 1
        self._next(transport)


async def _bid(
    url: str,
    lot_id: int,
    tokens: list[str],
    slots: tuple[int, int],
    base: int,
    increment: int,
    seconds: float,
    start_at: float,
) -> dict[str, Any]:
    acks: array[float] = array("d")
    codes: dict[str, int] = {}
    await asyncio.sleep(max(0.0, start_at - time.time()))
    deadline = time.monotonic() + seconds
    first, total = slots
    connections = await asyncio.gather(
        *(
            ws_connect(
                lambda n=n: Bidder(lot_id, first + n, total, base, increment, acks, codes, deadline),
                url,
                extra_headers={"Authorization": f"Bearer {token}"},
            )
            for n, token in enumerate(tokens)
        )
    )
    started = time.monotonic()
    for transport, _ in connections:
        await transport.wait_disconnected()
    elapsed = time.monotonic() - started
    return {"messages": len(acks), "seconds": elapsed, "codes": codes, **percentiles(acks)}


def bidder_process(
    url: str,
    lot_id: int,
    tokens: list[str],
    slots: tuple[int, int],
    base: int,
    increment: int,
    seconds: float,
    start_at: float,
    results: Any,
) -> None:
    results.put(asyncio.run(_bid(url, lot_id, tokens, slots, base, increment, seconds, start_at)))


def spawn(target: Any, *args: Any) -> mp.process.BaseProcess:
    process = mp.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    return process
