"""Allocation plans for a case: computed by the pure waterfall, published to the parties,
objected to, resolved, finalized and disbursed through the ledger.

draft → published (objection period: 15 days under spc2016) → final → disbursed. An
objection freezes the lines it disputes until the court resolves it: upheld with revised
lines (the difference goes to or comes from the debtor's remainder) or dismissed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.access import case_for_staff
from auction.announcements import Notice, yuan
from auction.deposits import case_forfeits
from auction.enums import AnnouncementKind, CaseStatus, LotStatus, TimelineKind
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.models import Claim, EnforcementCase, Lot, Property, Registration, TimelineEvent, User
from auction.notices import publish
from auction.rules import RuleProfile
from core.db import utcnow
from settlement import ledger
from settlement.enums import ObjectionStatus, PlanStatus
from settlement.models import (
    AllocationCost,
    AllocationLine,
    AllocationPlan,
    AllocationProceeds,
    Objection,
)
from settlement.waterfall import ClaimInput, CostItem, SaleProceeds, allocate

ACTIVE = (PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.FINAL)


@dataclass(frozen=True, slots=True)
class CostInput:
    label: str
    amount: int


async def _undistributed_proceeds(session: AsyncSession, case_id: int) -> list[tuple[int, int, str, int]]:
    """(lot id, property id, source, amount) not yet in a disbursed plan."""
    taken = set(
        (
            await session.execute(
                sa.select(AllocationProceeds.lot_id, AllocationProceeds.source)
                .join(AllocationPlan, AllocationPlan.id == AllocationProceeds.plan_id)
                .where(AllocationPlan.case_id == case_id, AllocationPlan.status == PlanStatus.DISBURSED)
            )
        ).all()
    )
    lots = (
        await session.execute(
            sa.select(Lot, Property.id)
            .join(Property, Property.id == Lot.property_id)
            .where(Property.case_id == case_id, Lot.status.in_((LotStatus.SETTLED, LotStatus.DEFAULTED)))
        )
    ).all()
    found = []
    for lot, property_id in lots:
        if lot.status is LotStatus.SETTLED and (lot.id, "sale") not in taken and lot.result_price:
            found.append((lot.id, property_id, "sale", lot.result_price))
        if lot.status is LotStatus.DEFAULTED and (lot.id, "forfeit") not in taken:
            forfeited = await session.scalar(
                sa.select(Registration.deposit_amount).where(Registration.id == lot.winner_registration_id)
            )
            if forfeited:
                found.append((lot.id, property_id, "forfeit", forfeited))
    return found


async def _outstanding_claims(session: AsyncSession, case_id: int) -> list[tuple[Claim, int]]:
    """Each claim with what is still owed after earlier disbursed plans."""
    received = dict(
        (
            await session.execute(
                sa.select(AllocationLine.claim_id, sa.func.sum(AllocationLine.allocated))
                .join(AllocationPlan, AllocationPlan.id == AllocationLine.plan_id)
                .where(AllocationPlan.case_id == case_id, AllocationPlan.status == PlanStatus.DISBURSED)
                .group_by(AllocationLine.claim_id)
            )
        ).all()
    )
    claims = await session.scalars(sa.select(Claim).where(Claim.case_id == case_id).order_by(Claim.id))
    return [(claim, claim.amount - int(received.get(claim.id, 0))) for claim in claims]


async def compute_plan(
    session: AsyncSession, user: User, case_id: int, costs: list[CostInput]
) -> AllocationPlan:
    case = await case_for_staff(session, user, case_id, lock=True)
    if any(not cost.label.strip() or cost.amount < 0 for cost in costs):
        raise ValidationFailed("each cost has a label and an amount ≥ 0", fields={"costs": "invalid_value"})
    active = await session.scalar(
        sa.select(AllocationPlan).where(AllocationPlan.case_id == case_id, AllocationPlan.status.in_(ACTIVE))
    )
    if active is not None and active.status is not PlanStatus.DRAFT:
        raise Conflict("this case has a plan in progress", code="plan_in_progress")
    if active is not None:  # a new draft replaces the old one
        for model in (AllocationLine, AllocationCost, AllocationProceeds):
            await session.execute(sa.delete(model).where(model.plan_id == active.id))
        await session.delete(active)
        await session.flush()
    proceeds = await _undistributed_proceeds(session, case_id)
    if not proceeds:
        raise Conflict("no settled proceeds to distribute", code="no_proceeds")
    owed = [(claim, left) for claim, left in await _outstanding_claims(session, case_id) if left > 0]
    result = allocate(
        [SaleProceeds(property_id, amount) for _, property_id, _, amount in proceeds],
        [CostItem(cost.label.strip(), cost.amount) for cost in costs],
        [
            ClaimInput(
                claim.id,
                claim.creditor_name,
                claim.kind,
                left,
                claim.rank,
                claim.property_id,
                claim.seized_at,
            )
            for claim, left in owed
        ],
        case.debtor_kind,
    )
    plan = AllocationPlan(
        case_id=case_id,
        proceeds=result.proceeds,
        enforcement_fee=result.enforcement_fee_allocated,
        remainder_to_debtor=result.remainder_to_debtor,
        created_by=user.id,
    )
    session.add(plan)
    await session.flush()
    session.add_all(
        AllocationProceeds(
            plan_id=plan.id, lot_id=lot_id, property_id=property_id, source=source, amount=amount
        )
        for lot_id, property_id, source, amount in proceeds
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


async def _plan(session: AsyncSession, plan_id: int, *, lock: bool = False) -> AllocationPlan:
    query = sa.select(AllocationPlan).where(AllocationPlan.id == plan_id)
    plan = await session.scalar(query.with_for_update() if lock else query)
    if plan is None:
        raise NotFound("no such allocation plan")
    return plan


async def _is_creditor(session: AsyncSession, user: User, case_id: int) -> bool:
    found = await session.scalar(
        sa.select(Claim.id).where(Claim.case_id == case_id, Claim.creditor_user_id == user.id).limit(1)
    )
    return found is not None


async def plan_json(session: AsyncSession, user: User, plan_id: int) -> dict[str, Any]:
    """The plan, for the court and the case's creditors (others: 404, as if it did not exist)."""
    plan = await _plan(session, plan_id)
    case = await session.get(EnforcementCase, plan.case_id)
    assert case is not None
    if not await _is_creditor(session, user, case.id):
        try:
            await case_for_staff(session, user, case.id)
        except Forbidden:
            raise NotFound("no such allocation plan") from None
    costs = await session.scalars(
        sa.select(AllocationCost).where(AllocationCost.plan_id == plan.id).order_by(AllocationCost.id)
    )
    lines = await session.scalars(
        sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id).order_by(AllocationLine.position)
    )
    objections = await session.scalars(
        sa.select(Objection).where(Objection.plan_id == plan.id).order_by(Objection.id)
    )
    return {
        "id": plan.id,
        "case_id": plan.case_id,
        "status": plan.status.value,
        "proceeds": plan.proceeds,
        "costs": [{"label": c.label, "amount": c.allocated, "claimed": c.amount} for c in costs],
        "enforcement_fee": plan.enforcement_fee,
        "lines": [
            {
                "claim_id": line.claim_id,
                "creditor_name": line.creditor_name,
                "kind": line.kind.value,
                "rank": line.rank,
                "claimed": line.claimed,
                "allocated": line.allocated,
                "reason": line.reason,
                "frozen": line.frozen,
            }
            for line in lines
        ],
        "remainder_to_debtor": plan.remainder_to_debtor,
        "objection_deadline": plan.objection_deadline.isoformat() if plan.objection_deadline else None,
        "objections": [
            {
                "id": o.id,
                "status": o.status.value,
                "reason": o.reason,
                "claim_ids": list(o.disputed_claim_ids),
            }
            for o in objections
        ],
    }


