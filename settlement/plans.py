"""Allocation plans: computed by the pure waterfall from values the domain gathers, published,
objected to (`objections`), finalized and paid out (`disbursement`).

draft → published (the objection period) → final → disbursed. An objection freezes the lines
it disputes until it is resolved: upheld with revised lines (the difference goes to or comes
from the debtor's remainder) or dismissed.

Settlement knows cases, lots and claims only by their ids: who may act, which proceeds and
claims a case has, and what the public is told are the domain's (`auction.cases.allocation`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import utcnow
from settlement.disbursement import set_off_owed
from settlement.enums import DebtorKind, ObjectionStatus, PlanStatus
from settlement.errors import PlanConflict, PlanInvalid, PlanNotFound
from settlement.forfeits import ForfeitUse
from settlement.models import (
    AllocationCost,
    AllocationLine,
    AllocationPlan,
    AllocationProceeds,
    Objection,
)
from settlement.waterfall import ClaimInput, CostItem, EarlierPlans, SaleProceeds, allocate

ACTIVE = (PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.FINAL)


@dataclass(frozen=True, slots=True)
class ProceedsItem:
    """Money one lot brought a case: its sale price ("sale") or a forfeited deposit ("forfeit")."""

    lot_id: int
    property_id: int
    source: str
    amount: int


# -- what earlier plans already did -----------------------------------------------------------


async def distributed_sources(session: AsyncSession, case_id: int) -> set[tuple[int, str]]:
    """(lot id, source) pairs a disbursed plan of the case has paid out already."""
    rows = await session.execute(
        sa.select(AllocationProceeds.lot_id, AllocationProceeds.source)
        .join(AllocationPlan, AllocationPlan.id == AllocationProceeds.plan_id)
        .where(AllocationPlan.case_id == case_id, AllocationPlan.status == PlanStatus.DISBURSED)
    )
    return {(row.lot_id, row.source) for row in rows}


async def earlier_plans(session: AsyncSession, case_id: int) -> EarlierPlans:
    """What the case's disbursed plans enforced and charged: the base of one fee on the whole."""
    row = (
        await session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(AllocationPlan.fee_base), 0),
                sa.func.coalesce(sa.func.sum(AllocationPlan.enforcement_fee), 0),
            ).where(AllocationPlan.case_id == case_id, AllocationPlan.status == PlanStatus.DISBURSED)
        )
    ).one()
    return EarlierPlans(int(row[0]), int(row[1]))


async def received_by_claim(session: AsyncSession, case_id: int) -> dict[int, int]:
    """What each claim of the case has been paid by disbursed plans."""
    rows = await session.execute(
        sa.select(AllocationLine.claim_id, sa.func.sum(AllocationLine.allocated))
        .join(AllocationPlan, AllocationPlan.id == AllocationLine.plan_id)
        .where(AllocationPlan.case_id == case_id, AllocationPlan.status == PlanStatus.DISBURSED)
        .group_by(AllocationLine.claim_id)
    )
    return {int(claim_id): int(total) for claim_id, total in rows}


# -- the draft ----------------------------------------------------------------------------------


async def _drop_draft(session: AsyncSession, draft: AllocationPlan) -> None:
    for model in (AllocationLine, AllocationCost, AllocationProceeds):
        await session.execute(sa.delete(model).where(model.plan_id == draft.id))
    await session.delete(draft)
    await session.flush()


async def release_sale(session: AsyncSession, lot_id: int) -> None:
    """A sale is being undone: no plan may go on distributing its price. A draft holding it is
    dropped (the court's working copy, never served); a served or paid-out plan refuses."""
    holding = await session.scalars(
        sa.select(AllocationPlan)
        .join(AllocationProceeds, AllocationProceeds.plan_id == AllocationPlan.id)
        .where(AllocationProceeds.lot_id == lot_id, AllocationProceeds.source == "sale")
    )
    for plan in list(holding):
        if plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"allocation plan {plan.id} ({plan.status.value}) distributes this sale's price",
                code="plan_in_progress",
            )
        await _drop_draft(session, plan)


