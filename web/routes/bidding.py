"""The bidder's API: register for a lot, pay the deposit, bid and set a proxy over HTTP.

HTTP bidding has the same semantics and idempotency as the socket (the same engine call), so
a client whose socket stalls can still bid safely.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.errors import NotFound
from auction.lots import own_registrations, registrations
from auction.lots.bidding import refused_bid, refused_proxy
from auction.lots.payments import SandboxProvider, WebhookProvider
from web.auth import require_user
from web.bodies import read_limited
from web.jsonbody import MAX_BODY_BYTES, Body, read_json, read_json_or
from web.params import path_id
from web.responses import json_response
from web.state import app_state

PAYMENT_ID = re.compile(r"^pay_[0-9a-f]{24}$")


class BidBody(Body):
    amount: int
    client_bid_id: str


class RegistrationBody(Body):
    undertaking: bool = False  # qualifies under the lot's housing purchase limit


class ProxyBody(Body):
    max_amount: int


async def register(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    provider = SandboxProvider.name if state.profile.payment_simulator else WebhookProvider.name
    async with state.sessions() as session:
        user = await require_user(request, session)
    body_in = await read_json_or(request, RegistrationBody, RegistrationBody())
    registration, payment = await registrations.register_and_enable(
        state.sessions, state.engine, user.id, lot_id, provider, undertaking=body_in.undertaking
    )
    deposit: dict[str, object] = {
        "amount": registration.deposit_amount,
        "status": registration.deposit_status.value,
        "payment_id": payment.public_id if payment else None,
    }
    if registration.deposit_claim_id is not None:
        deposit["covered_by_claim_id"] = registration.deposit_claim_id
    body = {
        "registration_id": registration.id,
        "bidder_code": registration.bidder_code,
        "priority_rank": registration.priority_rank,
        "deposit": deposit,
    }
    return json_response(body, status_code=201)


async def simulate_paid(request: Request) -> Response:
    state = app_state(request)
    if not state.profile.payment_simulator:
        raise NotFound("the payment simulator exists only under the sandbox profile")
    payment_id = request.path_params["payment_id"]
    if not PAYMENT_ID.match(payment_id):
        raise NotFound("no such payment")
    async with state.sessions() as session:
        user = await require_user(request, session)
    registration = await registrations.confirm_deposit(state.sessions, state.engine, payment_id, payer=user)
    return json_response({"status": registration.deposit_status.value})


async def payment_webhook(request: Request) -> Response:
    state = app_state(request)
    if state.settings.payment_webhook_secret is None:
        raise NotFound("no webhook provider is configured")
    provider = WebhookProvider(state.settings.payment_webhook_secret)
    body = await read_limited(request, MAX_BODY_BYTES)
    event = provider.verify({k.lower(): v for k, v in request.headers.items()}, body)
    registration = await registrations.apply_payment_event(state.sessions, state.engine, provider.name, event)
    if registration is None:
        return json_response({"received": True, "applied": False})
    return json_response({"received": True, "applied": True, "status": registration.deposit_status.value})


async def place_bid(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, BidBody)
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
    if not state.http_bid_rate.take(user.id):
        return json_response(refused_bid(body.client_bid_id, lot_id, "rate_limited"), status_code=409)
    reply = await state.bids.bid(user.id, lot_id, body.amount, body.client_bid_id)
    return json_response(reply, status_code=201 if reply.accepted else 409)


async def set_proxy(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, ProxyBody)
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
    reply = (
        await state.bids.proxy(user.id, lot_id, body.max_amount)
        if state.http_bid_rate.take(user.id)
        else refused_proxy(lot_id, "rate_limited")
    )
    if not reply.accepted:
        return json_response({"error": {"code": reply.code, "message": reply.message}}, status_code=409)
    return json_response(
        {
            "max_amount": reply.max_amount,
            "price": reply.price,
            "leader_code": reply.leader_code,
            "end_ms": reply.end_ms,
        }
    )


async def my_registrations(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await own_registrations.my_registrations(session, user))


routes = [
    Route("/api/v1/lots/{lot_id}/registrations", register, methods=["POST"]),
    Route("/api/v1/payments/webhook", payment_webhook, methods=["POST"]),
    Route("/api/v1/payments/{payment_id}/simulate-paid", simulate_paid, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/bids", place_bid, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/proxy", set_proxy, methods=["PUT"]),
    Route("/api/v1/me/registrations", my_registrations, methods=["GET"]),
]
