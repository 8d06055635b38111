"""A lot's state as its page and the lists show it (issue 21, items 3, 4 and 6): a suspension
needs its reason and the page shows it with the time left; one end time everywhere."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from core.display import cst_seconds
from tests.integration.conftest import advance_clock
from tests.integration.test_workflows import actor, bid, court_and_staff, go_live, listed_lot, registered


def banner(page: httpx.Response) -> str:
    found = re.search(r'<p id="state-banner"[^>]*>(.*?)</p>', page.text, re.S)
    assert found, page.text
    return found.group(0)


async def test_a_suspension_needs_its_reason_and_the_page_shows_it_with_the_time_left(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    _, _, lot_id = await listed_lot(api, staff)
    await registered(api, bidder, lot_id)
    await go_live(scheduler, lot_id)
    url = f"/api/v1/lots/{lot_id}/suspend"
    for body in ({}, {"reason": "   "}):
        refused = await api.post(url, headers=staff.headers, json=body)
        assert refused.status_code == 422 and refused.json()["error"]["fields"] == {"reason": "required"}
    assert (await api.get(f"/api/v1/lots/{lot_id}")).json()["status"] == "live"  # nothing happened

    suspended = await api.post(url, headers=staff.headers, json={"reason": "案外人提出异议"})
    assert suspended.json()["status"] == "suspended"
    detail = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    assert detail["status_reason"] == "案外人提出异议"
    assert 0 < detail["remaining_ms"] <= 10 * 60_000
    notices = (await api.get(f"/api/v1/announcements?lot_id={lot_id}")).json()["items"]
    assert any("案外人提出异议" in n["body_zh"] for n in notices if n["kind"] == "suspension")

    page = await api.get(f"/lots/{lot_id}", headers=bidder.headers)
    shown = banner(page)
    assert "hidden" not in shown and "法院已中止本次拍卖" in shown and "案外人提出异议" in shown
    assert f'data-remaining-ms="{detail["remaining_ms"]}"' in page.text or "data-remaining-ms=" in page.text
    assert re.search(r'<fieldset id="bid-controls"[^>]* disabled', page.text)
    assert '<strong id="end-time">—</strong>' in page.text
    assert (await bid(api, bidder, lot_id, 700_000)).json()["code"] == "not_live"

    resumed = await api.post(f"/api/v1/lots/{lot_id}/resume", headers=staff.headers)
    assert resumed.json()["status"] == "live"
    end = dt.datetime.fromisoformat((await api.get(f"/api/v1/lots/{lot_id}")).json()["end_at"])
    page = await api.get(f"/lots/{lot_id}", headers=bidder.headers)
    assert "hidden" in banner(page) and not re.search(r'<fieldset id="bid-controls"[^>]* disabled', page.text)
    assert f'<strong id="end-time">{cst_seconds(end)}</strong>' in page.text
    # The list shows the same end as the lot page, to the second.
    assert cst_seconds(end) in (await api.get("/")).text


async def test_the_list_shows_the_end_a_late_bid_moved(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    _, _, lot_id = await listed_lot(api, staff)
    await registered(api, bidder, lot_id)
    await go_live(scheduler, lot_id)
    scheduled = (await api.get("/api/v1/lots?status=live")).json()["items"]
    before = next(item["end_at"] for item in scheduled if item["id"] == lot_id)
    await advance_clock(scheduler.engine, lot_id, 10 * 60_000 - 3_000)  # 3 s left: inside the soft close
    assert (await bid(api, bidder, lot_id, 700_000)).status_code == 201
    detail = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    listed = (await api.get("/api/v1/lots?status=live")).json()["items"]
    moved = next(item["end_at"] for item in listed if item["id"] == lot_id)
    assert moved == detail["end_at"] != before
    assert cst_seconds(dt.datetime.fromisoformat(moved)) in (await api.get("/")).text
