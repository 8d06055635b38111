"""Allocation plans through the API: computed to the fen, published, objected to, resolved,
finalized and disbursed through the ledger; the case closes when every claim is paid."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from settlement import chart, ledger
from tests.integration.test_workflows import (
    Actor,
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    new_lot,
    new_property,
    registered,
)

YUAN = 100


async def sold_case(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> tuple[Actor, int, dict[str, int], dict[str, Actor]]:
    """A natural-person debtor's flat sold for 3 000 000 yuan and paid; claims: a construction
    claim, two mortgages, three ordinary creditors (the worked example of the waterfall)."""
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    creditors = {name: await actor(api, committed, Role.BIDDER) for name in ("bank", "ordinary_a")}
    case = (
        await api.post(
            "/api/v1/cases",
            headers=staff.headers,
            json={"case_number": "(2026)浙0106执分配号", "debtor": {"name": "赵明", "kind": "natural"}},
        )
    ).json()
    prop = (
        await api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={
                "case_id": case["id"],
                "title": "住宅",
                "category": "real_estate",
                "appraised_value": 3_000_000 * YUAN,
            },
        )
    ).json()
    claims = {}
    for key, body in {
        "construction": {
            "creditor_name": "华建建设",
            "kind": "priority",
            "amount": 500_000 * YUAN,
            "property_id": prop["id"],
        },
        "mortgage1": {
            "creditor_name": "杭州银行",
            "kind": "secured",
            "amount": 1_200_000 * YUAN,
            "rank": 1,
            "property_id": prop["id"],
            "creditor_user_id": creditors["bank"].user_id,
        },
        "mortgage2": {
            "creditor_name": "浙商银行",
            "kind": "secured",
            "amount": 800_000 * YUAN,
            "rank": 2,
            "property_id": prop["id"],
        },
        "a": {
            "creditor_name": "甲",
            "kind": "ordinary",
            "amount": 400_000 * YUAN,
            "creditor_user_id": creditors["ordinary_a"].user_id,
        },
        "b": {"creditor_name": "乙", "kind": "ordinary", "amount": 300_000 * YUAN},
        "c": {"creditor_name": "丙", "kind": "ordinary", "amount": 100_000 * YUAN},
    }.items():
        made = await api.post(f"/api/v1/cases/{case['id']}/claims", headers=staff.headers, json=body)
        assert made.status_code == 201, made.text
        claims[key] = made.json()["id"]
    lot_id = await new_lot(api, staff, prop["id"], 1, 2_100_000 * YUAN, increment=10_000 * YUAN)
    await registered(api, buyer, lot_id)
    await go_live(scheduler, lot_id)
    assert (await bid(api, buyer, lot_id, 3_000_000 * YUAN)).status_code == 201
    await end_now(scheduler, lot_id)
    assert (await api.post(f"/api/v1/lots/{lot_id}/balance-paid", headers=staff.headers)).status_code == 200
    return staff, case["id"], claims, creditors


async def test_the_worked_example_end_to_end(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, case_id, claims, creditors = await sold_case(api, committed, scheduler)
    costs = [
        {"label": "评估费 appraisal", "amount": 20_000 * YUAN},
        {"label": "保管费 storage", "amount": 5_000 * YUAN},
    ]
    draft = await api.post(
        f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={"costs": costs}
    )
    assert draft.status_code == 201, draft.text
    plan = draft.json()
    assert (plan["status"], plan["proceeds"], plan["enforcement_fee"]) == (
        "draft",
        3_000_000 * YUAN,
        32_150 * YUAN,
    )
    assert [c["amount"] for c in plan["costs"]] == [20_000 * YUAN, 5_000 * YUAN]
    allocated = {line["claim_id"]: line["allocated"] for line in plan["lines"]}
    assert allocated == {
        claims["construction"]: 500_000 * YUAN,
        claims["mortgage1"]: 1_200_000 * YUAN,
        claims["mortgage2"]: 800_000 * YUAN,
        claims["a"]: 22_142_500,
        claims["b"]: 16_606_875,
        claims["c"]: 5_535_625,
    }
    assert plan["remainder_to_debtor"] == 0
    assert {line["reason"] for line in plan["lines"]} == {
        "construction_priority",
        "secured_rank_1",
        "secured_rank_2",
        "ordinary_pro_rata",
    }

    # Creditors of the case read it; a stranger does not learn it exists.
    creditor = creditors["ordinary_a"]
    assert (
        await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=creditor.headers)
    ).status_code == 200
    stranger = await actor(api, committed, Role.BIDDER)
    assert (
        await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=stranger.headers)
    ).status_code == 404
    mine = (await api.get("/api/v1/me/cases", headers=creditor.headers)).json()
    assert [c["case_id"] for c in mine] == [case_id] and mine[0]["plans"][0]["id"] == plan["id"]
    assert (await api.get("/api/v1/me/cases", headers=stranger.headers)).json() == []

    early = await api.post(
        f"/api/v1/allocation-plans/{plan['id']}/objections", headers=creditor.headers, json={"reason": "x"}
    )
    assert early.status_code == 409  # a draft is not open to objections
    published = await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    assert published.json()["status"] == "published" and published.json()["objection_deadline"]

    objection = await api.post(
        f"/api/v1/allocation-plans/{plan['id']}/objections",
        headers=creditor.headers,
        json={"reason": "利息未计入 interest was left out"},
    )
    assert objection.status_code == 201 and objection.json()["claim_ids"] == [claims["a"]]
    assert (
        await api.post(
            f"/api/v1/allocation-plans/{plan['id']}/objections",
            headers=stranger.headers,
            json={"reason": "x"},
        )
    ).status_code == 403
    shown = (await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=staff.headers)).json()
    frozen = {line["claim_id"]: line["frozen"] for line in shown["lines"]}
    assert frozen[claims["a"]] and not frozen[claims["b"]]
    assert (
        await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    ).status_code == 409

    too_much = await api.post(
        f"/api/v1/objections/{objection.json()['id']}/resolve",
        headers=staff.headers,
        json={"decision": "upheld", "lines": [{"claim_id": claims["a"], "allocated": 22_142_501}]},
    )
    assert too_much.status_code == 422  # the proceeds are spent: nothing is left for an increase
    resolved = await api.post(
        f"/api/v1/objections/{objection.json()['id']}/resolve",
        headers=staff.headers,
        json={"decision": "dismissed"},
    )
    assert resolved.json()["status"] == "dismissed"

    await asyncio.sleep(1.1)  # the sandbox's objection period (1 s in this test's settings)
    final = await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    assert final.status_code == 200, final.text
    disbursed = await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    assert disbursed.json()["status"] == "disbursed"
    async with committed() as session:
        assert await ledger.balance(session, chart.case_escrow(case_id)) == 0  # every fen paid out
        assert await ledger.balance(session, chart.creditor(claims["a"])) == 0
    # Ordinary claims were not paid in full: the case stays open, and a new plan has nothing to share.
    timeline = (await api.get(f"/api/v1/cases/{case_id}/timeline", headers=staff.headers)).json()
    assert timeline["status"] == "open" and timeline["events"][-1]["kind"] == "distributed"
    again = await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "no_proceeds"


async def small_case(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> tuple[Actor, dict, dict, Actor]:
    """A legal-person debtor's equipment sold for 70 000 yuan and paid; one ordinary claim of
    30 000 yuan by a creditor with an account."""
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    creditor = await actor(api, committed, Role.BIDDER)
    case = (
        await api.post(
            "/api/v1/cases",
            headers=staff.headers,
            json={"case_number": "(2026)浙0106执清偿号", "debtor": {"name": "云帆公司", "kind": "legal"}},
        )
    ).json()
    prop = (
        await api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={
                "case_id": case["id"],
                "title": "设备",
                "category": "other",
                "appraised_value": 100_000 * YUAN,
            },
        )
    ).json()
    claim = (
        await api.post(
            f"/api/v1/cases/{case['id']}/claims",
            headers=staff.headers,
            json={
                "creditor_name": "刘芳",
                "kind": "ordinary",
                "amount": 30_000 * YUAN,
                "creditor_user_id": creditor.user_id,
            },
        )
    ).json()
    lot_id = await new_lot(api, staff, prop["id"], 1, 70_000 * YUAN, increment=1_000 * YUAN)
    await registered(api, buyer, lot_id)
    await go_live(scheduler, lot_id)
    await bid(api, buyer, lot_id, 70_000 * YUAN)
    await end_now(scheduler, lot_id)
    await api.post(f"/api/v1/lots/{lot_id}/balance-paid", headers=staff.headers)

    return staff, case, claim, creditor


async def test_an_upheld_objection_revises_a_line_and_the_debtor_gets_the_difference(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, case, claim, creditor = await small_case(api, committed, scheduler)
    plan = (await api.post(f"/api/v1/cases/{case['id']}/allocation-plans", headers=staff.headers)).json()
    fee = (
        50 * YUAN + (30_000 - 10_000) * YUAN * 150 // 10_000
    )  # on min(70 000, 30 000) yuan: 50 + 1.5 % of 20 000
    assert plan["enforcement_fee"] == fee
    assert plan["lines"][0]["allocated"] == 30_000 * YUAN
    assert plan["remainder_to_debtor"] == 70_000 * YUAN - fee - 30_000 * YUAN
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    objection = (
        await api.post(
            f"/api/v1/allocation-plans/{plan['id']}/objections",
            headers=creditor.headers,
            json={"reason": "迟延履行利息 late-payment interest", "claim_ids": [claim["id"]]},
        )
    ).json()
    upheld = await api.post(
        f"/api/v1/objections/{objection['id']}/resolve",
        headers=staff.headers,
        json={"decision": "upheld", "lines": [{"claim_id": claim["id"], "allocated": 29_000 * YUAN}]},
    )
    assert upheld.status_code == 200, upheld.text
    revised = (await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=staff.headers)).json()
    assert (
        revised["lines"][0]["allocated"] == 29_000 * YUAN
        and revised["lines"][0]["reason"] == "revised_on_objection"
    )
    assert revised["remainder_to_debtor"] == plan["remainder_to_debtor"] + 1_000 * YUAN
    await asyncio.sleep(1.1)
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    timeline = (await api.get(f"/api/v1/cases/{case['id']}/timeline", headers=creditor.headers)).json()
    assert timeline["status"] == "open"  # 1 000 yuan of the claim is still unpaid
    async with committed() as session:
        assert await ledger.balance(session, chart.debtor(case["id"])) == 0
        assert await ledger.balance(session, chart.case_escrow(case["id"])) == 0


async def test_a_case_paid_in_full_closes(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    staff, case, _, creditor = await small_case(api, committed, scheduler)
    plan = (await api.post(f"/api/v1/cases/{case['id']}/allocation-plans", headers=staff.headers)).json()
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    await asyncio.sleep(1.1)
    assert (
        await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    ).status_code == 200
    assert (
        await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    ).status_code == 200
    timeline = (await api.get(f"/api/v1/cases/{case['id']}/timeline", headers=creditor.headers)).json()
    assert timeline["status"] == "closed_satisfied"
    assert [e["kind"] for e in timeline["events"]][-4:] == [
        "allocation_published",
        "allocation_final",
        "distributed",
        "closed",
    ]
    twice = await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    assert twice.status_code == 409


async def test_a_line_allotted_nothing_is_disbursed_without_moving_money(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    """A mortgage on a property not sold yet gets 0 in the plan; paying out the plan must not
    post an empty ledger transaction (it did: a 500 found by the console's browser test)."""
    staff, case, _, _ = await small_case(api, committed, scheduler)
    unsold = (
        await api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={
                "case_id": case["id"],
                "title": "厂房",
                "category": "real_estate",
                "appraised_value": 9 * YUAN,
            },
        )
    ).json()
    mortgage = await api.post(
        f"/api/v1/cases/{case['id']}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "杭州银行",
            "kind": "secured",
            "amount": 500_000 * YUAN,
            "rank": 1,
            "property_id": unsold["id"],
        },
    )
    assert mortgage.status_code == 201, mortgage.text
    plan = (await api.post(f"/api/v1/cases/{case['id']}/allocation-plans", headers=staff.headers)).json()
    zero = next(line for line in plan["lines"] if line["claim_id"] == mortgage.json()["id"])
    assert zero["allocated"] == 0 and zero["reason"] == "property_not_sold"
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    await asyncio.sleep(1.1)
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    paid = await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    assert paid.status_code == 200, paid.text
    async with committed() as session:
        assert await ledger.balance(session, chart.case_escrow(case["id"])) == 0
        assert await ledger.balance(session, chart.creditor(zero["claim_id"])) == 0


