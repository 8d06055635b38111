"""The court console's pages: the court's cases, and one case with its claims, property, lots
and allocation plans. Reads only; the forms go to the JSON API through web/static/js/console.js.
"""

from __future__ import annotations

import datetime as dt

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases.console import case_view, court_cases
from auction.enums import Role
from auction.errors import Forbidden
from auction.lots.ruling import deadlines_of
from auction.models import User
from core.db import utcnow
from web.auth import optional_user
from web.error_pages import sign_in_first
from web.formatting import CST
from web.labels import CATEGORIES, CLAIM_KINDS
from web.labels_after_hammer import DISHONEST_GROUNDS, REMOVAL_REASONS, RESTRICTED_ROLES
from web.labels_lawful import BAR_RELATIONS, NOTICE_MEANS, REFERENCE_METHODS
from web.params import path_id
from web.rendering import render
from web.state import app_state


async def staff_user(request: Request) -> User | Response:
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
    if user is None:
        return sign_in_first(request)
    if user.role not in (Role.COURT_STAFF, Role.ADMIN):
        raise HTTPException(403, "the console is for court staff")
    return user


async def console_home(request: Request) -> Response:
    user = await staff_user(request)
    if isinstance(user, Response):
        return user
    async with app_state(request).sessions() as session:
        cases = await court_cases(session, user)
        # What the court owes after the hammer, overdue first (an admin has no court of its own).
        deadlines = await deadlines_of(session, user.court_id, utcnow()) if user.court_id else []
    return render(
        request,
        "court/home.html",
        {"cases": cases, "deadlines": deadlines},
        current_user=user,
    )


def local_input(moment: dt.datetime) -> str:
    """A datetime-local field's value in China Standard Time (what the court types)."""
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M")


async def case_page(request: Request) -> Response:
    case_id = path_id(request, "case_id")
    user = await staff_user(request)
    if isinstance(user, Response):
        return user
    state = app_state(request)
    async with state.sessions() as session:
        try:
            view = await case_view(session, user, case_id)
        except Forbidden:
            raise HTTPException(403, "only staff of the court handling this case may see it") from None
    profile = state.profile
    # A first round may start once its announcement period is over: suggest the earliest valid
    # times for real estate so the court only adjusts what differs.
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(
        days=profile.notice_days[(1, True)], minutes=5
    )
    end = start + max(profile.min_bidding_period, dt.timedelta(hours=1))
    context = {
        "view": view,
        "categories": list(CATEGORIES.items()),
        "claim_kinds": list(CLAIM_KINDS.items()),
        "limits": {
            "round1_min_bp": profile.round1_min_bp,
            "deposit_min_bp": profile.deposit_min_bp,
            "deposit_max_bp": profile.deposit_max_bp,
        },
        "reference_methods": list(REFERENCE_METHODS.items()),
        "bar_relations": list(BAR_RELATIONS.items()),
        "dishonest_grounds": list(DISHONEST_GROUNDS.items()),
        "removal_reasons": list(REMOVAL_REASONS.items()),
        "company_roles": [(k, v) for k, v in RESTRICTED_ROLES.items() if k != "subject"],
        "outside_means": [(k, v) for k, v in NOTICE_MEANS.items() if k not in ("platform", "email", "sms")],
        "terms_approval": profile.terms_approval,
        "suggested_start": local_input(start),
        "suggested_end": local_input(end),
    }
    return render(request, "court/case.html", context, current_user=user)


routes = [
    Route("/court", console_home, methods=["GET"]),
    Route("/court/cases/{case_id}", case_page, methods=["GET"]),
]
