"""Art. 17: a creditor of the case whose claim covers the deposit registers without paying it;
no money moves for that deposit at any step, so the ledger stays exact; if they win, the whole
price is due (nothing was paid in)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from settlement import chart, ledger
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
    assert "7,100.00" in page  # the whole price is the balance: no deposit was paid in
    paid = await api.post(f"/api/v1/lots/{lot}/balance-paid", headers=staff.headers)
    assert paid.status_code == 200, paid.text
    async with committed() as session:
        escrow = await ledger.balance(session, chart.case_escrow(case_id))
        covered = await ledger.balance(session, chart.bidder_deposit(made.json()["registration_id"]))
    # The proceeds are the price exactly, and the covered deposit never held money.
    assert abs(escrow) == 710_000 and covered == 0
