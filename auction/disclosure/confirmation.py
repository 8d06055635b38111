"""The confirmation of a successful bid (竞价成功确认书), published at the close of a sold lot:
as a notice, as a printable page and as a PDF.

The buyer's real name appears here, and only here, once bidding has ended: before that the
buyer was a bidder code to everyone, the court included.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.disclosure.pdf import text_pdf
from auction.disclosure.texts import Notice, cst
from auction.enums import SOLD_OUTCOMES, AnnouncementKind, LotStatus
from auction.errors import NotFound
from auction.lots.set_off import cash_due, set_off_of
from auction.models import AgentAuthorisation, Court, EnforcementCase, Lot, Property, Registration, User
from core.display import yuan

# An annulled sale keeps its confirmation: nothing published is deleted (art. 29).
CONFIRMED_STATUSES = (*SOLD_OUTCOMES, LotStatus.ANNULLED)


@dataclass(frozen=True, slots=True)
class Confirmation:
    lot_id: int
    court: str
    case_number: str
    title: str
    round: int
    buyer_name: str
    bidder_code: str
    price: int
    deposit: int
    balance: int
    closed_at: str
    balance_due: str
    chain_head: str
    set_off: int = 0  # of the price, covered by the buyer's own claim (art. 17)
    agent_name: str | None = None  # the court-confirmed agent who bid for the buyer (art. 14 (2))


def sale_records() -> sa.Select[Lot, Property, EnforcementCase, Court, Registration, User]:
    """A sold lot with its property, case, court, the buyer's registration and account: what
    the sale's documents (this confirmation, the ruling) are made of."""
    return (
        sa.select(Lot, Property, EnforcementCase, Court, Registration, User)
        .join(Property, Property.id == Lot.property_id)
        .join(EnforcementCase, EnforcementCase.id == Property.case_id)
        .join(Court, Court.id == EnforcementCase.court_id)
        .join(Registration, Registration.id == Lot.winner_registration_id)
        .join(User, User.id == Registration.user_id)
    )


async def confirmation(session: AsyncSession, lot_id: int) -> Confirmation:
    query = sale_records().where(Lot.id == lot_id, Lot.status.in_(CONFIRMED_STATUSES))
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("no confirmation: the lot is unknown or was not sold")
    lot, prop, case, court, registration, user = row
    set_off = await set_off_of(session, lot, registration)
    assert lot.result_price is not None and lot.closed_at is not None and lot.balance_due_at is not None
    return Confirmation(
        lot_id=lot.id,
        court=court.name,
        case_number=case.case_number,
        title=prop.title,
        round=lot.round,
        buyer_name=user.real_name,
        bidder_code=registration.bidder_code,
        price=lot.result_price,
        # A creditor's deposit covered by their claim paid nothing in: nothing is applied, and
        # what the claim's share covers of the price is set off (auction.lots.set_off).
        deposit=0 if registration.deposit_claim_id else registration.deposit_amount,
        set_off=set_off,
        balance=cash_due(lot, registration, set_off),
        closed_at=cst(lot.closed_at),
        balance_due=cst(lot.balance_due_at),
        chain_head=lot.bid_chain_head or "",
        agent_name=await session.scalar(
            sa.select(User.real_name)
            .join(AgentAuthorisation, AgentAuthorisation.agent_user_id == User.id)
            .where(
                AgentAuthorisation.registration_id == registration.id,
                AgentAuthorisation.status == "confirmed",
            )
            .limit(1)
        ),
    )


def _agent_zh(c: Confirmation) -> str:
    return f"委托代理人 {c.agent_name} " if c.agent_name else ""


def _agent_en(c: Confirmation) -> str:
    return f", through the agent {c.agent_name}" if c.agent_name else ""


def _set_off_zh(c: Confirmation) -> str:
    return f"以其债权抵扣 {yuan(c.set_off)} 元，" if c.set_off else ""


def _set_off_en(c: Confirmation) -> str:
    return f" CNY {yuan(c.set_off)} is set off against the buyer's claim;" if c.set_off else ""


def confirmation_notice(c: Confirmation) -> Notice:
    return Notice(
        AnnouncementKind.CONFIRMATION,
        f"网络竞价成功确认书：{c.title}",
        f"Confirmation of the successful bid: {c.title}",
        f"{c.court}：用户 {c.buyer_name}（竞买号 {c.bidder_code}）{_agent_zh(c)}于 {c.closed_at} 在{c.case_number}案的网络司法拍卖中"
        f"以最高价 {yuan(c.price)} 元竞得 {c.title}。保证金 {yuan(c.deposit)} 元抵作价款，{_set_off_zh(c)}余款 {yuan(c.balance)} 元"
        f"须于 {c.balance_due} 前付清。竞价记录哈希链头：{c.chain_head}",
        f"{c.court}: {c.buyer_name} (bidder {c.bidder_code}{_agent_en(c)}) won {c.title} in case {c.case_number} at "
        f"CNY {yuan(c.price)} on {c.closed_at}. The deposit of CNY {yuan(c.deposit)} is applied to the price;{_set_off_en(c)} the "
        f"balance of CNY {yuan(c.balance)} is due by {c.balance_due}. Head of the bid log's hash chain: {c.chain_head}",
    )


def confirmation_pdf(c: Confirmation) -> bytes:
    return text_pdf(
        f"竞价成功确认书 {c.lot_id}",
        "网络竞价成功确认书",
        [
            f"法院 Court：{c.court}",
            f"案号 Case：{c.case_number}",
            f"标的 Lot：{c.title}（第 {c.round} 轮）",
            f"买受人 Buyer：{c.buyer_name}",
            *([f"委托代理人 Agent：{c.agent_name}"] if c.agent_name else []),
            f"竞买号 Bidder code：{c.bidder_code}",
            f"成交价 Price：{yuan(c.price)} 元",
            f"保证金抵作价款 Deposit applied：{yuan(c.deposit)} 元",
            *([f"以债权抵扣 Set off against the buyer's claim：{yuan(c.set_off)} 元"] if c.set_off else []),
            f"应付余款 Balance due：{yuan(c.balance)} 元，付款期限 {c.balance_due}",
            f"竞价结束 Bidding ended：{c.closed_at}",
            "竞价记录哈希链头 Head of the bid log's hash chain：",
            c.chain_head,
        ],
    )