async def publish_plan(
    session: AsyncSession, user: User, profile: RuleProfile, plan_id: int
) -> AllocationPlan:
    plan = await _plan(session, plan_id, lock=True)
    case = await case_for_staff(session, user, plan.case_id)
    if plan.status is not PlanStatus.DRAFT:
        raise Conflict("only a draft plan can be published", code="invalid_status")
    plan.status, plan.published_at = PlanStatus.PUBLISHED, utcnow()
    plan.objection_deadline = plan.published_at + profile.objection_period
    session.add(
        TimelineEvent(case_id=case.id, kind=TimelineKind.ALLOCATION_PUBLISHED, detail=f"plan {plan.id}")
    )
    deadline = plan.objection_deadline.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime(
        "%Y-%m-%d %H:%M"
    )
    await publish(
        session,
        Notice(
            AnnouncementKind.ALLOCATION,
            f"{case.case_number} 财产分配方案",
            f"Allocation plan of case {case.case_number}",
            f"本案拍卖所得 {yuan(plan.proceeds)} 元的分配方案已送达各债权人和被执行人。"
            f"对方案有异议的，应于 {deadline}（UTC+8）前向执行法院书面提出。",
            f"The plan allocating CNY {yuan(plan.proceeds)} of sale proceeds has been served on the "
            f"creditors and the debtor. Objections are due at the enforcing court by {deadline} (UTC+8).",
        ),
        court_id=case.court_id,
        case_id=case.id,
        lot_id=None,
    )
    await session.flush()
    return plan


