"""Joint punishment over HTTP (PROTOCOL.md "Joint punishment"): the court lists and removes, a
partner institution checks and copies the lists with its key, and a person sees which
institutions checked them. Partner keys are not user tokens: a user's token on a partner
endpoint is 403, no key 401 (the contract's words)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.accounts import users as accounts
from auction.disclosure import listings, partners
from auction.disclosure import partner_feed as feeds
from auction.enums import DishonestGround, RemovalReason, RestrictedRole
from auction.errors import Forbidden, RateLimited, Unauthenticated
from core.db import DATABASE_ERRORS, DbConnection, DbSession, autocommit, database_away
from web.auth import bearer_token, require_user
from web.jsonbody import Body, read_json, read_json_or
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class DishonestBody(Body):
    ground: DishonestGround
    period_months: int | None = None


class PersonBody(Body):
    name: str
    id_number: str
    role: Literal["legal_representative", "principal", "responsible_person", "actual_controller"]


class RestrictionBody(Body):
    persons: list[PersonBody] = msgspec.field(default_factory=list)


class RemovalBody(Body):
    reason: RemovalReason


async def list_dishonest(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, DishonestBody)
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        entry = await listings.list_dishonest(
            session, state.engine, user, case_id, body.ground, body.period_months
        )
        return json_response(
            {
                "id": entry.id,
                "listed_at": entry.listed_at.isoformat(),
                "ground": entry.ground,
                "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
            },
            status_code=201,
        )


async def restrict(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json_or(request, RestrictionBody, RestrictionBody())
    state = app_state(request)
    persons = [listings.RestrictedPerson(p.name, p.id_number, RestrictedRole(p.role)) for p in body.persons]
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        rows = await listings.restrict(
            session,
            state.engine,
            user,
            case_id,
            persons,
            secret_key=state.settings.secret_key,
            lists_key=state.settings.lists_key,
        )
        return json_response({"ids": [row.id for row in rows]}, status_code=201)


def removal(which: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        entry_id = path_id(request, "entry_id")
        body = await read_json(request, RemovalBody)
        async with app_state(request).sessions.begin() as session:
            user = await require_user(request, session)
            if which == "dishonest":
                dishonest = await listings.remove_dishonest(session, user, entry_id, body.reason)
                removed_at = dishonest.removed_at
            else:
                restriction = await listings.remove_restriction(session, user, entry_id, body.reason)
                removed_at = restriction.lifted_at
            assert removed_at is not None
            return json_response(
                {"id": entry_id, "removed_at": removed_at.isoformat(), "reason": body.reason.value}
            )

    return endpoint


log = logging.getLogger(__name__)


async def _partner(request: Request, db: DbSession | DbConnection, scope: str) -> partners.PartnerAccess:
    key = bearer_token(request)
    if key is None:
        raise Unauthenticated("a partner key is required (Authorization: Bearer <key>)")
    found = await partners.authenticate(db, key) if key.startswith(partners.KEY_PREFIX) else None
    if found is None:
        async with app_state(request).sessions() as session:
            if await accounts.user_for_token(session, key) is not None:
                raise Forbidden("a user's token is not a partner key")
        raise Unauthenticated("unknown or revoked partner key")
    partners.require_scope(found, scope)
    if not app_state(request).partner_rate.take(found.key_id):
        raise RateLimited("too many reads with this key", retry_after_s=1)
    return found


async def partner_check(request: Request) -> Response:
    try:
        return await _check_once(request)
    except DATABASE_ERRORS as exc:
        # The checks' pool skips the pre-ping: a connection the database dropped (a restart) fails
        # its first use, and the pool renews itself; the check is asked again once, on a new one.
        if not (database_away(exc) and getattr(exc, "connection_invalidated", False)):
            raise
        log.warning("partner check on a dropped connection, asked again: %s", exc)
        return await _check_once(request)


async def _check_once(request: Request) -> Response:
    state = app_state(request)
    params = request.query_params
    # Two statements, each whole on its own (the key's look-up; the check with its audit row),
    # on a bare connection: no transaction round trips and no ORM on the hottest partner path.
    async with autocommit(state.checks_db) as connection:
        access = await _partner(request, connection, "check")
        answer = await partners.check(
            connection,
            access,
            params.get("name", ""),
            params.get("id_number") or None,
            params.get("credit_code") or None,
            secret_key=state.settings.secret_key,
        )
    return json_response(answer)


async def partner_feed(request: Request) -> Response:
    state = app_state(request)
    async with state.sessions.begin() as session:
        access = await _partner(request, session, "feed")
        page = await feeds.feed(
            session, access, request.query_params.get("cursor"), lists_key=state.settings.lists_key
        )
        return json_response(page)


async def my_partner_checks(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await partners.checks_of(session, user))


routes = [
    Route("/api/v1/cases/{case_id}/dishonest", list_dishonest, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/consumption-restriction", restrict, methods=["POST"]),
    Route("/api/v1/dishonest/{entry_id}/remove", removal("dishonest"), methods=["POST"]),
    Route("/api/v1/consumption-restrictions/{entry_id}/remove", removal("restriction"), methods=["POST"]),
    Route("/api/v1/partner/check", partner_check, methods=["GET"]),
    Route("/api/v1/partner/feed", partner_feed, methods=["GET"]),
    Route("/api/v1/me/partner-checks", my_partner_checks, methods=["GET"]),
]
