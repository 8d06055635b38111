"""What the court console reads: a court's cases, and one case with everything hanging off it.

Reads only, for the court's own staff (admins see every court); the console changes records
through the same services as the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff
from auction.enums import LotStatus, Role
from auction.errors import Forbidden
from auction.lots.agents import AgentView, agents_of_lots
from auction.lots.party_notices import Party, notices_of, parties_of
from auction.models import (
    Claim,
    ConsumptionRestriction,
    DishonestPerson,
    EnforcementCase,
    Lot,
    PartyNotice,
    Property,
    PropertyFile,
    User,
)
from settlement.models import AllocationPlan


@dataclass(slots=True)
class PropertyView:
    property: Property
    files: list[PropertyFile] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)


@dataclass(slots=True)
class CaseView:
    case: EnforcementCase
    claims: list[Claim]
    properties: list[PropertyView]
    plans: list[AllocationPlan]
    agents: list[AgentView] = field(default_factory=list)  # powers of attorney for the case's lots
    # Drafts' parties to notify before the announcement (art. 16), and the notices recorded.
    parties: dict[int, list[Party]] = field(default_factory=dict)
    notices: dict[int, list[PartyNotice]] = field(default_factory=dict)
    # The case's entries on the lists (joint punishment), current and removed.
    dishonest: list[DishonestPerson] = field(default_factory=list)
    restrictions: list[ConsumptionRestriction] = field(default_factory=list)

    def agents_of(self, lot_id: int) -> list[AgentView]:
        return [a for a in self.agents if a.lot_id == lot_id]


async def court_cases(session: AsyncSession, user: User) -> list[EnforcementCase]:
    if user.role not in (Role.COURT_STAFF, Role.ADMIN):
        raise Forbidden("only court staff may do this")
    query = sa.select(EnforcementCase).order_by(EnforcementCase.id.desc()).limit(200)
    if user.role is Role.COURT_STAFF:
        query = query.where(EnforcementCase.court_id == user.court_id)
    return list(await session.scalars(query))


async def case_view(session: AsyncSession, user: User, case_id: int) -> CaseView:
    case = await case_for_staff(session, user, case_id)
    claims = list(await session.scalars(sa.select(Claim).where(Claim.case_id == case_id).order_by(Claim.id)))
    properties = {
        p.id: PropertyView(p)
        for p in await session.scalars(
            sa.select(Property).where(Property.case_id == case_id).order_by(Property.id)
        )
    }
    for file in await session.scalars(
        sa.select(PropertyFile).where(PropertyFile.property_id.in_(properties)).order_by(PropertyFile.id)
    ):
        properties[file.property_id].files.append(file)
    for lot in await session.scalars(
        sa.select(Lot).where(Lot.property_id.in_(properties)).order_by(Lot.property_id, Lot.round, Lot.id)
    ):
        properties[lot.property_id].lots.append(lot)
    plans = list(
        await session.scalars(
            sa.select(AllocationPlan).where(AllocationPlan.case_id == case_id).order_by(AllocationPlan.id)
        )
    )
    lots = [lot for view in properties.values() for lot in view.lots]
    drafts = [lot for lot in lots if lot.status in (LotStatus.DRAFT, LotStatus.ANNOUNCED)]
    return CaseView(
        case,
        claims,
        list(properties.values()),
        plans,
        await agents_of_lots(session, [lot.id for lot in lots]),
        {lot.id: await parties_of(session, lot) for lot in drafts},
        {lot.id: await notices_of(session, lot.id) for lot in drafts},
        list(
            await session.scalars(
                sa.select(DishonestPerson)
                .where(DishonestPerson.case_id == case_id)
                .order_by(DishonestPerson.id)
            )
        ),
        list(
            await session.scalars(
                sa.select(ConsumptionRestriction)
                .where(ConsumptionRestriction.case_id == case_id)
                .order_by(ConsumptionRestriction.id)
            )
        ),
    )
