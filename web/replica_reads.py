"""Which database a request reads from: the replica for the anonymous public, the primary for
everything else (web routes mark their public GET handlers with `public_read`).

A signed-in visitor reads the primary: they may have just written (a registration, a bid's
record, an objection) and must see it. A partner's export reads the replica although the call
carries a key: the key's check and its audit row use the primary, the lists it copies do not
depend on anything the partner wrote. A read that fails on the replica because the replica is
away is answered again from the primary (GET handlers are safe to run twice), and the replica
is set aside until its watch sees it back (core.replica).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from core.db import DATABASE_ERRORS, DbSessions, database_away
from web.rendering import may_be_signed_in
from web.state import app_state

Handler = Callable[[Request], Awaitable[Response]]


def read_sessions(request: Request) -> DbSessions:
    """The sessions this request's public reads use (the primary's unless `public_read` chose)."""
    chosen: DbSessions | None = getattr(request.state, "reads", None)
    return chosen if chosen is not None else app_state(request).sessions


def public_read(handler: Handler) -> Handler:
    """For the anonymous public: the replica while it is in use."""
    return _reading(handler, for_partners=False)


def partner_read(handler: Handler) -> Handler:
    """For partners' copies of the lists: the replica, whatever key the call carries."""
    return _reading(handler, for_partners=True)


def _reading(handler: Handler, *, for_partners: bool) -> Handler:
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        state = app_state(request)
        watch = state.replica
        use = watch is not None and watch.usable and (for_partners or not may_be_signed_in(request))
        request.state.reads = watch.sessions if use and watch is not None else state.sessions
        try:
            return await handler(request)
        except DATABASE_ERRORS as exc:
            if not use or watch is None or not database_away(exc):
                raise
            watch.set_aside(f"a read failed on it: {exc}")
            request.state.reads = state.sessions
            return await handler(request)

    return wrapped
