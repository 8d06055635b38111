"""Objections to the auction (art. 36): who may file one, with documents; the court defers the lot
while it decides, then decides with its reason; the parties following the case are told."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.models import TimelineEvent
from tests.integration.test_creditor_deposit import claim_for
from tests.integration.test_workflows import actor, court_and_staff, go_live, listed_lot, registered

PDF = b"%PDF-1.4\n% objection\n"


async def test_a_bidder_objects_with_a_document_and_the_court_defers_then_decides(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    creditor = await actor(api, committed, Role.BIDDER)
    stranger = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff)
    await claim_for(api, staff.headers, case_id, creditor.user_id, 10_000)
    await registered(api, bidder, lot)
    await go_live(scheduler, lot)

    empty = await api.post(f"/api/v1/lots/{lot}/objections", headers=bidder.headers, json={"reason": " "})
    assert empty.status_code == 422 and empty.json()["error"]["fields"] == {"reason": "required"}
    outsider = await api.post(
        f"/api/v1/lots/{lot}/objections", headers=stranger.headers, json={"reason": "x"}
    )
    assert outsider.status_code == 403
    filed = await api.post(
        f"/api/v1/lots/{lot}/objections", headers=bidder.headers, json={"reason": "起拍价低于评估价七折"}
    )
    assert filed.status_code == 201, filed.text
    objection = filed.json()
    assert objection["standing"] == "bidder" and objection["status"] == "filed"
    party = await api.post(
        f"/api/v1/lots/{lot}/objections", headers=creditor.headers, json={"reason": "公告有误"}
    )
    assert party.json()["standing"] == "party"

    attached = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/documents",
        headers=bidder.headers,
        files={"file": ("proof.pdf", PDF, "application/pdf")},
    )
    assert attached.status_code == 201, attached.text
    url = attached.json()["documents"][0]
    # The document is the objector's and the court's: nobody else sees it.
    assert (await api.get(url, headers=bidder.headers)).status_code == 200
    assert (await api.get(url, headers=staff.headers)).status_code == 200
    assert (await api.get(url, headers=stranger.headers)).status_code == 404
    not_theirs = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/documents",
        headers=stranger.headers,
        files={"file": ("x.pdf", PDF, "application/pdf")},
    )
    assert not_theirs.status_code == 404

    # The court lists them, defers the lot while it decides, and decides.
    listed = (await api.get(f"/api/v1/lots/{lot}/objections", headers=staff.headers)).json()
    assert [o["standing"] for o in listed] == ["bidder", "party"] and listed[0]["objector"]
    assert (await api.get(f"/api/v1/lots/{lot}/objections", headers=bidder.headers)).status_code == 403
    deferred = await api.post(f"/api/v1/lots/{lot}/defer", headers=staff.headers, json={"reason": "审查异议"})
    assert deferred.json()["status"] == "deferred"
    bad = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/decide",
        headers=staff.headers,
        json={"decision": "maybe", "reason": "x"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"] == {"decision": "invalid_choice"}
    by_bidder = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/decide",
        headers=bidder.headers,
        json={"decision": "upheld", "reason": "x"},
    )
    assert by_bidder.status_code == 403
    decided = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/decide",
        headers=staff.headers,
        json={"decision": "dismissed", "reason": "起拍价符合规定"},
    )
    assert decided.json()["status"] == "dismissed" and decided.json()["decided_at"]
    again = await api.post(
        f"/api/v1/auction-objections/{objection['id']}/decide",
        headers=staff.headers,
        json={"decision": "upheld", "reason": "x"},
    )
    assert again.status_code == 409
    mine = (await api.get("/api/v1/me/auction-objections", headers=bidder.headers)).json()
    assert mine[0]["decision"] == "起拍价符合规定" and mine[0]["objector"] is None
    assert (await api.post(f"/api/v1/lots/{lot}/resume", headers=staff.headers, json={})).json()[
        "status"
    ] == "live"
    async with committed() as session:
        kinds = [
            k.value
            for k in await session.scalars(
                sa.select(TimelineEvent.kind).where(TimelineEvent.lot_id == lot).order_by(TimelineEvent.id)
            )
        ]
    assert kinds.count("auction_objection") == 2 and "auction_objection_decided" in kinds
