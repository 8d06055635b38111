"""Art. 17: a creditor of the case whose claim covers the deposit registers without paying it;
no money moves for that deposit at any step, so the ledger stays exact; if they win, what their
claim's share of the sale covers is set off and the rest is due in cash, and the plan's payout to
that claim nets the set-off."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.models import Claim
from settlement import chart, ledger
from settlement.models import LedgerTransaction
from tests.integration.test_workflows import (
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)


async def claim_for(
    api: httpx.AsyncClient, staff_headers: dict[str, str], case_id: int, user_id: int, amount: int
) -> None:
    made = await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff_headers,
        json={"creditor_name": "债权人", "kind": "ordinary", "amount": amount, "creditor_user_id": user_id},
    )
    assert made.status_code == 201, made.text


async def test_a_creditor_whose_claim_covers_the_deposit_bids_without_paying_it(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    creditor = await actor(api, committed, Role.BIDDER)
    small_creditor = await actor(api, committed, Role.BIDDER)
    rival = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff)  # starting price 700,000 fen, deposit 70,000
    await claim_for(api, staff.headers, case_id, creditor.user_id, 70_000)  # exactly the deposit
    await claim_for(api, staff.headers, case_id, small_creditor.user_id, 69_999)

    made = await api.post(f"/api/v1/lots/{lot}/registrations", headers=creditor.headers)
    assert made.status_code == 201, made.text
    assert made.json()["deposit"]["status"] == "frozen" and made.json()["deposit"]["payment_id"] is None
    assert made.json()["deposit"]["covered_by_claim_id"]
    # A claim one fen short of the deposit does not cover it: that creditor pays as anyone.
    short = await api.post(f"/api/v1/lots/{lot}/registrations", headers=small_creditor.headers)
    assert short.json()["deposit"]["status"] == "pending" and short.json()["deposit"]["payment_id"]
    await registered(api, rival, lot)

    await go_live(scheduler, lot)
    assert (await bid(api, rival, lot, 700_000)).status_code == 201
    assert (await bid(api, creditor, lot, 710_000)).status_code == 201
    await end_now(scheduler, lot)
    detail = (await api.get(f"/api/v1/lots/{lot}")).json()
    assert detail["status"] == "sold" and detail["price"] == 710_000
    page = (await api.get(f"/lots/{lot}/confirmation")).text
    # 710,000 less the claim's share (70,000: the fee and the mortgage leave enough for both
    # ordinary claims in full), no deposit having been paid in.
    assert "6,400.00" in page and "700.00" in page
    paid = await api.post(f"/api/v1/lots/{lot}/balance-paid", headers=staff.headers)
    assert paid.status_code == 200, paid.text
    async with committed() as session:
        escrow = await ledger.balance(session, chart.case_escrow(case_id))
        bank = await ledger.balance(session, chart.bank())
        covered = await ledger.balance(session, chart.bidder_deposit(made.json()["registration_id"]))
        check = await ledger.check(session)
    # The proceeds are the price exactly (640,000 in cash, 70,000 set off), and the covered
    # deposit never held money.
    assert abs(escrow) == 710_000 and covered == 0 and check.ok
    assert bank >= 640_000


async def _plan(api: httpx.AsyncClient, headers: dict[str, str], case_id: int, costs: int) -> httpx.Response:
    return await api.post(
        f"/api/v1/cases/{case_id}/allocation-plans",
        headers=headers,
        json={"costs": [{"label": "评估费", "amount": costs}] if costs else []},
    )


async def _distribute(api: httpx.AsyncClient, headers: dict[str, str], case_id: int) -> httpx.Response:
    plan = await _plan(api, headers, case_id, 0)
    assert plan.status_code == 201, plan.text
    plan_id = plan.json()["id"]
    assert (await api.post(f"/api/v1/allocation-plans/{plan_id}/publish", headers=headers)).status_code == 200
    await asyncio.sleep(1.1)  # the sandbox's objection period in these tests
    assert (
        await api.post(f"/api/v1/allocation-plans/{plan_id}/finalize", headers=headers)
    ).status_code == 200
    return await api.post(f"/api/v1/allocation-plans/{plan_id}/disburse", headers=headers)


async def test_a_creditor_behind_a_mortgage_sets_off_only_its_share_and_the_payout_nets_it(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    creditor = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff)  # a 500,000 mortgage on the property
    await claim_for(api, staff.headers, case_id, creditor.user_id, 300_000)
    made = await api.post(f"/api/v1/lots/{lot}/registrations", headers=creditor.headers)
    assert made.json()["deposit"]["status"] == "frozen"
    await go_live(scheduler, lot)
    assert (await bid(api, creditor, lot, 710_000)).status_code == 201
    await end_now(scheduler, lot)
    # The fee (5,000) and the mortgage (500,000) come first: the claim's share is 205,000, not
    # its 300,000, so the creditor pays the mortgagee's part in cash.
    page = (await api.get(f"/lots/{lot}/confirmation")).text
    assert "2,050.00" in page and "5,050.00" in page
    assert (await api.post(f"/api/v1/lots/{lot}/balance-paid", headers=staff.headers)).status_code == 200
    async with committed() as session:
        assert await ledger.balance(session, chart.bank()) - 505_000 >= 0
        assert (
            await ledger.balance(session, chart.creditor(await _claim_of(session, creditor.user_id)))
            == 205_000
        )

    # Costs entered later would lower the share below what was set off: such a plan is refused
    # at the draft, since it could never be paid out.
    refused = await _plan(api, staff.headers, case_id, 10_000)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "set_off_uncovered"
    paid = await _distribute(api, staff.headers, case_id)
    assert paid.status_code == 200, paid.text
    async with committed() as session:
        claim_id = await _claim_of(session, creditor.user_id)
        assert await ledger.balance(session, chart.creditor(claim_id)) == 0  # netted, no cash paid
        payouts = await session.scalars(
            sa.select(LedgerTransaction.kind).where(
                LedgerTransaction.case_id == case_id, LedgerTransaction.kind == "payout"
            )
        )
        assert len(list(payouts)) == 1  # the mortgagee's; the creditor-buyer received no cash
        assert (await ledger.check(session)).ok


async def _claim_of(session: AsyncSession, user_id: int) -> int:
    claim_id = await session.scalar(sa.select(Claim.id).where(Claim.creditor_user_id == user_id))
    assert claim_id is not None
    return claim_id
