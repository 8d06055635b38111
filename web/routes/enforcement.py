"""Enforcement disclosure over HTTP: public lists and exports, the parties' look-up, measures,
closing, rewards, subscriptions and the inbox, property clues, the fee calculator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auction.cases import measures
from auction.cases.files import MAX_BYTES, store_attachment
from auction.disclosure import clues, rewards
from auction.disclosure import lists as enforcement
from auction.disclosure import lookup as case_lookup
from auction.enums import Channel, ClueStatus, FileKind
from auction.errors import NotFound, RateLimited, ValidationFailed
from auction.notifications import inbox as notifications_inbox
from auction.notifications import subscriptions
from core.throttle import Limit, Throttle
from settlement.fees import enforcement_fee, enforcement_fee_breakdown
from web.auth import client_address, require_user
from web.jsonbody import Body, read_json
from web.params import has_nul, is_number
from web.routes.court import path_id
from web.state import app_state

LOOKUPS_PER_ADDRESS = Limit("case-lookup:address", 20, 15 * 60)
LISTS = ("subjects", "closed-unsatisfied", "dishonest")


def list_query(request: Request, *, export: bool) -> enforcement.ListQuery:
    params, errors = request.query_params, {}
    if has_nul(*params.values()):
        errors["query"] = "nul_character"
    page = params.get("page", "1")
    if not is_number(page) or not 1 <= int(page) <= 10_000:
        errors["page"] = "invalid_value"
    since = None
    if params.get("updated_since"):
        try:
            since = dt.datetime.fromisoformat(params["updated_since"])
            if since.tzinfo is None:
                errors["updated_since"] = "timezone_required"
        except ValueError:
            errors["updated_since"] = "invalid_value"
    q = params.get("q")
    if q is not None and len(q) > 100:
        errors["q"] = "too_long"
    if errors:
        raise ValidationFailed("invalid query parameters", fields=errors)
    after = enforcement.decode_cursor(params["cursor"]) if export and params.get("cursor") else None
    return enforcement.ListQuery(q or None, params.get("court") or None, int(page), since, after)


async def _list(request: Request, which: str, export: bool) -> dict[str, object]:
    query = list_query(request, export=export)
    async with app_state(request).sessions() as session:
        if which == "dishonest":
            return await enforcement.dishonest_list(session, query, export=export)
        return await enforcement.case_list(session, which, query, export=export)


async def public_list(request: Request) -> JSONResponse:
    which = request.path_params["which"]
    if which not in LISTS:
        raise NotFound("no such list")
    return JSONResponse(await _list(request, which, export=False))


async def export(request: Request) -> Response:
    """CSV or JSON for credit platforms: stable ids, `updated_since` and a `cursor` to page
    through changes, and an ETag so an unchanged batch costs a 304."""
    which, fmt = request.path_params["which"], request.path_params["fmt"]
    if which not in LISTS or fmt not in ("csv", "json"):
        raise NotFound("no such export")
    batch = await _list(request, which, export=True)
    items = batch["items"]
    assert isinstance(items, list)
    body = enforcement.as_csv(items) if fmt == "csv" else enforcement.as_json(batch)
    tag = enforcement.etag(body)
    headers = {"etag": tag, "cache-control": "no-cache"}
    if batch.get("next_cursor"):
        headers["x-next-cursor"] = str(batch["next_cursor"])
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    headers["content-disposition"] = f'attachment; filename="{which}.{fmt}"'
    return Response(body, media_type=media, headers=headers)


class LookupBody(Body):
    case_number: str
    id_number: str


async def throttled_lookup(request: Request, case_number: str, id_number: str) -> dict[str, Any]:
    """A party's case by number and identity number, throttled per address (API and page)."""
    state = app_state(request)
    throttle = Throttle(state.redis, state.settings.redis_namespace)
    address = client_address(request)
    wait = await throttle.retry_after(LOOKUPS_PER_ADDRESS, address)
    if wait:
        raise RateLimited(f"too many look-ups; try again in {wait} s", retry_after_s=wait)
    await throttle.record(LOOKUPS_PER_ADDRESS, address)  # every try counts: identity numbers are guessable
    async with state.sessions() as session:
        case = await case_lookup.lookup_case(session, case_number, id_number, state.settings.secret_key)
        return await case_lookup.timeline_json(session, case.id)


async def lookup(request: Request) -> JSONResponse:
    body = await read_json(request, LookupBody)
    return JSONResponse(await throttled_lookup(request, body.case_number, body.id_number))


class MeasureBody(Body):
    description: str


class CloseBody(Body):
    outcome: str
    reason: str = ""


class RewardBody(Body):
    amount: int
    text_zh: str
    text_en: str = ""


class SubscriptionBody(Body):
    channels: list[Channel] = msgspec.field(default_factory=list)
    email: str | None = None
    phone: str | None = None


