"""The domain's side of allocation plans: who may act on them, which proceeds and claims of a
case they distribute, the case's timeline and the public notice. The plans themselves (the
waterfall, objections, the ledger) are settlement's (`settlement.plans`).
"""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff
from auction.cases.owed import claims_owed, outstanding_claims
from auction.disclosure.listings import case_performed
from auction.disclosure.notices import publish
from auction.disclosure.texts import Notice
from auction.enums import (
    PAID_STATUSES,
    PROCEEDS_STATUSES,
    AnnouncementKind,
    CaseStatus,
    LotStatus,
    TimelineKind,
)
from auction.errors import Forbidden, NotFound
from auction.models import Claim, EnforcementCase, Lot, Property, Registration, TimelineEvent, User
from auction.rules import RuleProfile
from core.db import utcnow
from core.display import cst_minutes, yuan
from settlement import disbursement, objections, plans
from settlement.enums import ObjectionStatus
from settlement.forfeits import Forfeit, forfeit_uses
from settlement.models import AllocationPlan, Objection
from settlement.objections import Revision
from settlement.plans import PlanSummary, PlanView, ProceedsItem
from settlement.waterfall import CostItem


async def _undistributed_proceeds(session: AsyncSession, case_id: int) -> list[ProceedsItem]:
    """Sale prices of settled lots and forfeited deposits of defaulted ones not yet paid out."""
    taken = await plans.distributed_sources(session, case_id)
    lots = (
        await session.execute(
            sa.select(Lot, Property.id)
            .join(Property, Property.id == Lot.property_id)
            .where(Property.case_id == case_id, Lot.status.in_((*PROCEEDS_STATUSES, LotStatus.DEFAULTED)))
        )
    ).all()
    found = []
    for lot, property_id in lots:
        if lot.status in PROCEEDS_STATUSES and (lot.id, "sale") not in taken and lot.result_price:
            found.append(ProceedsItem(lot.id, property_id, "sale", lot.result_price))
        if lot.status is LotStatus.DEFAULTED and (lot.id, "forfeit") not in taken:
            forfeited = await session.scalar(
                sa.select(Registration.deposit_amount).where(Registration.id == lot.winner_registration_id)
            )
            if forfeited:
                found.append(ProceedsItem(lot.id, property_id, "forfeit", forfeited))
    return found


async def compute_plan(
    session: AsyncSession, user: User, case_id: int, costs: list[CostItem]
) -> AllocationPlan:
    case = await case_for_staff(session, user, case_id, lock=True)
    return await plans.draft_plan(
        session,
        case_id=case_id,
        debtor_kind=case.debtor_kind,
        proceeds=await _undistributed_proceeds(session, case_id),
        claims=await claims_owed(session, case_id),
        costs=costs,
        created_by=user.id,
    )


async def is_creditor(session: AsyncSession, user: User, case_id: int) -> bool:
    found = await session.scalar(
        sa.select(Claim.id).where(Claim.case_id == case_id, Claim.creditor_user_id == user.id).limit(1)
    )
    return found is not None


async def plan_for(session: AsyncSession, user: User, plan_id: int) -> PlanView:
    """The plan, for the court and the case's creditors (others: 404, as if it did not exist)."""
    plan = await plans.get_plan(session, plan_id)
    case = await session.get(EnforcementCase, plan.case_id)
    assert case is not None
    if not await is_creditor(session, user, case.id):
        try:
            await case_for_staff(session, user, case.id)
        except Forbidden:
            raise NotFound("no such allocation plan") from None
    view = await plans.plan_view(session, plan)
    forfeited = await plans.forfeits_of(session, plan.id)
    forfeits = [await _forfeit(session, lot_id, amount) for lot_id, amount in forfeited]
    if not forfeits:
        return view
    costs = sum(cost.amount for cost in view.costs)  # what the proceeds pay of the costs
    return msgspec.structs.replace(view, forfeits=forfeit_uses(forfeits, costs))


async def _forfeit(session: AsyncSession, lot_id: int, amount: int) -> Forfeit:
    """A forfeited deposit with the price its buyer did not pay and what the re-auction of the
    property (the lot that followed it) sold for, once paid."""
    lot = await session.get(Lot, lot_id)
    assert lot is not None and lot.result_price is not None
    reauction = await session.scalar(
        sa.select(Lot.result_price).where(Lot.previous_lot_id == lot_id, Lot.status.in_(PAID_STATUSES))
    )
    return Forfeit(lot_id, amount, lot.result_price, reauction)