async def file_objection(
    session: AsyncSession, user: User, plan_id: int, reason: str, claim_ids: list[int] | None
) -> Objection:
    plan = await _plan(session, plan_id, lock=True)
    if not await _is_creditor(session, user, plan.case_id):
        raise Forbidden("only a creditor of the case may object")
    if (
        plan.status is not PlanStatus.PUBLISHED
        or plan.objection_deadline is None
        or utcnow() > plan.objection_deadline
    ):
        raise Conflict("the plan is not open to objections", code="objection_period_closed")
    if not 1 <= len(reason.strip()) <= 5000:
        raise ValidationFailed("give the reason for the objection", fields={"reason": "required"})
    plan_claims = set(
        await session.scalars(sa.select(AllocationLine.claim_id).where(AllocationLine.plan_id == plan.id))
    )
    if claim_ids is None:  # by default, the objector's own lines
        claim_ids = list(
            await session.scalars(
                sa.select(Claim.id).where(Claim.case_id == plan.case_id, Claim.creditor_user_id == user.id)
            )
        )
    disputed = sorted(set(claim_ids))
    if not disputed or not set(disputed) <= plan_claims:
        raise ValidationFailed("name claims of this plan", fields={"claim_ids": "not_in_plan"})
    objection = Objection(
        plan_id=plan.id, creditor_user_id=user.id, reason=reason.strip(), disputed_claim_ids=disputed
    )
    session.add(objection)
    session.add(
        TimelineEvent(case_id=plan.case_id, kind=TimelineKind.OBJECTION_FILED, detail=f"plan {plan.id}")
    )
    await session.execute(
        sa.update(AllocationLine)
        .where(AllocationLine.plan_id == plan.id, AllocationLine.claim_id.in_(disputed))
        .values(frozen=True)
    )
    await session.flush()
    return objection


