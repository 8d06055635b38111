"""The gateway's handshake: only `/ws`, the caller identified by a bearer token or the site's
session cookie, and a cookie accepted only from the site's own pages (cookies ignore the port,
so a page on the site's host may open the gateway on its port)."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from auction.accounts.users import token_hash, user_for_token
from core.db import DbSessions
from web.auth import SESSION_COOKIE


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int | None  # None: an anonymous watcher
    token_hash: str | None = None  # the session it signed in with, to end it with the session


ANONYMOUS = Caller(None)


def same_site(origin: str | None, host: str | None) -> bool:
    if not origin or not host:
        return False
    parsed = urlsplit(origin)
    return parsed.scheme in ("http", "https") and parsed.hostname == urlsplit(f"//{host}").hostname


def _token(request: Request) -> tuple[str | None, bool]:
    """The token the request carries, and whether it came in the session cookie."""
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip(), False
    if (cookie := request.headers.get("Cookie")) is not None:
        jar: SimpleCookie = SimpleCookie()
        with contextlib.suppress(Exception):
            jar.load(cookie)
        if SESSION_COOKIE in jar:
            return jar[SESSION_COOKIE].value, True
    return None, False


def tune_socket(connection: ServerConnection, send_buffer_bytes: int) -> None:
    sock = connection.transport.get_extra_info("socket") if connection.transport else None
    if sock is None:
        return
    # Each frame leaves at once rather than waiting for the peer's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # A fixed send buffer instead of the kernel's autotuned one (megabytes on a fast link): a
    # page that stops reading is noticed after this much, skipped and resynced, instead of
    # being fed events seconds old out of a deep kernel queue (and 10,000 watchers cannot pin
    # gigabytes of kernel memory). Lot events are small; this is ample for them.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)


async def identify(sessions: DbSessions, connection: ServerConnection, request: Request) -> Caller | Response:
    """Who opens this connection, or the HTTP answer that refuses it."""
    if urlsplit(request.path).path != "/ws":
        return connection.respond(HTTPStatus.NOT_FOUND, "the gateway listens on /ws\n")
    token, via_cookie = _token(request)
    if not token:
        return ANONYMOUS
    if via_cookie and not same_site(request.headers.get("Origin"), request.headers.get("Host")):
        # A cookie travels with any page's request: only the site's own pages may use it.
        return connection.respond(HTTPStatus.FORBIDDEN, "cross-site WebSocket refused\n")
    async with sessions() as session:
        user = await user_for_token(session, token)
    if user is None:
        return connection.respond(HTTPStatus.UNAUTHORIZED, "the token or session is not valid\n")
    return Caller(user.id, token_hash(token))
