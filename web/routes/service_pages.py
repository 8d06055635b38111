"""Service pages in plain words: the fee calculator, the rules, how to object."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from settlement.fees import enforcement_fee, enforcement_fee_breakdown
from web.params import parse_yuan
from web.rendering import render, translator


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
    return render(request, "service/rules.html", {})


async def objections_page(request: Request) -> Response:
    return render(request, "service/objections.html", {})


routes = [
    Route("/service/fees", fee_page, methods=["GET"]),
    Route("/service/rules", rules_page, methods=["GET"]),
    Route("/service/objections", objections_page, methods=["GET"]),
]
