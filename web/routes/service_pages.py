"""Service pages in plain words: the fee calculator, the rules, how to object."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.settings import RuleProfileName
from settlement.fees import enforcement_fee, enforcement_fee_breakdown
from web.formatting import duration_text
from web.labels import RULE_PROFILES
from web.params import parse_yuan
from web.rendering import render, translator
from web.state import app_state


async def fee_page(request: Request) -> Response:
    text = request.query_params.get("amount", "")
    context: dict[str, object] = {"amount_text": text[:16], "bands": [], "total": 0, "error": None}
    if text:
        amount = parse_yuan(text)
        if amount is None:
            _ = translator(request)
            context["error"] = _("Enter an amount such as 1000000 or 1234.56.")
        else:
            context["bands"] = enforcement_fee_breakdown(amount)
            context["total"] = enforcement_fee(amount)
    return render(request, "service/fees.html", context, status_code=422 if context["error"] else 200)


async def rules_page(request: Request) -> Response:
    """The law's rules in words, then the figures this site actually runs with: a sandbox
    (the demonstration) lifts the waiting periods and shortens the soft close, and says so."""
    _ = translator(request)
    profile = app_state(request).profile
    notice = profile.notice_days
    figures = [
        (_("Rules in force"), _(RULE_PROFILES[profile.name.value])),
        (_("Soft close"), duration_text(_, profile.extension)),
        (_("Shortest bidding period"), duration_text(_, profile.min_bidding_period)),
        (
            _("Announcement before round 1 (movables / real estate)"),
            _("%(short)s / %(long)s days") % {"short": notice[(1, False)], "long": notice[(1, True)]},
        ),
        (
            _("Announcement before round 2 (movables / real estate)"),
            _("%(short)s / %(long)s days") % {"short": notice[(2, False)], "long": notice[(2, True)]},
        ),
        (_("Objection period for an allocation plan"), duration_text(_, profile.objection_period)),
        (
            _("Deposits"),
            _("Simulated (no money moves)") if profile.payment_simulator else _("Paid to the court"),
        ),
    ]
    context = {
        "figures": figures,
        "sandbox": profile.name is RuleProfileName.SANDBOX,
        "extension_text": duration_text(_, profile.extension),
    }
    return render(request, "service/rules.html", context)


async def objections_page(request: Request) -> Response:
    return render(request, "service/objections.html", {})


routes = [
    Route("/service/fees", fee_page, methods=["GET"]),
    Route("/service/rules", rules_page, methods=["GET"]),
    Route("/service/objections", objections_page, methods=["GET"]),
]
