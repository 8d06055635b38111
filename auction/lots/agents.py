"""Bidding through an agent (the Provisions art. 14 (2), art. 34): a registered bidder names an
agent and uploads the power of attorney; the court confirms it before bidding starts; from then
the agent bids under the principal's registration and bidder code. A barred agent is refused,
as a barred bidder is: no one bids through someone else what they may not bid themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import court_of_lot, lot_for_staff, require_bidder
from auction.cases.files import store_attachment
from auction.enums import LotStatus, Role
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.lots.eligibility import CONFLICT, has_conflict
from auction.models import AgentAuthorisation, Registration, User
from core.db import utcnow

# The court confirms an agent before bidding starts: while the lot is announced.
BEFORE_BIDDING = (LotStatus.ANNOUNCED,)


@dataclass(frozen=True, slots=True)
class AgentView:
    """An authorisation as its principal, its agent and the court see it."""

    id: int
    lot_id: int
    principal_code: str
    principal_name: str
    agent_username: str
    agent_name: str
    status: str
    document_url: str


async def name_agent(
    session: AsyncSession,
    principal: User,
    lot_id: int,
    agent_username: str,
    document: bytes,
    *,
    data_dir: Path,
) -> AgentAuthorisation:
    """The principal names their agent for the lot, with the power of attorney (PDF or image)."""
    require_bidder(principal)
    lot, _, court_id = await court_of_lot(session, lot_id)
    registration = await session.scalar(
        sa.select(Registration).where(Registration.lot_id == lot.id, Registration.user_id == principal.id)
    )
    if registration is None:
        raise Conflict("register for the lot before naming an agent", code="not_registered")
    if lot.status not in BEFORE_BIDDING:
        raise Conflict("an agent is confirmed before bidding starts", code="invalid_status")
    agent = await session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == agent_username.lower())
    )
    if agent is None or not agent.is_active or agent.role is not Role.BIDDER:
        raise ValidationFailed("no such bidder account", fields={"agent_username": "no_such_user"})
    if agent.id == principal.id or agent.id_number_hash is None:
        raise ValidationFailed(
            "the agent is another person with a real name", fields={"agent_username": "not_allowed"}
        )
    if await has_conflict(session, agent.id_number_hash, lot.id, court_id):
        raise Forbidden("this person may not bid on this lot", code="ineligible", fields={"reason": CONFLICT})
    if await session.scalar(
        sa.select(Registration.id).where(Registration.lot_id == lot.id, Registration.user_id == agent.id)
    ):
        raise Conflict("the agent bids on this lot on their own account", code="agent_is_bidder")
    stored = await store_attachment(data_dir, document)
    authorisation = AgentAuthorisation(
        registration_id=registration.id, lot_id=lot.id, agent_user_id=agent.id, document_name=stored
    )
    session.add(authorisation)
    try:
        async with session.begin_nested():
            await session.flush()
    except sa.exc.IntegrityError:
        raise Conflict("this agent is named already", code="already_named") from None
    return authorisation


async def confirm_agent(session: AsyncSession, user: User, authorisation_id: int) -> AgentAuthorisation:
    """The court confirms the power of attorney, before bidding starts (idempotent)."""
    authorisation = await session.get(AgentAuthorisation, authorisation_id, with_for_update=True)
    if authorisation is None:
        raise NotFound("no such authorisation")
    lot, _, court_id = await lot_for_staff(session, user, authorisation.lot_id)
    if authorisation.status == "confirmed":
        return authorisation
    if lot.status not in BEFORE_BIDDING:
        raise Conflict("an agent is confirmed before bidding starts", code="invalid_status")
    agent = await session.get(User, authorisation.agent_user_id)
    assert agent is not None
    if await has_conflict(session, agent.id_number_hash, lot.id, court_id):  # barred since naming
        raise Forbidden("this person may not bid on this lot", code="ineligible", fields={"reason": CONFLICT})
    authorisation.status, authorisation.confirmed_by, authorisation.confirmed_at = (
        "confirmed",
        user.id,
        utcnow(),
    )
    await session.flush()
    return authorisation


async def represented_registration(session: AsyncSession, agent_user_id: int, lot_id: int) -> int | None:
    """The registration a confirmed agent bids under on the lot, if any."""
    return await session.scalar(
        sa.select(AgentAuthorisation.registration_id).where(
            AgentAuthorisation.lot_id == lot_id,
            AgentAuthorisation.agent_user_id == agent_user_id,
            AgentAuthorisation.status == "confirmed",
        )
    )


async def agents_of_lots(session: AsyncSession, lot_ids: list[int]) -> list[AgentView]:
    principal, agent = sa.orm.aliased(User), sa.orm.aliased(User)
    rows = await session.execute(
        sa.select(
            AgentAuthorisation, Registration.bidder_code, principal.real_name, agent.username, agent.real_name
        )
        .join(Registration, Registration.id == AgentAuthorisation.registration_id)
        .join(principal, principal.id == Registration.user_id)
        .join(agent, agent.id == AgentAuthorisation.agent_user_id)
        .where(AgentAuthorisation.lot_id.in_(lot_ids))
        .order_by(AgentAuthorisation.id)
    )
    return [
        AgentView(a.id, a.lot_id, code, p_name, a_username, a_name, a.status, f"/files/{a.document_name}")
        for a, code, p_name, a_username, a_name in rows
    ]
