"""A party following a case: its channels and addresses, checked when it subscribes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import Channel
from auction.errors import NotFound, ValidationFailed
from auction.models import CaseSubscription, Claim, EnforcementCase, User
from auction.notifications.channels import is_email_address


async def is_party(session: AsyncSession, user: User, case: EnforcementCase) -> bool:
    creditor = await session.scalar(
        sa.select(Claim.id).where(Claim.case_id == case.id, Claim.creditor_user_id == user.id).limit(1)
    )
    debtor = case.debtor_user_id == user.id or (
        case.debtor_id_number_hash is not None and case.debtor_id_number_hash == user.id_number_hash
    )
    return creditor is not None or debtor


async def subscribe(
    session: AsyncSession,
    user: User,
    case_id: int,
    channels: list[Channel],
    email: str | None,
    phone: str | None,
) -> CaseSubscription:
    case = await session.get(EnforcementCase, case_id)
    if case is None or not await is_party(session, user, case):
        raise NotFound("no such case among yours")
    errors = {}
    if Channel.EMAIL in channels and (not email or not is_email_address(email)):
        errors["email"] = "required_for_email" if not email else "invalid_email"
    if Channel.SMS in channels and (
        not phone or not (phone.isascii() and phone.lstrip("+").isdigit()) or len(phone) > 20
    ):
        errors["phone"] = "required_for_sms"
    if errors:
        raise ValidationFailed("the subscription needs an address for each channel", fields=errors)
    wanted = sorted({Channel.IN_APP, *channels})
    existing = await session.scalar(
        sa.select(CaseSubscription).where(
            CaseSubscription.user_id == user.id, CaseSubscription.case_id == case_id
        )
    )
    if existing is None:
        existing = CaseSubscription(user_id=user.id, case_id=case_id, channels=[c.value for c in wanted])
        session.add(existing)
    existing.channels, existing.email, existing.phone = [c.value for c in wanted], email, phone
    await session.flush()
    return existing
