"""Who is calling: a bearer token for API clients (the session cookie arrives with issue 4)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from auction.accounts import user_for_token
from auction.errors import Unauthenticated
from auction.models import User


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def optional_user(request: Request, session: AsyncSession) -> User | None:
    token = bearer_token(request)
    return await user_for_token(session, token) if token else None


async def require_user(request: Request, session: AsyncSession) -> User:
    user = await optional_user(request, session)
    if user is None:
        raise Unauthenticated("sign in first: send Authorization: Bearer <token>")
    return user