async def _sell_and_pay(
    api: httpx.AsyncClient, scheduler: LotScheduler, staff: Actor, buyer: Actor, property_id: int, price: int
) -> None:
    lot_id = await new_lot(api, staff, property_id, 1, price)
    await registered(api, buyer, lot_id)
    await go_live(scheduler, lot_id)
    assert (await bid(api, buyer, lot_id, price)).status_code == 201
    await end_now(scheduler, lot_id)
    assert (await api.post(f"/api/v1/lots/{lot_id}/balance-paid", headers=staff.headers)).status_code == 200


async def _plan_paid_out(api: httpx.AsyncClient, staff: Actor, case_id: int) -> dict:
    plan = (
        await api.post(f"/api/v1/cases/{case_id}/allocation-plans", headers=staff.headers, json={})
    ).json()
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    await asyncio.sleep(1.1)
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    paid = await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    assert paid.json()["status"] == "disbursed", paid.text
    return dict(paid.json())


async def test_a_case_sold_in_two_plans_pays_one_enforcement_fee_on_the_whole(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={"case_number": "(2026)两次分配号", "debtor": {"name": "甲", "kind": "natural"}},
    )
    case_id = case.json()["id"]
    await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff.headers,
        json={"creditor_name": "乙", "kind": "ordinary", "amount": 5_000_000 * YUAN},
    )
    appraised = 1_000_000 * YUAN * 10 // 7  # round 1 may start at 1 000 000 yuan (70 %)
    first_property = await new_property(api, staff, case_id, appraised=appraised)
    await _sell_and_pay(api, scheduler, staff, buyer, first_property, 1_000_000 * YUAN)
    first = await _plan_paid_out(api, staff, case_id)
    second_property = await new_property(api, staff, case_id, appraised=appraised)
    await _sell_and_pay(api, scheduler, staff, buyer, second_property, 1_000_000 * YUAN)
    second = await _plan_paid_out(api, staff, case_id)
    assert (first["fee_base"], first["enforcement_fee"]) == (1_000_000 * YUAN, 12_400 * YUAN)
    assert (second["fee_base"], second["enforcement_fee"]) == (1_000_000 * YUAN, 10_000 * YUAN)
    assert first["enforcement_fee"] + second["enforcement_fee"] == 22_400 * YUAN  # not 24 800


