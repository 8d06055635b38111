"""A registration's deposit status and the ledger posting that goes with each change, made in
the same database transaction (idempotent per movement; the money moves in `settlement`).

    pending → frozen → refunded | applied → forfeited | refunded (a sale annulled, the buyer
                                                                  not at fault)

A creditor's deposit covered by their claim (art. 17) starts frozen and moves through the same
statuses, with no posting: no money was paid in, so none is refunded, applied or forfeited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import DepositStatus
from auction.errors import Conflict
from auction.models import Registration
from core.db import utcnow
from settlement import postings

ALLOWED = {
    DepositStatus.FROZEN: {DepositStatus.PENDING},
    DepositStatus.REFUNDED: {DepositStatus.FROZEN, DepositStatus.APPLIED},
    DepositStatus.APPLIED: {DepositStatus.FROZEN},
    DepositStatus.FORFEITED: {DepositStatus.APPLIED},
}
POSTING: dict[DepositStatus, Callable[[AsyncSession, postings.Deposit], Awaitable[object]]] = {
    DepositStatus.FROZEN: postings.deposit_frozen,
    DepositStatus.REFUNDED: postings.deposit_refunded,
    DepositStatus.APPLIED: postings.deposit_applied,
    DepositStatus.FORFEITED: postings.deposit_forfeited,
}


async def move_deposit(
    session: AsyncSession, registration: Registration, to: DepositStatus, *, case_id: int
) -> bool:
    """Move the deposit to `to`; False (and nothing posted) when it is there already."""
    if registration.deposit_status is to:
        return False
    if registration.deposit_status not in ALLOWED[to]:
        raise Conflict(
            f"a {registration.deposit_status.value} deposit cannot become {to.value}",
            code="invalid_deposit_state",
        )
    if registration.deposit_claim_id is None:  # a deposit covered by a claim moved no money
        deposit = postings.Deposit(
            registration.id,
            registration.deposit_amount,
            registration.lot_id,
            case_id,
            registration.bidder_code,
        )
        if registration.deposit_status is DepositStatus.APPLIED and to is DepositStatus.REFUNDED:
            await postings.deposit_returned(session, deposit)  # out of the case's escrow
        else:
            await POSTING[to](session, deposit)
    registration.deposit_status = to
    if to is DepositStatus.FROZEN:
        registration.frozen_at = utcnow()
    await session.flush()
    return True
