"""The HTML pages beyond the lot page: who may see them, and that bad input gets a clear answer."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from tests.integration.test_sessions import csrf_of
from tests.integration.test_workflows import actor, court_and_staff, listed_lot


async def test_home_filters_by_category_and_price_and_refuses_bad_filters(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    await listed_lot(api, staff, appraised=1_000_000, category="vehicle")
    vehicles = await api.get("/?category=vehicle")
    assert vehicles.status_code == 200 and "/lots/" in vehicles.text
    assert "/lots/" not in (await api.get("/?category=equity")).text
    # Prices on the page are yuan: the demo-sized lot starts at 7 000 yuan (700 000 fen).
    assert "/lots/" in (await api.get("/?min_price=1000&max_price=10000")).text
    assert "/lots/" not in (await api.get("/?min_price=20000")).text
    bad = await api.get("/?min_price=lots&category=boats")
    assert bad.status_code == 422 and 'role="alert"' in bad.text


async def test_results_statistics_and_disclosure_render_for_anyone(api: httpx.AsyncClient) -> None:
    for path in ("/results", "/statistics", "/disclosure", "/disclosure?list=dishonest"):
        page = await api.get(path)
        assert page.status_code == 200, path
    assert (await api.get("/disclosure?list=nobody")).status_code == 404
    assert (await api.get("/disclosure?page=0")).status_code == 422


async def test_the_lookup_form_needs_its_token_and_reveals_nothing(api: httpx.AsyncClient) -> None:
    page = await api.get("/disclosure")
    forged = await api.post("/disclosure/lookup", data={"case_number": "x", "id_number": "y"})
    assert forged.status_code == 403
    missing = await api.post(
        "/disclosure/lookup",
        data={
            "case_number": "(2026)浙0106执1号",
            "id_number": "110105194912310021",
            "csrf_token": csrf_of(page),
        },
    )
    assert missing.status_code == 404 and "没有与该案号和身份证号相符的案件" in missing.text


async def test_party_pages_need_a_sign_in_and_show_the_own_records(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    for path in ("/me", "/me/cases", "/plans/1", "/court", "/court/cases/1"):
        anonymous = await api.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/login?next={path}"
    bidder = await actor(api, committed, Role.BIDDER)
    assert "您尚未报名任何拍卖" in (await api.get("/me", headers=bidder.headers)).text
    assert "暂无以您为债权人的案件" in (await api.get("/me/cases", headers=bidder.headers)).text
    assert (await api.get("/plans/999999", headers=bidder.headers)).status_code == 404
    assert (await api.get("/court", headers=bidder.headers)).status_code == 403


async def test_the_console_shows_only_the_own_courts_cases(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other = await court_and_staff(api, committed)
    case_id, _, lot_id = await listed_lot(api, staff)
    console = await api.get("/court", headers=staff.headers)
    assert console.status_code == 200 and f"/court/cases/{case_id}" in console.text
    assert f"/court/cases/{case_id}" not in (await api.get("/court", headers=other.headers)).text
    case_page = await api.get(f"/court/cases/{case_id}", headers=staff.headers)
    assert case_page.status_code == 200 and f'href="/lots/{lot_id}"' in case_page.text
    assert (await api.get(f"/court/cases/{case_id}", headers=other.headers)).status_code == 403
    assert (await api.get("/court/cases/abc", headers=staff.headers)).status_code == 404
    # The staff member's lot page carries the court's actions; a bidder's does not.
    assert 'id="court-actions"' in (await api.get(f"/lots/{lot_id}", headers=staff.headers)).text
    bidder = await actor(api, committed, Role.BIDDER)
    assert 'id="court-actions"' not in (await api.get(f"/lots/{lot_id}", headers=bidder.headers)).text
    assert 'id="court-actions"' not in (await api.get(f"/lots/{lot_id}", headers=other.headers)).text


async def test_a_withdrawn_lot_leaves_its_property_free_to_list_again(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id, property_id, lot_id = await listed_lot(api, staff)
    lot_form = f'name="property_id" value="{property_id}"'
    assert lot_form not in (await api.get(f"/court/cases/{case_id}", headers=staff.headers)).text
    withdrawn = await api.post(f"/api/v1/lots/{lot_id}/cancel", headers=staff.headers)
    assert withdrawn.json()["status"] == "cancelled"
    assert lot_form in (await api.get(f"/court/cases/{case_id}", headers=staff.headers)).text