async def resolve_objection(
    session: AsyncSession, user: User, objection_id: int, decision: ObjectionStatus, revised: dict[int, int]
) -> Objection:
    objection = await session.get(Objection, objection_id, with_for_update=True)
    if objection is None:
        raise NotFound("no such objection")
    plan = await _plan(session, objection.plan_id, lock=True)
    await case_for_staff(session, user, plan.case_id)
    if objection.status is not ObjectionStatus.OPEN:
        raise Conflict("the objection is resolved already", code="invalid_status")
    if decision is ObjectionStatus.UPHELD and revised:
        await _revise_lines(session, plan, revised)
    elif revised:
        raise ValidationFailed("a dismissal changes no line", fields={"lines": "not_allowed"})
    objection.status, objection.resolved_at, objection.resolved_by = decision, utcnow(), user.id
    session.add(
        TimelineEvent(case_id=plan.case_id, kind=TimelineKind.OBJECTION_RESOLVED, detail=f"{decision.value}")
    )
    await session.flush()
    still_disputed = set()
    for other in await session.scalars(
        sa.select(Objection).where(Objection.plan_id == plan.id, Objection.status == ObjectionStatus.OPEN)
    ):
        still_disputed |= set(other.disputed_claim_ids)
    await session.execute(
        sa.update(AllocationLine)
        .where(AllocationLine.plan_id == plan.id, AllocationLine.claim_id.not_in(still_disputed or {0}))
        .values(frozen=False)
    )
    await session.flush()
    return objection


async def _revise_lines(session: AsyncSession, plan: AllocationPlan, revised: dict[int, int]) -> None:
    lines = {
        line.claim_id: line
        for line in await session.scalars(sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id))
    }
    errors = {}
    for claim_id, amount in revised.items():
        line = lines.get(claim_id)
        if line is None:
            errors[f"lines.{claim_id}"] = "not_in_plan"
        elif not 0 <= amount <= line.claimed:
            errors[f"lines.{claim_id}"] = "out_of_range"
    if errors:
        raise ValidationFailed("the revised lines do not fit the plan", fields=errors)
    change = sum(amount - lines[claim_id].allocated for claim_id, amount in revised.items())
    if change > plan.remainder_to_debtor:
        raise ValidationFailed(
            "the revision allocates more than the proceeds", fields={"lines": "exceeds_proceeds"}
        )
    for claim_id, amount in revised.items():
        lines[claim_id].allocated = amount
        lines[claim_id].reason = "revised_on_objection"
    plan.remainder_to_debtor -= change


async def finalize_plan(session: AsyncSession, user: User, plan_id: int) -> AllocationPlan:
    plan = await _plan(session, plan_id, lock=True)
    await case_for_staff(session, user, plan.case_id)
    if plan.status is not PlanStatus.PUBLISHED:
        raise Conflict("only a published plan can become final", code="invalid_status")
    if plan.objection_deadline is not None and utcnow() < plan.objection_deadline:
        raise Conflict("the objection period is not over", code="objection_period_open")
    open_objections = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Objection)
        .where(Objection.plan_id == plan.id, Objection.status == ObjectionStatus.OPEN)
    )
    if open_objections:
        raise Conflict("objections are still open", code="objections_open")
    plan.status, plan.finalized_at = PlanStatus.FINAL, utcnow()
    session.add(
        TimelineEvent(case_id=plan.case_id, kind=TimelineKind.ALLOCATION_FINAL, detail=f"plan {plan.id}")
    )
    await session.flush()
    return plan


