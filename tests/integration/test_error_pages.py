"""What a browser is answered when a request is refused (issue 21, items 2, 7 and 8): a page in
the visitor's language, with the visitor's header and a way on, never the API's JSON; a form
whose CSRF cookie is gone comes back filled in; an ended session says why it sends to sign in."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from tests.integration.test_sessions import csrf_of
from tests.integration.test_workflows import PASSWORD, actor

PAGE = {"accept": "text/html,application/xhtml+xml"}


def way_on(page: httpx.Response) -> list[str]:
    return re.findall(r'<ul class="ways">(.*?)</ul>', page.text, re.S)


async def test_an_unknown_lot_is_a_page_in_the_visitors_language(api: httpx.AsyncClient) -> None:
    for path in ("/lots/999999", "/announcements/999999", "/no-such-page"):
        zh = await api.get(path, headers=PAGE)
        assert zh.status_code == 404 and zh.headers["content-type"].startswith("text/html"), path
        assert '{"error"' not in zh.text and "Not Found" not in zh.text
        assert "<h1>未找到</h1>" in zh.text and "该页面不存在或未公开" in zh.text
        assert 'href="/"' in way_on(zh)[0]
    api.cookies.set("lang", "en")
    en = await api.get("/lots/999999", headers=PAGE)
    assert "<h1>Not found</h1>" in en.text and "There is no such page" in en.text
    api.cookies.delete("lang")
    # The API answers its clients as before, whatever they accept.
    api_answer = await api.get("/api/v1/lots/999999", headers=PAGE)
    assert api_answer.json()["error"]["code"] == "not_found"


async def sign_in_by_form(api: httpx.AsyncClient, username: str) -> str:
    page = await api.get("/login")
    token = csrf_of(page)
    signed_in = await api.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 303, signed_in.text
    return token


async def test_a_forbidden_page_keeps_the_visitors_header(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    username = (await api.get("/api/v1/me", headers=bidder.headers)).json()["username"]
    await sign_in_by_form(api, username)
    refused = await api.get("/court", headers=PAGE)
    assert refused.status_code == 403 and "<h1>无权访问</h1>" in refused.text
    header = refused.text.split("</header>")[0]
    assert username in header and 'action="/logout"' in header
    assert 'href="/login"' not in header and 'href="/signup"' not in header
    # A plan of a case the visitor is no party to: a page too, not the API's JSON.
    plan = await api.get("/plans/999999", headers=PAGE)
    assert plan.status_code == 404 and "<h1>未找到</h1>" in plan.text and username in plan.text


async def test_a_form_whose_csrf_cookie_is_gone_comes_back_filled_in(api: httpx.AsyncClient) -> None:
    await api.get("/login")
    api.cookies.clear()  # the cookie is gone (cleared, or the form was open for days)
    login = await api.post(
        "/login",
        headers=PAGE,
        data={"username": "wang.wu", "password": "secret-pass-1", "csrf_token": "t" * 43},
    )
    assert login.status_code == 403 and "表单已失效" in login.text
    assert 'value="wang.wu"' in login.text and "secret-pass-1" not in login.text
    assert csrf_of(login) and "auction_csrf=" in login.headers["set-cookie"]  # a fresh token to send again

    api.cookies.clear()
    signup = await api.post(
        "/signup",
        headers=PAGE,
        data={
            "username": "li.si",
            "password": "secret-pass-1",
            "real_name": "李四",
            "id_number": "110105199001010011",
            "csrf_token": "t" * 43,
        },
    )
    assert signup.status_code == 403 and "表单已失效" in signup.text
    assert 'value="li.si"' in signup.text and 'value="李四"' in signup.text
    assert "secret-pass-1" not in signup.text and "110105199001010011" not in signup.text

    # A form with nothing typed (register, pay, sign out) leads back to the page it was on.
    api.cookies.clear()
    lost = await api.post(
        "/logout", headers={**PAGE, "referer": "http://testserver/lots/1"}, data={"csrf_token": "t" * 43}
    )
    assert lost.status_code == 403 and 'href="/lots/1"' in way_on(lost)[0]


async def test_an_ended_session_says_why_it_sends_to_sign_in(api: httpx.AsyncClient) -> None:
    api.cookies.set("auction_session", "no-longer-valid")
    sent = await api.get("/me", headers=PAGE)
    assert sent.status_code == 303 and sent.headers["location"] == "/login?next=/me&expired=1"
    login = await api.get(sent.headers["location"], headers=PAGE)
    assert "您的登录已失效" in login.text
    assert (await api.get("/login", headers=PAGE)).text.count("登录已失效") == 0


async def test_a_refusal_on_a_form_is_a_page_with_the_way_back(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    username = (await api.get("/api/v1/me", headers=bidder.headers)).json()["username"]
    token = await sign_in_by_form(api, username)
    refused = await api.post(
        "/lots/999999/register",
        headers={**PAGE, "referer": "http://testserver/lots/999999"},
        data={"csrf_token": token},
    )
    assert refused.status_code == 404 and "<h1>未找到</h1>" in refused.text
    assert username in refused.text.split("</header>")[0]
