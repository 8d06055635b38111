"""Reward notices (悬赏公告): a reward for clues that lead to the debtor's property."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff
from auction.disclosure.notices import publish
from auction.disclosure.texts import Notice
from auction.enums import AnnouncementKind
from auction.errors import ValidationFailed
from auction.models import User
from core.display import yuan


async def publish_reward(
    session: AsyncSession, user: User, case_id: int, amount: int, text_zh: str, text_en: str
) -> int:
    """A reward notice (悬赏公告) for clues to the debtor's property."""
    case = await case_for_staff(session, user, case_id)
    if not 0 < amount <= 10**13 or not 1 <= len(text_zh.strip()) <= 5000:
        raise ValidationFailed("a reward needs an amount and a text", fields={"amount": "invalid_value"})
    notice = Notice(
        AnnouncementKind.REWARD,
        f"{case.case_number} 悬赏公告",
        f"Reward notice, case {case.case_number}",
        f"被执行人：{case.debtor_name}。{text_zh.strip()}\n提供有效财产线索的，按实际执行到位金额给予奖励，最高 {yuan(amount)} 元。",
        f"Debtor: {case.debtor_name}. {text_en.strip() or text_zh.strip()}\nA reward of up to CNY {yuan(amount)} "
        "for a clue that leads to enforcement.",
    )
    announcement = await publish(session, notice, court_id=case.court_id, case_id=case.id, lot_id=None)
    return announcement.id
