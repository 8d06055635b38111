"""Public pages beyond the live auction: results, the statistics dashboard, and the enforcement
disclosure (the public lists and the parties' case progress look-up)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.disclosure import lists
from auction.disclosure import stats as platform
from auction.disclosure.enforcement_stats import enforcement_figures
from auction.disclosure.lists import ListedCase, ListedDishonest, ListPage
from auction.enums import SOLD_OUTCOMES, LotStatus
from auction.errors import NotFound, RateLimited, ValidationFailed
from auction.lots.public import LotFilter, list_lots
from web.i18n import N_
from web.lookups import throttled_lookup
from web.queries import LISTS, list_query
from web.rendering import (
    FormExpired,
    cached_for_the_crowd,
    expired_form_message,
    form_data,
    render,
    translator,
)
from web.state import app_state

RESULT_STATUSES = (*SOLD_OUTCOMES, LotStatus.FAILED, LotStatus.ANNULLED, LotStatus.TAKEN_BY_CREDITOR)
LIST_TITLES = {
    "subjects": N_("Persons subject to enforcement"),
    "closed-unsatisfied": N_("Cases closed without satisfaction"),
    "dishonest": N_("Dishonest persons subject to enforcement"),
}
# What the courts' online auctions have reported since 2012, shown beside this platform's own.
REPORTED = {"sell_through_rate": 0.89, "average_premium": 0.42}


async def results_page(request: Request) -> Response:
    raw = request.query_params.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1
    async with app_state(request).sessions() as session:
        found = await list_lots(session, LotFilter(page=page, statuses=RESULT_STATUSES))
    premiums = {
        lot.id: (lot.result_price - lot.starting_price) / lot.starting_price if lot.result_price else None
        for lot in found.items
    }
    context = {"lots": found.items, "premiums": premiums, "page": page, "pages": found.pages}
    return render(request, "results.html", context)


def percent_bar(value: float | None) -> float:
    """The width (of 100) a rate is drawn at; a premium above 100 % is drawn full."""
    return 0.0 if value is None else max(0.0, min(value, 1.0)) * 100


async def statistics_page(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        stats = await platform.platform_stats(session)
        enforcement = await enforcement_figures(session)
    _ = translator(request)
    rows = [
        (_("Sold of the lots closed"), stats.sell_through_rate, REPORTED["sell_through_rate"]),
        (_("Average price above the starting price"), stats.average_premium, REPORTED["average_premium"]),
    ]
    bars = [
        {
            "label": label,
            "ours": ours,
            "reported": reported,
            "ours_w": percent_bar(ours),
            "rep_w": percent_bar(reported),
        }
        for label, ours, reported in rows
    ]
    # Each court's cases as a stacked bar, widths on one scale: the biggest court's cases fill it.
    widest = max(
        (c.under_enforcement + c.closed + c.closed_unsatisfied for c in enforcement.courts), default=0
    )
    context = {"stats": stats, "bars": bars, "enforcement": enforcement, "widest": max(widest, 1)}
    return render(request, "statistics.html", context)


async def disclosure_page(request: Request) -> Response:
    which = request.query_params.get("list", "subjects")
    if which not in LISTS:
        raise NotFound("no such list")
    errors: dict[str, str] = {}
    try:
        query = list_query(request, export=False)
    except ValidationFailed as exc:
        errors, query = dict(exc.fields or {}), lists.ListQuery()
    async with app_state(request).sessions() as session:
        if which == "dishonest":
            found: ListPage[ListedDishonest] | ListPage[ListedCase] = await lists.dishonest_list(
                session, query
            )
        else:
            found = await lists.case_list(session, which, query)
    return render_disclosure(
        request,
        422 if errors else 200,
        which=which,
        found=found,
        q=query.q or "",
        page=query.page,
        errors=errors,
    )


def render_disclosure(request: Request, status_code: int, **parts: Any) -> Response:
    """The disclosure page: a list, the look-up form, and the look-up's answer when there is one."""
    context = {
        "which": "subjects",
        "titles": LIST_TITLES,
        "found": None,
        "q": "",
        "page": 1,
        "errors": {},
        "timeline": None,
        "lookup_error": None,
        "case_number": "",
        **parts,
    }
    return render(request, "disclosure.html", context, status_code=status_code)


async def lookup_form(request: Request) -> Response:
    """The parties' look-up as a form: the same throttle and the same answer for a wrong
    identity number as for a missing case, so the form reveals nothing the API does not."""
    _ = translator(request)
    try:
        form = await form_data(request)
    except FormExpired as exc:
        return render_disclosure(
            request,
            403,
            lookup_error=expired_form_message(request),
            case_number=exc.values.get("case_number", "")[:64],
        )
    case_number = form.get("case_number", "")[:64]
    try:
        timeline = await throttled_lookup(request, case_number, form.get("id_number", "")[:18])
    except NotFound:
        error = _("No case matches that case number and identity number.")
        return render_disclosure(request, 404, lookup_error=error, case_number=case_number)
    except RateLimited as exc:
        error = _("Too many look-ups; try again in %(s)s seconds.") % {"s": exc.retry_after_s}
        return render_disclosure(request, 429, lookup_error=error, case_number=case_number)
    return render_disclosure(request, 200, timeline=timeline, case_number=case_number)


routes = [
    Route("/results", cached_for_the_crowd(results_page), methods=["GET"]),
    Route("/statistics", cached_for_the_crowd(statistics_page), methods=["GET"]),
    Route("/disclosure", disclosure_page, methods=["GET"]),
    Route("/disclosure/lookup", lookup_form, methods=["POST"]),
]
