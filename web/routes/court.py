"""The court's API: cases, claims, property, lots and their lifecycle actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases import registry as cases
from auction.disclosure.required_items import NO_DISCLOSURE, Disclosure
from auction.enums import Category, PriorityRight
from auction.lots import after_sale, rounds
from auction.lots import control as lot_control
from auction.lots import listing as lots
from auction.models import Claim, EnforcementCase, Lot, Property, User
from core.db import DbSession
from settlement.enums import ClaimKind, DebtorKind
from web.auth import require_user
from web.cache import lot_page_key
from web.jsonbody import Body, read_json, read_json_or
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class Debtor(Body):
    name: str
    kind: DebtorKind
    id_number: str | None = None


class CaseBody(Body):
    case_number: str
    debtor: Debtor


class ClaimBody(Body):
    creditor_name: str
    kind: ClaimKind
    amount: int
    creditor_user_id: int | None = None
    rank: int | None = None
    property_id: int | None = None
    seized_at: dt.datetime | None = None


class PropertyBody(Body):
    case_id: int
    title: str
    category: Category
    appraised_value: int
    description: str = ""


class LotBody(Body):
    property_id: int
    round: int
    starting_price: int
    increment: int
    deposit: int
    start_at: dt.datetime
    end_at: dt.datetime
    balance_deadline_days: int = 10
    disclosure: Disclosure = NO_DISCLOSURE
    purchase_restriction: str | None = None


class PriorityHolderBody(Body):
    user_id: int
    rank: int
    right: PriorityRight = PriorityRight.OTHER


class ReasonBody(Body):
    reason: str = ""


def case_json(case: EnforcementCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "court_id": case.court_id,
        "case_number": case.case_number,
        "debtor": {
            "name": case.debtor_name,
            "kind": case.debtor_kind.value,
            "id_number": case.debtor_id_number_masked,
        },
        "status": case.status.value,
    }


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "case_id": claim.case_id,
        "creditor_user_id": claim.creditor_user_id,
        "creditor_name": claim.creditor_name,
        "kind": claim.kind.value,
        "amount": claim.amount,
        "rank": claim.rank,
        "property_id": claim.property_id,
        "seized_at": claim.seized_at.isoformat() if claim.seized_at else None,
    }


def property_json(prop: Property) -> dict[str, Any]:
    return {
        "id": prop.id,
        "case_id": prop.case_id,
        "title": prop.title,
        "category": prop.category.value,
        "description": prop.description,
        "appraised_value": prop.appraised_value,
    }


def lot_json(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.id,
        "property_id": lot.property_id,
        "round": lot.round,
        "sale_kind": lot.sale_kind.value,
        "status": lot.status.value,
        "starting_price": lot.starting_price,
        "increment": lot.increment,
        "deposit": lot.deposit,
        "start_at": lot.start_at.isoformat(),
        "end_at": lot.end_at.isoformat(),
        "balance_deadline_days": lot.balance_deadline_days,
        "previous_lot_id": lot.previous_lot_id,
        "disclosure": lot.disclosure or {},
        "purchase_restriction": lot.purchase_restriction,
        "approved_by": lot.approved_by,
        "approved_at": lot.approved_at.isoformat() if lot.approved_at else None,
        "panel_decided_on": lot.panel_decided_on.isoformat() if lot.panel_decided_on else None,
    }


async def create_case(request: Request) -> Response:
    body = await read_json(request, CaseBody)
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        new = cases.NewCase(body.case_number, body.debtor.name, body.debtor.kind, body.debtor.id_number)
        case = await cases.create_case(
            session, user, new, secret_key=state.settings.secret_key, lists_key=state.settings.lists_key
        )
        return json_response(case_json(case), status_code=201)


async def add_claim(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, ClaimBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        new = cases.NewClaim(
            body.creditor_name,
            body.kind,
            body.amount,
            body.creditor_user_id,
            body.rank,
            body.property_id,
            body.seized_at,
        )
        claim = await cases.add_claim(session, user, case_id, new)
        return json_response(claim_json(claim), status_code=201)


async def add_property(request: Request) -> Response:
    body = await read_json(request, PropertyBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        new = cases.NewProperty(
            body.case_id, body.title, body.category, body.description, body.appraised_value
        )
        prop = await cases.add_property(session, user, new)
        return json_response(property_json(prop), status_code=201)


async def create_lot(request: Request) -> Response:
    body = await read_json(request, LotBody)
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        new = lots.NewLot(
            body.property_id,
            body.round,
            body.starting_price,
            body.increment,
            body.deposit,
            body.start_at,
            body.end_at,
            body.balance_deadline_days,
            body.disclosure,
            body.purchase_restriction,
        )
        lot = await lots.create_lot(session, user, state.profile, new)
        return json_response(lot_json(lot), status_code=201)


async def publish_lot(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        announcement = await lots.publish_lot(session, user, state.profile, lot_id)
        return json_response({"status": "announced", "announcement_id": announcement.id})


async def delete_draft(request: Request) -> Response:
    """Delete a draft lot (never announced); a published lot is withdrawn with /cancel instead."""
    lot_id = path_id(request, "lot_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        await lots.delete_draft(session, user, lot_id)
    return Response(status_code=204)


async def add_priority_holder(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, PriorityHolderBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        holder = await lots.add_priority_holder(session, user, lot_id, body.user_id, body.rank, body.right)
        return json_response(
            {
                "id": holder.id,
                "lot_id": lot_id,
                "user_id": holder.user_id,
                "rank": holder.rank,
                "right": holder.right.value,
            },
            status_code=201,
        )


def control(action: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        lot_id = path_id(request, "lot_id")
        reason = (await read_json_or(request, ReasonBody, ReasonBody())).reason
        state = app_state(request)
        async with state.sessions.begin() as session:
            user = await require_user(request, session)
            lot = await lot_control.control_lot(session, state.engine, user, lot_id, action, reason)
            body: dict[str, object] = {"id": lot.id, "status": lot.status.value}
            if lot.deferred_until is not None:  # 暂缓: resumed or converted by then (art. 28)
                body["resume_by"] = lot.deferred_until.isoformat()
            response = json_response(body)
        state.cache.forget(lot_page_key(lot_id))  # committed: the lot's page shows it at once
        return response

    return endpoint


def after_sale_action(
    action: Callable[[DbSession, User, int], Awaitable[Lot]],
) -> Callable[[Request], Awaitable[Response]]:
    """`balance-paid` and `default`: a court action on a sold lot that answers with its status."""

    async def endpoint(request: Request) -> Response:
        lot_id = path_id(request, "lot_id")
        state = app_state(request)
        async with state.sessions.begin() as session:
            user = await require_user(request, session)
            lot = await action(session, user, lot_id)
            response = json_response({"id": lot.id, "status": lot.status.value})
        state.cache.forget(lot_page_key(lot_id))
        return response

    return endpoint


class NextRoundBody(Body):
    """The court's terms for a re-auction after a default (art. 24); none after an unsold round."""

    starting_price: int | None = None
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = None


async def next_round(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json_or(request, NextRoundBody, NextRoundBody())
    state = app_state(request)
    terms = rounds.CourtTerms(body.starting_price, body.start_at, body.end_at)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        lot = await rounds.next_round(session, user, state.profile, lot_id, terms)
        return json_response(lot_json(lot), status_code=201)


routes = [
    Route("/api/v1/cases", create_case, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/claims", add_claim, methods=["POST"]),
    Route("/api/v1/properties", add_property, methods=["POST"]),
    Route("/api/v1/lots", create_lot, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}", delete_draft, methods=["DELETE"]),
    Route("/api/v1/lots/{lot_id}/publish", publish_lot, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/priority-holders", add_priority_holder, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/defer", control("defer"), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/suspend", control("suspend"), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/resume", control("resume"), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/cancel", control("cancel"), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/balance-paid", after_sale_action(after_sale.balance_paid), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/default", after_sale_action(after_sale.default_lot), methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/next-round", next_round, methods=["POST"]),
]