async def draft_plan(
    session: AsyncSession,
    *,
    case_id: int,
    debtor_kind: DebtorKind,
    proceeds: Sequence[ProceedsItem],
    claims: Sequence[ClaimInput],
    costs: Sequence[CostItem],
    created_by: int,
) -> AllocationPlan:
    """A new draft from the case's undistributed proceeds and outstanding claims; it replaces a
    draft the case had. Precondition: the caller holds the case's row lock."""
    if any(not cost.label.strip() or cost.amount < 0 for cost in costs):
        raise PlanInvalid("each cost has a label and an amount ≥ 0", fields={"costs": "invalid_value"})
    active = await session.scalar(
        sa.select(AllocationPlan).where(AllocationPlan.case_id == case_id, AllocationPlan.status.in_(ACTIVE))
    )
    if active is not None and active.status is not PlanStatus.DRAFT:
        raise PlanConflict("this case has a plan in progress", code="plan_in_progress")
    if active is not None:  # a draft is the court's working copy: a new one replaces it
        await _drop_draft(session, active)
    if not proceeds:
        raise PlanConflict("no settled proceeds to distribute", code="no_proceeds")
    result = allocate(
        [SaleProceeds(item.property_id, item.amount) for item in proceeds],
        [CostItem(cost.label.strip(), cost.amount) for cost in costs],
        claims,
        debtor_kind,
        await earlier_plans(session, case_id),
    )
    for line in result.lines:  # a draft the court could never pay out is refused at once
        await set_off_owed(session, line.claim_id, line.allocated)
    plan = AllocationPlan(
        case_id=case_id,
        proceeds=result.proceeds,
        enforcement_fee=result.enforcement_fee_allocated,
        fee_base=result.fee_base,
        remainder_to_debtor=result.remainder_to_debtor,
        created_by=created_by,
    )
    session.add(plan)
    await session.flush()
    session.add_all(
        AllocationProceeds(
            plan_id=plan.id,
            lot_id=item.lot_id,
            property_id=item.property_id,
            source=item.source,
            amount=item.amount,
        )
        for item in proceeds
    )
    session.add_all(
        AllocationCost(plan_id=plan.id, label=c.label, amount=c.amount, allocated=c.allocated)
        for c in result.costs
    )
    session.add_all(
        AllocationLine(
            plan_id=plan.id,
            claim_id=line.claim_id,
            position=position,
            creditor_name=line.creditor_name,
            kind=line.kind,
            rank=line.rank,
            claimed=line.claimed,
            allocated=line.allocated,
            reason=line.reason,
        )
        for position, line in enumerate(result.lines, start=1)
    )
    await session.flush()
    return plan


async def get_plan(session: AsyncSession, plan_id: int, *, lock: bool = False) -> AllocationPlan:
    query = sa.select(AllocationPlan).where(AllocationPlan.id == plan_id)
    plan = await session.scalar(query.with_for_update() if lock else query)
    if plan is None:
        raise PlanNotFound("no such allocation plan")
    return plan


# -- what a plan says (the read model of the API and the plan page) ---------------------------


class CostView(msgspec.Struct, frozen=True):
    label: str
    amount: int  # what the proceeds covered of it
    claimed: int
    id: int = 0
    frozen: bool = False  # disputed by an open objection


class LineView(msgspec.Struct, frozen=True):
    claim_id: int
    creditor_name: str
    kind: str
    rank: int | None
    claimed: int
    allocated: int
    reason: str  # the waterfall's rule code
    frozen: bool


class ObjectionView(msgspec.Struct, frozen=True):
    id: int
    status: str
    reason: str
    claim_ids: list[int]
    cost_ids: list[int] = msgspec.field(default_factory=list)


class PlanView(msgspec.Struct, frozen=True):
    id: int
    case_id: int
    status: str
    proceeds: int
    costs: list[CostView]
    enforcement_fee: int
    fee_base: int  # the amount enforced by this plan, what the fee is charged on
    lines: list[LineView]
    remainder_to_debtor: int
    objection_deadline: str | None
    objections: list[ObjectionView]
    # Where the plan stands now, which is what the page shows and which actions it offers:
    # draft, objection_period (published, before the deadline), awaiting_final (the period is
    # over; objections still open must be resolved first), final, disbursed.
    phase: str = "draft"
    # What each forfeited deposit pays in art. 24's order (filled by the domain, which knows
    # the lots' prices: `auction.cases.allocation.plan_for`).
    forfeits: list[ForfeitUse] = msgspec.field(default_factory=list)


