"""The home page: live and upcoming lots unless a status is chosen, filtered and paged like the API."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.accounts.users import CourtChoice, court_choices
from auction.enums import LotStatus
from auction.errors import ValidationFailed
from auction.lots.public import LotFilter, LotPage, list_lots
from web.auth import optional_user
from web.labels import CATEGORIES, FIELDS, LOT_STATUSES
from web.queries import lot_filter
from web.rendering import cached_for_the_crowd, may_be_signed_in, render, translator
from web.replica_reads import public_read, read_sessions
from web.state import app_state

HOME_STATUSES = (LotStatus.LIVE, LotStatus.ANNOUNCED)
HOME_DEFAULT = LotFilter(statuses=HOME_STATUSES, soonest_first=True)


async def home(request: Request) -> Response:
    state = app_state(request)
    errors: list[str] = []
    try:
        where = lot_filter(request, price_unit=100, statuses=HOME_STATUSES, soonest_first=True)
    except ValidationFailed as exc:
        _ = translator(request)  # the filters by their labels, as the form names them
        errors = [_(FIELDS.get(key, key)) for key in sorted(exc.fields or {})]
        where = HOME_DEFAULT

    async def listing() -> LotPage:
        async with read_sessions(request)() as session:
            return await list_lots(session, where, state.engine)

    async def courts() -> list[CourtChoice]:
        async with read_sessions(request)() as session:
            return await court_choices(session)

    # The plain first page is the one a crowd loads: it is cached briefly; filtered pages are not.
    found: LotPage = await (state.cache.get("home:lots", listing) if where == HOME_DEFAULT else listing())
    current = None
    if may_be_signed_in(request):
        async with state.sessions() as session:
            current = await optional_user(request, session)
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "page" and value]
    context = {
        "lots": found.items,
        "page": where.page,
        "pages": found.pages,
        "query_without_page": urlencode(kept) + "&" if kept else "",
        "params": request.query_params,
        "errors": errors,
        "categories": list(CATEGORIES.items()),
        "statuses": [(s.value, LOT_STATUSES[s.value]) for s in LotStatus if s is not LotStatus.DRAFT],
        "courts": [(court.code, court.name) for court in await state.cache.get("courts", courts)],
    }
    return render(request, "home.html", context, status_code=422 if errors else 200, current_user=current)


routes = [Route("/", cached_for_the_crowd(public_read(home)), methods=["GET"])]
