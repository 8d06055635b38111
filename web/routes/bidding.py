"""The bidder's API: register for a lot, pay the deposit, bid and set a proxy over HTTP.

HTTP bidding has the same semantics and idempotency as the socket (the same engine call), so
a client whose socket stalls can still bid safely.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auction import registrations
from auction.errors import NotFound, ValidationFailed
from auction.models import Lot, Registration
from auction.payments import SandboxProvider, WebhookProvider
from bidding_engine.errors import InvalidRequest
from bidding_engine.results import BidResult
from web.auth import require_user
from web.jsonbody import Body, read_json
from web.routes.court import path_id
from web.state import app_state

PAYMENT_ID = re.compile(r"^pay_[0-9a-f]{24}$")


class BidBody(Body):
    amount: int
    client_bid_id: str


class ProxyBody(Body):
    max_amount: int


async def register(request: Request) -> JSONResponse:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    provider = SandboxProvider.name if state.profile.payment_simulator else WebhookProvider.name
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        registration, payment = await registrations.register(session, user, lot_id, provider)
        body = {
            "registration_id": registration.id,
            "bidder_code": registration.bidder_code,
            "priority_rank": registration.priority_rank,
            "deposit": {
                "amount": payment.amount,
                "status": registration.deposit_status.value,
                "payment_id": payment.public_id,
            },
        }
    return JSONResponse(body, status_code=201)


async def _eligible_now(request: Request, registration: Registration) -> None:
    state = app_state(request)
    async with state.sessions() as session:
        lot = await session.get(Lot, registration.lot_id)
    assert lot is not None
    await registrations.make_eligible(state.engine, registration, lot.status)


async def simulate_paid(request: Request) -> JSONResponse:
    state = app_state(request)
    if not state.profile.payment_simulator:
        raise NotFound("the payment simulator exists only under the sandbox profile")
    payment_id = request.path_params["payment_id"]
    if not PAYMENT_ID.match(payment_id):
        raise NotFound("no such payment")
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        registration = await registrations.confirm_payment(session, payment_id, payer=user)
    # After the commit: the engine may only know a deposit PostgreSQL has recorded.
    await _eligible_now(request, registration)
    return JSONResponse({"status": registration.deposit_status.value})


async def payment_webhook(request: Request) -> JSONResponse:
    state = app_state(request)
    if state.settings.payment_webhook_secret is None:
        raise NotFound("no webhook provider is configured")
    provider = WebhookProvider(state.settings.payment_webhook_secret)
    event = provider.verify({k.lower(): v for k, v in request.headers.items()}, await request.body())
    async with state.sessions.begin() as session:
        registration = await registrations.record_webhook(session, provider.name, event)
    if registration is None:
        return JSONResponse({"received": True, "applied": False})
    await _eligible_now(request, registration)
    return JSONResponse({"received": True, "applied": True, "status": registration.deposit_status.value})


def bid_result_json(lot_id: int, client_bid_id: str, result: BidResult) -> dict[str, object]:
    if result.accepted:
        return {
            "type": "bid_result",
            "client_bid_id": client_bid_id,
            "accepted": True,
            "lot_id": lot_id,
            "seq": result.seq,
            "price": result.price,
            "end_ms": result.end_ms,
        }
    return {
        "type": "bid_result",
        "client_bid_id": client_bid_id,
        "accepted": False,
        "code": result.code,
        "message": REJECTION_MESSAGES.get(result.code or "", "the bid was not accepted"),
    }


REJECTION_MESSAGES = {
    "not_authenticated": "sign in to bid",
    "not_registered": "register for this lot and pay the deposit first",
    "not_live": "the lot is not open for bidding",
    "ended": "bidding on this lot has ended",
    "too_low": "the amount is below the next valid bid",
    "already_leading": "you are already the highest bidder",
    "invalid_amount": "the amount must be the current price plus a whole multiple of the increment",
    "rate_limited": "too many bids; wait a moment",
}


async def place_bid(request: Request) -> JSONResponse:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, BidBody)
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
        try:
            result = await registrations.place_bid(
                session, state.engine, user, lot_id, body.amount, body.client_bid_id
            )
        except InvalidRequest as exc:
            raise ValidationFailed(str(exc), fields={"client_bid_id": "invalid_value"}) from exc
    return JSONResponse(
        bid_result_json(lot_id, body.client_bid_id, result), status_code=201 if result.accepted else 409
    )


async def set_proxy(request: Request) -> JSONResponse:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, ProxyBody)
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
        result = await registrations.set_proxy(session, state.engine, user, lot_id, body.max_amount)
    if not result.accepted:
        code = result.code or "rejected"
        return JSONResponse(
            {"error": {"code": code, "message": REJECTION_MESSAGES.get(code, "refused")}}, status_code=409
        )
    return JSONResponse(
        {
            "max_amount": result.max_amount,
            "price": result.price,
            "leader_code": result.leader_code,
            "end_ms": result.end_ms,
        }
    )


async def my_registrations(request: Request) -> JSONResponse:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return JSONResponse(await registrations.my_registrations(session, user))


routes = [
    Route("/api/v1/lots/{lot_id}/registrations", register, methods=["POST"]),
    Route("/api/v1/payments/webhook", payment_webhook, methods=["POST"]),
    Route("/api/v1/payments/{payment_id}/simulate-paid", simulate_paid, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/bids", place_bid, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/proxy", set_proxy, methods=["PUT"]),
    Route("/api/v1/me/registrations", my_registrations, methods=["GET"]),
]
