"""Public lot pages of the API: `/api/v1/lots` and `/api/v1/lots/{id}`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auction.enums import Category, LotStatus
from auction.errors import ValidationFailed
from auction.lots.public import LotFilter, list_lots, lot_detail
from web.params import has_nul, is_number
from web.routes.bids import lot_id_of
from web.state import app_state


def lot_filter(
    request: Request,
    *,
    price_unit: int = 1,
    statuses: tuple[LotStatus, ...] = (),
    soonest_first: bool = False,
) -> LotFilter:
    """The list's query parameters; prices are fen in the API (price_unit 1), yuan on pages (100)."""
    params = request.query_params
    errors = {}
    if has_nul(*params.values()):
        errors["query"] = "nul_character"
    status = category = None
    if params.get("status"):
        try:
            status = LotStatus(params["status"])
        except ValueError:
            errors["status"] = "invalid_choice"
    if params.get("category"):
        try:
            category = Category(params["category"])
        except ValueError:
            errors["category"] = "invalid_choice"
    page_raw = params.get("page", "1")
    if not is_number(page_raw) or not 1 <= int(page_raw) <= 10_000:
        errors["page"] = "invalid_value"
    prices: dict[str, int | None] = {}
    for name in ("min_price", "max_price"):
        raw = params.get(name, "")
        if raw and (not is_number(raw) or len(raw) > 15):
            errors[name] = "invalid_value"
        prices[name] = int(raw) * price_unit if raw and name not in errors else None
    query = params.get("q") or None
    if query is not None and len(query) > 100:
        errors["q"] = "too_long"
    if errors:
        raise ValidationFailed("invalid query parameters", fields=errors)
    return LotFilter(
        status,
        category,
        params.get("court") or None,
        query,
        int(page_raw),
        prices["min_price"],
        prices["max_price"],
        statuses,
        soonest_first,
    )


async def lots(request: Request) -> JSONResponse:
    where = lot_filter(request)
    async with app_state(request).sessions() as session:
        return JSONResponse(await list_lots(session, where))


async def lot(request: Request) -> JSONResponse:
    lot_id = lot_id_of(request)
    state = app_state(request)
    async with state.sessions() as session:
        return JSONResponse(await lot_detail(session, state.engine, lot_id))


routes = [
    Route("/api/v1/lots", lots, methods=["GET"]),
    Route("/api/v1/lots/{lot_id}", lot, methods=["GET"]),
]
