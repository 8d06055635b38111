"""The texts of public notices, in Chinese and English, generated from the records.

Kept as plain functions of the records so that a notice can be regenerated and checked; the
stored announcement is what was published and is never edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from auction.disclosure.announcement_items import (
    HolderLine,
    NoticeLine,
    disclosure_lines_en,
    disclosure_lines_zh,
)
from auction.disclosure.required_items import from_stored
from auction.enums import AnnouncementKind, Category, SaleKind
from auction.models import Court, EnforcementCase, Lot, Property
from auction.rules import RuleProfile
from core.display import cst_minutes, yuan

CATEGORY_ZH = {
    Category.REAL_ESTATE: "不动产",
    Category.VEHICLE: "机动车",
    Category.EQUITY: "股权",
    Category.OTHER: "其他财产",
}
ROUND_ZH = {1: "第一次拍卖", 2: "第二次拍卖", 3: "变卖"}
ROUND_EN = {1: "first auction", 2: "second auction", 3: "fixed-price sale"}


@dataclass(frozen=True, slots=True)
class Notice:
    kind: AnnouncementKind
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


def cst(moment: dt.datetime) -> str:
    return f"{cst_minutes(moment)} (UTC+8)"


def _minutes(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 60} 分钟" if seconds % 60 == 0 else f"{seconds} 秒"


def auction_notice(
    court: Court,
    case: EnforcementCase,
    prop: Property,
    lot: Lot,
    profile: RuleProfile,
    holders: Sequence[HolderLine],
    notified: Sequence[NoticeLine] = (),
) -> Notice:
    """The auction announcement with every disclosure docs/rules.md asks for."""
    round_zh, round_en = ROUND_ZH[lot.round], ROUND_EN[lot.round]
    extension = _minutes(profile.extension)
    ext_en = f"{int(profile.extension.total_seconds())} seconds"
    disclosure = from_stored(lot.disclosure)
    disclosed_zh = disclosure_lines_zh(court, disclosure, holders, lot.purchase_restriction, notified)
    disclosed_en = disclosure_lines_en(court, disclosure, holders, lot.purchase_restriction, notified)
    fixed_zh = (
        "变卖期间首次有效出价后开始 24 小时竞价期，价格只升不降。"
        if lot.sale_kind is SaleKind.FIXED_PRICE
        else ""
    )
    body_zh = "\n".join(
        line
        for line in (
            f"{court.name}将于 {cst(lot.start_at)} 至 {cst(lot.end_at)}（延时的除外）在本平台对下列财产进行公开{round_zh}：",
            f"标的：{prop.title}（{CATEGORY_ZH[prop.category]}）。",
            f"案号：{case.case_number}。评估价：{yuan(prop.appraised_value)} 元。",
            f"起拍价：{yuan(lot.starting_price)} 元（无保留价）；加价幅度：{yuan(lot.increment)} 元；"
            f"保证金：{yuan(lot.deposit)} 元。",
            "竞买人须实名注册，在竞价结束前交纳保证金后方可出价；竞买人身份在竞价结束前不予公开，以竞买号代替。",
            "本案执行法院工作人员、平台运营人员、本标的评估及辅助机构人员及其近亲属、本标的前次拍卖的悔拍人不得竞买，"
            "委托他人代为竞买的亦同；不动产和机动车拍卖中，失信被执行人及被限制消费人员不得竞买。",
            f"出价：首次出价可等于起拍价，此后每次出价为当前价加加价幅度的整数倍；竞价结束前 {extension}内有出价的，"
            f"结束时间自该出价时起顺延 {extension}，不限次数。",
            *disclosed_zh,
            fixed_zh,
            f"竞价成功后保证金抵作价款，余款须于拍卖成交后 {lot.balance_deadline_days} 日内付清；悔拍的，保证金不予退还。"
            "未竞得者的保证金在竞价结束后即时解冻。",
            "本平台不收取任何佣金。竞价记录以哈希链公开，任何人均可核验。",
        )
        if line
    )
    body_en = "\n".join(
        (
            f"{court.name} will hold a public {round_en} of the property below on this platform from "
            f"{cst(lot.start_at)} to {cst(lot.end_at)} (unless extended).",
            f"Lot: {prop.title} ({prop.category.value.replace('_', ' ')}). Case {case.case_number}.",
            f"Appraised value CNY {yuan(prop.appraised_value)}. Starting price CNY {yuan(lot.starting_price)} "
            f"(no hidden reserve); increment CNY {yuan(lot.increment)}; deposit CNY {yuan(lot.deposit)}.",
            "Bidders register under their real name and bid once their deposit is frozen; identities stay hidden "
            "behind bidder codes until bidding ends.",
            "Staff of the handling court, the platform's operators, the lot's appraisers and helper agencies, "
            "their close relatives and a defaulting buyer of an earlier round may not bid, not even through an "
            "agent; on real estate and vehicles, persons on the dishonest or consumption-restriction list may not.",
            f"The first bid may equal the starting price; each later bid is the current price plus a whole multiple "
            f"of the increment. A bid in the last {ext_en} moves the end to {ext_en} after it, without limit.",
            *disclosed_en,
            f"The winner's deposit is applied to the price; the balance is due within {lot.balance_deadline_days} "
            "days. A defaulting winner forfeits the deposit. Other deposits are released at the close.",
            "No commission is charged. The bid log is published as a hash chain anyone can verify.",
        )
    )
    title_zh = f"{court.name}关于{prop.title}的{round_zh}公告"
    title_en = f"{court.name}: {round_en} of {prop.title}"
    return Notice(AnnouncementKind.AUCTION, title_zh, title_en, body_zh, body_en)


def priority_holder_notice(court: Court, prop: Property, lot: Lot, rank: int) -> Notice:
    return Notice(
        AnnouncementKind.PRIORITY_NOTICE,
        f"优先购买权人通知：{prop.title}",
        f"Notice to a priority purchase right holder: {prop.title}",
        f"{court.name}通知：您作为顺位 {rank} 的优先购买权人，可于 {cst(lot.start_at)} 起参与竞买，"
        "并可以与最高出价相同的价格优先竞买。",
        f"{court.name}: as holder of a priority purchase right of rank {rank} you may bid from {cst(lot.start_at)} "
        "and may match the highest bid.",
    )


STATUS_NOTICES = {
    AnnouncementKind.SUSPENSION: ("中止拍卖公告", "suspension of the auction", "中止", "suspended"),
    AnnouncementKind.RESUMPTION: ("恢复拍卖公告", "resumption of the auction", "恢复", "resumed"),
    AnnouncementKind.CANCELLATION: ("撤回拍卖公告", "withdrawal of the auction", "撤回", "withdrawn"),
    AnnouncementKind.DEFERRAL: ("暂缓拍卖公告", "deferral of the auction", "暂缓", "deferred"),
}


def status_notice(
    kind: AnnouncementKind, court: Court, prop: Property, reason: str, until: dt.datetime | None = None
) -> Notice:
    """A lot halted, resumed or withdrawn; a deferral says until when, at most (art. 28)."""
    title_zh, title_en, verb_zh, verb_en = STATUS_NOTICES[kind]
    because_zh = f"原因：{reason}" if reason else ""
    because_en = f" Reason: {reason}" if reason else ""
    if until is not None:
        because_zh += f"暂缓期限至 {cst(until)}，届时恢复拍卖或依法中止。"
        because_en += f" Deferred until {cst(until)} at the latest, then resumed or suspended by ruling."
    return Notice(
        kind,
        f"{prop.title}{title_zh}",
        f"{prop.title}: {title_en}",
        f"{court.name}决定{verb_zh}对{prop.title}的拍卖。{because_zh}",
        f"{court.name} has {verb_en} the auction of {prop.title}.{because_en}",
    )


def result_notice(
    court: Court, prop: Property, lot: Lot, winner_code: str | None, *, barred_code: str | None = None
) -> Notice:
    head = lot.bid_chain_head or ""
    if barred_code is not None:
        ended = cst(lot.closed_at or lot.end_at)
        return Notice(
            AnnouncementKind.RESULT,
            f"{prop.title}拍卖不成交公告",
            f"{prop.title}: no sale",
            f"{prop.title}于 {ended} 竞价结束。最高出价人（竞买号 {barred_code}）属于依法不得竞买的人员"
            f"（《网络司法拍卖规定》第三十四条），其出价无效，本次拍卖不成交。竞价记录哈希链头：{head}",
            f"The auction of {prop.title} ended at {ended}. The highest bidder ({barred_code}) is barred from "
            f"bidding by law (the Provisions, art. 34): the bid is void and there is no sale. "
            f"Head of the bid log's hash chain: {head}",
        )
    if winner_code is not None and lot.result_price is not None:
        return Notice(
            AnnouncementKind.RESULT,
            f"{prop.title}竞价结果公告",
            f"{prop.title}: result of the auction",
            f"{prop.title}于 {cst(lot.closed_at or lot.end_at)} 竞价结束，竞买号 {winner_code} 以 "
            f"{yuan(lot.result_price)} 元竞得。竞价记录哈希链头：{head}",
            f"The auction of {prop.title} ended at {cst(lot.closed_at or lot.end_at)}: bidder {winner_code} won at "
            f"CNY {yuan(lot.result_price)}. Head of the bid log's hash chain: {head}",
        )
    return Notice(
        AnnouncementKind.RESULT,
        f"{prop.title}流拍公告",
        f"{prop.title}: no bid (failed auction)",
        f"{prop.title}于 {cst(lot.closed_at or lot.end_at)} 竞价结束，无人出价，本次拍卖流拍。",
        f"The auction of {prop.title} ended at {cst(lot.closed_at or lot.end_at)} without a bid.",
    )


def default_notice(court: Court, prop: Property, bidder_code: str) -> Notice:
    return Notice(
        AnnouncementKind.RESULT,
        f"{prop.title}悔拍公告",
        f"{prop.title}: the buyer defaulted",
        f"{prop.title}的买受人（竞买号 {bidder_code}）未在期限内支付余款，{court.name}认定其悔拍，保证金不予退还，"
        "该买受人不得参加本标的的再次拍卖。",
        f"The buyer of {prop.title} (bidder {bidder_code}) did not pay the balance in time: {court.name} declares a "
        "default; the deposit is forfeited and the defaulter may not bid when the lot is offered again.",
    )
