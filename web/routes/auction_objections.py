"""Objections to the auction (art. 36) as JSON: filed by a party, a priority holder or a registered
bidder, with documents (multipart, one per request), decided by the lot's court."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases.files import MAX_BYTES
from auction.enums import FileKind
from auction.errors import ValidationFailed
from auction.lots import auction_objections as objections
from web.auth import require_user
from web.bodies import read_upload
from web.jsonbody import Body, read_json
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class ObjectionBody(Body):
    reason: str


class DecisionBody(Body):
    decision: str
    reason: str


async def file_objection(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    body = await read_json(request, ObjectionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        objection = await objections.file_objection(session, user, lot_id, body.reason)
        return json_response(objections.view_of(objection), status_code=201)


async def add_document(request: Request) -> Response:
    objection_id = path_id(request, "objection_id")
    state = app_state(request)
    async with state.sessions() as session:
        await require_user(request, session)  # before the body: no stranger's upload
    sent = await read_upload(request, max_file_bytes=MAX_BYTES[FileKind.DOCUMENT], max_fields=2)
    if sent.filename is None:
        raise ValidationFailed("send the document as multipart field 'file'", fields={"file": "required"})
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        objection = await objections.add_document(
            session, user, objection_id, sent.content, data_dir=state.settings.data_dir
        )
        return json_response(objections.view_of(objection), status_code=201)


async def decide(request: Request) -> Response:
    objection_id = path_id(request, "objection_id")
    body = await read_json(request, DecisionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        objection = await objections.decide_objection(session, user, objection_id, body.decision, body.reason)
        return json_response(objections.view_of(objection))


async def lot_objections(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await objections.lot_objections(session, user, lot_id))


async def mine(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await objections.my_objections(session, user))


routes = [
    Route("/api/v1/lots/{lot_id}/objections", file_objection, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/objections", lot_objections, methods=["GET"]),
    Route("/api/v1/auction-objections/{objection_id}/documents", add_document, methods=["POST"]),
    Route("/api/v1/auction-objections/{objection_id}/decide", decide, methods=["POST"]),
    Route("/api/v1/me/auction-objections", mine, methods=["GET"]),
]
