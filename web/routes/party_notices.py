"""Notices before the announcement (art. 16): the court sends and records them, the court reads
what is still missing, and each party reads the notices sent to them."""

from __future__ import annotations

import datetime as dt

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.accounts.access import lot_for_staff
from auction.lots import party_notices
from auction.models import PartyNotice
from auction.notifications.channels import notifiers_for
from core.db import utcnow
from web.auth import require_user
from web.jsonbody import Body, read_json_or
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class Outside(Body):
    ref: str  # "debtor", "claim:<id>", "holder:<user id>" (GET lists them)
    means: str  # post | in_person | phone | unreachable
    detail: str = ""


class NoticesBody(Body):
    outside: list[Outside] = msgspec.field(default_factory=list)


def notice_json(row: PartyNotice) -> dict[str, object]:
    return {
        "id": row.id,
        "party": row.party,
        "ref": row.party_ref,
        "name": row.name,
        "means": row.means,
        "status": row.status,
        "detail": row.detail,
        "sent_at": row.sent_at.isoformat(),
    }


async def send_notices(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json_or(request, NoticesBody, NoticesBody())
    state = app_state(request)
    outside = [party_notices.OutsideNotice(o.ref, o.means, o.detail) for o in body.outside]
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        made = await party_notices.notify_parties(
            session, user, lot_id, outside, notifiers_for(state.settings)
        )
        return json_response({"notices": [notice_json(n) for n in made]}, status_code=201)


async def list_notices(request: Request) -> Response:
    """The lot's parties, every notice recorded, and what publishing still lacks."""
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
        lot, _, _ = await lot_for_staff(session, user, lot_id)
        parties = await party_notices.parties_of(session, lot)
        rows = await party_notices.notices_of(session, lot.id)
        lead = state.profile.party_notice_lead or dt.timedelta(0)
        facts = party_notices.facts_of(rows)
        return json_response(
            {
                "parties": [{"party": p.party, "ref": p.ref, "name": p.name} for p in parties],
                "notices": [notice_json(n) for n in rows],
                "missing": party_notices.missing_notices(parties, facts, utcnow(), lead),
            }
        )


async def my_notices(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await party_notices.my_notices(session, user))


routes = [
    Route("/api/v1/lots/{lot_id}/party-notices", send_notices, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/party-notices", list_notices, methods=["GET"]),
    Route("/api/v1/me/party-notices", my_notices, methods=["GET"]),
]
