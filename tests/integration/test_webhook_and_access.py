"""The signed payment webhook, and the authorization matrix of every endpoint."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.payments import sign
from core.settings import Settings
from tests.integration.conftest import api_client
from tests.integration.test_workflows import (
    Actor,
    actor,
    approve,
    court_and_staff,
    listed_lot,
    notified_days_ago,
)
from tests.lawful import FULL_DISCLOSURE

SECRET = "webhook-test-secret"


@pytest.fixture
async def webhook_api(settings: Settings, committed: async_sessionmaker[AsyncSession]):  # type: ignore[no-untyped-def]
    """The app with the signed-webhook provider (spc2016 rules, so no simulator)."""
    async with api_client(
        settings.replace(payment_webhook_secret=SECRET, rules=type(settings.rules)("spc2016"))
    ) as client:
        yield client


def signed(body: dict, *, secret: str = SECRET, at: float | None = None) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    timestamp = str(int(at or time.time()))
    return raw, {
        "x-timestamp": timestamp,
        "x-signature": sign(secret, timestamp, raw),
        "content-type": "application/json",
    }


async def test_webhook_confirms_once_and_refuses_forgeries(
    webhook_api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    court_code, staff = await court_and_staff(webhook_api, committed)
    bidder = await actor(webhook_api, committed, Role.BIDDER)
    # spc2016: a lot starting in 16 days (movables need 15) and lasting a day.
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    case = (
        await webhook_api.post(
            "/api/v1/cases",
            headers=staff.headers,
            json={"case_number": "(2026)执webhook号", "debtor": {"name": "甲", "kind": "legal"}},
        )
    ).json()
    prop = (
        await webhook_api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={"case_id": case["id"], "title": "车", "category": "vehicle", "appraised_value": 1_000_000},
        )
    ).json()
    lot = (
        await webhook_api.post(
            "/api/v1/lots",
            headers=staff.headers,
            json={
                "property_id": prop["id"],
                "round": 1,
                "starting_price": 700_000,
                "increment": 1_000,
                "deposit": 70_000,
                "start_at": (now + dt.timedelta(days=16)).isoformat(),
                "end_at": (now + dt.timedelta(days=17)).isoformat(),
                "disclosure": FULL_DISCLOSURE,
            },
        )
    ).json()
    await approve(webhook_api, committed, court_code, lot["id"])
    await notified_days_ago(webhook_api, committed, staff, lot["id"])
    assert (
        await webhook_api.post(f"/api/v1/lots/{lot['id']}/publish", headers=staff.headers)
    ).status_code == 200
    registration = (
        await webhook_api.post(f"/api/v1/lots/{lot['id']}/registrations", headers=bidder.headers)
    ).json()
    payment_id = registration["deposit"]["payment_id"]
    assert (
        await webhook_api.post(f"/api/v1/payments/{payment_id}/simulate-paid", headers=bidder.headers)
    ).status_code == 404

    event = {"event_id": "evt-1", "payment_id": payment_id, "status": "paid", "amount": 70_000}

    async def deposit_status() -> str:
        mine = (await webhook_api.get("/api/v1/me/registrations", headers=bidder.headers)).json()
        return str(mine[0]["deposit"]["status"])

    for raw, headers, code in (
        (*signed(event, secret="wrong"), "bad_signature"),
        (*signed(event, at=time.time() - 3600), "stale_timestamp"),
        (*signed({**event, "status": "refunded"}), "unknown_event"),
        (*signed({"event_id": "x"}), "malformed_event"),
    ):
        refused = await webhook_api.post("/api/v1/payments/webhook", content=raw, headers=headers)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == code
        assert await deposit_status() == "pending"
    wrong_amount = await webhook_api.post(
        "/api/v1/payments/webhook",
        content=signed({**event, "amount": 1})[0],
        headers=signed({**event, "amount": 1})[1],
    )
    assert wrong_amount.status_code == 404 and await deposit_status() == "pending"

    raw, headers = signed(event)
    first = await webhook_api.post("/api/v1/payments/webhook", content=raw, headers=headers)
    assert first.json() == {"received": True, "applied": True, "status": "frozen"}
    replay = await webhook_api.post("/api/v1/payments/webhook", content=raw, headers=headers)
    assert replay.json() == {"received": True, "applied": False}
    assert await deposit_status() == "frozen"


# -- authorization matrix -------------------------------------------------------------

ROLES = ("anonymous", "bidder", "creditor", "other_staff", "staff", "admin")
ALLOWED = {
    # endpoint: roles that pass authorization (others: 401 anonymous, 403 signed in)
    "POST /cases": {"staff", "other_staff"},
    "POST /cases/{case}/claims": {"staff", "admin"},
    "POST /properties": {"staff", "admin"},
    "POST /lots": {"staff", "admin"},
    "POST /lots/{lot}/publish": {"staff", "admin"},
    "POST /lots/{lot}/approve": {"staff"},
    "PUT /lots/{lot}/disclosure": {"staff", "admin"},
    "POST /lots/{lot}/barred-persons": {"staff", "admin"},
    "POST /lots/{lot}/agents": {"bidder", "creditor"},
    "DELETE /lots/{lot}": {"staff", "admin"},
    "POST /lots/{lot}/priority-holders": {"staff", "admin"},
    "POST /lots/{lot}/suspend": {"staff", "admin"},
    "POST /lots/{lot}/resume": {"staff", "admin"},
    "POST /lots/{lot}/cancel": {"staff", "admin"},
    "POST /lots/{lot}/balance-paid": {"staff", "admin"},
    "POST /lots/{lot}/default": {"staff", "admin"},
    "POST /lots/{lot}/next-round": {"staff", "admin"},
    "POST /lots/{lot}/defer": {"staff", "admin"},
    "POST /lots/{lot}/qualification": {"staff", "admin"},
    "POST /lots/{lot}/ruling": {"staff", "admin"},
    "POST /lots/{lot}/handover": {"staff", "admin"},
    "POST /lots/{lot}/annul": {"staff", "admin"},
    "GET /lots/{lot}/objections": {"staff", "admin"},
    "GET /me/auction-objections": set(ROLES) - {"anonymous"},
    "POST /cases/{case}/dishonest": {"staff", "admin"},
    "POST /cases/{case}/consumption-restriction": {"staff", "admin"},
    # A partner key, never a user's token: every user is refused (403), no key is 401.
    "GET /partner/check?name=x&id_number=110105199001011234": set(),
    "GET /partner/feed": set(),
    "GET /me/partner-checks": set(ROLES) - {"anonymous"},
    "POST /lots/{lot}/registrations": {"bidder", "creditor"},
    "GET /me": set(ROLES) - {"anonymous"},
    "GET /me/registrations": set(ROLES) - {"anonymous"},
    "GET /lots": set(ROLES),
    "GET /lots/{lot}": set(ROLES),
    "GET /lots/{lot}/bids": set(ROLES),
    "GET /lots/{lot}/bids/verify": set(ROLES),
    "GET /time": set(ROLES),
    "POST /lots/{lot}/bids": set(ROLES) - {"anonymous"},
    "PUT /lots/{lot}/proxy": set(ROLES) - {"anonymous"},
    "POST /properties/{property}/files": {"staff", "admin"},
    "GET /cases/{case}/timeline": {"staff", "admin", "creditor"},
    "DELETE /tokens/current": set(ROLES) - {"anonymous"},
    "GET /announcements": set(ROLES),
    "GET /disclosure/dishonest": set(ROLES),
    "GET /stats": set(ROLES),
    "POST /cases/{case}/measures": {"staff", "admin"},
    "POST /cases/{case}/rewards": {"staff", "admin"},
    "POST /cases/{case}/subscription": {"creditor"},
    "POST /cases/{case}/clues": set(ROLES) - {"anonymous"},
    "GET /clues": {"staff", "other_staff", "admin"},
    "GET /me/inbox": set(ROLES) - {"anonymous"},
    "GET /me/clues": set(ROLES) - {"anonymous"},
    "GET /me/cases": set(ROLES) - {"anonymous"},
    "POST /cases/{case}/allocation-plans": {"staff", "admin"},
    "GET /disclosure/subjects": set(ROLES),
    "GET /disclosure/subjects.csv": set(ROLES),
    "GET /fees/enforcement?amount=100": set(ROLES),
}
# Where a refusal must not even reveal that the thing exists.
REFUSED_AS = {
    ("GET /cases/{case}/timeline", "bidder"): 404,
    # Subscribing is for the case's parties: anyone else is told there is no such case of theirs.
    **{
        ("POST /cases/{case}/subscription", role): 404 for role in ("bidder", "other_staff", "staff", "admin")
    },
}
BODIES = {
    "POST /cases": {"case_number": "(2026)矩阵1号", "debtor": {"name": "乙", "kind": "natural"}},
    "POST /cases/{case}/claims": {"creditor_name": "丙", "kind": "ordinary", "amount": 1_000},
    "POST /properties": {"case_id": "{case}", "title": "物", "category": "other", "appraised_value": 10_000},
    "POST /lots": {
        "property_id": "{property}",
        "round": 1,
        "starting_price": 7_000,
        "increment": 100,
        "deposit": 700,
        "start_at": "2030-01-01T00:00:00+08:00",
        "end_at": "2030-01-02T00:00:00+08:00",
    },
    "POST /lots/{lot}/priority-holders": {"user_id": "{bidder}", "rank": 1},
    "PUT /lots/{lot}/disclosure": {"disclosure": {}},
    "POST /lots/{lot}/barred-persons": {"name": "甲", "id_number": "11010519900101123X", "relation": "other"},
    "POST /lots/{lot}/bids": {"amount": 700_000, "client_bid_id": "matrix"},
    "POST /lots/{lot}/defer": {"reason": "暂缓"},
    "POST /lots/{lot}/qualification": {"qualified": True, "note": "核验"},
    "POST /lots/{lot}/annul": {"ground": "other", "reason": "撤销"},
    "POST /cases/{case}/dishonest": {"ground": "able_but_refuses"},
    "PUT /lots/{lot}/proxy": {"max_amount": 800_000},
    "POST /cases/{case}/measures": {"description": "查封"},
    "POST /cases/{case}/rewards": {"amount": 100, "text_zh": "悬赏"},
    "POST /cases/{case}/subscription": {"channels": []},
    "POST /cases/{case}/clues": {"text": "一条财产线索"},
}


@pytest.fixture
async def matrix(api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]) -> dict:
    _, staff = await court_and_staff(api, committed)
    _, other_staff = await court_and_staff(api, committed)
    case_id, property_id, lot_id = await listed_lot(api, staff)
    actors: dict[str, Actor | None] = {
        "anonymous": None,
        "bidder": await actor(api, committed, Role.BIDDER),
        "creditor": await actor(api, committed, Role.BIDDER),
        "other_staff": other_staff,
        "staff": staff,
        "admin": await actor(api, committed, Role.ADMIN),
    }
    creditor = actors["creditor"]
    assert creditor is not None
    linked = await api.post(
        f"/api/v1/cases/{case_id}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "债权人",
            "kind": "ordinary",
            "amount": 5_000,
            "creditor_user_id": creditor.user_id,
        },
    )
    assert linked.status_code == 201
    ids = {"case": case_id, "property": property_id, "lot": lot_id, "bidder": actors["bidder"].user_id}  # type: ignore[union-attr]
    return {"actors": actors, "ids": ids}


def fill(value: object, ids: dict[str, int]) -> object:
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("endpoint", sorted(ALLOWED))
async def test_authorization_matrix(api: httpx.AsyncClient, matrix: dict, endpoint: str) -> None:
    method, template = endpoint.split(" ")
    ids = matrix["ids"]
    path = "/api/v1" + template.format(**ids)
    for role in ROLES:
        acting = matrix["actors"][role]
        headers = acting.headers if acting else {}
        body = fill(BODIES.get(endpoint), ids)
        if endpoint == "POST /properties/{property}/files":
            files = {"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 8, "image/png")}
            response = await api.post(path, headers=headers, files=files)
        else:
            response = await api.request(
                method, path, headers=headers, json=body if body is not None else None
            )
        if role in ALLOWED[endpoint]:
            assert response.status_code not in (401, 403), f"{role} {endpoint}: {response.text}"
        else:
            expected = REFUSED_AS.get((endpoint, role), 401 if role == "anonymous" else 403)
            assert response.status_code == expected, (
                f"{role} {endpoint}: {response.status_code} {response.text}"
            )


async def test_a_deposit_paid_after_the_close_is_recorded_and_refunded(
    webhook_api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    """The bank took the money just before the close; its notice comes after: nothing is lost."""
    import datetime as dt

    import sqlalchemy as sa

    from auction.models import Lot, Payment
    from settlement import chart, ledger

    court_code, staff = await court_and_staff(webhook_api, committed)
    bidder = await actor(webhook_api, committed, Role.BIDDER)
    now = dt.datetime.now(dt.UTC)
    case = (
        await webhook_api.post(
            "/api/v1/cases",
            headers=staff.headers,
            json={"case_number": "(2026)执迟到号", "debtor": {"name": "甲", "kind": "legal"}},
        )
    ).json()
    prop = (
        await webhook_api.post(
            "/api/v1/properties",
            headers=staff.headers,
            json={"case_id": case["id"], "title": "车", "category": "vehicle", "appraised_value": 1_000_000},
        )
    ).json()
    lot = (
        await webhook_api.post(
            "/api/v1/lots",
            headers=staff.headers,
            json={
                "property_id": prop["id"],
                "round": 1,
                "starting_price": 700_000,
                "increment": 1_000,
                "deposit": 70_000,
                "start_at": (now + dt.timedelta(days=16)).isoformat(),
                "end_at": (now + dt.timedelta(days=17)).isoformat(),
                "disclosure": FULL_DISCLOSURE,
            },
        )
    ).json()
    await approve(webhook_api, committed, court_code, lot["id"])
    await notified_days_ago(webhook_api, committed, staff, lot["id"])
    await webhook_api.post(f"/api/v1/lots/{lot['id']}/publish", headers=staff.headers)
    registration = (
        await webhook_api.post(f"/api/v1/lots/{lot['id']}/registrations", headers=bidder.headers)
    ).json()
    async with committed.begin() as session:  # the lot closed (no bid) before the notice came
        await session.execute(sa.update(Lot).where(Lot.id == lot["id"]).values(status="failed"))
    event = {
        "event_id": "evt-late",
        "payment_id": registration["deposit"]["payment_id"],
        "status": "paid",
        "amount": 70_000,
    }
    for _ in range(2):  # the provider's retry changes nothing
        answer = await webhook_api.post(
            "/api/v1/payments/webhook", content=signed(event)[0], headers=signed(event)[1]
        )
        assert answer.status_code == 200, answer.text
    mine = (await webhook_api.get("/api/v1/me/registrations", headers=bidder.headers)).json()
    assert mine[0]["deposit"]["status"] == "refunded"
    async with committed() as session:
        assert await session.scalar(sa.select(Payment.status)) == "refunded"
        assert await ledger.balance(session, chart.bidder_deposit(registration["registration_id"])) == 0
        kinds = list(await session.scalars(sa.text("SELECT kind FROM ledger_transactions ORDER BY id")))
    assert kinds == ["deposit_frozen", "deposit_refunded"]  # received, then sent back
