"""The documents of a sale after the price is paid: the sale ruling (成交裁定, the Provisions art.
22; the 2020 auction rules art. 20) and the notice to the registry to assist (协助执行通知书),
generated from the records as text, a page and a PDF, and the ruling's public notice.

The ruling is in Chinese, as a court's ruling is; the page around it and the notice carry the
English too. It names the chain head of the bid log, so anyone can check that the ruling rests
on the record the platform published (GET /lots/{id}/bids/verify).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.disclosure.confirmation import sale_records
from auction.disclosure.pdf import text_pdf
from auction.disclosure.texts import ROUND_ZH, Notice, cst
from auction.enums import AnnouncementKind, Category
from auction.errors import NotFound
from auction.models import Claim, Court, EnforcementCase, Lot, Property
from core.display import yuan

REGISTRY_ZH = {
    Category.REAL_ESTATE: "不动产登记机构",
    Category.VEHICLE: "公安机关交通管理部门车辆管理所",
    Category.EQUITY: "市场监督管理部门",
    Category.OTHER: "有关财产登记机构",
}


@dataclass(frozen=True, slots=True)
class Ruling:
    lot_id: int
    court_id: int
    court: str
    case_number: str
    debtor: str
    title: str
    category: Category
    round: int
    buyer: str
    bidder_code: str
    price: int
    closed_at: str
    ruled_at: str
    served_at: str
    delivered_at: str | None
    chain_head: str
    taken: bool = False  # nobody bid: a creditor took the property at the reserve (以物抵债)

    @property
    def number(self) -> str:
        return f"{self.case_number}之一"  # the first ruling under the case's number

    @property
    def registry(self) -> str:
        return REGISTRY_ZH[self.category]


async def _taker(
    session: AsyncSession, lot_id: int
) -> tuple[Lot, Property, EnforcementCase, Court, str, str]:
    """Who the ruling gives the property to: the buyer (name, bidder code), or the creditor
    who took it when nobody bid (the claim's creditor, no code)."""
    taking = (
        await session.execute(
            sa.select(Lot, Property, EnforcementCase, Court, Claim.creditor_name)
            .join(Property, Property.id == Lot.property_id)
            .join(EnforcementCase, EnforcementCase.id == Property.case_id)
            .join(Court, Court.id == EnforcementCase.court_id)
            .join(Claim, Claim.id == Lot.taken_by_claim_id)
            .where(Lot.id == lot_id, Lot.ruled_at.is_not(None))
        )
    ).first()
    if taking is not None:
        return (*taking[:4], taking[4], "")
    row = (await session.execute(sale_records().where(Lot.id == lot_id, Lot.ruled_at.is_not(None)))).first()
    if row is None:
        raise NotFound("no ruling: the lot is unknown or its sale was not ruled on")
    lot, prop, case, court, registration, user = row
    return lot, prop, case, court, user.real_name, registration.bidder_code


async def ruling_of(session: AsyncSession, lot_id: int) -> Ruling:
    lot, prop, case, court, buyer, code = await _taker(session, lot_id)
    assert lot.result_price is not None and lot.ruled_at is not None and lot.closed_at is not None
    return Ruling(
        lot_id=lot.id,
        court_id=court.id,
        court=court.name,
        case_number=case.case_number,
        debtor=case.debtor_name,
        title=prop.title,
        category=prop.category,
        round=lot.round,
        buyer=buyer,
        bidder_code=code,
        price=lot.result_price,
        closed_at=cst(lot.closed_at),
        ruled_at=cst(lot.ruled_at),
        served_at=cst(lot.ruling_served_at or lot.ruled_at),
        delivered_at=cst(lot.delivered_at) if lot.delivered_at else None,
        chain_head=lot.bid_chain_head or "",
        taken=lot.taken_by_claim_id is not None,
    )


def ruling_lines(r: Ruling) -> list[str]:
    """The ruling's text, paragraph by paragraph."""
    if r.taken:
        return _taking_lines(r)
    return [
        f"（{r.number}）",
        f"本院在执行{r.case_number}案中，依法对被执行人{r.debtor}的{r.title}进行网络司法拍卖（{ROUND_ZH[r.round]}）。"
        f"竞价于 {r.closed_at} 结束，买受人{r.buyer}（竞买号 {r.bidder_code}）"
        f"以最高价 {yuan(r.price)} 元竞得，并已付清全部价款。",
        "依照《最高人民法院关于人民法院网络司法拍卖若干问题的规定》第二十二条、《最高人民法院关于人民法院"
        "民事执行中拍卖、变卖财产的规定》第二十条之规定，裁定如下：",
        f"一、{r.title}的所有权（或者其他财产权）归买受人{r.buyer}所有，自本裁定送达买受人时起转移；",
        "二、买受人可持本裁定书到登记机构办理相关产权过户登记手续。",
        "本裁定送达后即发生法律效力。",
        f"竞价记录哈希链头：{r.chain_head}",
        f"{r.court}",
        f"{r.ruled_at}",
    ]


def _taking_lines(r: Ruling) -> list[str]:
    """以物抵债: nobody bid; the creditor takes the property at the reserve against its claim."""
    return [
        f"（{r.number}）",
        f"本院在执行{r.case_number}案中，依法对被执行人{r.debtor}的{r.title}进行网络司法拍卖（{ROUND_ZH[r.round]}），"
        f"竞价于 {r.closed_at} 结束，无人出价而流拍。申请执行人{r.buyer}申请以该次拍卖的保留价 "
        f"{yuan(r.price)} 元接受该财产以抵偿债务。",
        "依照《最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定》第十六条之规定，裁定如下：",
        f"一、{r.title}作价 {yuan(r.price)} 元交付申请执行人{r.buyer}抵偿债务，所有权自本裁定送达时起转移；",
        f"二、申请执行人{r.buyer}应受清偿的债权额低于该价额的，差额已向本院交清。",
        "本裁定送达后即发生法律效力。",
        f"竞价记录哈希链头：{r.chain_head}",
        f"{r.court}",
        f"{r.ruled_at}",
    ]


def assistance_lines(r: Ruling) -> list[str]:
    """The notice to the registry to assist (协助执行通知书), issued with the hand-over."""
    return [
        f"（{r.number}）",
        f"{r.registry}：",
        f"本院在执行{r.case_number}案中，于 {r.ruled_at} 作出执行裁定，将被执行人{r.debtor}的{r.title}"
        f"以 {yuan(r.price)} 元拍卖给买受人{r.buyer}，该裁定已于 {r.served_at} 送达买受人并发生法律效力。",
        f"请协助将{r.title}的权属变更登记至买受人{r.buyer}名下，并解除本院对该财产的查封。",
        f"{r.court}",
    ]


def ruling_pdf(r: Ruling) -> bytes:
    return text_pdf(f"执行裁定书 {r.number}", f"{r.court} 执行裁定书", ruling_lines(r))


def assistance_pdf(r: Ruling) -> bytes:
    return text_pdf(f"协助执行通知书 {r.number}", f"{r.court} 协助执行通知书", assistance_lines(r))


def ruling_notice(r: Ruling, document_url: str) -> Notice:
    return Notice(
        AnnouncementKind.RULING,
        f"{r.title}拍卖成交裁定",
        f"{r.title}: the sale ruling",
        f"{r.court}已就{r.title}的拍卖作出成交裁定（{r.number}）："
        f"该财产归买受人{r.buyer}（竞买号 {r.bidder_code}）所有，成交价 {yuan(r.price)} 元；"
        f"裁定已于 {r.served_at} 送达买受人，所有权自送达时起转移。裁定书：{document_url}",
        f"{r.court} has ruled on the sale of {r.title} ({r.number}): the property is the buyer's, "
        f"{r.buyer} (bidder {r.bidder_code}), at CNY {yuan(r.price)}; the ruling was served on the buyer "
        f"at {r.served_at} and ownership passed then. The ruling: {document_url}",
    )
