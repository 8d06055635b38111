"""What a case still owes its creditors: each claim less what disbursed plans paid it, in the
form the waterfall takes (`settlement.waterfall.ClaimInput`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.models import Claim
from settlement import plans
from settlement.waterfall import ClaimInput


async def outstanding_claims(session: AsyncSession, case_id: int) -> list[tuple[Claim, int]]:
    """Each claim with what is still owed after earlier disbursed plans."""
    received = await plans.received_by_claim(session, case_id)
    claims = await session.scalars(sa.select(Claim).where(Claim.case_id == case_id).order_by(Claim.id))
    return [(claim, claim.amount - received.get(claim.id, 0)) for claim in claims]


async def claims_owed(session: AsyncSession, case_id: int) -> list[ClaimInput]:
    """The case's claims still owed something, as the waterfall takes them."""
    return [
        ClaimInput(
            claim.id, claim.creditor_name, claim.kind, left, claim.rank, claim.property_id, claim.seized_at
        )
        for claim, left in await outstanding_claims(session, case_id)
        if left > 0
    ]
