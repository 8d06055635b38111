"""The court's enforcement actions on a case besides its sales (measures, closing, rewards), and
the public fee calculator."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases import measures
from auction.disclosure import rewards
from auction.errors import ValidationFailed
from core.money import MAX_AMOUNT
from settlement.fees import enforcement_fee, enforcement_fee_breakdown
from web.auth import require_user
from web.jsonbody import Body, read_json
from web.params import is_number, path_id
from web.responses import json_response
from web.state import app_state


class MeasureBody(Body):
    description: str


class CloseBody(Body):
    outcome: str
    reason: str = ""


class RewardBody(Body):
    amount: int
    text_zh: str
    text_en: str = ""


async def measure(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, MeasureBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        event = await measures.record_measure(session, user, case_id, body.description)
        return json_response({"kind": event.kind.value, "detail": event.detail}, status_code=201)


async def close(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, CloseBody)
    if body.outcome not in ("satisfied", "unsatisfied"):
        raise ValidationFailed("outcome is satisfied or unsatisfied", fields={"outcome": "invalid_choice"})
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        case = await measures.close_case(session, user, case_id, body.outcome == "satisfied", body.reason)
        return json_response({"id": case.id, "status": case.status.value})


async def reward(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, RewardBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        announcement_id = await rewards.publish_reward(
            session, user, case_id, body.amount, body.text_zh, body.text_en
        )
        return json_response({"announcement_id": announcement_id}, status_code=201)


async def fee_calculator(request: Request) -> Response:
    raw = request.query_params.get("amount", "")
    if not is_number(raw) or int(raw) > MAX_AMOUNT:
        raise ValidationFailed("amount is a whole number of fen", fields={"amount": "invalid_value"})
    amount = int(raw)
    parts = enforcement_fee_breakdown(amount)
    return json_response(
        {
            "amount": amount,
            "fee": enforcement_fee(amount),
            "bands": [
                {"from": p.lower, "to": p.upper, "rate_bp": p.rate_bp, "base": p.base, "fee": p.fee}
                for p in parts
            ],
        }
    )


routes = [
    Route("/api/v1/cases/{case_id}/measures", measure, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/close", close, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/rewards", reward, methods=["POST"]),
    Route("/api/v1/fees/enforcement", fee_calculator, methods=["GET"]),
]
