"""The web shell: health, the engine clock, tokens, and docs/api.md's error shape."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from core.settings import Settings
from web.app import create_app


async def test_healthz_reports_both_services(api: httpx.AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_healthz_is_503_when_redis_is_down(settings: Settings, db_engine: AsyncEngine) -> None:
    app = create_app(settings.replace(redis_url="redis://127.0.0.1:1/0"), background=False, gateway=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "redis": "down"}


async def test_healthz_is_503_when_postgres_is_down(settings: Settings) -> None:
    app = create_app(
        settings.replace(database_url="postgresql://postgres@127.0.0.1:1/none"),
        background=False,
        gateway=False,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "down", "redis": "ok"}


async def test_time_is_the_engine_clock(api: httpx.AsyncClient) -> None:
    before = int(time.time() * 1000)
    now_ms = (await api.get("/api/v1/time")).json()["now_ms"]
    assert isinstance(now_ms, int)
    assert abs(now_ms - before) < 5_000


async def test_realtime_gives_the_gateway_url(api: httpx.AsyncClient, settings: Settings) -> None:
    assert (await api.get("/api/v1/realtime")).json() == {"ws_url": f"ws://testserver:{settings.ws_port}/ws"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


async def test_unknown_path_is_404_json(api: httpx.AsyncClient) -> None:
    assert_error(await api.get("/api/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_405_json(api: httpx.AsyncClient) -> None:
    assert_error(await api.delete("/api/v1/time"), 405, "method_not_allowed")


async def test_unknown_page_renders_html_for_browsers(api: httpx.AsyncClient) -> None:
    response = await api.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"username": "a"}', {"password": "required"}),
        (b'{"username": "a", "password": "b", "extra": 1}', {"extra": "unknown_field"}),
        (b'{"username": 5, "password": "b"}', {"username": "invalid_type"}),
        (b"not json", {"body": "invalid_json"}),
    ],
)
async def test_bad_bodies_are_422_with_fields(api: httpx.AsyncClient, body: bytes, fields: dict) -> None:
    error = assert_error(
        await api.post("/api/v1/tokens", content=body),
        422,
        "invalid_json" if b"not json" in body else "validation_failed",
    )
    assert error["fields"] == fields


async def test_an_unexpected_exception_is_a_500_json_without_internals(
    settings: Settings, db_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, background=False, gateway=False)

    async def boom(request: object) -> None:
        raise RuntimeError("secret internals")

    app.add_route("/api/v1/boom", boom)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/api/v1/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in error["message"]
    assert "secret internals" in caplog.text  # logged, never swallowed


async def test_sign_up_then_token_then_me(api: httpx.AsyncClient) -> None:
    sign_up = {
        "username": "zhangsan",
        "password": "long-enough-1",
        "real_name": "张三",
        "id_number": "11010519491231002X",
    }
    created = await api.post("/api/v1/users", json=sign_up)
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "bidder"
    assert "id_number" not in created.text and "11010519491231002X" not in created.text

    assert_error(await api.post("/api/v1/users", json=sign_up), 409, "username_taken")
    wrong = await api.post("/api/v1/tokens", json={"username": "zhangsan", "password": "wrong-password-1"})
    assert_error(wrong, 401, "bad_credentials")

    token = (
        await api.post("/api/v1/tokens", json={"username": "ZhangSan", "password": "long-enough-1"})
    ).json()
    me = await api.get("/api/v1/me", headers={"authorization": f"Bearer {token['token']}"})
    assert me.json() == {"id": created.json()["id"], "username": "zhangsan", "role": "bidder"}

    revoked = await api.delete(
        "/api/v1/tokens/current", headers={"authorization": f"Bearer {token['token']}"}
    )
    assert revoked.status_code == 200
    again = await api.get("/api/v1/me", headers={"authorization": f"Bearer {token['token']}"})
    assert_error(again, 401, "not_authenticated")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "invalid_id_number"),
        ({"password": "short1"}, "password", "password_too_short"),
        ({"password": "onlyletters"}, "password", "password_too_simple"),
        ({"username": "no spaces"}, "username", "invalid_username"),
    ],
)
async def test_sign_up_refuses_bad_accounts(
    api: httpx.AsyncClient, changes: dict, field: str, code: str
) -> None:
    body = {
        "username": "lisi",
        "password": "long-enough-1",
        "real_name": "李四",
        "id_number": "11010519491231002X",
        **changes,
    }
    error = assert_error(await api.post("/api/v1/users", json=body), 422, "validation_failed")
    assert error["fields"][field] == code


async def test_me_needs_a_token(api: httpx.AsyncClient) -> None:
    assert_error(await api.get("/api/v1/me"), 401, "not_authenticated")
    assert_error(
        await api.get("/api/v1/me", headers={"authorization": "Bearer nope"}), 401, "not_authenticated"
    )


async def test_what_the_fuzzer_found_is_refused_cleanly(api: httpx.AsyncClient) -> None:
    # "³" passes str.isdigit() but not int(): a 500 until path ids took ASCII digits only.
    assert (await api.get("/api/v1/lots/%C2%B3")).status_code == 404
    assert (await api.post("/api/v1/lots/%C2%B3/resume")).status_code in (401, 404)
    # PostgreSQL text cannot hold U+0000: a 500 until the boundary refused it.
    nul = await api.post("/api/v1/tokens", content=b'{"username": "a\\u0000b", "password": "xxxxxxxxxxxx"}')
    assert nul.status_code == 422 and nul.json()["error"]["fields"] == {"body": "nul_character"}
    assert (await api.get("/api/v1/lots?q=a%00b")).status_code == 422
    assert (await api.post("/api/v1/payments/pay_%00/simulate-paid")).status_code == 404
