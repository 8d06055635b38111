"""Bidding through an agent (art. 14 (2)): the principal names the agent with the power of
attorney, the court confirms it before bidding starts, the agent bids under the principal's
registration and code, and the confirmation names both; a barred agent is refused."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from tests.integration.test_who_may_bid import bar, person
from tests.integration.test_workflows import (
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)

POWER_OF_ATTORNEY = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def name(api: httpx.AsyncClient, headers: dict[str, str], lot_id: int, agent: str) -> httpx.Response:
    return await api.post(
        f"/api/v1/lots/{lot_id}/agents",
        headers=headers,
        data={"agent_username": agent},
        files={"file": ("授权委托书.pdf", POWER_OF_ATTORNEY, "application/pdf")},
    )


async def username(api: httpx.AsyncClient, headers: dict[str, str]) -> str:
    return str((await api.get("/api/v1/me", headers=headers)).json()["username"])


async def test_a_confirmed_agent_bids_under_the_principals_code_and_is_named_on_the_confirmation(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other_court = await court_and_staff(api, committed)
    principal = await actor(api, committed, Role.BIDDER)
    agent = await actor(api, committed, Role.BIDDER)
    stranger = await actor(api, committed, Role.BIDDER)
    _, _, lot = await listed_lot(api, staff)

    unregistered = await name(api, principal.headers, lot, await username(api, agent.headers))
    assert unregistered.status_code == 409 and unregistered.json()["error"]["code"] == "not_registered"
    code = (await registered(api, principal, lot))["bidder_code"]
    unknown = await name(api, principal.headers, lot, "nobody-here")
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"] == {
        "agent_username": "no_such_user"
    }
    oneself = await name(api, principal.headers, lot, await username(api, principal.headers))
    assert oneself.status_code == 422 and oneself.json()["error"]["fields"] == {
        "agent_username": "not_allowed"
    }
    missing = await api.post(
        f"/api/v1/lots/{lot}/agents", headers=principal.headers, data={"agent_username": "x"}
    )
    assert missing.status_code == 422 and missing.json()["error"]["fields"] == {"file": "required"}

    named = await name(api, principal.headers, lot, await username(api, agent.headers))
    assert named.status_code == 201 and named.json()["status"] == "pending"
    authorisation = named.json()["id"]
    # Not confirmed yet: the agent has nothing to bid under.
    document = named.json()["document_url"]
    for who, status in ((principal, 200), (agent, 200), (staff, 200), (stranger, 404)):
        assert (await api.get(document, headers=who.headers)).status_code == status
    refused = await api.post(
        f"/api/v1/agent-authorisations/{authorisation}/confirm", headers=other_court.headers
    )
    assert refused.status_code == 403
    confirmed = await api.post(f"/api/v1/agent-authorisations/{authorisation}/confirm", headers=staff.headers)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"

    await go_live(scheduler, lot)
    placed = await bid(api, agent, lot, 700_000)
    assert placed.status_code == 201, placed.text
    # Bidding has started: no agent is named or confirmed any more.
    late = await name(api, principal.headers, lot, await username(api, stranger.headers))
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_status"

    await end_now(scheduler, lot)
    history = (await api.get(f"/api/v1/lots/{lot}/bids")).json()
    assert [b["bidder_code"] for b in history] == [code]
    detail = (await api.get(f"/api/v1/lots/{lot}")).json()
    assert detail["status"] == "sold" and detail["leader_code"] == code
    # The confirmation names the buyer and the agent who bid for them.
    page = (await api.get(f"/lots/{lot}/confirmation")).text
    assert 'id="agent-name"' in page


async def test_a_barred_agent_or_one_bidding_for_themself_is_refused(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    principal = await actor(api, committed, Role.BIDDER)
    relative, number = await person(api)
    rival = await actor(api, committed, Role.BIDDER)
    _, _, lot = await listed_lot(api, staff)
    await registered(api, principal, lot)
    await registered(api, rival, lot)
    assert (await bar(api, staff, lot, number, relation="relative")).status_code == 201
    barred = await name(api, principal.headers, lot, await username(api, relative.headers))
    assert barred.status_code == 403 and barred.json()["error"]["fields"] == {
        "reason": "conflict_of_interest"
    }
    bidding_too = await name(api, principal.headers, lot, await username(api, rival.headers))
    assert bidding_too.status_code == 409 and bidding_too.json()["error"]["code"] == "agent_is_bidder"
