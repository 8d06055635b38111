"""The gateway's connections: authentication at the handshake, the protocol, rate limits.

Runs on `websockets`' own asyncio server (not ASGI) in the app's event loop, on its own port
with SO_REUSEPORT, so any number of worker processes share it. A connection's failure never
reaches another: each runs in its own task and every error becomes a protocol `error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import websockets
from redis.exceptions import RedisError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from auction.accounts import user_for_token
from auction.errors import NotFound
from auction.models import Bid as BidRow
from auction.models import Registration
from auction.public import lot_detail
from auction.rebuild import record_proxy
from bidding_engine.errors import EngineUnavailable, InvalidRequest
from core.tasks import stop_if_cancelled
from web.auth import SESSION_COOKIE
from web.gateway import messages
from web.gateway.hub import FanoutHub
from web.routes.bidding import REJECTION_MESSAGES
from web.state import AppState

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 1024 * 1024  # beyond this the library closes the connection (1009)
WATCHER_REPORT_S = 10.0


@dataclass
class TokenBucket:
    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass
class Client:
    user_id: int | None
    bucket: TokenBucket
    subscriptions: set[int] = field(default_factory=set)
    registrations: dict[int, int] = field(default_factory=dict)  # lot -> registration id


def _same_site(origin: str | None, host: str | None) -> bool:
    """Cookies ignore the port: a page on the site's host may open the gateway on its port."""
    if not origin or not host:
        return False
    parsed = urlsplit(origin)
    return parsed.scheme in ("http", "https") and parsed.hostname == urlsplit(f"//{host}").hostname


