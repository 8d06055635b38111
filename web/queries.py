"""Query strings as the domain's filters: the lot list (API and home page) and the public
enforcement lists (API, exports and the disclosure page) read their parameters here, so a page
and the API refuse the same values with the same field codes."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request

from auction.disclosure.lists import ListQuery, decode_cursor
from auction.enums import Category, LotStatus
from auction.errors import ValidationFailed
from auction.lots.public import LotFilter
from web.params import has_nul, is_number

LISTS = ("subjects", "closed-unsatisfied", "dishonest")  # the public enforcement lists


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


def list_query(request: Request, *, export: bool) -> ListQuery:
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
    after = decode_cursor(params["cursor"]) if export and params.get("cursor") else None
    return ListQuery(q or None, params.get("court") or None, int(page), since, after)
