"""Pages of a signed-in party: my auctions (bidder), the inbox, my cases and allocation plans
(creditor).

Reads only: every change on these pages goes through the JSON API (web/static/js/console.js
sends the forms with the CSRF header), so the rules live in one place.
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.cases import allocation as distribution
from auction.disclosure import partners
from auction.enums import Role
from auction.lots import own_registrations, party_notices
from auction.notifications import inbox as notifications_inbox
from settlement.plans import LineView, PlanView
from web.auth import optional_user
from web.charts import Bar, waterfall
from web.error_pages import sign_in_first
from web.i18n import N_
from web.params import path_id
from web.rendering import render, translator
from web.state import app_state

# Why each line got what it got, in the words a creditor reads (the waterfall's rule codes).
LINE_REASONS = {
    "construction_priority": N_("Construction-price priority: paid before any security on the property."),
    "property_not_sold": N_("The property this claim is secured on has not been sold yet."),
    "ordinary_pro_rata": N_("Ordinary claims share what is left in proportion to their amounts."),
    "ordinary_seizure_order": N_("Ordinary claims are paid in the order the property was seized."),
    "revised_on_objection": N_("Revised by the court on an objection."),
}
SECURED_REASON = N_("Secured claim of rank %(rank)s: paid from its own property, in order of rank.")


async def my_auctions(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
        if user is None:
            return sign_in_first(request)
        items = await own_registrations.my_registrations(session, user)
        notices = await party_notices.my_notices(session, user)
        entries = await partners.entries_of(session, user)
        checks = await partners.checks_of(session, user)
    context = {"items": items, "notices": notices, "entries": entries, "checks": checks}
    return render(request, "me.html", context, current_user=user)


async def my_cases(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
        if user is None:
            return sign_in_first(request)
        cases = await distribution.my_cases(session, user)
    return render(request, "my_cases.html", {"cases": cases}, current_user=user)


def reason_text(request: Request, line: LineView) -> str:
    _ = translator(request)
    code = line.reason
    if code.startswith("secured_rank_"):
        return _(SECURED_REASON) % {"rank": line.rank}
    return _(LINE_REASONS[code]) if code in LINE_REASONS else code


def plan_bars(request: Request, plan: PlanView) -> list[Bar]:
    """Costs, fee, priority, secured, ordinary and the debtor's remainder, in paying-out order."""
    _ = translator(request)
    by_kind = {kind: 0 for kind in ("priority", "secured", "ordinary")}
    for line in plan.lines:
        by_kind[line.kind] += line.allocated
    steps = [
        (_("Costs"), "cost", sum(c.amount for c in plan.costs)),
        (_("Enforcement fee"), "fee", plan.enforcement_fee),
        (_("Construction priority"), "priority", by_kind["priority"]),
        (_("Secured"), "secured", by_kind["secured"]),
        (_("Ordinary"), "ordinary", by_kind["ordinary"]),
        (_("To the debtor"), "remainder", plan.remainder_to_debtor),
    ]
    return waterfall(steps)


async def plan_page(request: Request) -> Response:
    plan_id = path_id(request, "plan_id")
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
        if user is None:
            return sign_in_first(request)
        plan = await distribution.plan_for(session, user, plan_id)  # 404 unless staff or creditor
        cases = await distribution.my_cases(session, user)
    context = {
        "plan": plan,
        "explanations": {line.claim_id: reason_text(request, line) for line in plan.lines},
        "bars": plan_bars(request, plan),
        "is_staff": user.role in (Role.COURT_STAFF, Role.ADMIN),
        "own_claims": [c.id for case in cases if case.case_id == plan.case_id for c in case.claims],
        "deadline_ms": (
            int(dt.datetime.fromisoformat(plan.objection_deadline).timestamp() * 1000)
            if plan.objection_deadline
            else None
        ),
    }
    return render(request, "plan.html", context, current_user=user)


async def inbox_page(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
        if user is None:
            return sign_in_first(request)
        items = await notifications_inbox.inbox(session, user)
    return render(request, "inbox.html", {"items": items}, current_user=user)


routes = [
    Route("/inbox", inbox_page, methods=["GET"]),
    Route("/me", my_auctions, methods=["GET"]),
    Route("/me/cases", my_cases, methods=["GET"]),
    Route("/plans/{plan_id}", plan_page, methods=["GET"]),
]
