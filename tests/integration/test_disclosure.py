"""Public disclosure: announcements, the dishonest persons list, statistics, case timelines."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from tests.integration.conftest import auction
from tests.integration.test_workflows import (
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)

DISHONEST_CSV = """name,kind,id_number,court,case_number,obligation,listed_on
孙强,natural,{number},杭州市西湖区人民法院,(2025)浙0106执988号,给付货款,2025-05-01
杭州坏账有限公司,legal,91330106MA2AAAAA1X,杭州市西湖区人民法院,(2025)浙0106执989号,支付工程款,2025-06-01
坏行,natural,123,某法院,(2025)执1号,,2025-01-01
"""


async def test_import_search_and_registration_refusal(
    cli_env: dict,
    api: httpx.AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    scheduler: LotScheduler,
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    me = (await api.get("/api/v1/me", headers=bidder.headers)).json()
    number = identity.complete(f"1101051990010{me['username'][4:7]}1")  # the number `actor` registered with
    path = tmp_path / "dishonest.csv"
    path.write_text(DISHONEST_CSV.format(number=number), encoding="utf-8")
    result = auction(cli_env, "dishonest", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 2, updated 0, rejected 1" in result.stdout and "line 4" in result.stderr
    again = auction(cli_env, "dishonest", "import", str(path))
    assert "imported 0, updated 2" in again.stdout

    found = (await api.get("/api/v1/disclosure/dishonest?q=孙")).json()
    assert found["total"] == 1 and found["items"][0]["id_number"] == identity.mask(number)
    assert number not in (await api.get("/api/v1/disclosure/dishonest")).text
    assert (await api.get("/api/v1/disclosure/dishonest?q=(2025)浙0106执989号")).json()["total"] == 1

    _, staff = await court_and_staff(api, committed)
    _, _, flat = await listed_lot(api, staff, category="real_estate")
    refused = await api.post(f"/api/v1/lots/{flat}/registrations", headers=bidder.headers)
    assert refused.status_code == 403 and refused.json()["error"]["fields"] == {"reason": "dishonest_person"}
    # Issue 16 (RULES.md "Before the hammer"): vehicles are barred to them too; equity is not.
    _, _, car = await listed_lot(api, staff, category="vehicle")
    refused = await api.post(f"/api/v1/lots/{car}/registrations", headers=bidder.headers)
    assert refused.status_code == 403 and refused.json()["error"]["fields"] == {"reason": "dishonest_person"}
    _, _, shares = await listed_lot(api, staff, category="equity")
    assert (await api.post(f"/api/v1/lots/{shares}/registrations", headers=bidder.headers)).status_code == 201


async def test_announcements_stats_and_timeline(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other_staff = await court_and_staff(api, committed)
    winner, stranger = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    creditor = await actor(api, committed, Role.BIDDER)
    case_id, _, lot_id = await listed_lot(api, staff, appraised=1_000_000)
    claim = await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "刘芳",
            "kind": "ordinary",
            "amount": 100_000,
            "creditor_user_id": creditor.user_id,
        },
    )
    assert claim.status_code == 201
    await registered(api, winner, lot_id)
    await go_live(scheduler, lot_id)
    await bid(api, winner, lot_id, 840_000)  # 20 % over the start
    await end_now(scheduler, lot_id)

    listed = (await api.get(f"/api/v1/announcements?lot_id={lot_id}")).json()
    kinds = [item["kind"] for item in listed["items"]]
    assert "auction" in kinds and "result" in kinds
    result = next(item for item in listed["items"] if item["kind"] == "result")
    head = (await api.get(f"/api/v1/lots/{lot_id}/bids/verify")).json()["head"]
    assert head in result["body_zh"] and head in result["body_en"]
    one = await api.get(f"/api/v1/announcements/{listed['items'][0]['id']}")
    assert one.status_code == 200 and one.json()["title_zh"]

    stats = (await api.get("/api/v1/stats")).json()
    assert (stats["sold"], stats["total_sales"], stats["average_premium"]) == (1, 840_000, 0.2)
    assert stats["sell_through_rate"] == 1.0 and stats["commission_saved"] == 42_000  # 5 % band

    timeline = await api.get(f"/api/v1/cases/{case_id}/timeline", headers=creditor.headers)
    assert [e["kind"] for e in timeline.json()["events"]] == [
        "registered",
        "seized",
        "appraised",
        "announced",
        "auction_started",
        "sold",
    ]
    assert (await api.get(f"/api/v1/cases/{case_id}/timeline", headers=staff.headers)).status_code == 200
    assert (await api.get(f"/api/v1/cases/{case_id}/timeline", headers=stranger.headers)).status_code == 404
    assert (
        await api.get(f"/api/v1/cases/{case_id}/timeline", headers=other_staff.headers)
    ).status_code == 403
