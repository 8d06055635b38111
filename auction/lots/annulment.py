"""Annulling a sale (the Provisions art. 31): on one of the article's grounds, before the ruling
takes effect for good (the lot is sold, settled or ruled), the court undoes the sale with a
public notice. Every movement of the sale's money is reversed by reversing transactions, so
the ledger check stays balanced; the buyer's deposit is forfeited only when the buyer caused it
(collusion, a buyer who could not lawfully bid), and is then also what bars that identity from
the property's later sales. The property can be listed again (`POST /lots`).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import Notice
from auction.enums import AnnouncementKind, AnnulGround, DepositStatus, LotStatus, TimelineKind
from auction.errors import Conflict, ValidationFailed
from auction.lots.after_sale import winner_of
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline, transition
from auction.models import Court, Lot, Property, User
from settlement import plans, postings

ANNULLABLE = (LotStatus.SOLD, LotStatus.SETTLED, LotStatus.RULED)
GROUND_ZH = {
    AnnulGround.MISDESCRIPTION: "拍卖财产的文字说明、视频、照片或瑕疵说明严重失实",
    AnnulGround.SYSTEM_FAILURE: "系统故障、病毒入侵、黑客攻击或数据错误致使拍卖结果错误",
    AnnulGround.COLLUSION: "竞买人之间或竞买人与平台恶意串通",
    AnnulGround.UNQUALIFIED_BUYER: "买受人不具备竞买资格",
    AnnulGround.BARRED_BUYER: "买受人属于依法不得竞买的人员",
    AnnulGround.UNLAWFUL_CONDITIONS: "违法限制竞买人参加竞买或规定不同的竞买条件",
    AnnulGround.OTHER: "其他严重违反网络司法拍卖程序且损害当事人或竞买人利益的情形",
}
GROUND_EN = {
    AnnulGround.MISDESCRIPTION: "the description, photos or defects were seriously untrue",
    AnnulGround.SYSTEM_FAILURE: "a system failure, attack or data error made the result wrong",
    AnnulGround.COLLUSION: "bidders, or bidders and the platform, colluded",
    AnnulGround.UNQUALIFIED_BUYER: "the buyer was not qualified to bid",
    AnnulGround.BARRED_BUYER: "the buyer is barred from bidding (art. 34)",
    AnnulGround.UNLAWFUL_CONDITIONS: "bidders were unlawfully kept out or held to unequal terms",
    AnnulGround.OTHER: "another serious breach of the auction procedure",
}


def parse_ground(value: str) -> AnnulGround:
    try:
        return AnnulGround(value)
    except ValueError:
        raise ValidationFailed(
            "the ground is one of art. 31's", fields={"ground": "invalid_choice"}
        ) from None


async def annul_sale(session: AsyncSession, user: User, lot_id: int, ground: AnnulGround, reason: str) -> Lot:
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("an annulment states its reason", fields={"reason": "required"})
    if lot.status not in ANNULLABLE:
        raise Conflict(f"a {lot.status.value} lot cannot be annulled", code="invalid_status")
    winner = await winner_of(session, lot)
    if lot.status is not LotStatus.SOLD:
        # The price was paid: no plan may distribute it any more, and it goes back.
        await plans.release_sale(session, lot.id)
        await postings.price_returned(session, lot_id=lot.id, why=f"lot {lot.id} annulled: {ground.value}")
    forfeit = ground.buyer_at_fault
    await move_deposit(
        session, winner, DepositStatus.FORFEITED if forfeit else DepositStatus.REFUNDED, case_id=case_id
    )
    lot.annul_ground = ground.value
    await transition(
        session, lot, LotStatus.ANNULLED, actor_user_id=user.id, reason=f"{ground.value}: {reason}"
    )
    await add_timeline(session, lot, TimelineKind.ANNULLED, ground.value)
    court, _, prop = await records_of(session, lot)
    await publish(
        session,
        annulment_notice(court, prop, winner.bidder_code, ground, reason, forfeit),
        court_id=court_id,
        case_id=case_id,
        lot_id=lot.id,
    )
    await session.flush()
    return lot


def annulment_notice(
    court: Court, prop: Property, bidder_code: str, ground: AnnulGround, reason: str, forfeit: bool
) -> Notice:
    deposit_zh = "买受人的保证金不予退还" if forfeit else "买受人已付款项及保证金予以退还"
    deposit_en = (
        "the buyer's deposit is forfeited"
        if forfeit
        else "what the buyer paid, deposit included, is refunded"
    )
    return Notice(
        AnnouncementKind.ANNULMENT,
        f"{prop.title}撤销拍卖公告",
        f"{prop.title}: the sale is annulled",
        f"因{GROUND_ZH[ground]}（《网络司法拍卖规定》第三十一条），{court.name}撤销对{prop.title}的网络司法拍卖"
        f"（买受人竞买号 {bidder_code}）。{deposit_zh}。原因：{reason}。该财产将依法另行处置。",
        f"{court.name} annuls the sale of {prop.title} (buyer {bidder_code}) because {GROUND_EN[ground]} "
        f"(art. 31 of the Provisions); {deposit_en}. Reason: {reason}. The property will be sold anew.",
    )