class Gateway:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.worker = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.hub = FanoutHub(state.redis, state.settings.redis_namespace, self.resync)
        self.clients: dict[ServerConnection, Client] = {}
        self._server: Server | None = None
        self._reporter: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self, host: str, port: int) -> None:
        await self.hub.start()
        self._server = await serve(
            self.handle,
            host,
            port,
            reuse_port=True,
            compression=None,  # no per-message compression on the broadcast path
            max_size=MAX_FRAME_BYTES,
            process_request=self.authenticate,
            ping_interval=20,
            ping_timeout=20,
            server_header=None,
        )
        self._reporter = asyncio.create_task(self._report_watchers(), name="watcher-counts")

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(next(iter(self._server.sockets)).getsockname()[1])

    async def stop(self) -> None:
        if self._reporter is not None:
            self._reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reporter
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.hub.stop()

    # -- handshake ---------------------------------------------------------------------

    async def authenticate(self, connection: ServerConnection, request: Request) -> Response | None:
        sock = connection.transport.get_extra_info("socket") if connection.transport else None
        if sock is not None:
            # Each frame leaves at once rather than waiting for the peer's delayed ACK.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if urlsplit(request.path).path != "/ws":
            return connection.respond(HTTPStatus.NOT_FOUND, "the gateway listens on /ws\n")
        token, via_cookie = None, False
        authorization = request.headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        elif (cookie := request.headers.get("Cookie")) is not None:
            jar: SimpleCookie = SimpleCookie()
            with contextlib.suppress(Exception):
                jar.load(cookie)
            if SESSION_COOKIE in jar:
                token, via_cookie = jar[SESSION_COOKIE].value, True
        user_id = None
        if token:
            if via_cookie and not _same_site(request.headers.get("Origin"), request.headers.get("Host")):
                # A cookie travels with any page's request: only the site's own pages may use it.
                return connection.respond(HTTPStatus.FORBIDDEN, "cross-site WebSocket refused\n")
            async with self.state.sessions() as session:
                user = await user_for_token(session, token)
            if user is None:
                return connection.respond(HTTPStatus.UNAUTHORIZED, "the token or session is not valid\n")
            user_id = user.id
        self.clients[connection] = self.new_client(user_id)
        return None

    def new_client(self, user_id: int | None) -> Client:
        rate = float(self.state.settings.ws_rate)
        return Client(user_id, TokenBucket(rate, 2 * rate))

    # -- a connection ------------------------------------------------------------------

    async def handle(self, connection: ServerConnection) -> None:
        client = self.clients.get(connection) or self.clients.setdefault(connection, self.new_client(None))
        try:
            async for raw in connection:
                await self.on_message(connection, client, raw)
        except websockets.ConnectionClosed:
            pass
        finally:
            for lot_id in list(client.subscriptions):
                await self.hub.unwatch(lot_id, connection)
            self.clients.pop(connection, None)

    async def send(self, connection: ServerConnection, message: dict[str, Any]) -> None:
        await connection.send(messages.encode(message), text=True)

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
        except (NotFound, LookupError):
            await connection.send(messages.error("not_found", "no such lot"), text=True)

    async def _refuse_flood(self, connection: ServerConnection, message: messages.ClientMessage) -> None:
        if isinstance(message, messages.Bid):
            await self.send(connection, self._rejected(message.client_bid_id, message.lot_id, "rate_limited"))
        else:
            await connection.send(
                messages.error("rate_limited", REJECTION_MESSAGES["rate_limited"]), text=True
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
            case messages.Bid():
                await self.send(connection, await self.bid(client, message))
            case messages.Proxy():
                await self.send(connection, await self.proxy(client, message))
            case messages.Ping():
                await self.send(connection, {"type": "pong", "now_ms": await self.state.engine.now_ms()})

    # -- subscribe: snapshot, replay, live ---------------------------------------------

    async def subscribe(
        self, connection: ServerConnection, client: Client, lot_id: int, since_seq: int | None
    ) -> None:
        if lot_id in client.subscriptions:  # a re-subscribe is a resync
            await self.hub.unwatch(lot_id, connection)
        await self.hub.watch(lot_id, connection)
        client.subscriptions.add(lot_id)
        try:
            snapshot = await self.snapshot(lot_id)
            await self.send(connection, snapshot)
            if since_seq is not None and since_seq < snapshot["seq"]:
                for event in await self.replay(lot_id, since_seq, snapshot["seq"]):
                    await connection.send(messages.encode(event), text=True)
        except BaseException:
            client.subscriptions.discard(lot_id)
            await self.hub.unwatch(lot_id, connection)
            raise
        self.hub.ready(lot_id, connection, snapshot["seq"])

    async def resync(self, lot_id: int, connection: ServerConnection) -> None:
        await self.send(connection, await self.snapshot(lot_id))

    async def watchers(self, lot_id: int) -> int:
        try:
            counts = await self.state.redis.hvals(self.state.engine.keys(lot_id).watchers)
        except RedisError:
            counts = []
        others = sum(int(c) for c in counts) - int((await self._own_reported(lot_id)) or 0)
        return max(others, 0) + self.hub.local_count(lot_id)

    async def _own_reported(self, lot_id: int) -> int:
        try:
            own = await self.state.redis.hget(self.state.engine.keys(lot_id).watchers, self.worker)
        except RedisError:
            return 0
        return int(own or 0)

    async def snapshot(self, lot_id: int) -> dict[str, Any]:
        engine = self.state.engine
        live = await engine.snapshot(lot_id)
        if live is not None:
            return {
                "type": "snapshot",
                "lot_id": lot_id,
                "status": live.status.value,
                "price": live.price,
                "leader_code": live.leader_code,
                "starting_price": live.starting_price,
                "increment": live.increment,
                "end_ms": live.end_ms,
                "now_ms": live.now_ms,
                "seq": live.seq,
                "bid_count": live.seq,
                "watchers": await self.watchers(lot_id),
            }
        async with self.state.sessions() as session:
            detail = await lot_detail(session, engine, lot_id)  # NotFound for unknown or draft lots
        return {
            "type": "snapshot",
            "lot_id": lot_id,
            "status": detail["status"],
            "price": detail["price"],
            "leader_code": detail["leader_code"],
            "starting_price": detail["starting_price"],
            "increment": detail["increment"],
            "end_ms": detail["end_ms"],
            "now_ms": await engine.now_ms(),
            "seq": detail["bid_count"],
            "bid_count": detail["bid_count"],
            "watchers": await self.watchers(lot_id),
        }

    async def replay(self, lot_id: int, after: int, until: int) -> list[dict[str, Any]]:
        """Bids after `after` up to `until`: from the engine's stream, else from the record."""
        records = await self.state.engine.bids_since(lot_id, after, limit=until - after)
        if records:
            return [
                {
                    "type": "bid",
                    "lot_id": lot_id,
                    "seq": r.seq,
                    "bidder_code": r.bidder_code,
                    "amount": r.amount,
                    "kind": r.kind.value,
                    "at_ms": r.at_ms,
                    "end_ms": r.end_ms,
                }
                for r in records
            ]
        async with self.state.sessions() as session:
            rows = await session.execute(
                sa.select(BidRow)
                .where(BidRow.lot_id == lot_id, BidRow.seq > after, BidRow.seq <= until)
                .order_by(BidRow.seq)
            )
            return [
                {
                    "type": "bid",
                    "lot_id": lot_id,
                    "seq": b.seq,
                    "bidder_code": b.bidder_code,
                    "amount": b.amount,
                    "kind": b.kind.value,
                    "at_ms": b.at_ms,
                    "end_ms": b.end_ms,
                }
                for (b,) in rows
            ]

    # -- bidding -----------------------------------------------------------------------

    @staticmethod
    def _rejected(client_bid_id: str, lot_id: int, code: str) -> dict[str, Any]:
        return {
            "type": "bid_result",
            "client_bid_id": client_bid_id,
            "accepted": False,
            "lot_id": lot_id,
            "code": code,
            "message": REJECTION_MESSAGES.get(code, "the bid was not accepted"),
        }

    async def _registration(self, client: Client, lot_id: int) -> int | None:
        if lot_id in client.registrations:
            return client.registrations[lot_id]
        async with self.state.sessions() as session:
            registration_id = await session.scalar(
                sa.select(Registration.id).where(
                    Registration.lot_id == lot_id, Registration.user_id == client.user_id
                )
            )
        if registration_id is not None:  # a later registration is looked up again
            client.registrations[lot_id] = registration_id
        return registration_id

    async def bid(self, client: Client, message: messages.Bid) -> dict[str, Any]:
        if client.user_id is None:
            return self._rejected(message.client_bid_id, message.lot_id, "not_authenticated")
        registration_id = await self._registration(client, message.lot_id)
        if registration_id is None:
            return self._rejected(message.client_bid_id, message.lot_id, "not_registered")
        try:
            result = await self.state.engine.bid(
                message.lot_id, registration_id, message.amount, message.client_bid_id
            )
        except InvalidRequest:
            return self._rejected(message.client_bid_id, message.lot_id, "invalid_amount")
        if not result.accepted:
            return self._rejected(message.client_bid_id, message.lot_id, result.code or "rejected")
        return {
            "type": "bid_result",
            "client_bid_id": message.client_bid_id,
            "accepted": True,
            "lot_id": message.lot_id,
            "seq": result.seq,
            "price": result.price,
            "end_ms": result.end_ms,
        }

    async def proxy(self, client: Client, message: messages.Proxy) -> dict[str, Any]:
        base = {"type": "proxy_result", "lot_id": message.lot_id}
        if client.user_id is None:
            return base | {"accepted": False, "code": "not_authenticated"}
        registration_id = await self._registration(client, message.lot_id)
        if registration_id is None:
            return base | {"accepted": False, "code": "not_registered"}
        result = await self.state.engine.set_proxy(message.lot_id, registration_id, message.max_amount)
        if not result.accepted:
            return base | {"accepted": False, "code": result.code}
        async with self.state.sessions.begin() as session:  # the record a rebuild needs
            await record_proxy(session, message.lot_id, registration_id, message.max_amount)
        return base | {
            "accepted": True,
            "max_amount": result.max_amount,
            "price": result.price,
            "leader_code": result.leader_code,
            "end_ms": result.end_ms,
        }

    # -- watcher counts across workers ---------------------------------------------------

    async def _report_watchers(self) -> None:
        reported: set[int] = set()
        while True:
            stop_if_cancelled()
            try:
                async with self.state.redis.pipeline(transaction=False) as pipe:
                    for lot_id in reported - set(self.hub.lots):
                        _ = pipe.hdel(self.state.engine.keys(lot_id).watchers, self.worker)
                    for lot_id in self.hub.lots:
                        key = self.state.engine.keys(lot_id).watchers
                        _ = pipe.hset(key, self.worker, self.hub.local_count(lot_id))
                        _ = pipe.expire(key, int(WATCHER_REPORT_S * 3))
                    await pipe.execute()
                reported = set(self.hub.lots)
            except RedisError as exc:
                log.warning("watcher counts not reported: %s", exc)
            await asyncio.sleep(WATCHER_REPORT_S)
