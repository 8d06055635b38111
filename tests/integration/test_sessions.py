"""Browser sign-in: the session cookie, CSRF on every change, throttled failures, sign-out."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from tests.integration.test_workflows import PASSWORD, actor


def csrf_of(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


async def test_form_sign_in_session_and_sign_out(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    me = (await api.get("/api/v1/me", headers=bidder.headers)).json()
    page = await api.get("/login")
    assert page.status_code == 200 and "auction_csrf" in page.headers["set-cookie"]
    token = csrf_of(page)

    forged = await api.post(
        "/login", data={"username": me["username"], "password": PASSWORD, "csrf_token": "x" * 40}
    )
    assert forged.status_code == 403

    signed_in = await api.post(
        "/login",
        data={"username": me["username"], "password": PASSWORD, "csrf_token": token, "next": "//evil.test"},
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"]
    assert "auction_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert (await api.get("/api/v1/me")).json()["id"] == me["id"]  # the cookie authenticates
    assert me["username"] in (await api.get("/")).text

    # A change authenticated by the cookie needs the CSRF token, as a header for the API.
    without = await api.delete("/api/v1/tokens/current")
    assert without.status_code == 403 and without.json()["error"]["code"] == "csrf_failed"

    out = await api.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert (await api.get("/api/v1/me")).status_code == 401


async def test_failed_sign_ins_are_throttled_per_account(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    username = (await api.get("/api/v1/me", headers=bidder.headers)).json()["username"]
    for _ in range(10):
        wrong = await api.post("/api/v1/tokens", json={"username": username, "password": "wrong-password-1"})
        assert wrong.status_code == 401
    blocked = await api.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["error"]["code"] == "rate_limited"
    page = await api.get("/login")
    form = await api.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert form.status_code == 429


async def test_sign_up_by_form(api: httpx.AsyncClient) -> None:
    page = await api.get("/signup")
    token = csrf_of(page)
    bad = await api.post(
        "/signup",
        data={
            "username": "wang",
            "password": "short",
            "real_name": "王五",
            "id_number": "110105194912310021",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422 and "invalid_id_number" in bad.text and "password_too_short" in bad.text
    assert "110105194912310021" not in bad.text and "王五" in bad.text  # secrets are typed again
    good = await api.post(
        "/signup",
        data={
            "username": "wangwu",
            "password": "a-long-pass-9",
            "real_name": "王五",
            "id_number": "11010519491231002X",
            "csrf_token": token,
        },
    )
    assert good.status_code == 303
    assert (await api.get("/api/v1/me")).json()["role"] == "bidder"


async def test_secrets_are_never_logged(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    signup = {
        "username": "secretive",
        "password": "a-very-secret-9",
        "real_name": "秘密",
        "id_number": "11010519491231002X",
    }
    assert (await api.post("/api/v1/users", json=signup)).status_code == 201
    await api.post("/api/v1/tokens", json={"username": "secretive", "password": "wrong-secret-9"})
    token = (
        await api.post("/api/v1/tokens", json={"username": "secretive", "password": "a-very-secret-9"})
    ).json()
    await api.get("/api/v1/me", headers={"authorization": f"Bearer {token['token']}"})
    await api.get("/api/v1/me", headers={"authorization": "Bearer not-a-token-but-still-secret"})
    for secret in (
        "a-very-secret-9",
        "wrong-secret-9",
        token["token"],
        "not-a-token-but-still-secret",
        "11010519491231002X",
    ):
        assert secret not in caplog.text
