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


class Watcher(WSListener):  # type: ignore[misc]
    def __init__(self, stats: WatcherStats, lot_id: int, index: int) -> None:
        self.stats, self.lot_id, self.index = stats, lot_id, index

    def on_ws_connected(self, transport: WSTransport) -> None:
        transport.send(WSMsgType.TEXT, json.dumps({"type": "subscribe", "lot_id": self.lot_id}).encode())

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type is not WSMsgType.TEXT:
            return
        event = _decode(frame.get_payload_as_bytes())
        if event.type == "bid" and event.at_ms is not None:
            self.stats.latencies_ms.append(time.time() * 1000 - event.at_ms)
            self.stats.per_connection[self.index] += 1
        elif event.type == "snapshot":
            self.stats.snapshots += 1


async def _watch(
    url: str, lot_id: int, count: int, ready: Any, expected: int, timeout_s: float
) -> dict[str, Any]:
    stats = WatcherStats(per_connection=[0] * count)
    transports = []
    for start in range(0, count, CONNECT_BATCH):
        batch = await asyncio.gather(
            *(
                ws_connect(lambda i=i: Watcher(stats, lot_id, i), url)
                for i in range(start, min(count, start + CONNECT_BATCH))
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
        "connections": count,
        **percentiles(stats.latencies_ms),
    }


def watcher_process(
    url: str, lot_id: int, count: int, ready: Any, results: Any, expected: int, timeout_s: float
) -> None:
    results.put(asyncio.run(_watch(url, lot_id, count, ready, expected, timeout_s)))


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
