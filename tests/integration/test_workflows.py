"""The court and bidder workflows end to end through the HTTP API, under the sandbox profile:
case → property → claims → lot → publish → registration and deposit → live → bids → close →
paid; failed → round 2 → fixed-price sale; default → re-auction without the defaulter."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.accounts import users as accounts
from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.models import Announcement, Lot, PartyNotice, TimelineEvent
from settlement import chart, ledger
from settlement.chart import case_forfeits
from tests.conftest import TEST_SECRET
from tests.integration.conftest import advance_clock
from tests.lawful import FULL_DISCLOSURE

PASSWORD = "a-long-pass-9"
_numbers = itertools.count(100)


@dataclass
class Actor:
    user_id: int
    headers: dict[str, str]


async def actor(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role, court: str | None = None
) -> Actor:
    n = next(_numbers)
    async with sessions.begin() as session:
        user = await accounts.create_user(
            session,
            accounts.NewUser(
                role,
                f"user{n}x",
                PASSWORD,
                f"用户{n}",
                identity.complete(f"1101051990010{n:03d}1") if role is Role.BIDDER else None,
                court,
            ),
            secret_key=TEST_SECRET,
        )
    token = (await api.post("/api/v1/tokens", json={"username": f"user{n}x", "password": PASSWORD})).json()[
        "token"
    ]
    return Actor(user.id, {"authorization": f"Bearer {token}"})


async def court_and_staff(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> tuple[str, Actor]:
    code = f"CT{next(_numbers)}"
    async with sessions.begin() as session:
        await accounts.create_court(session, code=code, name=f"测试人民法院{code}")
    return code, await actor(api, sessions, Role.COURT_STAFF, code)


async def approve(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], court_code: str, lot_id: int
) -> dict:
    """The terms approved by a second staff member of the court (required under spc2016)."""
    second = await actor(api, sessions, Role.COURT_STAFF, court_code)
    approved = await api.post(f"/api/v1/lots/{lot_id}/approve", headers=second.headers)
    assert approved.status_code == 200, approved.text
    return dict(approved.json())


async def notified_days_ago(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    staff: Actor,
    lot_id: int,
    days: float = 4,
) -> None:
    """Every party and holder notified (art. 16; required under spc2016), `days` ago: those
    without an account by post, the others on the platform too."""
    parties = (await api.get(f"/api/v1/lots/{lot_id}/party-notices", headers=staff.headers)).json()["parties"]
    outside = [{"ref": p["ref"], "means": "post"} for p in parties]
    sent = await api.post(
        f"/api/v1/lots/{lot_id}/party-notices", headers=staff.headers, json={"outside": outside}
    )
    assert sent.status_code == 201, sent.text
    async with sessions.begin() as session:
        await session.execute(
            sa.update(PartyNotice)
            .where(PartyNotice.lot_id == lot_id)
            .values(sent_at=PartyNotice.sent_at - dt.timedelta(days=days))
        )


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


async def listed_lot(
    api: httpx.AsyncClient, staff: Actor, *, appraised: int = 1_000_000, category: str = "vehicle"
) -> tuple[int, int, int]:
    """A published lot starting now and ending in ten minutes: (case id, property id, lot id)."""
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={
            "case_number": f"(2026)浙0106执{next(_numbers)}号",
            "debtor": {"name": "赵明", "kind": "natural"},
        },
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    property_id = await new_property(api, staff, case_id, appraised=appraised, category=category)
    claim = await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "杭州银行",
            "kind": "secured",
            "amount": 500_000,
            "rank": 1,
            "property_id": property_id,
        },
    )
    assert claim.status_code == 201, claim.text
    lot_id = await new_lot(api, staff, property_id, 1, appraised * 7 // 10)
    return case_id, property_id, lot_id


async def new_property(
    api: httpx.AsyncClient,
    staff: Actor,
    case_id: int,
    *,
    appraised: int = 1_000_000,
    category: str = "vehicle",
) -> int:
    prop = await api.post(
        "/api/v1/properties",
        headers=staff.headers,
        json={
            "case_id": case_id,
            "title": "浙A·12345 小型轿车",
            "category": category,
            "description": "车况良好",
            "appraised_value": appraised,
        },
    )
    assert prop.status_code == 201, prop.text
    return int(prop.json()["id"])


def round_one(property_id: int, starts_in: dt.timedelta) -> dict:
    """A lawful round-1 listing of a ¥10,000 appraisal, a day long."""
    start = dt.datetime.now(dt.UTC) + starts_in
    return {
        "property_id": property_id,
        "round": 1,
        "starting_price": 700_000,
        "increment": 1_000,
        "deposit": 70_000,
        "start_at": iso(start),
        "end_at": iso(start + dt.timedelta(days=1)),
        "disclosure": FULL_DISCLOSURE,
    }


async def new_lot(
    api: httpx.AsyncClient, staff: Actor, property_id: int, round_: int, price: int, *, increment: int = 1_000
) -> int:
    now = dt.datetime.now(dt.UTC)
    lot = await api.post(
        "/api/v1/lots",
        headers=staff.headers,
        json={
            "property_id": property_id,
            "round": round_,
            "starting_price": price,
            "increment": increment,
            "deposit": price // 10,
            "start_at": iso(now + dt.timedelta(seconds=1)),
            "end_at": iso(now + dt.timedelta(minutes=10)),
            "disclosure": FULL_DISCLOSURE,
        },
    )
    assert lot.status_code == 201, lot.text
    assert lot.json()["status"] == "draft"
    published = await api.post(f"/api/v1/lots/{lot.json()['id']}/publish", headers=staff.headers)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "announced"
    return int(lot.json()["id"])


async def registered(api: httpx.AsyncClient, bidder: Actor, lot_id: int) -> dict:
    made = await api.post(f"/api/v1/lots/{lot_id}/registrations", headers=bidder.headers)
    assert made.status_code == 201, made.text
    assert made.json()["deposit"]["status"] == "pending"
    paid = await api.post(
        f"/api/v1/payments/{made.json()['deposit']['payment_id']}/simulate-paid", headers=bidder.headers
    )
    assert paid.json() == {"status": "frozen"}
    return dict(made.json())


async def bid(api: httpx.AsyncClient, bidder: Actor, lot_id: int, amount: int) -> httpx.Response:
    return await api.post(
        f"/api/v1/lots/{lot_id}/bids",
        headers=bidder.headers,
        json={"amount": amount, "client_bid_id": str(uuid.uuid4())},
    )


async def go_live(scheduler: LotScheduler, lot_id: int) -> None:
    """Bring the start forward to now (the clock running on) and let the lifecycle open it."""
    async with scheduler.sessions.begin() as session:
        # A second back: the engine clock reads whole milliseconds, PostgreSQL's now() microseconds.
        earlier = sa.func.now() - sa.text("interval '1 second'")
        await session.execute(sa.update(Lot).where(Lot.id == lot_id).values(start_at=earlier))
    opened, _ = await scheduler.tick()
    assert lot_id in opened


async def end_now(scheduler: LotScheduler, lot_id: int) -> None:
    await advance_clock(scheduler.engine, lot_id, 100 * 86_400_000)
    _, closed = await scheduler.tick()
    assert lot_id in closed


async def test_sold_and_paid(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    alice, bob = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    case_id, _, lot_id = await listed_lot(api, staff)
    a = await registered(api, alice, lot_id)
    await registered(api, bob, lot_id)
    assert (await bid(api, alice, lot_id, 700_000)).json()["code"] == "not_live"
    await go_live(scheduler, lot_id)

    first = await bid(api, alice, lot_id, 700_000)
    assert first.status_code == 201 and first.json()["accepted"] and first.json()["seq"] == 1
    rejected = await bid(api, bob, lot_id, 700_500)
    assert rejected.status_code == 409 and rejected.json()["code"] in {"too_low", "invalid_amount"}
    proxy = await api.put(f"/api/v1/lots/{lot_id}/proxy", headers=bob.headers, json={"max_amount": 720_000})
    assert proxy.status_code == 200 and proxy.json()["price"] == 701_000
    assert (await bid(api, alice, lot_id, 705_000)).json()["price"] == 706_000  # bob's proxy answers

    detail = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    assert (detail["price"], detail["bid_count"]) == (706_000, 4)
    await end_now(scheduler, lot_id)
    sold = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    assert (sold["status"], sold["price"]) == ("sold", 706_000)

    mine = {r["lot_id"]: r for r in (await api.get("/api/v1/me/registrations", headers=alice.headers)).json()}
    assert mine[lot_id]["outcome"] == "lost" and mine[lot_id]["deposit"]["status"] == "refunded"
    assert mine[lot_id]["bidder_code"] == a["bidder_code"]
    page = await api.get(f"/lots/{lot_id}/confirmation")
    bob_name = (
        (await api.get("/api/v1/me", headers=bob.headers)).json()["username"].replace("user", "用户")[:-1]
    )
    assert page.status_code == 200 and bob_name in page.text and "@media print" not in page.text
    pdf = await api.get(f"/lots/{lot_id}/confirmation.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    paid = await api.post(f"/api/v1/lots/{lot_id}/balance-paid", headers=staff.headers)
    assert paid.json()["status"] == "settled"
    async with committed() as session:
        assert await ledger.balance(session, chart.case_escrow(case_id)) == -706_000  # held for the case
        kinds = set(await session.scalars(sa.select(Announcement.kind).where(Announcement.lot_id == lot_id)))
        assert {"auction", "result", "confirmation"} <= {kind.value for kind in kinds}
        timeline = [
            k.value
            for k in await session.scalars(
                sa.select(TimelineEvent.kind)
                .where(TimelineEvent.case_id == case_id)
                .order_by(TimelineEvent.id)
            )
        ]
    assert timeline == ["registered", "seized", "appraised", "announced", "auction_started", "sold", "paid"]


async def test_failed_then_round_two_then_fixed_price_sale(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, property_id, lot_id = await listed_lot(api, staff)
    await go_live(scheduler, lot_id)
    await end_now(scheduler, lot_id)
    assert (await api.get(f"/api/v1/lots/{lot_id}")).json()["status"] == "failed"
    assert (await api.get(f"/lots/{lot_id}/confirmation")).status_code == 404

    too_deep = await api.post(
        "/api/v1/lots",
        headers=staff.headers,
        json={
            "property_id": property_id,
            "round": 2,
            "starting_price": 559_999,
            "increment": 1_000,
            "deposit": 56_000,
            "start_at": iso(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)),
            "end_at": iso(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)),
        },
    )
    assert too_deep.status_code == 422 and too_deep.json()["error"]["fields"] == {
        "starting_price": "below_round_floor"
    }
    round2 = await api.post(f"/api/v1/lots/{lot_id}/next-round", headers=staff.headers)
    assert round2.status_code == 201, round2.text
    assert (round2.json()["round"], round2.json()["starting_price"]) == (2, 560_000)
    assert round2.json()["status"] == "draft"
    await api.post(f"/api/v1/lots/{round2.json()['id']}/publish", headers=staff.headers)
    await go_live(scheduler, round2.json()["id"])
    await end_now(scheduler, round2.json()["id"])

    fixed = await api.post(f"/api/v1/lots/{round2.json()['id']}/next-round", headers=staff.headers)
    assert fixed.status_code == 201, fixed.text
    assert (fixed.json()["round"], fixed.json()["sale_kind"], fixed.json()["starting_price"]) == (
        3,
        "fixed_price",
        560_000,
    )
    assert (await api.post(f"/api/v1/lots/{lot_id}/next-round", headers=staff.headers)).status_code == 409


async def test_default_forfeits_the_deposit_and_bars_the_defaulter(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    winner, other = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    case_id, _, lot_id = await listed_lot(api, staff)
    await registered(api, winner, lot_id)
    await go_live(scheduler, lot_id)
    assert (await bid(api, winner, lot_id, 700_000)).status_code == 201
    await end_now(scheduler, lot_id)
    defaulted = await api.post(f"/api/v1/lots/{lot_id}/default", headers=staff.headers)
    assert defaulted.json()["status"] == "defaulted"
    assert (await api.get(f"/lots/{lot_id}/confirmation.pdf")).status_code == 200  # the record stays
    notices = (await api.get(f"/api/v1/announcements?lot_id={lot_id}")).json()["items"]
    assert any("悔拍" in n["title_zh"] for n in notices)
    async with committed() as session:
        assert await ledger.balance(session, case_forfeits(case_id)) == -70_000

    # The re-auction (art. 24: the same round, the court's terms) is barred to the defaulter.
    again = await api.post(f"/api/v1/lots/{lot_id}/next-round", headers=staff.headers)
    reauction = again.json()["id"]
    await api.post(f"/api/v1/lots/{reauction}/publish", headers=staff.headers)
    barred = await api.post(f"/api/v1/lots/{reauction}/registrations", headers=winner.headers)
    assert barred.status_code == 403
    assert barred.json()["error"] == {
        "code": "ineligible",
        "message": barred.json()["error"]["message"],
        "fields": {"reason": "defaulted_buyer"},
    }
    assert (
        await api.post(f"/api/v1/lots/{reauction}/registrations", headers=other.headers)
    ).status_code == 201


async def test_suspend_resume_cancel(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    _, _, lot_id = await listed_lot(api, staff)
    await registered(api, bidder, lot_id)
    await go_live(scheduler, lot_id)
    suspended = await api.post(
        f"/api/v1/lots/{lot_id}/suspend", headers=staff.headers, json={"reason": "案外人异议"}
    )
    assert suspended.json()["status"] == "suspended"
    assert (await bid(api, bidder, lot_id, 700_000)).json()["code"] == "not_live"
    assert (await api.post(f"/api/v1/lots/{lot_id}/resume", headers=staff.headers)).json()["status"] == "live"
    assert (await bid(api, bidder, lot_id, 700_000)).status_code == 201
    assert (await api.post(f"/api/v1/lots/{lot_id}/cancel", headers=staff.headers)).json()[
        "status"
    ] == "cancelled"
    assert (await bid(api, bidder, lot_id, 701_000)).json()["code"] == "not_live"
    mine = (await api.get("/api/v1/me/registrations", headers=bidder.headers)).json()
    assert mine[0]["deposit"]["status"] == "refunded" and mine[0]["outcome"] == "cancelled"
    async with committed() as session:
        kinds = [
            k.value
            for k in await session.scalars(
                sa.select(Announcement.kind).where(Announcement.lot_id == lot_id).order_by(Announcement.id)
            )
        ]
    assert kinds == ["auction", "suspension", "resumption", "cancellation"]


async def test_a_mistaken_draft_is_deleted_and_the_property_listed_again(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    holder = await actor(api, committed, Role.BIDDER)
    case_id, _, published = await listed_lot(api, staff)
    refused = await api.delete(f"/api/v1/lots/{published}", headers=staff.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_status"

    listing = round_one(await new_property(api, staff, case_id), dt.timedelta(days=40))
    draft = (await api.post("/api/v1/lots", headers=staff.headers, json=listing)).json()["id"]
    confirmed = await api.post(
        f"/api/v1/lots/{draft}/priority-holders",
        headers=staff.headers,
        json={"user_id": holder.user_id, "rank": 1},
    )
    assert confirmed.status_code == 201, confirmed.text
    assert (await api.post("/api/v1/lots", headers=staff.headers, json=listing)).status_code == 409

    deleted = await api.delete(f"/api/v1/lots/{draft}", headers=staff.headers)
    assert deleted.status_code == 204, deleted.text
    async with committed() as session:
        assert await session.get(Lot, draft) is None
    assert (await api.delete(f"/api/v1/lots/{draft}", headers=staff.headers)).status_code == 404
    again = await api.post("/api/v1/lots", headers=staff.headers, json=listing)
    assert again.status_code == 201, again.text


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"starting_price": 699_999}, "starting_price", "below_appraisal_floor"),
        ({"deposit": 34_999}, "deposit", "deposit_below_minimum"),
        ({"deposit": 140_001}, "deposit", "deposit_above_maximum"),
        ({"increment": 0}, "increment", "not_positive"),
        ({"round": 2}, "round", "no_previous_round"),
        ({"end_at": "START"}, "end_at", "ends_before_start"),
        ({"start_at": "2020-01-01T00:00:00+08:00"}, "start_at", "in_the_past"),
        ({"start_at": "2030-01-01T00:00:00"}, "start_at", "timezone_required"),
        ({"extra": 1}, "extra", "unknown_field"),
        ({"starting_price": "700000"}, "starting_price", "invalid_type"),
    ],
)
async def test_every_listing_rule_is_a_422_with_its_code(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], changes: dict, field: str, code: str
) -> None:
    _, staff = await court_and_staff(api, committed)
    case = (
        await api.post(
            "/api/v1/cases",
            headers=staff.headers,
            json={"case_number": f"(2026)执{next(_numbers)}号", "debtor": {"name": "甲", "kind": "legal"}},
        )
    ).json()
    prop = (
        await api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={"case_id": case["id"], "title": "设备", "category": "other", "appraised_value": 1_000_000},
        )
    ).json()
    body = {**round_one(prop["id"], dt.timedelta(hours=1)), **changes}
    if body["end_at"] == "START":
        body["end_at"] = body["start_at"]
    response = await api.post("/api/v1/lots", headers=staff.headers, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][field] == code


async def test_a_deposit_confirmed_while_live_makes_the_bidder_eligible_at_once(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    early, late = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    _, _, lot_id = await listed_lot(api, staff)
    await registered(api, early, lot_id)
    await go_live(scheduler, lot_id)
    made = await api.post(f"/api/v1/lots/{lot_id}/registrations", headers=late.headers)
    assert (await bid(api, late, lot_id, 700_000)).json()["code"] == "not_registered"  # deposit pending
    payment = made.json()["deposit"]["payment_id"]
    assert (
        await api.post(f"/api/v1/payments/{payment}/simulate-paid", headers=late.headers)
    ).status_code == 200
    assert (await bid(api, late, lot_id, 700_000)).status_code == 201
    stolen = await api.post(f"/api/v1/payments/{payment}/simulate-paid", headers=early.headers)
    assert stolen.status_code == 404  # another bidder's payment is not theirs to confirm


async def test_a_sold_property_cannot_be_listed_again(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    _, property_id, lot_id = await listed_lot(api, staff)
    await registered(api, buyer, lot_id)
    await go_live(scheduler, lot_id)
    assert (await bid(api, buyer, lot_id, 700_000)).status_code == 201
    await end_now(scheduler, lot_id)
    again = await api.post(
        "/api/v1/lots", headers=staff.headers, json=round_one(property_id, dt.timedelta(hours=1))
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "property_sold"
    assert (await api.post(f"/api/v1/lots/{lot_id}/balance-paid", headers=staff.headers)).status_code == 200
    settled = await api.post(
        "/api/v1/lots", headers=staff.headers, json=round_one(property_id, dt.timedelta(hours=1))
    )
    assert settled.status_code == 409 and settled.json()["error"]["code"] == "property_sold"
