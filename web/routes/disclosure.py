"""Public disclosure endpoints: announcements, the dishonest persons list, statistics, and
case timelines for the parties."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auction.disclosure import announcements as disclosure
from auction.disclosure import lookup
from auction.disclosure import stats as platform
from auction.errors import NotFound, ValidationFailed
from auction.models import Announcement
from web.auth import require_user
from web.params import is_number
from web.routes.court import path_id
from web.state import app_state


def page_of(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not is_number(raw) or not 1 <= int(raw) <= 10_000:
        raise ValidationFailed("page is a whole number from 1", fields={"page": "invalid_value"})
    return int(raw)


async def announcements(request: Request) -> JSONResponse:
    lot = request.query_params.get("lot_id")
    if lot is not None and not is_number(lot):
        raise ValidationFailed("lot_id is a whole number", fields={"lot_id": "invalid_value"})
    async with app_state(request).sessions() as session:
        return JSONResponse(
            await disclosure.list_announcements(session, page_of(request), int(lot) if lot else None)
        )


async def announcement(request: Request) -> JSONResponse:
    announcement_id = path_id(request, "announcement_id")
    async with app_state(request).sessions() as session:
        found = await session.get(Announcement, announcement_id)
        if found is None or found.kind.value == "priority_notice":
            raise NotFound("no such announcement")
        return JSONResponse(disclosure.announcement_json(found))


async def stats(request: Request) -> JSONResponse:
    async with app_state(request).sessions() as session:
        return JSONResponse(await platform.platform_stats(session))


async def timeline(request: Request) -> JSONResponse:
    case_id = path_id(request, "case_id")
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return JSONResponse(await lookup.case_timeline(session, user, case_id))


routes = [
    Route("/api/v1/announcements", announcements, methods=["GET"]),
    Route("/api/v1/announcements/{announcement_id}", announcement, methods=["GET"]),
    Route("/api/v1/stats", stats, methods=["GET"]),
    Route("/api/v1/cases/{case_id}/timeline", timeline, methods=["GET"]),
]