def plan_phase(plan: AllocationPlan, now: dt.datetime) -> str:
    if plan.status is PlanStatus.PUBLISHED:
        open_period = plan.objection_deadline is not None and now <= plan.objection_deadline
        return "objection_period" if open_period else "awaiting_final"
    return plan.status.value


async def plan_view(session: AsyncSession, plan: AllocationPlan) -> PlanView:
    costs = await session.scalars(
        sa.select(AllocationCost).where(AllocationCost.plan_id == plan.id).order_by(AllocationCost.id)
    )
    lines = await session.scalars(
        sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id).order_by(AllocationLine.position)
    )
    objections = await session.scalars(
        sa.select(Objection).where(Objection.plan_id == plan.id).order_by(Objection.id)
    )
    return PlanView(
        id=plan.id,
        case_id=plan.case_id,
        status=plan.status.value,
        proceeds=plan.proceeds,
        costs=[CostView(c.label, c.allocated, c.amount, c.id, c.frozen) for c in costs],
        enforcement_fee=plan.enforcement_fee,
        fee_base=plan.fee_base,
        lines=[
            LineView(
                line.claim_id,
                line.creditor_name,
                line.kind.value,
                line.rank,
                line.claimed,
                line.allocated,
                line.reason,
                line.frozen,
            )
            for line in lines
        ],
        remainder_to_debtor=plan.remainder_to_debtor,
        objection_deadline=plan.objection_deadline.isoformat() if plan.objection_deadline else None,
        objections=[
            ObjectionView(
                o.id, o.status.value, o.reason, list(o.disputed_claim_ids), list(o.disputed_cost_ids)
            )
            for o in objections
        ],
        phase=plan_phase(plan, utcnow()),
    )


class PlanSummary(msgspec.Struct, frozen=True):
    id: int
    status: str
    proceeds: int


async def case_plans(session: AsyncSession, case_id: int) -> list[PlanSummary]:
    plans = await session.scalars(
        sa.select(AllocationPlan).where(AllocationPlan.case_id == case_id).order_by(AllocationPlan.id)
    )
    return [PlanSummary(p.id, p.status.value, p.proceeds) for p in plans]


# -- publication and objections -----------------------------------------------------------


def publish_plan(plan: AllocationPlan, objection_period: dt.timedelta) -> dt.datetime:
    """Serve the plan: the objection period opens now; returns its deadline."""
    if plan.status is not PlanStatus.DRAFT:
        raise PlanConflict("only a draft plan can be published", code="invalid_status")
    plan.status, plan.published_at = PlanStatus.PUBLISHED, utcnow()
    plan.objection_deadline = plan.published_at + objection_period
    return plan.objection_deadline


async def finalize_plan(session: AsyncSession, plan: AllocationPlan) -> None:
    """Precondition: the caller holds the plan's row lock."""
    if plan.status is not PlanStatus.PUBLISHED:
        raise PlanConflict("only a published plan can become final", code="invalid_status")
    if plan.objection_deadline is not None and utcnow() < plan.objection_deadline:
        raise PlanConflict("the objection period is not over", code="objection_period_open")
    open_objections = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Objection)
        .where(Objection.plan_id == plan.id, Objection.status == ObjectionStatus.OPEN)
    )
    if open_objections:
        raise PlanConflict("objections are still open", code="objections_open")
    plan.status, plan.finalized_at = PlanStatus.FINAL, utcnow()
    await session.flush()


# -- paying out -----------------------------------------------------------------------------


async def forfeits_of(session: AsyncSession, plan_id: int) -> list[tuple[int, int]]:
    """(lot id, amount) of each forfeited deposit the plan distributes."""
    rows = await session.execute(
        sa.select(AllocationProceeds.lot_id, AllocationProceeds.amount).where(
            AllocationProceeds.plan_id == plan_id, AllocationProceeds.source == "forfeit"
        )
    )
    return [(lot_id, amount) for lot_id, amount in rows]
