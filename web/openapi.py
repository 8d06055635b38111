"""`GET /openapi.json`: the HTTP part of the contract, generated from the routes and the very
msgspec structs that decode each request body, so the document cannot drift from the code."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from web.responses import json_response
from web.routes import (
    accounts,
    after_hammer,
    auction_objections,
    bidding,
    court,
    enforcement,
    engagement,
    joint_punishment,
    lawful_listing,
    lists,
    party_notices,
    settlement,
)

BODIES: dict[tuple[str, str], type[msgspec.Struct]] = {
    ("POST", "/api/v1/users"): accounts.SignUp,
    ("POST", "/api/v1/tokens"): accounts.Credentials,
    ("POST", "/api/v1/cases"): court.CaseBody,
    ("POST", "/api/v1/cases/{case_id}/claims"): court.ClaimBody,
    ("POST", "/api/v1/properties"): court.PropertyBody,
    ("POST", "/api/v1/lots"): court.LotBody,
    ("POST", "/api/v1/lots/{lot_id}/priority-holders"): court.PriorityHolderBody,
    ("PUT", "/api/v1/lots/{lot_id}/disclosure"): lawful_listing.DisclosureBody,
    ("POST", "/api/v1/lots/{lot_id}/approve"): lawful_listing.ApprovalBody,
    ("POST", "/api/v1/lots/{lot_id}/barred-persons"): lawful_listing.BarredPersonBody,
    ("POST", "/api/v1/lots/{lot_id}/registrations"): bidding.RegistrationBody,
    ("POST", "/api/v1/lots/{lot_id}/party-notices"): party_notices.NoticesBody,
    ("POST", "/api/v1/lots/{lot_id}/suspend"): court.ReasonBody,
    ("POST", "/api/v1/lots/{lot_id}/resume"): court.ReasonBody,
    ("POST", "/api/v1/lots/{lot_id}/cancel"): court.ReasonBody,
    ("POST", "/api/v1/lots/{lot_id}/defer"): court.ReasonBody,
    ("POST", "/api/v1/lots/{lot_id}/next-round"): court.NextRoundBody,
    ("POST", "/api/v1/lots/{lot_id}/qualification"): after_hammer.QualificationBody,
    ("POST", "/api/v1/lots/{lot_id}/annul"): after_hammer.AnnulBody,
    ("POST", "/api/v1/lots/{lot_id}/creditor-takes"): after_hammer.TakesBody,
    ("POST", "/api/v1/cases/{case_id}/dishonest"): joint_punishment.DishonestBody,
    ("POST", "/api/v1/cases/{case_id}/consumption-restriction"): joint_punishment.RestrictionBody,
    ("POST", "/api/v1/dishonest/{entry_id}/remove"): joint_punishment.RemovalBody,
    ("POST", "/api/v1/consumption-restrictions/{entry_id}/remove"): joint_punishment.RemovalBody,
    ("POST", "/api/v1/lots/{lot_id}/objections"): auction_objections.ObjectionBody,
    ("POST", "/api/v1/auction-objections/{objection_id}/decide"): auction_objections.DecisionBody,
    ("POST", "/api/v1/lots/{lot_id}/bids"): bidding.BidBody,
    ("PUT", "/api/v1/lots/{lot_id}/proxy"): bidding.ProxyBody,
    ("POST", "/api/v1/cases/{case_id}/allocation-plans"): settlement.PlanBody,
    ("POST", "/api/v1/allocation-plans/{plan_id}/objections"): settlement.ObjectionBody,
    ("POST", "/api/v1/objections/{objection_id}/resolve"): settlement.ResolutionBody,
    ("POST", "/api/v1/case-lookup"): lists.LookupBody,
    ("POST", "/api/v1/cases/{case_id}/measures"): enforcement.MeasureBody,
    ("POST", "/api/v1/cases/{case_id}/close"): enforcement.CloseBody,
    ("POST", "/api/v1/cases/{case_id}/rewards"): enforcement.RewardBody,
    ("POST", "/api/v1/cases/{case_id}/subscription"): engagement.SubscriptionBody,
    ("POST", "/api/v1/cases/{case_id}/clues"): engagement.ClueBody,
    ("POST", "/api/v1/clues/{clue_id}/answer"): engagement.AnswerBody,
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
PARAMETER = re.compile(r"{([a-z_]+)}")


def _operations(routes: list[BaseRoute]) -> list[tuple[str, str, str]]:
    found = []
    for route in routes:
        if isinstance(route, Mount) or not isinstance(route, Route):
            continue
        if not (route.path.startswith("/api/v1/") or route.path == "/healthz"):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path, (route.endpoint.__doc__ or "").strip().split("\n")[0]))
    return found


def build(routes: list[BaseRoute]) -> dict[str, Any]:
    structs = sorted(set(BODIES.values()), key=lambda s: s.__name__)
    _, components = msgspec.json.schema_components(structs, ref_template="#/components/schemas/{name}")
    components["Error"] = ERROR
    paths: dict[str, dict[str, Any]] = {}
    for method, path, summary in _operations(routes):
        operation: dict[str, Any] = {
            "summary": summary or f"{method} {path}",
            "responses": {
                "4XX": {
                    "description": "Refused, in docs/api.md's shape.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
                "default": {"description": "The result (JSON, or CSV/PDF for exports and documents)."},
            },
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in PARAMETER.findall(path)
            ],
        }
        body = BODIES.get((method, path))
        if body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}
                },
            }
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Judicial e-auction platform",
            "version": "1",
            "description": "The public HTTP contract (docs/api.md). Money is integer fen; times are "
            "RFC 3339. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/tokens.",
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"bearer": []}],
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    document = request.app.state.openapi_document if hasattr(request.app.state, "openapi_document") else None
    if document is None:
        document = request.app.state.openapi_document = build(request.app.routes)
    return json_response(document)


routes = [Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False)]