def _timeline(session: AsyncSession, case_id: int, kind: TimelineKind, detail: str) -> None:
    session.add(TimelineEvent(case_id=case_id, kind=kind, detail=detail))


async def publish_plan(
    session: AsyncSession, user: User, profile: RuleProfile, plan_id: int
) -> AllocationPlan:
    plan = await plans.get_plan(session, plan_id, lock=True)
    case = await case_for_staff(session, user, plan.case_id)
    deadline = cst_minutes(plans.publish_plan(plan, profile.objection_period))
    _timeline(session, case.id, TimelineKind.ALLOCATION_PUBLISHED, f"plan {plan.id}")
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
    session: AsyncSession,
    user: User,
    plan_id: int,
    reason: str,
    claim_ids: list[int] | None,
    cost_ids: list[int] | None = None,
) -> Objection:
    plan = await plans.get_plan(session, plan_id, lock=True)
    if not await is_creditor(session, user, plan.case_id):
        raise Forbidden("only a creditor of the case may object")
    if claim_ids is None and cost_ids:  # only cost lines are disputed
        claim_ids = []
    if claim_ids is None:  # by default, the objector's own lines
        claim_ids = list(
            await session.scalars(
                sa.select(Claim.id).where(Claim.case_id == plan.case_id, Claim.creditor_user_id == user.id)
            )
        )
    objection = await objections.file_objection(
        session, plan, objector_user_id=user.id, reason=reason, claim_ids=claim_ids, cost_ids=cost_ids or ()
    )
    _timeline(session, plan.case_id, TimelineKind.OBJECTION_FILED, f"plan {plan.id}")
    await session.flush()
    return objection


async def resolve_objection(
    session: AsyncSession, user: User, objection_id: int, decision: ObjectionStatus, revised: Revision
) -> Objection:
    objection = await objections.get_objection(session, objection_id)
    plan = await plans.get_plan(session, objection.plan_id, lock=True)
    await case_for_staff(session, user, plan.case_id)
    await objections.resolve_objection(session, plan, objection, decision, revised, resolved_by=user.id)
    _timeline(session, plan.case_id, TimelineKind.OBJECTION_RESOLVED, decision.value)
    await session.flush()
    return objection


async def finalize_plan(session: AsyncSession, user: User, plan_id: int) -> AllocationPlan:
    plan = await plans.get_plan(session, plan_id, lock=True)
    await case_for_staff(session, user, plan.case_id)
    await plans.finalize_plan(session, plan)
    _timeline(session, plan.case_id, TimelineKind.ALLOCATION_FINAL, f"plan {plan.id}")
    await session.flush()
    return plan


async def disburse_plan(session: AsyncSession, user: User, plan_id: int) -> AllocationPlan:
    """Pay the plan out, then close the case if every claim is paid in full."""
    plan = await plans.get_plan(session, plan_id, lock=True)
    case = await case_for_staff(session, user, plan.case_id, lock=True)
    await disbursement.disburse_plan(session, plan, court_id=case.court_id)
    case.updated_at = utcnow()
    await session.flush()
    _timeline(session, case.id, TimelineKind.DISTRIBUTED, f"plan {plan.id}")
    unpaid = sum(left for _, left in await outstanding_claims(session, case.id))
    if unpaid == 0:
        case.status, case.closed_at = CaseStatus.CLOSED_SATISFIED, utcnow()
        _timeline(session, case.id, TimelineKind.CLOSED, "all claims paid")
        await case_performed(session, case.id)  # performed in full: off both lists at once
    await session.flush()
    return plan


class OwnClaim(msgspec.Struct, frozen=True):
    id: int
    kind: str
    amount: int


class CreditorCase(msgspec.Struct, frozen=True):
    """A case as one of its creditors sees it: their own claims and every plan."""

    case_id: int
    case_number: str
    status: str
    claims: list[OwnClaim]
    plans: list[PlanSummary]


async def my_cases(session: AsyncSession, user: User) -> list[CreditorCase]:
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
        result.append(
            CreditorCase(
                case.id,
                case.case_number,
                case.status.value,
                [OwnClaim(c.id, c.kind.value, c.amount) for c in claims],
                await plans.case_plans(session, case.id),
            )
        )
    return result
