"""When nobody bids (the 2020 auction rules art. 16): a creditor of the case may take the property
at the reserve price — the unsold round's starting price — against its claim (以物抵债), by the
court's ruling, served and published at once.

What the claim covers of the reserve is, as for a creditor who buys (`set_off`), the share the
distribution would give it from that price; the rest the creditor pays in, and the court records
it as paid with this act ("承受人应受清偿的债权额低于抵债财产的价额的 … 补交差额"). The reserve is
then the case's proceeds like a price, and the plan's payout to the claim nets what was set off.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import Notice
from auction.enums import HALTED_STATUSES, AnnouncementKind, LotStatus, TimelineKind
from auction.errors import Conflict, ValidationFailed
from auction.lots.set_off import claim_share
from auction.lots.transitions import add_timeline, transition
from auction.models import Claim, Lot, User
from core.db import utcnow
from core.display import yuan
from settlement import postings


async def creditor_takes(session: AsyncSession, user: User, lot_id: int, claim_id: int) -> Lot:
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    claim = await session.get(Claim, claim_id) if 0 < claim_id < 2**63 else None  # ids are BIGINT
    if claim is None or claim.case_id != case_id:
        raise ValidationFailed("the claim is not of this lot's case", fields={"claim_id": "not_in_case"})
    if lot.status is not LotStatus.FAILED:
        raise Conflict(
            f"a creditor takes only an unsold lot's property; this lot is {lot.status.value}",
            code="invalid_status",
        )
    later = await session.scalar(
        sa.select(Lot.id).where(
            Lot.property_id == lot.property_id,
            Lot.id != lot.id,
            Lot.status.in_((LotStatus.DRAFT, LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES)),
        )
    )
    if later is not None:
        raise Conflict("the property is being offered again", code="lot_in_progress")
    reserve = lot.starting_price
    share = await claim_share(session, lot.property_id, reserve, claim.id)
    await postings.balance_received(
        session, lot_id=lot.id, case_id=case_id, amount=reserve - share, payer=f"claim {claim.id}"
    )
    await postings.price_set_off(session, lot_id=lot.id, case_id=case_id, claim_id=claim.id, amount=share)
    now = utcnow()
    lot.result_price, lot.taken_by_claim_id = reserve, claim.id
    lot.ruled_at = lot.ruling_served_at = now
    taker = claim.creditor_name
    await transition(session, lot, LotStatus.TAKEN_BY_CREDITOR, actor_user_id=user.id, reason=taker)
    await add_timeline(session, lot, TimelineKind.TAKEN_BY_CREDITOR, f"claim {claim.id} {reserve}")
    court, _, prop = await records_of(session, lot)
    ruling_url = f"/lots/{lot.id}/ruling"
    notice = Notice(
        AnnouncementKind.CREDITOR_TAKES,
        f"{prop.title}以物抵债裁定",
        f"{prop.title}: taken by a creditor",
        f"{prop.title}流拍后，{court.name}裁定以保留价 {yuan(reserve)} 元将其交付申请执行人{taker}"
        f"抵偿债务，所有权自裁定送达时起转移。裁定书：{ruling_url}",
        f"Nobody bid for {prop.title}: {court.name} rules that the creditor {taker} takes it at the "
        f"reserve price of CNY {yuan(reserve)} against its claim; ownership passed when the ruling "
        f"was served. The ruling: {ruling_url}",
    )
    await publish(session, notice, court_id=court_id, case_id=case_id, lot_id=lot.id)
    await session.flush()
    return lot
