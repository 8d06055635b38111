"""HTML pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auction.disclosure.confirmation import confirmation, confirmation_pdf
from auction.enums import LotStatus, Role
from auction.errors import ValidationFailed
from auction.lots import registrations
from auction.lots.payments import SandboxProvider, WebhookProvider
from auction.lots.public import LotFilter, list_lots, lot_detail
from auction.models import Announcement, Bid, Court, EnforcementCase, Lot, Payment, Property
from auction.notifications import inbox as notifications_inbox
from settlement.fees import enforcement_fee, enforcement_fee_breakdown
from web.auth import (
    optional_user,
)
from web.charts import price_points
from web.formatting import cst
from web.i18n import N_
from web.labels import BID_KINDS, CATEGORIES, LOT_STATUSES
from web.params import is_number
from web.rendering import cached_for_the_crowd, form_data, may_be_signed_in, render, translator
from web.routes.court import path_id
from web.routes.lots import lot_filter
from web.state import AppState, app_state

HOME_STATUSES = (LotStatus.LIVE, LotStatus.ANNOUNCED)
HOME_DEFAULT = LotFilter(statuses=HOME_STATUSES, soonest_first=True)


async def home(request: Request) -> Response:
    """Live and upcoming lots unless a status is chosen; filtered and paged like the API."""
    state = app_state(request)
    errors: list[str] = []
    try:
        where = lot_filter(request, price_unit=100, statuses=HOME_STATUSES, soonest_first=True)
    except ValidationFailed as exc:
        errors = sorted(exc.fields or {})
        where = HOME_DEFAULT

    async def listing() -> dict[str, Any]:
        async with state.sessions() as session:
            return await list_lots(session, where)

    async def courts() -> list[tuple[str, str]]:
        async with state.sessions() as session:
            rows = await session.execute(sa.select(Court.code, Court.name).order_by(Court.code))
            return [(row.code, row.name) for row in rows]

    # The plain first page is the one a crowd loads: it is cached briefly; filtered pages are not.
    plain = where == HOME_DEFAULT
    found = await (state.cache.get("home:lots", listing) if plain else listing())
    current = None
    if may_be_signed_in(request):
        async with state.sessions() as session:
            current = await optional_user(request, session)
    pages = max(1, -(-int(found["total"]) // int(found["page_size"])))
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "page" and value]
    context = {
        "lots": found["items"],
        "page": where.page,
        "pages": pages,
        "query_without_page": urlencode(kept) + "&" if kept else "",
        "params": request.query_params,
        "errors": errors,
        "categories": list(CATEGORIES.items()),
        "statuses": [(s.value, LOT_STATUSES[s.value]) for s in LotStatus if s is not LotStatus.DRAFT],
        "courts": await state.cache.get("courts", courts),
    }
    return render(request, "home.html", context, status_code=422 if errors else 200, current_user=current)


def duration_text(_: Callable[[str], str], period: dt.timedelta) -> str:
    seconds = int(period.total_seconds())
    if seconds % 60:
        return _("%(n)s seconds") % {"n": seconds}
    return _("%(n)s minutes") % {"n": seconds // 60}


async def public_lot_view(state: AppState, lot_id: int) -> dict[str, Any]:
    """What every visitor of a lot page sees: the record, the history and the notices.

    Cached for about a second for the crowd: the page's socket subscribes from the last row
    shown (since_seq) and its snapshot replaces price, leader, end and status at once, so a
    second-old copy loses nothing."""
    async with state.sessions() as session:
        lot = await lot_detail(session, state.engine, lot_id)
        bids = await session.execute(
            sa.select(Bid.seq, Bid.bidder_code, Bid.amount, Bid.kind)
            .where(Bid.lot_id == lot_id)
            .order_by(Bid.seq)
            .limit(500)
        )
        notices = await session.execute(
            sa.select(
                Announcement.id, Announcement.title_zh, Announcement.title_en, Announcement.published_at
            )
            .where(Announcement.lot_id == lot_id, Announcement.kind.in_(PUBLIC_KINDS))
            .order_by(Announcement.published_at)
        )
        return {
            "lot": lot,
            "bids": [row._asdict() for row in bids],
            "notices": [row._asdict() for row in notices],
        }


async def lot_page(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    current = registration = payment_id = place = None
    if may_be_signed_in(request):
        async with state.sessions() as session:
            current = await optional_user(request, session)
            if current is not None and current.role in (Role.COURT_STAFF, Role.ADMIN):
                # Whose lot it is (the court acting on it) and its case (where a next round's
                # draft waits on the console).
                place = (
                    await session.execute(
                        sa.select(Property.case_id, EnforcementCase.court_id)
                        .join(Lot, Lot.property_id == Property.id)
                        .join(EnforcementCase, EnforcementCase.id == Property.case_id)
                        .where(Lot.id == lot_id)
                    )
                ).first()
            if current is not None:
                registration = await registrations.own_registration(session, current, lot_id)
                if registration is not None:
                    payment_id = await session.scalar(
                        sa.select(Payment.public_id).where(Payment.registration_id == registration.id)
                    )
    is_staff = current is not None and current.role in (Role.COURT_STAFF, Role.ADMIN)
    # The court acts on what the page shows, so its staff always read the record fresh.
    view = await (
        public_lot_view(state, lot_id)
        if is_staff
        else state.cache.get(f"lot:{lot_id}", lambda: public_lot_view(state, lot_id))
    )
    lot, bids = view["lot"], view["bids"]
    # The court's actions are offered to the staff of the lot's own court (and admins); the API
    # refuses anyone else in any case.
    acts_for_court = (
        current is not None
        and place is not None
        and (current.role is Role.ADMIN or current.court_id == place.court_id)
    )
    _ = translator(request)
    files = list(lot["files"])
    context = {
        **view,
        "photos": [f for f in files if f["kind"] == "photo"],
        "documents": [f for f in files if f["kind"] != "photo"],
        "starts": cst(dt.datetime.fromisoformat(str(lot["start_at"]))),
        "ends": cst(dt.datetime.fromisoformat(str(lot["end_at"]))),
        "extension_text": duration_text(_, state.profile.extension),
        "price_points": price_points([bid["amount"] for bid in bids]),
        "status_labels_translated": {key: _(label) for key, label in LOT_STATUSES.items()},
        "bid_kinds_translated": {key: _(label) for key, label in BID_KINDS.items()},
        "registration": registration,
        "payment_id": payment_id,
        "sandbox": state.profile.payment_simulator,
        "is_staff": is_staff,
        "acts_for_court": acts_for_court,
        "case_id": place.case_id if place is not None else None,
    }
    return render(request, "lot.html", context, current_user=current)


async def register_form(request: Request) -> Response:
    """Register for the lot from its page, then (sandbox) pay the deposit from the same page."""
    lot_id = path_id(request, "lot_id")
    await form_data(request)
    state = app_state(request)
    provider = SandboxProvider.name if state.profile.payment_simulator else WebhookProvider.name
    async with state.sessions.begin() as session:
        user = await optional_user(request, session)
        if user is None:
            return RedirectResponse(f"/login?next=/lots/{lot_id}", status_code=303)
        await registrations.register(session, user, lot_id, provider)
    return RedirectResponse(f"/lots/{lot_id}", status_code=303)


async def pay_form(request: Request) -> Response:
    """The sandbox payment page's button: the deposit is marked paid and frozen at once."""
    lot_id = path_id(request, "lot_id")
    form = await form_data(request)
    state = app_state(request)
    if not state.profile.payment_simulator:
        raise HTTPException(404, "the payment simulator exists only under the sandbox profile")
    async with state.sessions() as session:
        user = await optional_user(request, session)
    if user is None:
        return RedirectResponse(f"/login?next=/lots/{lot_id}", status_code=303)
    await registrations.confirm_deposit(state.sessions, state.engine, form.get("payment_id", ""), payer=user)
    return RedirectResponse(f"/lots/{lot_id}", status_code=303)


