"""Public disclosure endpoints: announcements, statistics, and case timelines for the parties."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.disclosure import announcements as notices
from auction.disclosure import lookup
from auction.disclosure import stats as platform
from auction.disclosure.enforcement_stats import enforcement_figures
from auction.errors import ValidationFailed
from web.auth import require_user
from web.params import is_number, page_number, path_id
from web.responses import json_response
from web.state import app_state


async def announcements(request: Request) -> Response:
    lot = request.query_params.get("lot_id")
    if lot is not None and not is_number(lot):
        raise ValidationFailed("lot_id is a whole number", fields={"lot_id": "invalid_value"})
    page = page_number(request)
    async with app_state(request).sessions() as session:
        return json_response(
            await notices.list_announcements(session, page, lot_id=int(lot) if lot else None)
        )


async def announcement(request: Request) -> Response:
    announcement_id = path_id(request, "announcement_id")
    async with app_state(request).sessions() as session:
        return json_response(await notices.public_announcement(session, announcement_id))


async def enforcement_stats(request: Request) -> Response:
    """Per court and overall, live: cases under enforcement, closed, closed without
    satisfaction, persons listed now and removals."""
    async with app_state(request).sessions() as session:
        return json_response(await enforcement_figures(session))


async def stats(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        return json_response(await platform.platform_stats(session))


async def timeline(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    async with app_state(request).sessions() as session:
        user = await require_user(request, session)
        return json_response(await lookup.case_timeline(session, user, case_id))


routes = [
    Route("/api/v1/announcements", announcements, methods=["GET"]),
    Route("/api/v1/announcements/{announcement_id}", announcement, methods=["GET"]),
    Route("/api/v1/stats", stats, methods=["GET"]),
    Route("/api/v1/stats/enforcement", enforcement_stats, methods=["GET"]),
    Route("/api/v1/cases/{case_id}/timeline", timeline, methods=["GET"]),
]
