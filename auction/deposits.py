"""Deposit movements: each changes a registration's deposit status and posts the matching
balanced ledger transaction in the same database transaction (idempotent per movement).

    frozen     bank → bidder:reg            the court received the deposit
    refunded   bidder:reg → bank            released to a non-winner (at once at the close)
    applied    bidder:reg → case escrow     the winner's deposit counts toward the price
    forfeited  case escrow → case forfeits  a defaulting winner loses it (悔拍)
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import DepositStatus
from auction.errors import Conflict
from auction.models import Registration
from core.db import utcnow
from settlement import ledger
from settlement.enums import AccountKind

ALLOWED = {
    DepositStatus.FROZEN: {DepositStatus.PENDING},
    DepositStatus.REFUNDED: {DepositStatus.FROZEN},
    DepositStatus.APPLIED: {DepositStatus.FROZEN},
    DepositStatus.FORFEITED: {DepositStatus.APPLIED},
}


def case_forfeits(case_id: int) -> ledger.Account:
    return ledger.Account(
        f"case:{case_id}:forfeits", AccountKind.CASE_ESCROW, f"没收保证金 forfeited deposits, case {case_id}"
    )


def _entries(status: DepositStatus, registration: Registration, case_id: int) -> list[ledger.Entry]:
    amount, holder = registration.deposit_amount, ledger.bidder_deposit(registration.id)
    if status is DepositStatus.FROZEN:
        return [ledger.debit(ledger.bank(), amount), ledger.credit(holder, amount)]
    if status is DepositStatus.REFUNDED:
        return [ledger.debit(holder, amount), ledger.credit(ledger.bank(), amount)]
    if status is DepositStatus.APPLIED:
        return [ledger.debit(holder, amount), ledger.credit(ledger.case_escrow(case_id), amount)]
    return [ledger.debit(ledger.case_escrow(case_id), amount), ledger.credit(case_forfeits(case_id), amount)]


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
    await ledger.post(
        session,
        f"deposit_{to.value}",
        _entries(to, registration, case_id),
        memo=f"registration {registration.id} ({registration.bidder_code})",
        case_id=case_id,
        lot_id=registration.lot_id,
        idempotency_key=f"deposit:{registration.id}:{to.value}",
    )
    registration.deposit_status = to
    if to is DepositStatus.FROZEN:
        registration.frozen_at = utcnow()
    await session.flush()
    return True
