"""Agents (art. 14 (2)): a registered bidder names an agent with the power of attorney, by the
API or from the lot page; the court confirms it from the console before bidding starts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from auction.accounts.access import require_bidder
from auction.cases.files import MAX_BYTES
from auction.enums import FileKind
from auction.errors import ValidationFailed
from auction.lots import agents
from auction.models import AgentAuthorisation
from web.auth import check_csrf, require_user
from web.bodies import Upload, read_upload
from web.params import path_id
from web.responses import json_response
from web.state import app_state


def authorisation_json(row: AgentAuthorisation) -> dict[str, object]:
    return {
        "id": row.id,
        "lot_id": row.lot_id,
        "registration_id": row.registration_id,
        "agent_user_id": row.agent_user_id,
        "status": row.status,
        "document_url": f"/files/{row.document_name}",
        "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
    }


async def _sent(request: Request) -> Upload:
    sent = await read_upload(request, max_file_bytes=MAX_BYTES[FileKind.DOCUMENT], max_fields=5)
    if sent.filename is None:
        raise ValidationFailed(
            "send the power of attorney as multipart field 'file'", fields={"file": "required"}
        )
    if not sent.fields.get("agent_username", "").strip():
        raise ValidationFailed("name the agent's account", fields={"agent_username": "required"})
    return sent


async def _name(request: Request, sent: Upload) -> AgentAuthorisation:
    lot_id = path_id(request, "lot_id")
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)
        return await agents.name_agent(
            session,
            user,
            lot_id,
            sent.fields["agent_username"].strip(),
            sent.content,
            data_dir=state.settings.data_dir,
        )


async def name_agent(request: Request) -> Response:
    """`POST /api/v1/lots/{id}/agents`: multipart `agent_username` and `file` → 201 pending."""
    async with app_state(request).sessions() as session:
        require_bidder(await require_user(request, session))  # before the body: no stranger's upload
    row = await _name(request, await _sent(request))
    return json_response(authorisation_json(row), status_code=201)


async def name_agent_form(request: Request) -> Response:
    """The lot page's form: the same, CSRF-checked, back to the lot page."""
    sent = await _sent(request)
    check_csrf(request, sent.fields.get("csrf_token"))
    request.scope["form_csrf_checked"] = True  # the form's own token, checked above
    await _name(request, sent)
    return RedirectResponse(f"/lots/{path_id(request, 'lot_id')}", status_code=303)


async def confirm_agent(request: Request) -> Response:
    authorisation_id = path_id(request, "authorisation_id")
    async with app_state(request).sessions.begin() as session:
        user = await require_user(request, session)
        row = await agents.confirm_agent(session, user, authorisation_id)
        return json_response(authorisation_json(row))


routes = [
    Route("/api/v1/lots/{lot_id}/agents", name_agent, methods=["POST"]),
    Route("/lots/{lot_id}/agent", name_agent_form, methods=["POST"]),
    Route("/api/v1/agent-authorisations/{authorisation_id}/confirm", confirm_agent, methods=["POST"]),
]
