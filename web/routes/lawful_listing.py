"""The court's acts of a lawful listing (issue 16): a draft's disclosures, the second staff
member's approval of the terms (art. 27), and the persons barred from bidding (art. 34)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.disclosure.required_items import Disclosure
from auction.enums import BarRelation
from auction.lots import eligibility
from auction.lots import listing as lots
from auction.models import Lot
from web.auth import require_user
from web.cache import lot_page_key
from web.jsonbody import Body, read_json, read_json_or
from web.params import path_id
from web.responses import json_response
from web.routes.court import lot_json
from web.state import app_state


class DisclosureBody(Body):
    disclosure: Disclosure
    purchase_restriction: str | None = None


class ApprovalBody(Body):
    decided_on: dt.date | None = None  # the collegial panel's decision; today when not given


class BarredPersonBody(Body):
    name: str
    id_number: str
    relation: BarRelation
    court_wide: bool = False  # every lot of the court, not only this one


def approval_json(lot: Lot) -> dict[str, Any]:
    return {
        "approved_by": lot.approved_by,
        "approved_at": lot.approved_at.isoformat() if lot.approved_at else None,
        "panel_decided_on": lot.panel_decided_on.isoformat() if lot.panel_decided_on else None,
    }


async def set_disclosure(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, DisclosureBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        lot = await lots.set_disclosure(session, user, lot_id, body.disclosure, body.purchase_restriction)
        return json_response(lot_json(lot))


async def approve_terms(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json_or(request, ApprovalBody, ApprovalBody())
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        lot = await lots.approve_terms(session, user, lot_id, body.decided_on)
        return json_response(approval_json(lot))


async def bar_person(request: Request) -> Response:
    """Bar a person (art. 34); those already registered under that identity are made ineligible."""
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, BarredPersonBody)
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        new = eligibility.NewBar(body.name, body.id_number, body.relation, body.court_wide)
        barring = await eligibility.bar_person(
            session, state.engine, user, lot_id, new, secret_key=state.settings.secret_key
        )
        response = json_response(
            {
                "id": barring.barred.id,
                "lot_id": barring.barred.lot_id,
                "name": barring.barred.name,
                "id_number": barring.barred.id_number_masked,
                "relation": barring.barred.relation.value,
                "made_ineligible": [
                    {"lot_id": r.lot_id, "bidder_code": r.bidder_code} for r in barring.ineligible
                ],
            },
            status_code=201,
        )
    state.cache.forget(lot_page_key(lot_id))
    return response


routes = [
    Route("/api/v1/lots/{lot_id}/disclosure", set_disclosure, methods=["PUT"]),
    Route("/api/v1/lots/{lot_id}/approve", approve_terms, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/barred-persons", bar_person, methods=["POST"]),
]
