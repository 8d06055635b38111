"""HTML pages."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.enums import LotStatus
from auction.models import Lot, Property
from web.routes.system import public_ws_url
from web.state import app_state

HOME_STATUSES = (LotStatus.LIVE, LotStatus.ANNOUNCED)


def render(request: Request, template: str, context: dict[str, object], status_code: int = 200) -> Response:
    state = app_state(request)
    context = {"ws_url": public_ws_url(request), "rules_name": state.settings.rules.value, **context}
    return state.templates.TemplateResponse(request, template, context, status_code=status_code)


async def home(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        rows = await session.execute(
            sa.select(Lot.id, Lot.status, Lot.starting_price, Lot.end_at, Property.title, Property.category)
            .join(Property, Property.id == Lot.property_id)
            .where(Lot.status.in_(HOME_STATUSES))
            .order_by(Lot.end_at)
            .limit(50)
        )
        lots = [row._asdict() for row in rows]
    return render(request, "home.html", {"lots": lots})


routes = [Route("/", home, methods=["GET"])]
