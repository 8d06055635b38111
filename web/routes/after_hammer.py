"""The court's acts after the hammer (RULES.md "After the hammer"), as JSON: the purchase-limit
check, the sale ruling, the hand-over, annulment; and the ruling and the registry's notice as
documents (page and PDF). Deferral is one of the court's controls (`web.routes.court`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auction.accounts.access import require_staff_of
from auction.disclosure.ruling_documents import (
    Ruling,
    assistance_lines,
    assistance_pdf,
    ruling_lines,
    ruling_of,
    ruling_pdf,
)
from auction.lots import after_sale, annulment, ruling
from auction.lots import creditor_takes as taking
from auction.models import Lot, User
from core.db import DbSession
from web.auth import optional_user, require_user
from web.cache import lot_page_key
from web.jsonbody import Body, read_json
from web.params import path_id
from web.rendering import render
from web.responses import json_response
from web.state import app_state


class QualificationBody(Body):
    qualified: bool
    note: str


class TakesBody(Body):
    claim_id: int


class AnnulBody(Body):
    ground: str
    reason: str


def _status(lot: Lot, **more: Any) -> dict[str, Any]:
    return {"id": lot.id, "status": lot.status.value, **more}


Act = Callable[[DbSession, User, int], Awaitable[dict[str, Any]]]


async def _court_act(request: Request, act: Act) -> Response:
    """One court act on the lot in one transaction, answered with the lot's new status; the
    lot's page is fresh for everyone once it commits."""
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    async with state.sessions.begin() as session:
        response = json_response(await act(session, await require_user(request, session), lot_id))
    state.cache.forget(lot_page_key(lot_id))
    return response


async def qualification(request: Request) -> Response:
    body = await read_json(request, QualificationBody)

    async def act(session: DbSession, user: User, lot_id: int) -> dict[str, Any]:
        lot = await after_sale.record_qualification(
            session, user, lot_id, qualified=body.qualified, note=body.note
        )
        return _status(lot, qualified=lot.qualified)

    return await _court_act(request, act)


async def _ruled(session: DbSession, user: User, lot_id: int) -> dict[str, Any]:
    lot = await ruling.issue_ruling(session, user, lot_id)
    return _status(lot, document_url=ruling.ruling_url(lot.id))


async def _handed_over(session: DbSession, user: User, lot_id: int) -> dict[str, Any]:
    lot = await ruling.record_handover(session, user, lot_id)
    return _status(lot, document_url=f"/lots/{lot.id}/assistance-notice")


async def issue_ruling(request: Request) -> Response:
    return await _court_act(request, _ruled)


async def handover(request: Request) -> Response:
    return await _court_act(request, _handed_over)


async def annul(request: Request) -> Response:
    body = await read_json(request, AnnulBody)
    ground = annulment.parse_ground(body.ground)

    async def act(session: DbSession, user: User, lot_id: int) -> dict[str, Any]:
        lot = await annulment.annul_sale(session, user, lot_id, ground, body.reason)
        return _status(lot, ground=ground.value)

    return await _court_act(request, act)


async def creditor_takes(request: Request) -> Response:
    body = await read_json(request, TakesBody)

    async def act(session: DbSession, user: User, lot_id: int) -> dict[str, Any]:
        lot = await taking.creditor_takes(session, user, lot_id, body.claim_id)
        return _status(lot, document_url=ruling.ruling_url(lot.id), price=lot.result_price)

    return await _court_act(request, act)


def document(
    template_lines: Callable[[Ruling], list[str]],
    pdf: Callable[[Ruling], bytes],
    heading: str,
    *,
    staff_only: bool,
) -> tuple[Callable[[Request], Awaitable[Response]], Callable[[Request], Awaitable[Response]]]:
    """The page and the PDF of one of the sale's documents. The ruling is public (it is
    published); the notice to the registry goes to the registry, so only the court sees it."""

    async def load(request: Request) -> tuple[Ruling, Any]:
        lot_id = path_id(request, "lot_id")
        async with app_state(request).sessions() as session:
            current = await (
                require_user(request, session) if staff_only else optional_user(request, session)
            )
            found = await ruling_of(session, lot_id)
            if staff_only:
                assert current is not None
                require_staff_of(current, found.court_id)
            return found, current

    async def page(request: Request) -> Response:
        found, current = await load(request)
        context = {
            "r": found,
            "heading": heading,
            "lines": template_lines(found),
            "pdf_url": f"{request.url.path}.pdf",
        }
        return render(request, "ruling.html", context, current_user=current)

    async def pdf_file(request: Request) -> Response:
        found, _ = await load(request)
        content = await asyncio.to_thread(pdf, found)  # reportlab is slow: off the loop
        name = request.url.path.rsplit("/", 1)[-1]
        return Response(
            content,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="{name}-{found.lot_id}"'},
        )

    return page, pdf_file


ruling_page, ruling_pdf_file = document(ruling_lines, ruling_pdf, "执行裁定书", staff_only=False)
assistance_page, assistance_pdf_file = document(
    assistance_lines, assistance_pdf, "协助执行通知书", staff_only=True
)

routes = [
    Route("/api/v1/lots/{lot_id}/qualification", qualification, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/ruling", issue_ruling, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/handover", handover, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/annul", annul, methods=["POST"]),
    Route("/api/v1/lots/{lot_id}/creditor-takes", creditor_takes, methods=["POST"]),
    Route("/lots/{lot_id}/ruling", ruling_page, methods=["GET"]),
    Route("/lots/{lot_id}/ruling.pdf", ruling_pdf_file, methods=["GET"]),
    Route("/lots/{lot_id}/assistance-notice", assistance_page, methods=["GET"]),
    Route("/lots/{lot_id}/assistance-notice.pdf", assistance_pdf_file, methods=["GET"]),
]