async def confirmation_page(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    async with app_state(request).sessions() as session:
        current = await optional_user(request, session)
        found = await confirmation(session, lot_id)
    return render(request, "confirmation.html", {"c": found}, current_user=current)


async def confirmation_pdf_file(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    async with app_state(request).sessions() as session:
        found = await confirmation(session, lot_id)
    return Response(
        confirmation_pdf(found),
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="confirmation-{lot_id}.pdf"'},
    )


def parse_yuan(text: str) -> int | None:
    """'1234.5' → 123450 fen; None for anything else."""
    whole, _, cents = text.strip().partition(".")
    if not is_number(whole) or len(whole) > 13 or (cents and (not is_number(cents) or len(cents) > 2)):
        return None
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


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


async def inbox_page(request: Request) -> Response:
    async with app_state(request).sessions() as session:
        user = await optional_user(request, session)
        if user is None:
            return RedirectResponse("/login?next=/inbox", status_code=303)
        items = await notifications_inbox.inbox(session, user)
    for item in items:
        item["at_text"] = cst(dt.datetime.fromisoformat(str(item["at"])))
    return render(request, "inbox.html", {"items": items}, current_user=user)


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
PUBLIC_KINDS = frozenset(kind for kind, _ in ANNOUNCEMENT_KINDS) | {"resumption"}


async def announcements_page(request: Request) -> Response:
    kind = request.query_params.get("kind") or None
    page_raw = request.query_params.get("page", "1")
    page = int(page_raw) if is_number(page_raw) and 0 < int(page_raw) <= 10_000 else 1
    if kind is not None and kind not in PUBLIC_KINDS:
        kind = None
    async with app_state(request).sessions() as session:
        current = await optional_user(request, session)
        query = sa.select(Announcement).where(Announcement.kind.in_(PUBLIC_KINDS))
        if kind:
            query = query.where(Announcement.kind == kind)
        rows = list(
            await session.scalars(
                query.order_by(Announcement.published_at.desc(), Announcement.id.desc())
                .offset((page - 1) * 20)
                .limit(21)
            )
        )
    items = [
        {
            "id": a.id,
            "kind": a.kind.value,
            "title_zh": a.title_zh,
            "title_en": a.title_en,
            "published_text": cst(a.published_at),
        }
        for a in rows[:20]
    ]
    context = {
        "items": items,
        "kinds": ANNOUNCEMENT_KINDS,
        "kind_labels": KIND_LABELS,
        "selected": kind,
        "page": page,
        "more": len(rows) > 20,
    }
    return render(request, "announcements.html", context, current_user=current)


async def announcement_page(request: Request) -> Response:
    announcement_id = path_id(request, "announcement_id")
    async with app_state(request).sessions() as session:
        current = await optional_user(request, session)
        found = await session.get(Announcement, announcement_id)
    if found is None or found.kind.value not in PUBLIC_KINDS:
        raise HTTPException(404, "no such announcement")
    return render(
        request, "announcement.html", {"a": found, "published": cst(found.published_at)}, current_user=current
    )


routes = [
    Route("/", cached_for_the_crowd(home), methods=["GET"]),
    Route("/announcements", cached_for_the_crowd(announcements_page), methods=["GET"]),
    Route("/announcements/{announcement_id}", announcement_page, methods=["GET"]),
    Route("/service/fees", fee_page, methods=["GET"]),
    Route("/service/rules", rules_page, methods=["GET"]),
    Route("/service/objections", objections_page, methods=["GET"]),
    Route("/inbox", inbox_page, methods=["GET"]),
    Route("/lots/{lot_id}", cached_for_the_crowd(lot_page), methods=["GET"]),
    Route("/lots/{lot_id}/register", register_form, methods=["POST"]),
    Route("/lots/{lot_id}/pay", pay_form, methods=["POST"]),
    Route("/lots/{lot_id}/confirmation", confirmation_page, methods=["GET"]),
    Route("/lots/{lot_id}/confirmation.pdf", confirmation_pdf_file, methods=["GET"]),
]
