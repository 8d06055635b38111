"""The lines of an auction announcement that carry the lawful disclosures (the Provisions arts.
13–15), in Chinese and English, built from the lot's structured disclosure: what the court
entered is quoted as given, the platform's own words around it are translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auction.disclosure.required_items import Contact, Disclosure, ReferenceMethod, ReferencePrice
from auction.enums import PriorityRight
from auction.models import Court

# The national litigation service hotline, where the court gave no supervision line of its own.
NATIONAL_HOTLINE = "12368"


RIGHT_ZH = {
    PriorityRight.CO_OWNER: "共有人优先购买权",
    PriorityRight.TENANT: "承租人优先购买权",
    PriorityRight.SHAREHOLDER: "股东优先购买权",
    PriorityRight.OTHER: "其他法定优先购买权",
}
RIGHT_EN = {
    PriorityRight.CO_OWNER: "co-owner's priority right",
    PriorityRight.TENANT: "tenant's priority right",
    PriorityRight.SHAREHOLDER: "shareholder's priority right",
    PriorityRight.OTHER: "other statutory priority right",
}
METHOD_ZH = {
    ReferenceMethod.AGREEMENT: "当事人议价",
    ReferenceMethod.TARGETED_INQUIRY: "定向询价",
    ReferenceMethod.ONLINE_INQUIRY: "网络询价",
    ReferenceMethod.APPRAISAL: "委托评估",
}
METHOD_EN = {
    ReferenceMethod.AGREEMENT: "agreement of the parties",
    ReferenceMethod.TARGETED_INQUIRY: "targeted inquiry",
    ReferenceMethod.ONLINE_INQUIRY: "online inquiry",
    ReferenceMethod.APPRAISAL: "appraisal",
}


@dataclass(frozen=True, slots=True)
class HolderLine:
    """A confirmed priority holder as the announcement names them."""

    name: str
    rank: int
    right: PriorityRight


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A party or holder as the announcement reports their notice (art. 14 (7))."""

    name: str
    reached: bool  # False: the court recorded that they could not be reached


def _notified_zh(notified: Sequence[NoticeLine]) -> str:
    reached = "、".join(n.name for n in notified if n.reached) or "—"
    unreached = "、".join(n.name for n in notified if not n.reached)
    return f"通知情况：已通知 {reached}" + (f"；无法通知 {unreached}，特此公告。" if unreached else "。")


def _notified_en(notified: Sequence[NoticeLine]) -> str:
    reached = ", ".join(n.name for n in notified if n.reached) or "—"
    unreached = ", ".join(n.name for n in notified if not n.reached)
    return f"Notified: {reached}" + (
        f"; could not be reached: {unreached}, notified hereby." if unreached else "."
    )


def _given(text: str | None) -> str:
    return (text or "").strip() or "—"


def _reference_zh(price: ReferencePrice) -> str:
    method = METHOD_ZH[price.method] if price.method else "—"
    until = price.valid_until.isoformat() if price.valid_until else "—"
    report = "，报告见本标的文件" if price.document_id else ""
    return f"参考价确定方式：{method}，有效期至 {until}{report}。"


def _reference_en(price: ReferencePrice) -> str:
    method = METHOD_EN[price.method] if price.method else "—"
    until = price.valid_until.isoformat() if price.valid_until else "—"
    report = "; the report is among the lot's documents" if price.document_id else ""
    return f"Reference price set by {method}, valid until {until}{report}."


def _holders_zh(holders: Sequence[HolderLine]) -> str:
    if not holders:
        return "本标的暂无经法院确认的优先购买权人。"
    named = "；".join(f"{h.name}（{RIGHT_ZH[h.right]}，顺位 {h.rank}）" for h in holders)
    return f"经法院确认的优先购买权人：{named}。其可以与最高出价相同的价格优先竞买。"