class ClueBody(Body):
    text: str


class AnswerBody(Body):
    status: ClueStatus
    note: str = ""


async def measure(request: Request) -> JSONResponse:
    case_id = path_id(request, "case_id")
    body = await read_json(request, MeasureBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        event = await measures.record_measure(session, user, case_id, body.description)
        return JSONResponse({"kind": event.kind.value, "detail": event.detail}, status_code=201)


async def close(request: Request) -> JSONResponse:
    case_id = path_id(request, "case_id")
    body = await read_json(request, CloseBody)
    if body.outcome not in ("satisfied", "unsatisfied"):
        raise ValidationFailed("outcome is satisfied or unsatisfied", fields={"outcome": "invalid_choice"})
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        case = await measures.close_case(session, user, case_id, body.outcome == "satisfied", body.reason)
        return JSONResponse({"id": case.id, "status": case.status.value})


async def reward(request: Request) -> JSONResponse:
    case_id = path_id(request, "case_id")
    body = await read_json(request, RewardBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        announcement_id = await rewards.publish_reward(
            session, user, case_id, body.amount, body.text_zh, body.text_en
        )
        return JSONResponse({"announcement_id": announcement_id}, status_code=201)


async def subscribe(request: Request) -> JSONResponse:
    case_id = path_id(request, "case_id")
    body = await read_json(request, SubscriptionBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        subscription = await subscriptions.subscribe(
            session, user, case_id, body.channels, body.email, body.phone
        )
        return JSONResponse({"case_id": case_id, "channels": subscription.channels}, status_code=201)


async def inbox(request: Request) -> JSONResponse:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        unread = request.query_params.get("unread") == "1"
        return JSONResponse(await notifications_inbox.inbox(session, user, unread_only=unread))


async def read_notification(request: Request) -> JSONResponse:
    notification_id = path_id(request, "notification_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        await notifications_inbox.mark_read(session, user, notification_id)
    return JSONResponse({"read": True})


async def report_clue(request: Request) -> JSONResponse:
    """JSON `{text}`, or a form with `text` and an optional `file` (photo or PDF)."""
    case_id = path_id(request, "case_id")
    state = app_state(request)
    attachment = None
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=3) as form:
                text = str(form.get("text", ""))
                upload = form.get("file")
                if isinstance(upload, UploadFile):
                    content = await upload.read(MAX_BYTES[FileKind.DOCUMENT] + 1)
                    attachment = store_attachment(state.settings.data_dir, content)
        else:
            text = (await read_json(request, ClueBody)).text
        clue = await clues.report_clue(session, user, case_id, text, attachment)
        return JSONResponse(clues.clue_json(clue, for_court=False), status_code=201)


async def clue_queue(request: Request) -> JSONResponse:
    raw = request.query_params.get("status")
    try:
        status = ClueStatus(raw) if raw else None
    except ValueError:
        raise ValidationFailed("unknown status", fields={"status": "invalid_choice"}) from None
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return JSONResponse(await clues.clue_queue(session, user, status))


async def answer_clue(request: Request) -> JSONResponse:
    clue_id = path_id(request, "clue_id")
    body = await read_json(request, AnswerBody)
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        clue = await clues.answer_clue(session, user, clue_id, body.status, body.note)
        return JSONResponse(clues.clue_json(clue, for_court=True))


async def my_clues(request: Request) -> JSONResponse:
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return JSONResponse(await clues.my_clues(session, user))


async def fee_calculator(request: Request) -> JSONResponse:
    raw = request.query_params.get("amount", "")
    if not is_number(raw) or int(raw) > 10**15:
        raise ValidationFailed("amount is a whole number of fen", fields={"amount": "invalid_value"})
    amount = int(raw)
    parts = enforcement_fee_breakdown(amount)
    return JSONResponse(
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
    Route("/api/v1/disclosure/{which}.{fmt}", export, methods=["GET"]),
    Route("/api/v1/disclosure/{which}", public_list, methods=["GET"]),
    Route("/api/v1/case-lookup", lookup, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/measures", measure, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/close", close, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/rewards", reward, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/subscription", subscribe, methods=["POST"]),
    Route("/api/v1/cases/{case_id}/clues", report_clue, methods=["POST"]),
    Route("/api/v1/me/inbox", inbox, methods=["GET"]),
    Route("/api/v1/me/inbox/{notification_id}/read", read_notification, methods=["POST"]),
    Route("/api/v1/clues", clue_queue, methods=["GET"]),
    Route("/api/v1/clues/{clue_id}/answer", answer_clue, methods=["POST"]),
    Route("/api/v1/me/clues", my_clues, methods=["GET"]),
    Route("/api/v1/fees/enforcement", fee_calculator, methods=["GET"]),
]