async def disburse_plan(session: AsyncSession, user: User, plan_id: int) -> AllocationPlan:
    """Pay every line through the ledger from the case's escrow, then close the case if every
    claim is paid in full."""
    plan = await _plan(session, plan_id, lock=True)
    case = await case_for_staff(session, user, plan.case_id, lock=True)
    if plan.status is not PlanStatus.FINAL:
        raise Conflict("only a final plan is disbursed", code="invalid_status")
    escrow = ledger.case_escrow(case.id)
    forfeited = int(
        await session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(AllocationProceeds.amount), 0)).where(
                AllocationProceeds.plan_id == plan.id, AllocationProceeds.source == "forfeit"
            )
        )
        or 0
    )
    key = f"plan:{plan.id}"
    if forfeited:
        forfeits = case_forfeits(case.id)
        await ledger.post(
            session,
            "forfeit_distributed",
            [ledger.debit(forfeits, forfeited), ledger.credit(escrow, forfeited)],
            case_id=case.id,
            idempotency_key=f"{key}:forfeits",
        )
    costs = sum(
        c.allocated
        for c in await session.scalars(sa.select(AllocationCost).where(AllocationCost.plan_id == plan.id))
    )
    fees = ledger.court_fees(case.court_id)
    if costs + plan.enforcement_fee:
        await ledger.post(
            session,
            "costs_and_fee",
            [
                ledger.debit(escrow, costs + plan.enforcement_fee),
                ledger.credit(fees, costs + plan.enforcement_fee),
            ],
            case_id=case.id,
            idempotency_key=f"{key}:costs",
        )
    lines = list(await session.scalars(sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id)))
    for line in lines:
        await _pay_out(
            session,
            escrow,
            ledger.creditor(line.claim_id),
            line.allocated,
            case.id,
            "allocation",
            f"{key}:line:{line.claim_id}",
        )
    if plan.remainder_to_debtor:
        await _pay_out(
            session,
            escrow,
            ledger.debtor(case.id),
            plan.remainder_to_debtor,
            case.id,
            "remainder",
            f"{key}:remainder",
        )
    plan.status, plan.disbursed_at = PlanStatus.DISBURSED, utcnow()
    case.updated_at = utcnow()
    await session.flush()
    session.add(TimelineEvent(case_id=case.id, kind=TimelineKind.DISTRIBUTED, detail=f"plan {plan.id}"))
    unpaid = sum(left for _, left in await _outstanding_claims(session, case.id))
    if unpaid == 0:
        case.status, case.closed_at = CaseStatus.CLOSED_SATISFIED, utcnow()
        session.add(TimelineEvent(case_id=case.id, kind=TimelineKind.CLOSED, detail="all claims paid"))
    await session.flush()
    return plan


async def _pay_out(
    session: AsyncSession,
    escrow: ledger.Account,
    payee: ledger.Account,
    amount: int,
    case_id: int,
    kind: str,
    key: str,
) -> None:
    """Allot `amount` from the case's escrow to `payee`, then pay it out of the court's account.

    A line allotted nothing (a security whose property is unsold) moves no money: the ledger
    refuses empty transactions, so there is nothing to post."""
    if amount == 0:
        return
    await ledger.post(
        session,
        kind,
        [ledger.debit(escrow, amount), ledger.credit(payee, amount)],
        case_id=case_id,
        idempotency_key=key,
    )
    await ledger.post(
        session,
        "payout",
        [ledger.debit(payee, amount), ledger.credit(ledger.bank(), amount)],
        case_id=case_id,
        idempotency_key=f"{key}:payout",
    )


async def my_cases(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    """The cases a creditor has a claim in, with their claims and plans."""
    case_ids = list(
        await session.scalars(sa.select(Claim.case_id).where(Claim.creditor_user_id == user.id).distinct())
    )
    result = []
    for case in await session.scalars(
        sa.select(EnforcementCase).where(EnforcementCase.id.in_(case_ids)).order_by(EnforcementCase.id)
    ):
        claims = await session.scalars(
            sa.select(Claim).where(Claim.case_id == case.id, Claim.creditor_user_id == user.id)
        )
        plans = await session.scalars(
            sa.select(AllocationPlan).where(AllocationPlan.case_id == case.id).order_by(AllocationPlan.id)
        )
        result.append(
            {
                "case_id": case.id,
                "case_number": case.case_number,
                "status": case.status.value,
                "claims": [{"id": c.id, "kind": c.kind.value, "amount": c.amount} for c in claims],
                "plans": [{"id": p.id, "status": p.status.value, "proceeds": p.proceeds} for p in plans],
            }
        )
    return result
