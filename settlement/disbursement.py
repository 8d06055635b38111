"""Paying a final plan out through the ledger: forfeited deposits join the case's escrow, costs and
the fee go to the court, each line to its creditor and the remainder to the debtor, each paid out
of the court's bank account. Idempotent per posting."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import utcnow
from settlement import chart, ledger
from settlement.enums import PlanStatus
from settlement.errors import PlanConflict
from settlement.models import (
    AllocationCost,
    AllocationLine,
    AllocationPlan,
    AllocationProceeds,
)


async def disburse_plan(session: AsyncSession, plan: AllocationPlan, *, court_id: int) -> None:
    """Pay every line of a final plan from the case's escrow through the ledger: forfeited
    deposits join the escrow, costs and the fee go to the court, each line to its creditor and
    the remainder to the debtor, each paid out of the court's bank account.
    Precondition: the caller holds the plan's and the case's row locks."""
    if plan.status is not PlanStatus.FINAL:
        raise PlanConflict("only a final plan is disbursed", code="invalid_status")
    case_id = plan.case_id
    escrow = chart.case_escrow(case_id)
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
        await ledger.post(
            session,
            "forfeit_distributed",
            [ledger.debit(chart.case_forfeits(case_id), forfeited), ledger.credit(escrow, forfeited)],
            case_id=case_id,
            idempotency_key=f"{key}:forfeits",
        )
    costs = sum(
        c.allocated
        for c in await session.scalars(sa.select(AllocationCost).where(AllocationCost.plan_id == plan.id))
    )
    if costs + plan.enforcement_fee:
        await ledger.post(
            session,
            "costs_and_fee",
            [
                ledger.debit(escrow, costs + plan.enforcement_fee),
                ledger.credit(chart.court_fees(court_id), costs + plan.enforcement_fee),
            ],
            case_id=case_id,
            idempotency_key=f"{key}:costs",
        )
    lines = list(await session.scalars(sa.select(AllocationLine).where(AllocationLine.plan_id == plan.id)))
    set_off = {line.claim_id: await set_off_owed(session, line.claim_id, line.allocated) for line in lines}
    for line in lines:
        await _pay_out(
            session,
            escrow,
            chart.creditor(line.claim_id),
            line.allocated,
            case_id,
            "allocation",
            f"{key}:line:{line.claim_id}",
            netted=set_off[line.claim_id],
        )
    if plan.remainder_to_debtor:
        await _pay_out(
            session,
            escrow,
            chart.debtor(case_id),
            plan.remainder_to_debtor,
            case_id,
            "remainder",
            f"{key}:remainder",
        )
    plan.status, plan.disbursed_at = PlanStatus.DISBURSED, utcnow()
    await session.flush()


async def set_off_owed(session: AsyncSession, claim_id: int, allocated: int) -> int:
    """What a creditor-buyer still owes from a price set off against this claim (a debit on the
    claim's account, `postings.price_set_off`): the claim's payout nets it. A line that cannot
    cover it stops the plan: paying it out would pay others with money the court never got."""
    owed = max(await ledger.balance(session, chart.creditor(claim_id)), 0)
    if owed > allocated:
        raise PlanConflict(
            f"claim {claim_id}'s creditor bought the property and set off {owed} fen of the price, "
            f"but the plan allots the claim {allocated} fen: the buyer pays the difference first",
            code="set_off_uncovered",
        )
    return owed


async def _pay_out(
    session: AsyncSession,
    escrow: chart.Account,
    payee: chart.Account,
    amount: int,
    case_id: int,
    kind: str,
    key: str,
    netted: int = 0,
) -> None:
    """Allot `amount` from the case's escrow to `payee`, then pay it out of the court's account,
    less what the payee owes from a set-off (`netted`: the allotment settles it, no money moves).

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
    if amount - netted > 0:
        await ledger.post(
            session,
            "payout",
            [ledger.debit(payee, amount - netted), ledger.credit(chart.bank(), amount - netted)],
            case_id=case_id,
            idempotency_key=f"{key}:payout",
        )
