"""Live enforcement figures (the white paper's Beijing example), per court and overall: cases
under enforcement, closed in full, closed without satisfaction (终结本次执行), persons on the
dishonest list and restricted in consumption now, and removals from either list. Read from the
records on every request, so they change as the courts act; a few grouped counts."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import CaseStatus
from auction.models import ConsumptionRestriction, Court, DishonestPerson, EnforcementCase


class CourtFigures(msgspec.Struct, frozen=True):
    court: str  # the court's name; "" for the entries an import brought with no court of ours
    under_enforcement: int = 0
    closed: int = 0
    closed_unsatisfied: int = 0
    dishonest_listed: int = 0
    restricted: int = 0
    removed: int = 0


class EnforcementFigures(msgspec.Struct, frozen=True):
    overall: CourtFigures
    courts: list[CourtFigures]


async def enforcement_figures(session: AsyncSession) -> EnforcementFigures:
    figures: dict[str, dict[str, int]] = {}

    def add(court: str, field: str, count: int) -> None:
        figures.setdefault(court, {})[field] = figures.get(court, {}).get(field, 0) + int(count)

    cases = await session.execute(
        sa.select(Court.name, EnforcementCase.status, sa.func.count())
        .join(EnforcementCase, EnforcementCase.court_id == Court.id)
        .group_by(Court.name, EnforcementCase.status)
    )
    field_of = {
        CaseStatus.OPEN: "under_enforcement",
        CaseStatus.CLOSED_SATISFIED: "closed",
        CaseStatus.CLOSED_UNSATISFIED: "closed_unsatisfied",
    }
    for court, status, count in cases:
        add(court, field_of[status], count)
    dishonest = await session.execute(
        sa.select(DishonestPerson.court_name, DishonestPerson.removed_at.is_(None), sa.func.count()).group_by(
            DishonestPerson.court_name, DishonestPerson.removed_at.is_(None)
        )
    )
    for court, current, count in dishonest:
        add(court, "dishonest_listed" if current else "removed", count)
    restricted = await session.execute(
        sa.select(
            ConsumptionRestriction.court_name, ConsumptionRestriction.lifted_at.is_(None), sa.func.count()
        ).group_by(ConsumptionRestriction.court_name, ConsumptionRestriction.lifted_at.is_(None))
    )
    for court, current, count in restricted:
        add(court, "restricted" if current else "removed", count)
    courts = [CourtFigures(court, **values) for court, values in sorted(figures.items())]
    total = {
        field: sum(getattr(c, field) for c in courts)
        for field in (
            "under_enforcement",
            "closed",
            "closed_unsatisfied",
            "dishonest_listed",
            "restricted",
            "removed",
        )
    }
    return EnforcementFigures(CourtFigures("", **total), courts)