def _holders_en(holders: Sequence[HolderLine]) -> str:
    if not holders:
        return "No priority purchase right holder has been confirmed for this lot."
    named = "; ".join(f"{h.name} ({RIGHT_EN[h.right]}, rank {h.rank})" for h in holders)
    return f"Priority purchase right holders confirmed by the court: {named}. They may match the highest bid."


def disclosure_lines_zh(
    court: Court,
    disclosure: Disclosure,
    holders: Sequence[HolderLine],
    purchase_restriction: str | None,
    notified: Sequence[NoticeLine] = (),
) -> list[str]:
    contact = disclosure.contact or Contact()
    lines = [
        f"执行依据：{_given(disclosure.instrument)}。",
        _reference_zh(disclosure.reference_price or ReferencePrice()),
    ]
    if disclosure.ownership:
        lines.append(f"权属情况：{disclosure.ownership.strip()}")
    lines += [
        f"权利负担（抵押、查封等）：{_given(disclosure.encumbrances)}",
        f"占有使用及租赁情况：{_given(disclosure.occupancy)}",
        f"税费及承担方式：{_given(disclosure.taxes)}",
        f"已知瑕疵：{_given(disclosure.defects)}。标的以实物现状为准，竞买人可以申请实地看样。",
        _holders_zh(holders),
        *([_notified_zh(notified)] if notified else []),
    ]
    if purchase_restriction:
        lines.append(
            f"本标的适用住房限购政策：{purchase_restriction}。竞买人报名时须承诺具备购房资格；"
            "成交后法院审核资格，不符合的按悔拍处理。"
        )
    lines += [
        "保证金通过本平台交纳并冻结于法院账户；余款按成交确认书所载方式支付至法院执行款账户。",
        f"联系人：{_given(contact.name)}，电话：{_given(contact.phone)}；"
        f"监督电话：{court.supervision_phone or NATIONAL_HOTLINE}。",
        "特别提示：竞买人应当具备完全民事行为能力，法律对买受人资格有特殊规定的，应当具备相应资格；"
        "委托他人代为竞买的，应当在竞价程序开始前经法院确认；法院工作人员、评估及辅助机构人员及其近亲属不得竞买。",
    ]
    return lines


def disclosure_lines_en(
    court: Court,
    disclosure: Disclosure,
    holders: Sequence[HolderLine],
    purchase_restriction: str | None,
    notified: Sequence[NoticeLine] = (),
) -> list[str]:
    contact = disclosure.contact or Contact()
    lines = [
        f"Enforcement instrument: {_given(disclosure.instrument)}.",
        _reference_en(disclosure.reference_price or ReferencePrice()),
    ]
    if disclosure.ownership:
        lines.append(f"Ownership: {disclosure.ownership.strip()}")
    lines += [
        f"Encumbrances (mortgages, seizures): {_given(disclosure.encumbrances)}",
        f"Occupancy and leases: {_given(disclosure.occupancy)}",
        f"Taxes and who bears them: {_given(disclosure.taxes)}",
        f"Known defects: {_given(disclosure.defects)}. "
        "The property is sold as it is; bidders may ask to view it.",
        _holders_en(holders),
        *([_notified_en(notified)] if notified else []),
    ]
    if purchase_restriction:
        lines.append(
            f"A housing purchase limit applies to this lot: {purchase_restriction}. "
            "Registering bidders undertake that they qualify; after the sale the court checks it, "
            "and a buyer who does not qualify is in default."
        )
    lines += [
        "The deposit is paid through the platform and frozen in the court's account; "
        "the balance is paid to the court's enforcement account as the confirmation states.",
        f"Contact: {_given(contact.name)}, phone {_given(contact.phone)}; "
        f"supervision line: {court.supervision_phone or NATIONAL_HOTLINE}.",
        "Please note: bidders must have full civil capacity and meet any qualification the law sets "
        "for buyers; bidding through an agent needs the court's confirmation before bidding starts; "
        "court staff, appraisers, helper agencies and their close relatives may not bid.",
    ]
    return lines
