"""The parties' and the public's side of enforcement over HTTP: following a case (subscription,
inbox) and property clues (reported, queued for the court, answered)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases.files import MAX_BYTES, store_attachment
from auction.disclosure import clues
from auction.enums import Channel, ClueStatus, FileKind
from auction.errors import ValidationFailed
from auction.notifications import inbox as notifications_inbox
from auction.notifications import subscriptions
from web.auth import require_user
from web.bodies import read_upload
from web.jsonbody import Body, read_json
from web.params import path_id
from web.responses import json_response
from web.state import app_state


class SubscriptionBody(Body):
    channels: list[Channel] = msgspec.field(default_factory=list)
    email: str | None = None
    phone: str | None = None


class ClueBody(Body):
    text: str


class AnswerBody(Body):
    status: ClueStatus
    note: str = ""


async def subscribe(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    body = await read_json(request, SubscriptionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        subscription = await subscriptions.subscribe(
            session, user, case_id, body.channels, body.email, body.phone
        )
        return json_response({"case_id": case_id, "channels": subscription.channels}, status_code=201)


async def inbox(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        unread = request.query_params.get("unread") == "1"
        return json_response(await notifications_inbox.inbox(session, user, unread_only=unread))


async def read_notification(request: Request) -> Response:
    notification_id = path_id(request, "notification_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        await notifications_inbox.mark_read(session, user, notification_id)
    return json_response({"read": True})


async def report_clue(request: Request) -> Response:
    """JSON `{text}`, or a form with `text` and an optional `file` (photo or PDF)."""
    case_id = path_id(request, "case_id")
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)
    attachment = None
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        sent = await read_upload(request, max_file_bytes=MAX_BYTES[FileKind.DOCUMENT], max_fields=3)
        text = sent.fields.get("text", "")
        if sent.filename is not None:
            attachment = await store_attachment(state.settings.data_dir, sent.content)
    else:
        text = (await read_json(request, ClueBody)).text
    async with state.sessions.begin() as session:
        clue = await clues.report_clue(session, user, case_id, text, attachment)
        return json_response(clues.reporter_view(clue), status_code=201)


async def clue_queue(request: Request) -> Response:
    raw = request.query_params.get("status")
    try:
        status = ClueStatus(raw) if raw else None
    except ValueError:
        raise ValidationFailed("unknown status", fields={"status": "invalid_choice"}) from None
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await clues.clue_queue(session, user, status))


async def answer_clue(request: Request) -> Response:
    clue_id = path_id(request, "clue_id")
    body = await read_json(request, AnswerBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        clue = await clues.answer_clue(session, user, clue_id, body.status, body.note)
        return json_response(clues.court_view(clue))


async def my_clues(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await clues.my_clues(session, user))


routes = [
    Route("/api/v1/cases/{case_id}/subscription", subscribe, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/clues", report_clue, methods=["POST"]),
    Route("/api/v1/me/inbox", inbox, methods=["GET"]),
    Route("/api/v1/me/inbox/{notification_id}/read", read_notification, methods=["POST"]),
    Route("/api/v1/clues", clue_queue, methods=["GET"]),
    Route("/api/v1/clues/{clue_id}/answer", answer_clue, methods=["POST"]),
    Route("/api/v1/me/clues", my_clues, methods=["GET"]),
]
