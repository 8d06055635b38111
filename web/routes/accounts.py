"""`/api/v1/users`, `/api/v1/tokens`, `/api/v1/me`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.accounts import users as accounts
from auction.enums import AccountKind, Role
from auction.models import User
from web.auth import end_session, require_user, sign_in, throttle_sign_up
from web.jsonbody import Body, read_json
from web.responses import json_response
from web.state import app_state


class SignUp(Body):
    username: str
    password: str
    real_name: str  # a company's registered name when `kind` is legal
    id_number: str | None = None  # a natural person's; required for them
    kind: AccountKind = AccountKind.NATURAL
    credit_code: str | None = None  # a legal person's: its identity (GB 32100)
    representative_name: str | None = None
    representative_id_number: str | None = None

    def company(self) -> accounts.Company | None:
        if self.kind is AccountKind.NATURAL:
            return None
        return accounts.Company(
            self.credit_code or "", self.representative_name or "", self.representative_id_number or ""
        )


class Credentials(Body):
    username: str
    password: str


def user_json(user: User) -> dict[str, object]:
    body: dict[str, object] = {"id": user.id, "username": user.username, "role": user.role.value}
    if user.kind is AccountKind.LEGAL:  # left out for the default, as PROTOCOL.md's shape has it
        body["kind"] = user.kind.value
    if user.court_id is not None:
        body["court_id"] = user.court_id
    return body


async def sign_up(request: Request) -> Response:
    body = await read_json(request, SignUp)
    await throttle_sign_up(request)
    state = app_state(request)
    new = accounts.NewUser(
        role=Role.BIDDER,
        username=body.username,
        password=body.password,
        real_name=body.real_name,
        id_number=body.id_number if body.kind is AccountKind.NATURAL else None,
        company=body.company(),
    )
    async with state.sessions.begin() as session:
        user = await accounts.create_user(session, new, secret_key=state.settings.secret_key)
        return json_response(user_json(user), status_code=201)


async def create_token(request: Request) -> Response:
    body = await read_json(request, Credentials)
    async with app_state(request).sessions.begin() as session:
        user = await sign_in(request, session, body.username, body.password)
        token, expires_at = await accounts.issue_token(session, user)
    return json_response({"token": token, "expires_at": expires_at.isoformat()}, status_code=201)


async def revoke_current_token(request: Request) -> Response:
    """Sign out the token this request came with: the bearer token, or the browser's session."""
    await end_session(request)
    return json_response({"revoked": True})


async def me(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
    return json_response(user_json(user))


routes = [
    Route("/api/v1/users", sign_up, methods=["POST"]),
    Route("/api/v1/tokens", create_token, methods=["POST"]),
    Route("/api/v1/tokens/current", revoke_current_token, methods=["DELETE"]),
    Route("/api/v1/me", me, methods=["GET"]),
]
