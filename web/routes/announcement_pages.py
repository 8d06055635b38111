"""The public announcements, as pages: the list by kind, and one announcement in both languages."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.disclosure.announcements import PUBLIC_KINDS, list_announcements, public_announcement
from auction.enums import AnnouncementKind
from auction.errors import NotFound
from web.auth import optional_user
from web.formatting import cst
from web.i18n import N_
from web.params import is_number, path_id
from web.rendering import cached_for_the_crowd, render
from web.state import app_state

ANNOUNCEMENT_KINDS = (
    ("auction", N_("Auctions")),
    ("result", N_("Results")),
    ("confirmation", N_("Confirmations")),
    ("reward", N_("Rewards")),
    ("allocation", N_("Allocations")),
    ("suspension", N_("Suspensions")),
    ("cancellation", N_("Withdrawals")),
)
KIND_LABELS = dict(ANNOUNCEMENT_KINDS) | {"resumption": N_("Resumptions")}


def _kind(raw: str | None) -> AnnouncementKind | None:
    try:
        kind = AnnouncementKind(raw) if raw else None
    except ValueError:
        return None
    return kind if kind in PUBLIC_KINDS else None


async def announcements_page(request: Request) -> Response:
    kind = _kind(request.query_params.get("kind"))
    page_raw = request.query_params.get("page", "1")
    page = int(page_raw) if is_number(page_raw) and 0 < int(page_raw) <= 10_000 else 1
    async with app_state(request).sessions() as session:
        current = await optional_user(request, session)
        found = await list_announcements(session, page, kind=kind)
    context = {
        "items": found.items,
        "kinds": ANNOUNCEMENT_KINDS,
        "kind_labels": KIND_LABELS,
        "selected": kind.value if kind else None,
        "page": page,
        "more": found.more,
    }
    return render(request, "announcements.html", context, current_user=current)


async def announcement_page(request: Request) -> Response:
    announcement_id = path_id(request, "announcement_id")
    async with app_state(request).sessions() as session:
        current = await optional_user(request, session)
        try:
            found = await public_announcement(session, announcement_id)
        except NotFound:
            raise HTTPException(404, "no such announcement") from None
    return render(
        request, "announcement.html", {"a": found, "published": cst(found.published_at)}, current_user=current
    )


routes = [
    Route("/announcements", cached_for_the_crowd(announcements_page), methods=["GET"]),
    Route("/announcements/{announcement_id}", announcement_page, methods=["GET"]),
]
