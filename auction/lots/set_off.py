"""A creditor of the case who wins pays in cash only what their claim does not cover (art. 17;
RULES.md "Before the hammer"): the rest of the price is set off against the claim.

What the claim covers is what the distribution would give it from this sale — the waterfall's
share, not the claim's face amount — so a creditor ranked behind others cannot take the
property with money those others are owed. The share is computed once (at the confirmation) and
kept on the registration: the balance the confirmation names is the one the court collects.
Costs the court enters later can only lower the share; if the final plan allots the claim less
than was set off, the plan is not paid out (`settlement.disbursement`) until that is settled.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.cases.owed import claims_owed
from auction.models import EnforcementCase, Lot, Property, Registration
from settlement.plans import earlier_plans
from settlement.waterfall import SaleProceeds, allocate


async def set_off_of(session: AsyncSession, lot: Lot, winner: Registration) -> int:
    """What of the price the winner's own claim covers; 0 for a winner who is not the case's
    creditor (or registered with a deposit paid: art. 17 names the covered deposit)."""
    if winner.deposit_claim_id is None or lot.result_price is None:
        return 0
    if winner.set_off_amount is not None:
        return winner.set_off_amount
    share = await claim_share(session, lot.property_id, lot.result_price, winner.deposit_claim_id)
    winner.set_off_amount = share
    await session.flush()
    return winner.set_off_amount


async def claim_share(session: AsyncSession, property_id: int, price: int, claim_id: int) -> int:
    """What the distribution would give the claim from `price` paid for the property: the
    waterfall on that price and the case's outstanding claims (0 for a claim paid in full)."""
    prop = await session.get(Property, property_id)
    assert prop is not None
    case = await session.get(EnforcementCase, prop.case_id)
    assert case is not None
    claims = await claims_owed(session, case.id)
    if not any(claim.claim_id == claim_id for claim in claims):
        return 0
    result = allocate(
        [SaleProceeds(prop.id, price)], [], claims, case.debtor_kind, await earlier_plans(session, case.id)
    )
    return min(next(line.allocated for line in result.lines if line.claim_id == claim_id), price)


def cash_due(lot: Lot, winner: Registration, set_off: int) -> int:
    """The balance the winner pays in cash: the price less the deposit paid in and the set-off."""
    assert lot.result_price is not None
    paid_in = 0 if winner.deposit_claim_id else winner.deposit_amount
    return max(lot.result_price - paid_in - set_off, 0)