async def test_a_creditor_objects_to_a_cost_line_and_the_court_lowers_it(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    """Issue 21: creditors may object to the costs too; an upheld objection lowers the cost and
    the debtor's remainder gets the difference, as for a claim's line."""
    staff, case, _, creditor = await small_case(api, committed, scheduler)
    plan = (
        await api.post(
            f"/api/v1/cases/{case['id']}/allocation-plans",
            headers=staff.headers,
            json={"costs": [{"label": "评估费", "amount": 5_000 * YUAN}]},
        )
    ).json()
    cost_id = plan["costs"][0]["id"]
    assert plan["costs"][0]["amount"] == 5_000 * YUAN and plan["phase"] == "draft"
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/publish", headers=staff.headers)
    url = f"/api/v1/allocation-plans/{plan['id']}/objections"
    wrong = await api.post(
        url, headers=creditor.headers, json={"reason": "评估费过高", "cost_ids": [999_999]}
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"] == {"cost_ids": "not_in_plan"}
    filed = await api.post(
        url, headers=creditor.headers, json={"reason": "评估费过高", "cost_ids": [cost_id]}
    )
    assert (
        filed.status_code == 201 and filed.json()["cost_ids"] == [cost_id] and filed.json()["claim_ids"] == []
    )
    frozen = (await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=staff.headers)).json()
    assert frozen["costs"][0]["frozen"] is True and frozen["objections"][0]["cost_ids"] == [cost_id]
    assert frozen["phase"] == "objection_period"
    resolve = f"/api/v1/objections/{filed.json()['id']}/resolve"
    above = await api.post(
        resolve,
        headers=staff.headers,
        json={"decision": "upheld", "costs": [{"cost_id": cost_id, "allocated": 6_000 * YUAN}]},
    )
    assert above.status_code == 422 and above.json()["error"]["fields"] == {
        f"costs.{cost_id}": "out_of_range"
    }
    upheld = await api.post(
        resolve,
        headers=staff.headers,
        json={"decision": "upheld", "costs": [{"cost_id": cost_id, "allocated": 3_000 * YUAN}]},
    )
    assert upheld.status_code == 200, upheld.text
    revised = (await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=staff.headers)).json()
    assert revised["costs"][0]["amount"] == 3_000 * YUAN and revised["costs"][0]["frozen"] is False
    assert revised["remainder_to_debtor"] == plan["remainder_to_debtor"] + 2_000 * YUAN
    await asyncio.sleep(1.1)
    over = (await api.get(f"/api/v1/allocation-plans/{plan['id']}", headers=staff.headers)).json()
    assert over["phase"] == "awaiting_final"
    page = await api.get(f"/plans/{plan['id']}", headers=creditor.headers)
    assert 'data-phase="awaiting_final"' in page.text and 'id="objection-form"' not in page.text
    assert "异议期已届满" in page.text
    await api.post(f"/api/v1/allocation-plans/{plan['id']}/finalize", headers=staff.headers)
    assert (
        await api.post(f"/api/v1/allocation-plans/{plan['id']}/disburse", headers=staff.headers)
    ).status_code == 200
    async with committed() as session:
        assert await ledger.balance(session, chart.case_escrow(case["id"])) == 0
        assert await ledger.balance(session, chart.debtor(case["id"])) == 0
