"""The gateway: `/ws` on `websockets`' own asyncio server (not ASGI), in the app's event loop, on
its own port with SO_REUSEPORT so that any number of worker processes share it.

Its parts: `handshake` (who connects), `connection` (one socket's protocol), `snapshots` (what
a joining socket is sent), `hub` (the fan-out of lot events), `presence` (watcher counts over
every worker). A connection's failure never reaches another: each runs in its own task.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from http import HTTPStatus

import websockets
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from auction.accounts import session_ends
from auction.accounts.users import valid_token_hashes
from bidding_engine.feed import event_feed
from core.db import DATABASE_ERRORS
from core.tasks import stop_if_cancelled
from web.gateway.connection import Client, Dispatcher
from web.gateway.handshake import Caller, identify, tune_socket
from web.gateway.hub import FanoutHub
from web.gateway.presence import Presence
from web.gateway.snapshots import Snapshots
from web.ratelimit import TokenBucket
from web.state import AppState

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 1024 * 1024  # beyond this the library closes the connection (1009)
SESSION_CHECK_S = 5.0
ACCEPT_BACKLOG = 4096  # how long a missed sign-out announcement can go unnoticed


class Gateway:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.worker = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.buffer_bytes = state.settings.ws_buffer_kib * 1024
        self.hub = FanoutHub(
            event_feed(state.redis, state.settings.redis_namespace),
            self.resync,
            state.loops,
            high_water_bytes=self.buffer_bytes,
        )
        self.presence = Presence(state.engine, self.hub, self.worker)
        self.snapshots = Snapshots(state.engine, state.sessions, self.presence.count)
        self.dispatcher = Dispatcher(self.hub, self.snapshots, state.bids, state.engine)
        # Callers known from the handshake, until their connection's handler takes them.
        self._callers: dict[ServerConnection, Caller] = {}
        self.clients: dict[ServerConnection, Client] = {}
        self._server: Server | None = None

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
            process_response=self.after_handshake,
            ping_interval=20,
            ping_timeout=20,
            server_header=None,
            # A popular lot's start brings thousands of connections within seconds: a short
            # accept queue would drop their SYNs and make them retry for seconds.
            backlog=ACCEPT_BACKLOG,
        )
        namespace = self.state.settings.redis_namespace
        loops = self.state.loops
        loops.start("watcher-counts", self.presence.run())
        loops.start("session-ends", session_ends.listen(self.state.redis, namespace, self.on_session_ended))
        loops.start("session-check", self._check_sessions())

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(next(iter(self._server.sockets)).getsockname()[1])

    async def stop(self) -> None:
        await self.state.loops.stop("watcher-counts", "session-ends", "session-check")
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.hub.stop()

    # -- connections ---------------------------------------------------------------------

    async def authenticate(self, connection: ServerConnection, request: Request) -> Response | None:
        tune_socket(connection, self.buffer_bytes)
        found = await identify(self.state.sessions, connection, request)
        if isinstance(found, Response):
            return found
        # Kept only until `handle` runs: a refused or abandoned handshake leaves nothing here.
        self._callers[connection] = found
        return None

    def after_handshake(
        self, connection: ServerConnection, request: Request, response: Response
    ) -> Response | None:
        if response.status_code != HTTPStatus.SWITCHING_PROTOCOLS:
            # Not a WebSocket after all (a plain GET from a health check or a scanner): the
            # handler never runs, so nothing may stay behind for this connection.
            self._callers.pop(connection, None)
        return None

    @property
    def connections_known(self) -> int:
        """Connections the gateway keeps anything for (tests check nothing leaks)."""
        return len(self._callers) + len(self.clients)

    def new_client(self, caller: Caller) -> Client:
        rate = float(self.state.settings.ws_rate)
        return Client(caller, TokenBucket(rate, 2 * rate))

    async def handle(self, connection: ServerConnection) -> None:
        client = self.clients[connection] = self.new_client(self._callers.pop(connection, Caller(None)))
        try:
            async for raw in connection:
                await self.dispatcher.on_message(connection, client, raw)
        except websockets.ConnectionClosed:
            pass
        finally:
            for lot_id in list(client.subscriptions):
                await self.hub.unwatch(lot_id, connection)
            self.clients.pop(connection, None)

    async def resync(self, lot_id: int, connection: ServerConnection) -> int | None:
        return await self.dispatcher.resync(lot_id, connection)

    # -- sessions that end while their socket is open -------------------------------------

    def on_session_ended(self, ended: session_ends.SessionEnded) -> None:
        for connection, client in list(self.clients.items()):
            caller = client.caller
            if caller.user_id is None:
                continue
            if caller.token_hash == ended.token_hash or caller.user_id == ended.user_id:
                task = asyncio.ensure_future(self.dispatcher.end_session(connection, client))
                task.add_done_callback(lambda _: None)

    async def _check_sessions(self) -> None:
        """The backstop of the announcements: every few seconds, the sessions of the signed-in
        connections are looked up again, and the ones that ended are treated as announced."""
        while True:
            stop_if_cancelled()
            await asyncio.sleep(SESSION_CHECK_S)
            signed_in = {c.caller.token_hash for c in self.clients.values() if c.caller.token_hash}
            if not signed_in:
                continue
            try:
                async with self.state.sessions() as session:
                    valid = await valid_token_hashes(session, sorted(signed_in))
            except DATABASE_ERRORS as exc:  # the database away: check again next time
                log.warning("sessions not checked: %s", exc)
                continue
            for token in signed_in - valid:
                self.on_session_ended(session_ends.SessionEnded(token_hash=token))
