"""No identity before the end: every public response of a live auction is scanned for the
bidders' real names, usernames, account ids and identity numbers (full or masked)."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.models import User
from tests.integration.test_workflows import (
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)


async def public_responses(api: httpx.AsyncClient, lot_id: int) -> str:
    paths = [
        "/",
        "/announcements",
        "/api/v1/lots",
        f"/api/v1/lots/{lot_id}",
        f"/api/v1/lots/{lot_id}/bids",
        f"/api/v1/lots/{lot_id}/bids/verify",
        "/api/v1/announcements",
        "/api/v1/stats",
        "/api/v1/disclosure/subjects",
        "/api/v1/disclosure/subjects.json",
        "/api/v1/disclosure/dishonest",
    ]
    texts = []
    for path in paths:
        response = await api.get(path)
        assert response.status_code == 200, path
        texts.append(response.text)
    for item in (await api.get("/api/v1/announcements")).json()["items"]:
        texts.append((await api.get(f"/announcements/{item['id']}")).text)
    return "\n".join(texts)


async def test_no_bidder_identity_is_public_before_the_end(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidders = [await actor(api, committed, Role.BIDDER) for _ in range(3)]
    _, _, lot_id = await listed_lot(api, staff)
    codes = [(await registered(api, b, lot_id))["bidder_code"] for b in bidders]
    await go_live(scheduler, lot_id)
    for n, bidder in enumerate(bidders * 2):
        await bid(api, bidder, lot_id, 700_000 + n * 1_000)
    await api.put(f"/api/v1/lots/{lot_id}/proxy", headers=bidders[0].headers, json={"max_amount": 720_000})

    async with committed() as session:
        users = list(await session.scalars(sa.select(User).where(User.id.in_([b.user_id for b in bidders]))))
    secrets = []
    for user in users:
        secrets += [user.real_name, user.username, f'"user_id": {user.id}', f'"user_id":{user.id}']
        if user.id_number_masked:
            secrets.append(user.id_number_masked)
    text = await public_responses(api, lot_id)
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []
    assert any(code in text for code in codes)  # what the public does see: bidder codes

    await end_now(scheduler, lot_id)  # after the close the confirmation names the buyer, and only the buyer
    after = await public_responses(api, lot_id)
    named = [user.real_name for user in users if user.real_name in after]
    assert len(named) == 1
