"""After the hammer through the API (RULES.md "After the hammer", PROTOCOL.md "Lawful sale"):
sold → paid → ruled → handed over; sold → annulled → relisted; the purchase-limit check before
the ruling, a failed one a default; deferral, distinct from suspension. The ledger check passes
after each."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.models import Announcement, Lot, TimelineEvent
from settlement import chart, ledger
from tests.integration.test_workflows import (
    Actor,
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    new_lot,
    registered,
)


async def sold_lot(
    api: httpx.AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    scheduler: LotScheduler,
    *,
    category: str = "vehicle",
) -> tuple[Actor, Actor, int, int, int]:
    """A lot sold at 710,000 fen to a bidder who paid a 70,000 deposit: (staff, buyer, case,
    property, lot)."""
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    case_id, property_id, lot = await listed_lot(api, staff, category=category)
    await registered(api, buyer, lot)
    await go_live(scheduler, lot)
    assert (await bid(api, buyer, lot, 710_000)).status_code == 201
    await end_now(scheduler, lot)
    return staff, buyer, case_id, property_id, lot


async def _post(api: httpx.AsyncClient, who: Actor, path: str, body: dict | None = None) -> httpx.Response:
    return await api.post(f"/api/v1{path}", headers=who.headers, json=body)


async def _ledger_ok(committed: async_sessionmaker[AsyncSession]) -> None:
    async with committed() as session:
        assert (await ledger.check(session)).ok


async def _kinds(committed: async_sessionmaker[AsyncSession], lot: int) -> list[str]:
    async with committed() as session:
        rows = await session.scalars(
            sa.select(Announcement.kind).where(Announcement.lot_id == lot).order_by(Announcement.id)
        )
        return [kind.value for kind in rows]


async def test_sold_paid_ruled_handed_over(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, buyer, case_id, _, lot = await sold_lot(api, committed, scheduler)
    early = await _post(api, staff, f"/lots/{lot}/ruling")
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_status"
    assert (await _post(api, staff, f"/lots/{lot}/handover")).status_code == 409
    assert (await _post(api, staff, f"/lots/{lot}/balance-paid")).json()["status"] == "settled"
    ruled = await _post(api, staff, f"/lots/{lot}/ruling")
    assert ruled.status_code == 200, ruled.text
    assert ruled.json()["status"] == "ruled" and ruled.json()["document_url"] == f"/lots/{lot}/ruling"
    # The ruling is public: the case, the property, the buyer, the price and the chain head.
    page = await api.get(f"/lots/{lot}/ruling")
    head = (await api.get(f"/api/v1/lots/{lot}/bids/verify")).json()["head"]
    assert page.status_code == 200 and "7,100.00" in page.text and head in page.text
    assert "执行裁定书" in page.text and "所有权" in page.text
    pdf = await api.get(f"/lots/{lot}/ruling.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    detail = (await api.get(f"/api/v1/lots/{lot}")).json()
    assert detail["status"] == "ruled" and detail["ruled_at"] and detail["ruling_url"]
    assert (await _post(api, staff, f"/lots/{lot}/ruling")).status_code == 409  # once

    delivered = await _post(api, staff, f"/lots/{lot}/handover")
    assert delivered.json()["status"] == "delivered"
    # The notice to the registry goes to the registry: the court sees it, the public does not.
    assert (await api.get(f"/lots/{lot}/assistance-notice", headers=staff.headers)).status_code == 200
    assert (await api.get(f"/lots/{lot}/assistance-notice.pdf", headers=staff.headers)).content[:4] == b"%PDF"
    assert (await api.get(f"/lots/{lot}/assistance-notice", headers=buyer.headers)).status_code == 403
    assert (await api.get(f"/api/v1/lots/{lot}")).json()["delivered_at"]
    async with committed() as session:
        nodes = [
            kind.value
            for kind in await session.scalars(
                sa.select(TimelineEvent.kind).where(TimelineEvent.lot_id == lot).order_by(TimelineEvent.id)
            )
        ]
    assert nodes[-3:] == ["paid", "ruled", "delivered"]
    assert "ruling" in await _kinds(committed, lot)
    # The proceeds of a ruled sale are the case's to distribute, as a settled one's are.
    plan = await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    assert plan.status_code == 201 and plan.json()["proceeds"] == 710_000
    await _ledger_ok(committed)


async def test_sold_paid_annulled_relisted_and_every_movement_reversed(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, buyer, case_id, property_id, lot = await sold_lot(api, committed, scheduler)
    await _post(api, staff, f"/lots/{lot}/balance-paid")
    async with committed() as session:
        bank_before = await ledger.balance(session, chart.bank())
    bad = await _post(api, staff, f"/lots/{lot}/annul", {"ground": "weather", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"] == {"ground": "invalid_choice"}
    blank = await _post(api, staff, f"/lots/{lot}/annul", {"ground": "misdescription", "reason": " "})
    assert blank.status_code == 422 and blank.json()["error"]["fields"] == {"reason": "required"}
    annulled = await _post(
        api, staff, f"/lots/{lot}/annul", {"ground": "misdescription", "reason": "面积严重失实"}
    )
    assert annulled.status_code == 200, annulled.text
    assert annulled.json()["status"] == "annulled"
    # Misdescription is not the buyer's doing: the price and the deposit go back.
    mine = (await api.get("/api/v1/me/registrations", headers=buyer.headers)).json()
    assert mine[0]["deposit"]["status"] == "refunded"
    async with committed() as session:
        assert await ledger.balance(session, chart.case_escrow(case_id)) == 0
        assert bank_before - await ledger.balance(session, chart.bank()) == 710_000
        assert (await ledger.check(session)).ok
    assert "annulment" in await _kinds(committed, lot)
    detail = (await api.get(f"/api/v1/lots/{lot}")).json()
    assert detail["status"] == "annulled" and detail["annul_ground"] == "misdescription"
    # Nothing to distribute, and the property can be listed again; the buyer may bid on it.
    empty = await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    assert empty.json()["error"]["code"] == "no_proceeds"
    again = await new_lot(api, staff, property_id, 1, 700_000)
    await registered(api, buyer, again)
    assert (
        await _post(api, staff, f"/lots/{lot}/annul", {"ground": "other", "reason": "x"})
    ).status_code == 409


async def test_an_annulment_the_buyer_caused_forfeits_the_deposit_and_bars_the_identity(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, buyer, case_id, property_id, lot = await sold_lot(api, committed, scheduler)
    done = await _post(api, staff, f"/lots/{lot}/annul", {"ground": "collusion", "reason": "串通"})
    assert done.json()["status"] == "annulled"
    mine = (await api.get("/api/v1/me/registrations", headers=buyer.headers)).json()
    assert mine[0]["deposit"]["status"] == "forfeited"
    async with committed() as session:
        assert await ledger.balance(session, chart.case_forfeits(case_id)) == -70_000
        assert (await ledger.check(session)).ok
    again = await new_lot(api, staff, property_id, 1, 700_000)
    refused = await api.post(f"/api/v1/lots/{again}/registrations", headers=buyer.headers)
    assert refused.status_code == 403 and refused.json()["error"]["fields"]["reason"] == "defaulted_buyer"


async def test_a_plan_served_on_the_sale_stops_its_annulment(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, _, case_id, _, lot = await sold_lot(api, committed, scheduler)
    await _post(api, staff, f"/lots/{lot}/balance-paid")
    plan = (
        await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    ).json()
    await _post(api, staff, f"/allocation-plans/{plan['id']}/publish")
    refused = await _post(api, staff, f"/lots/{lot}/annul", {"ground": "system_failure", "reason": "x"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "plan_in_progress"
    assert (await api.get(f"/api/v1/lots/{lot}")).json()["status"] == "settled"
    await _ledger_ok(committed)


async def test_the_purchase_limit_check_comes_before_the_ruling_and_a_failed_one_is_a_default(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    other = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff, category="real_estate")
    async with committed.begin() as session:
        await session.execute(sa.update(Lot).where(Lot.id == lot).values(purchase_restriction="杭州市限购"))
    for who in (buyer, other):
        made = await api.post(
            f"/api/v1/lots/{lot}/registrations", headers=who.headers, json={"undertaking": True}
        )
        assert made.status_code == 201, made.text
        await api.post(
            f"/api/v1/payments/{made.json()['deposit']['payment_id']}/simulate-paid", headers=who.headers
        )
    await go_live(scheduler, lot)
    assert (await bid(api, buyer, lot, 710_000)).status_code == 201
    await end_now(scheduler, lot)
    await _post(api, staff, f"/lots/{lot}/balance-paid")
    pending = await _post(api, staff, f"/lots/{lot}/ruling")
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "qualification_pending"
    no_note = await _post(api, staff, f"/lots/{lot}/qualification", {"qualified": False, "note": ""})
    assert no_note.status_code == 422 and no_note.json()["error"]["fields"] == {"note": "required"}
    failed = await _post(
        api, staff, f"/lots/{lot}/qualification", {"qualified": False, "note": "名下已有两套住房"}
    )
    assert failed.status_code == 200 and failed.json()["status"] == "defaulted"
    mine = (await api.get("/api/v1/me/registrations", headers=buyer.headers)).json()
    assert mine[0]["deposit"]["status"] == "forfeited"
    async with committed() as session:
        # The balance went back; the deposit stays with the case as a forfeit.
        assert await ledger.balance(session, chart.case_escrow(case_id)) == 0
        assert await ledger.balance(session, chart.case_forfeits(case_id)) == -70_000
        assert (await ledger.check(session)).ok
    # A lot without a limit has no check to record.
    staff2, _, _, _, plain = await sold_lot(api, committed, scheduler)
    none = await _post(api, staff2, f"/lots/{plain}/qualification", {"qualified": True, "note": "x"})
    assert none.status_code == 409 and none.json()["error"]["code"] == "not_restricted"


async def test_a_qualified_buyer_is_ruled_on(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, _, _, _, lot = await sold_lot(api, committed, scheduler, category="real_estate")
    async with committed.begin() as session:
        await session.execute(sa.update(Lot).where(Lot.id == lot).values(purchase_restriction="限购"))
    ok = await _post(
        api, staff, f"/lots/{lot}/qualification", {"qualified": True, "note": "购房资格核验通过"}
    )
    assert ok.json() == {"id": lot, "status": "sold", "qualified": True}
    twice = await _post(api, staff, f"/lots/{lot}/qualification", {"qualified": False, "note": "again"})
    assert twice.status_code == 409
    await _post(api, staff, f"/lots/{lot}/balance-paid")
    assert (await _post(api, staff, f"/lots/{lot}/ruling")).json()["status"] == "ruled"


async def test_a_deferral_is_not_a_suspension(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    _, _, lot = await listed_lot(api, staff)
    await registered(api, bidder, lot)
    await go_live(scheduler, lot)
    no_reason = await _post(api, staff, f"/lots/{lot}/defer", {})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["fields"] == {"reason": "required"}
    deferred = await _post(api, staff, f"/lots/{lot}/defer", {"reason": "当事人申请暂缓"})
    assert deferred.status_code == 200, deferred.text
    assert deferred.json()["status"] == "deferred"
    resume_by = dt.datetime.fromisoformat(deferred.json()["resume_by"])
    left = resume_by - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=4, hours=23) < left <= dt.timedelta(days=5)
    assert (await bid(api, bidder, lot, 700_000)).json()["code"] == "not_live"
    assert (await _post(api, staff, f"/lots/{lot}/defer", {"reason": "again"})).status_code == 409
    # The clock leaves a deferred lot alone (the engine holds it halted), and the court sees the limit.
    await scheduler.tick()
    assert (await api.get(f"/api/v1/lots/{lot}")).json()["status"] == "deferred"
    page = await api.get("/court", headers=staff.headers)
    assert page.status_code == 200 and "deadline-deferral" in page.text
    # Converted into a suspension by ruling, then resumed: the time left kept throughout.
    converted = await _post(api, staff, f"/lots/{lot}/suspend", {"reason": "裁定中止"})
    assert converted.json()["status"] == "suspended" and "resume_by" not in converted.json()
    assert (await _post(api, staff, f"/lots/{lot}/resume", {})).json()["status"] == "live"
    assert (await bid(api, bidder, lot, 700_000)).status_code == 201
    assert await _kinds(committed, lot) == ["auction", "deferral", "suspension", "resumption"]


async def test_a_deferred_lot_resumes_with_its_time(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    _, _, lot = await listed_lot(api, staff)
    await registered(api, bidder, lot)
    await go_live(scheduler, lot)
    before = (await api.get(f"/api/v1/lots/{lot}")).json()["end_ms"]
    await _post(api, staff, f"/lots/{lot}/defer", {"reason": "暂缓"})
    resumed = await _post(api, staff, f"/lots/{lot}/resume", {})
    assert resumed.json()["status"] == "live"
    after = (await api.get(f"/api/v1/lots/{lot}")).json()["end_ms"]
    assert after >= before  # the remaining time runs again from the resumption
    async with committed() as session:
        row = await session.get(Lot, lot)
        assert row is not None and row.deferred_until is None


async def test_a_default_is_re_auctioned_at_the_courts_terms_and_the_forfeit_applied_in_order(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, buyer, case_id, _, lot = await sold_lot(api, committed, scheduler)  # 710,000, deposit 70,000
    assert (await _post(api, staff, f"/lots/{lot}/default")).json()["status"] == "defaulted"
    below = await _post(api, staff, f"/lots/{lot}/next-round", {"starting_price": 699_999})
    assert below.status_code == 422 and below.json()["error"]["fields"] == {
        "starting_price": "below_appraisal_floor"
    }
    # The same round again, at the court's price: no automatic cut after a default.
    again = await _post(api, staff, f"/lots/{lot}/next-round", {"starting_price": 700_000})
    assert again.status_code == 201, again.text
    assert (again.json()["round"], again.json()["starting_price"]) == (1, 700_000)
    reauction = again.json()["id"]
    assert (await _post(api, staff, f"/lots/{reauction}/publish")).status_code == 200
    refused = await api.post(f"/api/v1/lots/{reauction}/registrations", headers=buyer.headers)
    assert refused.json()["error"]["fields"]["reason"] == "defaulted_buyer"  # the identity stays barred
    second = await actor(api, committed, Role.BIDDER)
    await registered(api, second, reauction)
    await go_live(scheduler, reauction)
    assert (await bid(api, second, reauction, 700_000)).status_code == 201
    await end_now(scheduler, reauction)
    await _post(api, staff, f"/lots/{reauction}/balance-paid")
    plan = await api.post(
        f"/api/v1/cases/{case_id}/allocation-plans",
        headers=staff.headers,
        json={"costs": [{"label": "再次拍卖费用", "amount": 5_000}]},
    )
    assert plan.status_code == 201, plan.text
    assert plan.json()["proceeds"] == 770_000  # the re-auction's price and the forfeited deposit
    shown = (await api.get(f"/api/v1/allocation-plans/{plan.json()['id']}", headers=staff.headers)).json()
    # Art. 24: the costs (5,000), the shortfall below the defaulted price (10,000), the debt.
    assert shown["forfeits"] == [
        {
            "lot_id": lot,
            "amount": 70_000,
            "to_costs": 5_000,
            "to_shortfall": 10_000,
            "to_debt": 55_000,
            "shortfall_known": True,
        }
    ]
    page = await api.get(f"/plans/{plan.json()['id']}", headers=staff.headers)
    assert 'id="forfeits"' in page.text and "100.00" in page.text
    await _ledger_ok(committed)


async def test_an_unsold_round_takes_no_court_terms(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, _, lot = await listed_lot(api, staff)
    await go_live(scheduler, lot)
    await end_now(scheduler, lot)
    refused = await _post(api, staff, f"/lots/{lot}/next-round", {"starting_price": 600_000})
    assert refused.status_code == 422 and refused.json()["error"]["fields"] == {
        "starting_price": "only_after_default"
    }
    assert (await _post(api, staff, f"/lots/{lot}/next-round")).json()["starting_price"] == 560_000


async def test_unsold_then_a_creditor_takes_the_property_at_the_reserve(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    creditor = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff)  # reserve 700,000; a 500,000 mortgage
    claim = await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "钱多多",
            "kind": "ordinary",
            "amount": 300_000,
            "creditor_user_id": creditor.user_id,
        },
    )
    claim_id = claim.json()["id"]
    early = await _post(api, staff, f"/lots/{lot}/creditor-takes", {"claim_id": claim_id})
    assert early.status_code == 409  # not before the round is unsold
    await go_live(scheduler, lot)
    await end_now(scheduler, lot)
    other_case, _, _ = await listed_lot(api, staff)
    foreign = await api.post(
        f"/api/v1/cases/{other_case}/claims",
        headers=staff.headers,
        json={"creditor_name": "外案", "kind": "ordinary", "amount": 1_000},
    )
    wrong = await _post(api, staff, f"/lots/{lot}/creditor-takes", {"claim_id": foreign.json()["id"]})
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"] == {"claim_id": "not_in_case"}
    async with committed() as session:
        bank_before = await ledger.balance(session, chart.bank())
    taken = await _post(api, staff, f"/lots/{lot}/creditor-takes", {"claim_id": claim_id})
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "taken_by_creditor" and taken.json()["price"] == 700_000
    # Its own ruling, served and published.
    ruling_page = await api.get(taken.json()["document_url"])
    assert "抵偿债务" in ruling_page.text and "钱多多" in ruling_page.text
    assert "creditor_takes" in await _kinds(committed, lot)
    async with committed() as session:
        # The fee (5,000) and the mortgage (500,000) come before the claim: its share of the
        # reserve is 195,000, and the creditor paid the other 505,000 in.
        assert await ledger.balance(session, chart.bank()) - bank_before == 505_000
        assert await ledger.balance(session, chart.creditor(claim_id)) == 195_000
    plan = await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    assert plan.status_code == 201 and plan.json()["proceeds"] == 700_000
    line = next(x for x in plan.json()["lines"] if x["claim_id"] == claim_id)
    assert line["allocated"] == 195_000
    await _ledger_ok(committed)
    # Taken is taken: no next round, no second taking.
    assert (await _post(api, staff, f"/lots/{lot}/next-round")).status_code == 409
    assert (await _post(api, staff, f"/lots/{lot}/creditor-takes", {"claim_id": claim_id})).status_code == 409
