"""Steps the browser tests share."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import Dialog, Page

from auction.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import Server
from tests.e2e.test_two_workers import token
from tests.lawful import FULL_DISCLOSURE


def sign_in(page: Page, server: Server, username: str, target: str, language: str = "zh") -> None:
    """Choose the language, sign in with the demo account and land on `target`."""
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == username)
    page.goto(f"{server.base_url}/lang/{language}")
    page.goto(f"{server.base_url}/login?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server.base_url}{target}")


def short_lot(server: Server, bidder: str, *, seconds: int) -> tuple[int, int]:
    """Through the API: a lot of the natural-person demo case (the one creditor2 has a claim
    in) opening in 2 s and ending `seconds` later, with `bidder` registered and the deposit
    paid; (lot id, case id)."""
    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    buyer = {"Authorization": f"Bearer {token(server, bidder)}"}
    creditor = {"Authorization": f"Bearer {token(server, 'creditor2')}"}
    url = server.base_url + "/api/v1"
    case_id = int(httpx.get(f"{url}/me/cases", headers=creditor).json()[0]["case_id"])
    prop = httpx.post(
        f"{url}/properties",
        headers=court,
        json={
            "case_id": case_id,
            "title": "富阳区仓库一座",
            "category": "real_estate",
            "appraised_value": 100_000_000,
        },
    ).json()
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    lot = httpx.post(
        f"{url}/lots",
        headers=court,
        json={
            "property_id": prop["id"],
            "round": 1,
            "starting_price": 70_000_000,
            "increment": 1_000_000,
            "deposit": 7_000_000,
            "start_at": start.isoformat(),
            "end_at": (start + dt.timedelta(seconds=seconds)).isoformat(),
            "disclosure": FULL_DISCLOSURE,
        },
    ).json()
    assert httpx.post(f"{url}/lots/{lot['id']}/publish", headers=court).status_code == 200
    registration = httpx.post(f"{url}/lots/{lot['id']}/registrations", headers=buyer).json()
    paid = httpx.post(f"{url}/payments/{registration['deposit']['payment_id']}/simulate-paid", headers=buyer)
    assert paid.status_code == 200, paid.text
    return int(lot["id"]), case_id


@dataclass(frozen=True)
class NewLot:
    """What a test lists through the API: a new case of `debtor`, its property, one lot."""

    debtor: str
    title: str
    category: str = "real_estate"
    appraised_value: int = 3_000_000
    start_in: dt.timedelta = dt.timedelta(hours=2)
    bidding: dt.timedelta = dt.timedelta(hours=1)
    disclosure: dict[str, object] | None = None
    purchase_restriction: str | None = None


def listed_by_api(server: Server, new: NewLot, *, publish: bool) -> tuple[int, int]:
    """The lot at the lowest lawful price (70 %, deposit 10 %), as a draft or published:
    (lot id, case id)."""
    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    url = server.base_url + "/api/v1"
    case = httpx.post(
        f"{url}/cases",
        headers=court,
        json={
            "case_number": f"(2026)浙0106执{uuid.uuid4().int % 100_000}号",
            "debtor": {"name": new.debtor, "kind": "natural"},
        },
    ).json()
    prop = httpx.post(
        f"{url}/properties",
        headers=court,
        json={
            "case_id": case["id"],
            "title": new.title,
            "category": new.category,
            "appraised_value": new.appraised_value,
        },
    ).json()
    start = dt.datetime.now(dt.UTC) + new.start_in
    starting = new.appraised_value * 7 // 10
    body: dict[str, object] = {
        "property_id": prop["id"],
        "round": 1,
        "starting_price": starting,
        "increment": 10_000,
        "deposit": starting // 10,
        "start_at": start.isoformat(),
        "end_at": (start + new.bidding).isoformat(),
        "purchase_restriction": new.purchase_restriction,
    }
    if new.disclosure is not None:
        body["disclosure"] = new.disclosure
    lot = httpx.post(f"{url}/lots", headers=court, json=body).json()
    if publish:
        assert httpx.post(f"{url}/lots/{lot['id']}/publish", headers=court).status_code == 200
    return int(lot["id"]), int(case["id"])


def wait_for_status(server: Server, lot_id: int, status: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while httpx.get(f"{server.base_url}/api/v1/lots/{lot_id}").json()["status"] != status:
        assert time.monotonic() < deadline, f"lot {lot_id} did not become {status}"
        time.sleep(0.2)


@dataclass
class Confirmations:
    """The questions a page asked (a court's consequential acts ask one), and the answer given."""

    accept: bool = True
    asked: list[str] = field(default_factory=list)


def answer_confirmations(page: Page, *, accept: bool = True) -> Confirmations:
    answers = Confirmations(accept)

    def answer(dialog: Dialog) -> None:
        answers.asked.append(dialog.message)
        if answers.accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return answers
