"""Allocation plans over HTTP: compute, publish, object, resolve, finalize, disburse; and the
creditor's view of their cases."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases import allocation as distribution
from settlement.enums import ObjectionStatus
from settlement.objections import Revision
from settlement.waterfall import CostItem
from web.auth import require_user
from web.jsonbody import Body, read_json, read_json_or
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class CostBody(Body):
    label: str
    amount: int


class PlanBody(Body):
    costs: list[CostBody] = msgspec.field(default_factory=list)


class ObjectionBody(Body):
    reason: str
    claim_ids: list[int] | None = None
    cost_ids: list[int] | None = None  # cost lines disputed (extension)


class RevisedLine(Body):
    claim_id: int
    allocated: int


class RevisedCost(Body):
    cost_id: int
    allocated: int


class ResolutionBody(Body):
    decision: ObjectionStatus
    lines: list[RevisedLine] = msgspec.field(default_factory=list)
    costs: list[RevisedCost] = msgspec.field(default_factory=list)


async def _plan_response(request: Request, plan_id: int, status_code: int = 200) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await distribution.plan_for(session, user, plan_id), status_code=status_code)


async def compute(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json_or(request, PlanBody, PlanBody())
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        costs = [CostItem(c.label, c.amount) for c in body.costs]
        plan = await distribution.compute_plan(session, user, case_id, costs)
        plan_id = plan.id
    return await _plan_response(request, plan_id, 201)


async def show(request: Request) -> Response:
    return await _plan_response(request, path_id(request, "plan_id"))


async def publish(request: Request) -> Response:
    plan_id = path_id(request, "plan_id")
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        await distribution.publish_plan(session, user, state.profile, plan_id)
    return await _plan_response(request, plan_id)


async def object_to(request: Request) -> Response:
    plan_id = path_id(request, "plan_id")
    body = await read_json(request, ObjectionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        objection = await distribution.file_objection(
            session, user, plan_id, body.reason, body.claim_ids, body.cost_ids
        )
        return json_response(
            {
                "id": objection.id,
                "plan_id": plan_id,
                "status": objection.status.value,
                "claim_ids": list(objection.disputed_claim_ids),
                "cost_ids": list(objection.disputed_cost_ids),
            },
            status_code=201,
        )


async def resolve(request: Request) -> Response:
    objection_id = path_id(request, "objection_id")
    body = await read_json(request, ResolutionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        revised = Revision(
            lines={line.claim_id: line.allocated for line in body.lines},
            costs={cost.cost_id: cost.allocated for cost in body.costs},
        )
        objection = await distribution.resolve_objection(session, user, objection_id, body.decision, revised)
        return json_response(
            {"id": objection.id, "status": objection.status.value, "plan_id": objection.plan_id}
        )


async def finalize(request: Request) -> Response:
    plan_id = path_id(request, "plan_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        await distribution.finalize_plan(session, user, plan_id)
    return await _plan_response(request, plan_id)


async def disburse(request: Request) -> Response:
    plan_id = path_id(request, "plan_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        await distribution.disburse_plan(session, user, plan_id)
    return await _plan_response(request, plan_id)


async def my_cases(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await distribution.my_cases(session, user))


routes = [
    Route("/api/v1/cases/{case_id}/allocation-plans", compute, methods=["POST"]),
    Route("/api/v1/allocation-plans/{plan_id}", show, methods=["GET"]),
    Route("/api/v1/allocation-plans/{plan_id}/publish", publish, methods=["POST"]),
    Route("/api/v1/allocation-plans/{plan_id}/objections", object_to, methods=["POST"]),
    Route("/api/v1/objections/{objection_id}/resolve", resolve, methods=["POST"]),
    Route("/api/v1/allocation-plans/{plan_id}/finalize", finalize, methods=["POST"]),
    Route("/api/v1/allocation-plans/{plan_id}/disburse", disburse, methods=["POST"]),
    Route("/api/v1/me/cases", my_cases, methods=["GET"]),
]
