"""One socket's side of the protocol: its messages decoded, rate-limited and dispatched.

Every error becomes a protocol `error` or a refused result and the connection stays open; an
unreachable engine is `unavailable` (the page retries), an unknown lot `not_found`.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

import websockets
from websockets.asyncio.server import ServerConnection

from auction.errors import NotFound, ValidationFailed
from auction.lots.bidding import BidService, refused_bid, rejection_message
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from web.gateway import messages
from web.gateway.handshake import Caller
from web.gateway.hub import FanoutHub
from web.gateway.snapshots import Snapshots
from web.ratelimit import TokenBucket

log = logging.getLogger(__name__)


@dataclass
class Client:
    caller: Caller
    bucket: TokenBucket
    subscriptions: set[int] = field(default_factory=set)
    registrations: dict[int, int] = field(default_factory=dict)  # lot -> registration id

    @property
    def user_id(self) -> int | None:
        return self.caller.user_id


class Dispatcher:
    """What the gateway does with each message of each connection."""

    def __init__(self, hub: FanoutHub, snapshots: Snapshots, bids: BidService, engine: BiddingEngine) -> None:
        self.hub = hub
        self.snapshots = snapshots
        self.bids = bids
        self.engine = engine

    async def on_message(self, connection: ServerConnection, client: Client, raw: str | bytes) -> None:
        try:
            message = messages.decode(raw)
        except messages.ProtocolError as exc:
            await connection.send(messages.error(exc.code, exc.message), text=True)
            return
        if not client.bucket.take():
            await self._refuse_flood(connection, message)
            return
        try:
            await self.dispatch(connection, client, message)
        except EngineUnavailable:
            await connection.send(
                messages.error("unavailable", "bidding is paused: the engine is unreachable"), text=True
            )
        except NotFound:
            await connection.send(messages.error("not_found", "no such lot"), text=True)
        except ValidationFailed as exc:
            await connection.send(messages.error("invalid_message", exc.message), text=True)

    async def _refuse_flood(self, connection: ServerConnection, message: messages.ClientMessage) -> None:
        if isinstance(message, messages.Bid):
            reply = refused_bid(message.client_bid_id, message.lot_id, "rate_limited")
            await connection.send(messages.encode(reply), text=True)
        else:
            await connection.send(
                messages.error("rate_limited", rejection_message("rate_limited")), text=True
            )

    async def dispatch(
        self, connection: ServerConnection, client: Client, message: messages.ClientMessage
    ) -> None:
        match message:
            case messages.Subscribe(lot_id=lot_id, since_seq=since_seq):
                await self.subscribe(connection, client, lot_id, since_seq)
            case messages.Unsubscribe(lot_id=lot_id):
                client.subscriptions.discard(lot_id)
                await self.hub.unwatch(lot_id, connection)
            case messages.Bid(lot_id=lot_id, amount=amount, client_bid_id=client_bid_id):
                reply = await self.bids.bid(
                    client.user_id, lot_id, amount, client_bid_id, client.registrations
                )
                await connection.send(messages.encode(reply), text=True)
            case messages.Proxy(lot_id=lot_id, max_amount=max_amount):
                proxied = await self.bids.proxy(client.user_id, lot_id, max_amount, client.registrations)
                await connection.send(messages.encode(proxied), text=True)
            case messages.Ping():
                await connection.send(messages.encode(messages.Pong(await self.engine.now_ms())), text=True)

    async def subscribe(
        self, connection: ServerConnection, client: Client, lot_id: int, since_seq: int | None
    ) -> None:
        """Snapshot, then the bids after `since_seq`, then live events: together gapless."""
        if lot_id in client.subscriptions:  # a re-subscribe is a resync
            client.subscriptions.discard(lot_id)
            await self.hub.unwatch(lot_id, connection)
        await self.hub.watch(lot_id, connection)
        client.subscriptions.add(lot_id)
        try:
            snapshot = await self.snapshots.snapshot(lot_id)
            await connection.send(messages.encode(snapshot), text=True)
            if since_seq is not None and since_seq < snapshot.seq:
                for event in await self.snapshots.replay(lot_id, since_seq, snapshot.seq):
                    await connection.send(messages.encode(event), text=True)
        except BaseException:
            client.subscriptions.discard(lot_id)
            await self.hub.unwatch(lot_id, connection)
            raise
        self.hub.ready(lot_id, connection, snapshot.seq)

    async def resync(self, lot_id: int, connection: ServerConnection) -> int | None:
        """A fresh snapshot for a socket the hub skipped while its buffer was full; its seq."""
        try:
            snapshot = await self.snapshots.snapshot(lot_id)
        except NotFound:
            return None
        await connection.send(messages.encode(snapshot), text=True)
        return snapshot.seq

    async def end_session(self, connection: ServerConnection, client: Client) -> None:
        """The connection's sign-in ended: it watches on as anonymous and is told so."""
        client.caller = Caller(None)
        client.registrations.clear()
        with contextlib.suppress(websockets.ConnectionClosed):
            await connection.send(messages.encode(messages.SessionEnded()), text=True)
