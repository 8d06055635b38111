"""The lot page and what a bidder does from it: register, pay the sandbox deposit, and, once
the lot is sold, the confirmation to print (page and PDF)."""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auction.disclosure.confirmation import confirmation, confirmation_pdf
from auction.enums import HALTED_STATUSES, PAID_STATUSES, LotStatus, Role
from auction.lots import auction_objections, own_registrations, registrations
from auction.lots.payments import SandboxProvider, WebhookProvider
from auction.lots.public import LotPageView, lot_page_view
from auction.lots.public_record import lot_place
from web.auth import optional_user
from web.cache import lot_page_key
from web.charts import price_points
from web.error_pages import sign_in_first
from web.formatting import cst, cst_end, duration_text
from web.labels import BID_KINDS, ERRORS, LOT_STATUSES
from web.labels_after_hammer import ANNUL_GROUNDS
from web.params import path_id
from web.rendering import cached_for_the_crowd, form_data, may_be_signed_in, render, translator
from web.state import app_state

# Where the bid box is shown (bidding open now or to come), and where the page reads as a sale.
OPEN_STATUSES = frozenset({LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES})
SOLD_STATUSES = frozenset({LotStatus.SOLD, *PAID_STATUSES})


async def lot_page(request: Request) -> Response:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    current = registration = place = None
    mine: list[auction_objections.ObjectionView] = []
    objections: list[auction_objections.ObjectionView] = []
    if may_be_signed_in(request):
        async with state.sessions() as session:
            current = await optional_user(request, session)
            if current is not None and current.role in (Role.COURT_STAFF, Role.ADMIN):
                # Whose lot it is (the court acting on it) and its case (where a next round's
                # draft waits on the console).
                place = await lot_place(session, lot_id)
            if current is not None:
                registration = await own_registrations.own_registration(session, current, lot_id)
                mine = await auction_objections.my_objections(session, current, lot_id)
    is_staff = current is not None and current.role in (Role.COURT_STAFF, Role.ADMIN)

    async def load() -> LotPageView:
        async with state.sessions() as session:
            return await lot_page_view(session, state.engine, lot_id)

    # Cached for about a second for the crowd: the page's socket subscribes from the last row
    # shown (since_seq) and its snapshot replaces price, leader, end and status at once, so a
    # second-old copy loses nothing. The court acts on what the page shows: always fresh.
    view: LotPageView = await (load() if is_staff else state.cache.get(lot_page_key(lot_id), load))
    lot, bids = view.lot, view.bids
    # The court's actions are offered to the staff of the lot's own court (and admins); the API
    # refuses anyone else in any case.
    acts_for_court = (
        current is not None
        and place is not None
        and (current.role is Role.ADMIN or current.court_id == place.court_id)
    )
    if acts_for_court:
        async with state.sessions() as session:
            objections = await auction_objections.objections_of(session, lot_id)
    _ = translator(request)
    sold = lot.status in SOLD_STATUSES
    context = {
        "lot": lot,
        "bids": bids,
        "notices": view.notices,
        "photos": lot.photos,
        "documents": lot.documents,
        "starts": cst(lot.start_at),
        # A suspended lot has no end until it resumes: its countdown stands at the time left.
        "ends": "—" if lot.status in HALTED_STATUSES else cst_end(lot.end_at),
        "open_for_bids": lot.status in OPEN_STATUSES,
        "sold": sold,
        "won": sold and registration is not None and registration.bidder_code == lot.leader_code,
        "extension_text": duration_text(_, state.profile.extension),
        "price_points": price_points([bid.amount for bid in bids]),
        "status_labels_translated": {key: _(label) for key, label in LOT_STATUSES.items()},
        "bid_kinds_translated": {key: _(label) for key, label in BID_KINDS.items()},
        "refusals_translated": {key: _(label) for key, label in ERRORS.items()},
        "registration": registration,
        "sandbox": state.profile.payment_simulator,
        "is_staff": is_staff,
        "acts_for_court": acts_for_court,
        "case_id": place.case_id if place is not None else None,
        "annul_grounds": list(ANNUL_GROUNDS.items()),
        "claims": place.claims if place is not None else [],
        "objections": objections,
        "my_objections": mine,
    }
    return render(request, "lot.html", context, current_user=current)


async def register_form(request: Request) -> Response:
    """Register for the lot from its page, then (sandbox) pay the deposit from the same page."""
    lot_id = path_id(request, "lot_id")
    form = await form_data(request)
    state = app_state(request)
    provider = SandboxProvider.name if state.profile.payment_simulator else WebhookProvider.name
    async with state.sessions() as session:
        user = await optional_user(request, session)
    if user is None:
        return sign_in_first(request, f"/lots/{lot_id}")
    undertaking = form.get("undertaking") == "yes"
    await registrations.register_and_enable(
        state.sessions, state.engine, user.id, lot_id, provider, undertaking=undertaking
    )
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
        return sign_in_first(request, f"/lots/{lot_id}")
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
    document = await asyncio.to_thread(confirmation_pdf, found)  # reportlab is slow: off the loop
    return Response(
        document,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="confirmation-{lot_id}.pdf"'},
    )


routes = [
    Route("/lots/{lot_id}", cached_for_the_crowd(lot_page), methods=["GET"]),
    Route("/lots/{lot_id}/register", register_form, methods=["POST"]),
    Route("/lots/{lot_id}/pay", pay_form, methods=["POST"]),
    Route("/lots/{lot_id}/confirmation", confirmation_page, methods=["GET"]),
    Route("/lots/{lot_id}/confirmation.pdf", confirmation_pdf_file, methods=["GET"]),
]
