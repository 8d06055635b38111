"""Enforcement disclosure: public lists and exports, the parties' look-up, notifications with
retries, property clues and rewards, the fee calculator."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.disclosure import lists as enforcement
from auction.enums import Channel, DeliveryStatus, Role
from auction.models import CaseSubscription, Notification
from auction.notifications.channels import DeliveryError, FileSink
from auction.notifications.dispatcher import NotificationDispatcher
from tests.integration.test_workflows import Actor, actor, court_and_staff

DEBTOR_ID = identity.complete("33010619750608011")


async def case_with_creditor(
    api: httpx.AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    staff: Actor,
    number: str,
    name: str = "赵明",
) -> tuple[int, Actor]:
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={"case_number": number, "debtor": {"name": name, "kind": "natural", "id_number": DEBTOR_ID}},
    )
    assert case.status_code == 201, case.text
    creditor = await actor(api, committed, Role.BIDDER)
    claim = await api.post(
        f"/api/v1/cases/{case.json()['id']}/claims",
        headers=staff.headers,
        json={
            "creditor_name": "刘芳",
            "kind": "ordinary",
            "amount": 250_000,
            "creditor_user_id": creditor.user_id,
        },
    )
    assert claim.status_code == 201
    return case.json()["id"], creditor


async def test_lists_and_exports_never_show_a_full_identity_number(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, staff = await court_and_staff(api, committed)
    open_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执公开1号")
    closed_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执终本2号", name="钱多")
    third_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执公开3号", name="孙三")
    closed = await api.post(
        f"/api/v1/cases/{closed_id}/close",
        headers=staff.headers,
        json={"outcome": "unsatisfied", "reason": "无可供执行财产"},
    )
    assert closed.json()["status"] == "closed_unsatisfied"

    subjects = (await api.get("/api/v1/disclosure/subjects")).json()
    assert {item["id"] for item in subjects["items"]} == {f"case-{open_id}", f"case-{third_id}"}
    row = next(item for item in subjects["items"] if item["id"] == f"case-{open_id}")
    assert (row["name"], row["amount_outstanding"], row["id_number"]) == (
        "赵明",
        250_000,
        identity.mask(DEBTOR_ID),
    )
    assert (await api.get("/api/v1/disclosure/subjects?q=孙")).json()["total"] == 1
    unsatisfied = (await api.get("/api/v1/disclosure/closed-unsatisfied")).json()
    assert [item["id"] for item in unsatisfied["items"]] == [f"case-{closed_id}"]

    exported = await api.get("/api/v1/disclosure/subjects.json")
    assert exported.status_code == 200 and DEBTOR_ID not in exported.text
    again = await api.get(
        "/api/v1/disclosure/subjects.json", headers={"if-none-match": exported.headers["etag"]}
    )
    assert again.status_code == 304
    table = await api.get("/api/v1/disclosure/subjects.csv")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert {r["case_number"] for r in rows} == {"(2026)浙0106执公开1号", "(2026)浙0106执公开3号"}
    assert DEBTOR_ID not in table.text

    monkeypatch.setattr(enforcement, "EXPORT_LIMIT", 1)
    first = (await api.get("/api/v1/disclosure/subjects.json")).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = (
        await api.get("/api/v1/disclosure/subjects.json", params={"cursor": first["next_cursor"]})
    ).json()
    assert second["items"][0]["id"] != first["items"][0]["id"]
    since = second["items"][0]["updated_at"]
    later = (await api.get("/api/v1/disclosure/subjects.json", params={"updated_since": since})).json()
    assert [item["id"] for item in later["items"]] == [second["items"][0]["id"]]
    assert (await api.get("/api/v1/disclosure/subjects.json?cursor=nonsense")).status_code == 422
    assert (await api.get("/api/v1/disclosure/everyone.json")).status_code == 404


async def test_a_party_finds_the_case_and_a_stranger_learns_nothing(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执查询号")
    await api.post(
        f"/api/v1/cases/{case_id}/measures", headers=staff.headers, json={"description": "冻结银行存款"}
    )
    found = await api.post(
        "/api/v1/case-lookup", json={"case_number": "(2026)浙0106执查询号", "id_number": DEBTOR_ID}
    )
    assert found.status_code == 200
    assert [e["kind"] for e in found.json()["events"]] == ["registered", "measures"]
    creditor_number = identity.complete("11010519900101000")  # nobody's in this case: refused
    wrong = await api.post(
        "/api/v1/case-lookup", json={"case_number": "(2026)浙0106执查询号", "id_number": creditor_number}
    )
    missing = await api.post(
        "/api/v1/case-lookup", json={"case_number": "(2026)不存在号", "id_number": DEBTOR_ID}
    )
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()  # the same words whether or not the case exists
    for _ in range(20):
        await api.post("/api/v1/case-lookup", json={"case_number": "x", "id_number": DEBTOR_ID})
    assert (
        await api.post("/api/v1/case-lookup", json={"case_number": "x", "id_number": DEBTOR_ID})
    ).status_code == 429


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []

    async def send(self, address: str, subject: str, body: str) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("mail server down")
        self.sent.append((address, subject, body))


async def test_parties_are_notified_with_retries_and_the_inbox(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id, creditor = await case_with_creditor(api, committed, staff, "(2026)浙0106执通知号")
    stranger = await actor(api, committed, Role.BIDDER)
    refused = await api.post(
        f"/api/v1/cases/{case_id}/subscription", headers=stranger.headers, json={"channels": []}
    )
    assert refused.status_code == 404
    incomplete = await api.post(
        f"/api/v1/cases/{case_id}/subscription", headers=creditor.headers, json={"channels": ["email"]}
    )
    assert incomplete.status_code == 422
    subscribed = await api.post(
        f"/api/v1/cases/{case_id}/subscription",
        headers=creditor.headers,
        json={"channels": ["email", "sms"], "email": "liu@example.com", "phone": "13800000000"},
    )
    assert subscribed.status_code == 201 and subscribed.json()["channels"] == ["email", "in_app", "sms"]
    measure = await api.post(
        f"/api/v1/cases/{case_id}/measures", headers=staff.headers, json={"description": "查封不动产一处"}
    )
    assert measure.status_code == 201  # the action never waits for a delivery

    email, sms = Flaky(failures=1), Flaky(failures=0)
    dispatcher = NotificationDispatcher(committed, {Channel.EMAIL: email, Channel.SMS: sms})
    assert await dispatcher.run_once() == 1  # the text message went; the e-mail failed
    async with committed() as session:
        from sqlalchemy import select

        failed = await session.scalar(select(Notification).where(Notification.channel == Channel.EMAIL))
        assert failed is not None and failed.status is DeliveryStatus.PENDING and failed.attempts == 1
        assert failed.last_error == "mail server down"
    async with committed.begin() as session:  # its backoff has passed
        from sqlalchemy import update

        await session.execute(update(Notification).values(next_attempt_at=Notification.created_at))
    assert await dispatcher.run_once() == 1
    assert email.sent[0][0] == "liu@example.com" and "查封不动产一处" in email.sent[0][2]
    assert await dispatcher.run_once() == 0  # nothing twice

    inbox = (await api.get("/api/v1/me/inbox", headers=creditor.headers)).json()
    assert [(n["kind"], n["read"]) for n in inbox] == [("measures", False)]
    assert (
        await api.post(f"/api/v1/me/inbox/{inbox[0]['id']}/read", headers=creditor.headers)
    ).status_code == 200
    assert (await api.get("/api/v1/me/inbox?unread=1", headers=creditor.headers)).json() == []
    assert (
        await api.post(f"/api/v1/me/inbox/{inbox[0]['id']}/read", headers=stranger.headers)
    ).status_code == 404


async def test_clues_rewards_and_their_permissions(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other_staff = await court_and_staff(api, committed)
    case_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执线索号")
    reporter = await actor(api, committed, Role.BIDDER)
    reward = await api.post(
        f"/api/v1/cases/{case_id}/rewards",
        headers=staff.headers,
        json={"amount": 5_000_000, "text_zh": "悬赏查找被执行人名下车辆"},
    )
    assert reward.status_code == 201
    rewards = (await api.get("/api/v1/announcements")).json()["items"]
    assert any(a["kind"] == "reward" and "悬赏" in a["title_zh"] for a in rewards)

    assert (await api.post(f"/api/v1/cases/{case_id}/clues", json={"text": "匿名线索"})).status_code == 401
    clue = await api.post(
        f"/api/v1/cases/{case_id}/clues",
        headers=reporter.headers,
        files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")},
        data={"text": "被执行人的宝马车停在西湖区某小区地下车库"},
    )
    assert clue.status_code == 201, clue.text
    assert clue.json()["status"] == "new" and clue.json()["attachment_url"].startswith("/files/")
    clue_id = clue.json()["id"]
    assert [c["id"] for c in (await api.get("/api/v1/clues", headers=staff.headers)).json()] == [clue_id]
    assert (await api.get("/api/v1/clues", headers=other_staff.headers)).json() == []
    assert (await api.get("/api/v1/clues", headers=reporter.headers)).status_code == 403
    answer = {"status": "verified", "note": "已核实，已查封"}
    assert (
        await api.post(f"/api/v1/clues/{clue_id}/answer", headers=other_staff.headers, json=answer)
    ).status_code == 403
    assert (
        await api.post(f"/api/v1/clues/{clue_id}/answer", headers=reporter.headers, json=answer)
    ).status_code == 403
    assert (
        await api.post(f"/api/v1/clues/{clue_id}/answer", headers=staff.headers, json=answer)
    ).status_code == 200
    mine = (await api.get("/api/v1/me/clues", headers=reporter.headers)).json()
    assert (mine[0]["status"], mine[0]["court_note"]) == ("verified", "已核实，已查封")
    assert "reporter_user_id" not in mine[0]

    await api.post(f"/api/v1/cases/{case_id}/close", headers=staff.headers, json={"outcome": "satisfied"})
    late = await api.post(
        f"/api/v1/cases/{case_id}/clues", headers=reporter.headers, json={"text": "另一条线索内容"}
    )
    assert late.status_code == 409


async def test_the_fee_calculator(api: httpx.AsyncClient) -> None:
    answer = (await api.get("/api/v1/fees/enforcement?amount=100000000")).json()  # 1 000 000 yuan
    assert answer["fee"] == 1_240_000
    assert [b["fee"] for b in answer["bands"]] == [5_000, 735_000, 500_000]
    assert (await api.get("/api/v1/fees/enforcement?amount=-1")).status_code == 422


async def test_a_clue_attachment_opens_for_the_court_and_its_reporter_only(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other_staff = await court_and_staff(api, committed)
    case_id, _ = await case_with_creditor(api, committed, staff, "(2026)浙0106执线索附件号")
    reporter, stranger = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    photo = b"\x89PNG\r\n\x1a\n" + b"1" * 64
    clue = await api.post(
        f"/api/v1/cases/{case_id}/clues",
        headers=reporter.headers,
        files={"file": ("car.png", photo, "image/png")},
        data={"text": "被执行人的车辆停在某停车场"},
    )
    url = clue.json()["attachment_url"]
    opened = await api.get(url, headers=staff.headers)
    assert opened.status_code == 200 and opened.content == photo
    assert opened.headers["content-type"] == "image/png" and "no-store" in opened.headers["cache-control"]
    assert (await api.get(url, headers=reporter.headers)).status_code == 200
    for who in (stranger.headers, other_staff.headers, {}):
        assert (await api.get(url, headers=who)).status_code == 404


async def test_an_address_with_a_line_break_is_refused_and_never_stops_the_notifier(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id, creditor = await case_with_creditor(api, committed, staff, "(2026)浙0106执换行号")
    injected = "liu@example.com\r\nBcc: everyone@example.com"
    refused = await api.post(
        f"/api/v1/cases/{case_id}/subscription",
        headers=creditor.headers,
        json={"channels": ["email"], "email": injected},
    )
    assert refused.status_code == 422 and refused.json()["error"]["fields"] == {"email": "invalid_email"}
    # One stored before the check existed still arrives at the dispatcher.
    subscribed = await api.post(
        f"/api/v1/cases/{case_id}/subscription",
        headers=creditor.headers,
        json={"channels": ["email"], "email": "liu@example.com"},
    )
    assert subscribed.status_code == 201
    async with committed.begin() as session:
        await session.execute(sa.update(CaseSubscription).values(email=injected))
    await api.post(
        f"/api/v1/cases/{case_id}/measures", headers=staff.headers, json={"description": "冻结存款"}
    )
    sink = FileSink(tmp_path / "email.log", email_from="noreply@court.example")
    dispatcher = NotificationDispatcher(committed, {Channel.EMAIL: sink, Channel.SMS: Flaky(0)})
    assert await dispatcher.run_once() == 0  # nothing sent, and the pass ended normally
    async with committed() as session:
        failed = await session.scalar(sa.select(Notification).where(Notification.channel == Channel.EMAIL))
    assert failed is not None and failed.status is DeliveryStatus.FAILED and failed.attempts == 1
    assert "not an e-mail address" in (failed.last_error or "")
    assert not (tmp_path / "email.log").exists()
