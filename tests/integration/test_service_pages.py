"""Service information pages: the fee calculator, the rules in plain words, objections; the inbox."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from tests.integration.test_sessions import csrf_of
from tests.integration.test_workflows import PASSWORD, actor


async def test_fee_calculator_page_shows_each_band(api: httpx.AsyncClient) -> None:
    page = await api.get("/service/fees?amount=1000000")
    assert page.status_code == 200
    for figure in ("¥50.00", "¥7,350.00", "¥5,000.00", "¥12,400.00"):
        assert figure in page.text
    assert (await api.get("/service/fees?amount=12.345")).status_code == 422
    assert (await api.get("/service/fees")).status_code == 200


async def test_plain_word_pages(api: httpx.AsyncClient) -> None:
    assert "5 分钟" in (await api.get("/service/rules")).text
    assert "15 日" in (await api.get("/service/objections")).text


async def test_inbox_page_needs_a_sign_in(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    anonymous = await api.get("/inbox")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/inbox"
    bidder = await actor(api, committed, Role.BIDDER)
    username = (await api.get("/api/v1/me", headers=bidder.headers)).json()["username"]
    login = await api.get("/login")
    await api.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(login)})
    page = await api.get("/inbox")
    assert page.status_code == 200 and "暂无通知" in page.text
