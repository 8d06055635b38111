"""Objections to a published plan: filed within the objection period by a creditor of the case,
they freeze the lines they dispute (claims' lines and cost lines) until the court upholds them
(with revised lines, the difference going to or coming from the debtor's remainder) or
dismisses them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import utcnow
from settlement.enums import ObjectionStatus
from settlement.errors import PlanConflict, PlanInvalid, PlanNotFound
from settlement.models import (
    AllocationCost,
    AllocationLine,
    AllocationPlan,
    Objection,
)
from settlement.plans import plan_phase


@dataclass(frozen=True)
class Revision:
    """What an upheld objection changes: claims' lines and cost lines, by id, to new amounts."""

    lines: dict[int, int] = field(default_factory=dict)  # claim id -> allocated
    costs: dict[int, int] = field(default_factory=dict)  # cost line id -> allocated

    def __bool__(self) -> bool:
        return bool(self.lines or self.costs)


async def file_objection(
    session: AsyncSession,
    plan: AllocationPlan,
    *,
    objector_user_id: int,
    reason: str,
    claim_ids: Sequence[int],
    cost_ids: Sequence[int] = (),
) -> Objection:
    """Record an objection and freeze the lines it disputes. Precondition: the caller holds the
    plan's row lock and has checked the objector is a creditor of the case."""
    if plan_phase(plan, utcnow()) != "objection_period":
        raise PlanConflict("the plan is not open to objections", code="objection_period_closed")
    if not 1 <= len(reason.strip()) <= 5000:
        raise PlanInvalid("give the reason for the objection", fields={"reason": "required"})
    disputed, disputed_costs = sorted(set(claim_ids)), sorted(set(cost_ids))
    if not disputed and not disputed_costs:
        raise PlanInvalid("name the lines disputed", fields={"claim_ids": "required"})
    plan_claims = set(
        await session.scalars(sa.select(AllocationLine.claim_id).where(AllocationLine.plan_id == plan.id))
    )
    plan_costs = set(
        await session.scalars(sa.select(AllocationCost.id).where(AllocationCost.plan_id == plan.id))
    )
    errors = {}
    if not set(disputed) <= plan_claims:
        errors["claim_ids"] = "not_in_plan"
    if not set(disputed_costs) <= plan_costs:
        errors["cost_ids"] = "not_in_plan"
    if errors:
        raise PlanInvalid("name lines of this plan", fields=errors)
    objection = Objection(
        plan_id=plan.id,
        creditor_user_id=objector_user_id,
        reason=reason.strip(),
        disputed_claim_ids=disputed,
        disputed_cost_ids=disputed_costs,
    )
    session.add(objection)
    await session.execute(
        sa.update(AllocationLine)
        .where(AllocationLine.plan_id == plan.id, AllocationLine.claim_id.in_(disputed))
        .values(frozen=True)
    )
    await session.execute(
        sa.update(AllocationCost)
        .where(AllocationCost.plan_id == plan.id, AllocationCost.id.in_(disputed_costs))
        .values(frozen=True)
    )
    await session.flush()
    return objection


async def get_objection(session: AsyncSession, objection_id: int) -> Objection:
    objection = await session.get(Objection, objection_id, with_for_update=True)
    if objection is None:
        raise PlanNotFound("no such objection")
    return objection


async def resolve_objection(
    session: AsyncSession,
    plan: AllocationPlan,
    objection: Objection,
    decision: ObjectionStatus,
    revised: Revision,
    *,
    resolved_by: int,
) -> None:
    """Uphold (with the revised lines, if any) or dismiss; lines no open objection disputes any
    more are unfrozen. Precondition: the caller holds both row locks."""
    if objection.status is not ObjectionStatus.OPEN:
        raise PlanConflict("the objection is resolved already", code="invalid_status")
    if decision is ObjectionStatus.UPHELD and revised:
        await _revise(session, plan, revised)
    elif revised:
        raise PlanInvalid("a dismissal changes no line", fields={"lines": "not_allowed"})
    objection.status, objection.resolved_at, objection.resolved_by = decision, utcnow(), resolved_by
    await session.flush()
    claims_disputed: set[int] = set()
    costs_disputed: set[int] = set()
    for other in await session.scalars(
        sa.select(Objection).where(Objection.plan_id == plan.id, Objection.status == ObjectionStatus.OPEN)
    ):
        claims_disputed |= set(other.disputed_claim_ids)
        costs_disputed |= set(other.disputed_cost_ids)
    await session.execute(
        sa.update(AllocationLine)
        .where(AllocationLine.plan_id == plan.id, AllocationLine.claim_id.not_in(claims_disputed or {0}))
        .values(frozen=False)
    )
    await session.execute(
        sa.update(AllocationCost)
        .where(AllocationCost.plan_id == plan.id, AllocationCost.id.not_in(costs_disputed or {0}))
        .values(frozen=False)
    )
    await session.flush()


async def _revise(session: AsyncSession, plan: AllocationPlan, revised: Revision) -> None:
    """Set the revised amounts; what they add or free comes from or goes to the debtor's
    remainder, which can give no more than it holds. A cost line moves within what was
    claimed for it, a claim's line within the claim."""
    lines = {
        line.claim_id: line
        for line in await session.scalars(sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id))
    }
    costs = {
        cost.id: cost
        for cost in await session.scalars(sa.select(AllocationCost).where(AllocationCost.plan_id == plan.id))
    }
    errors = {}
    for claim_id, amount in revised.lines.items():
        line = lines.get(claim_id)
        if line is None:
            errors[f"lines.{claim_id}"] = "not_in_plan"
        elif not 0 <= amount <= line.claimed:
            errors[f"lines.{claim_id}"] = "out_of_range"
    for cost_id, amount in revised.costs.items():
        cost = costs.get(cost_id)
        if cost is None:
            errors[f"costs.{cost_id}"] = "not_in_plan"
        elif not 0 <= amount <= cost.amount:
            errors[f"costs.{cost_id}"] = "out_of_range"
    if errors:
        raise PlanInvalid("the revised lines do not fit the plan", fields=errors)
    change = sum(amount - lines[claim_id].allocated for claim_id, amount in revised.lines.items())
    change += sum(amount - costs[cost_id].allocated for cost_id, amount in revised.costs.items())
    if change > plan.remainder_to_debtor:
        raise PlanInvalid(
            "the revision allocates more than the proceeds", fields={"lines": "exceeds_proceeds"}
        )
    for claim_id, amount in revised.lines.items():
        lines[claim_id].allocated = amount
        lines[claim_id].reason = "revised_on_objection"
    for cost_id, amount in revised.costs.items():
        costs[cost_id].allocated = amount
    plan.remainder_to_debtor -= change
