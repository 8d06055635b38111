"""Who is calling: `Authorization: Bearer` for API clients, the session cookie for browsers.

A browser session is a revocable token like any other, kept in an HttpOnly cookie. Requests
that change something with cookie authentication must carry the CSRF token (the
double-submit cookie): a form field `csrf_token` or the header `X-CSRF-Token`. Bearer
requests need none, since no browser attaches a bearer token by itself.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from auction.accounts import session_ends
from auction.accounts import users as accounts
from auction.accounts.session_ends import SessionEnded
from auction.errors import Forbidden, RateLimited, Unauthenticated
from auction.models import User
from core.db import DbSession
from core.throttle import Limit, Throttle
from web.state import app_state

SESSION_COOKIE = "auction_session"
CSRF_COOKIE = "auction_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PER_ACCOUNT = Limit("login:account", 10, 15 * 60)  # failures
LOGIN_PER_ADDRESS = Limit("login:address", 50, 15 * 60)  # failures
# Every sign-in and sign-up costs a password hash (~140 ms of CPU): counted per address whether
# it succeeds or not, so nobody can buy the workers' CPU with valid credentials or new accounts.
SIGN_INS_PER_ADDRESS = Limit("sign-in:address", 100, 15 * 60)
SIGN_UPS_PER_ADDRESS = Limit("sign-up:address", 10, 60 * 60)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(request: Request) -> str:
    """The double-submit token: the cookie's value, or a fresh one (set by `set_csrf_cookie`)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and len(existing) >= 32:
        return existing
    fresh: str = request.scope.setdefault("csrf_fresh", secrets.token_urlsafe(32))
    return fresh


def set_csrf_cookie(request: Request, response: Response) -> None:
    if "csrf_fresh" in request.scope:
        response.set_cookie(
            CSRF_COOKIE,
            request.scope["csrf_fresh"],
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


def check_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise Forbidden(
            "the form has expired or did not come from this site; reload and try again", code="csrf_failed"
        )


async def optional_user(request: Request, session: DbSession) -> User | None:
    token = bearer_token(request)
    if token:
        return await accounts.user_for_token(session, token)
    cookie = session_token(request)
    if cookie:
        user = await accounts.user_for_token(session, cookie)
        if (
            user is not None
            and request.method not in SAFE_METHODS
            and "form_csrf_checked" not in request.scope
        ):
            check_csrf(request, request.headers.get(CSRF_HEADER))
        return user
    return None


async def require_user(request: Request, session: DbSession) -> User:
    user = await optional_user(request, session)
    if user is None:
        raise Unauthenticated("sign in first (Authorization: Bearer <token>, or the session cookie)")
    return user


async def throttle_sign_up(request: Request) -> None:
    """Count a sign-up attempt from the caller's address; RateLimited past the limit."""
    state = app_state(request)
    throttle = Throttle(state.redis, state.settings.redis_namespace)
    address = client_address(request)
    wait = await throttle.retry_after(SIGN_UPS_PER_ADDRESS, address)
    if wait:
        raise RateLimited(f"too many sign-ups from this address; try again in {wait} s", retry_after_s=wait)
    await throttle.record(SIGN_UPS_PER_ADDRESS, address)


async def end_session(request: Request) -> None:
    """Revoke the session the request came with (bearer token first, else the cookie) and tell
    every gateway worker, so a socket opened with it stops bidding at once. Unauthenticated
    (401) when the request carries no valid session."""
    state = app_state(request)
    async with state.sessions.begin() as session:
        await require_user(request, session)
        token = bearer_token(request) or session_token(request)
        assert token is not None  # require_user found a user by one of them
        await accounts.revoke_token(session, token)
    await session_ends.announce(
        state.redis, state.settings.redis_namespace, SessionEnded(token_hash=accounts.token_hash(token))
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def sign_in(request: Request, session: DbSession, username: str, password: str) -> User:
    """Check a password, throttled per account and per address; failures are counted."""
    state = app_state(request)
    throttle = Throttle(state.redis, state.settings.redis_namespace)
    address = client_address(request)
    wait = max(
        await throttle.retry_after(LOGIN_PER_ACCOUNT, username),
        await throttle.retry_after(LOGIN_PER_ADDRESS, address),
        await throttle.retry_after(SIGN_INS_PER_ADDRESS, address),
    )
    if wait:
        raise RateLimited(f"too many sign-ins; try again in {wait} s", retry_after_s=wait)
    await throttle.record(SIGN_INS_PER_ADDRESS, address)
    try:
        user = await accounts.authenticate(session, username, password)
    except Unauthenticated:
        await throttle.record(LOGIN_PER_ACCOUNT, username)
        await throttle.record(LOGIN_PER_ADDRESS, address)
        raise
    await throttle.reset(LOGIN_PER_ACCOUNT, username)
    return user
