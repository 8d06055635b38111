"""The lists' whole life (issue 18): the court lists and removes; the public list, the exports and
the partners' feed follow at once; partners check and copy with their keys, every read audited;
a person listed while registered is taken out of real-estate and vehicle lots."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import credit_code, identity
from auction.accounts import users as accounts
from auction.disclosure import partners
from auction.disclosure.lists_clock import ListsClock
from auction.disclosure.pushes import PushDispatcher
from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.lots.payments import sign
from auction.models import ConsumptionRestriction, DishonestPerson, ListChange, PartnerDelivery, PartnerRead
from core.settings import Settings
from load_tests.partner_client import ListsCopy, PartnerClient
from tests.conftest import TEST_SECRET
from tests.integration.test_demo_and_cli import auction
from tests.integration.test_disclosure import DISHONEST_CSV
from tests.integration.test_workflows import Actor, actor, court_and_staff, listed_lot, registered

DEBTOR_ID = identity.complete("33010619800101002")
REP_ID = identity.complete("33010619750505003")


async def debtor_case(
    api: httpx.AsyncClient,
    staff: Actor,
    *,
    kind: str = "natural",
    number: str = DEBTOR_ID,
    name: str = "钱多多",
) -> int:
    made = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={
            "case_number": f"(2026)浙0106执失{random.randrange(10**6)}号",
            "debtor": {"name": name, "kind": kind, "id_number": number},
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def partner_key(
    committed: async_sessionmaker[AsyncSession], scopes: list[str], name: str = "铁路客票系统"
) -> str:
    async with committed.begin() as session:
        made = await partners.create_partner(session, name, "railway", scopes, None)
    return made.key


async def list_or_remove(
    api: httpx.AsyncClient,
    committed: async_sessionmaker[AsyncSession],
    staff: Actor,
    case_id: int,
    rng: random.Random,
) -> None:
    """One random step of the lists' life: the case's debtor listed if not listed, else removed."""
    async with committed() as session:
        active = await session.scalar(
            sa.select(DishonestPerson.id).where(
                DishonestPerson.case_id == case_id, DishonestPerson.removed_at.is_(None)
            )
        )
    if active is None:
        made = await api.post(
            f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "able_but_refuses"}
        )
        assert made.status_code == 201, made.text
    else:
        gone = await api.post(
            f"/api/v1/dishonest/{active}/remove",
            headers=staff.headers,
            json={"reason": rng.choice(["performed", "revoked", "error"])},
        )
        assert gone.status_code == 200, gone.text


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_a_listing_reaches_the_public_the_exports_the_feed_and_the_check_and_a_removal_too(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id = await debtor_case(api, staff)
    key = await partner_key(committed, ["check", "feed"])
    bad = await api.post(
        f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "laziness"}
    )
    assert bad.status_code == 422
    no_period = await api.post(
        f"/api/v1/cases/{case_id}/dishonest",
        headers=staff.headers,
        json={"ground": "able_but_refuses", "period_months": 24},
    )
    assert no_period.json()["error"]["fields"] == {"period_months": "not_for_ground"}
    short = await api.post(
        f"/api/v1/cases/{case_id}/dishonest",
        headers=staff.headers,
        json={"ground": "obstructs_enforcement", "period_months": 12},
    )
    assert short.json()["error"]["fields"] == {"period_months": "out_of_range"}
    listed = await api.post(
        f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "evades_enforcement"}
    )
    assert listed.status_code == 201, listed.text
    expires = dt.datetime.fromisoformat(listed.json()["expires_at"]) - dt.datetime.fromisoformat(
        listed.json()["listed_at"]
    )
    assert dt.timedelta(days=729) < expires < dt.timedelta(days=732)  # two years
    again = await api.post(
        f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "evades_enforcement"}
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_listed"
    entry_id = listed.json()["id"]

    public = (await api.get("/api/v1/disclosure/dishonest", params={"q": "钱多多"})).json()
    assert [item["id_number"] for item in public["items"]] == [identity.mask(DEBTOR_ID)]
    assert DEBTOR_ID not in json.dumps(public)  # the public sees the masked form only
    check = await api.get(
        "/api/v1/partner/check", params={"name": "钱多多", "id_number": DEBTOR_ID}, headers=bearer(key)
    )
    assert check.json()["listed"] is True and check.json()["entries"][0]["ground"] == "evades_enforcement"
    feed = (await api.get("/api/v1/partner/feed", headers=bearer(key))).json()
    assert [(i["op"], i["list"], i["id_number"]) for i in feed["items"]] == [
        ("listed", "dishonest", DEBTOR_ID)
    ]

    _, other_staff = await court_and_staff(api, committed)
    foreign = await api.post(
        f"/api/v1/dishonest/{entry_id}/remove", headers=other_staff.headers, json={"reason": "error"}
    )
    assert foreign.status_code == 403
    removed = await api.post(
        f"/api/v1/dishonest/{entry_id}/remove", headers=staff.headers, json={"reason": "revoked"}
    )
    assert removed.status_code == 200 and removed.json()["reason"] == "revoked"
    assert (
        await api.post(
            f"/api/v1/dishonest/{entry_id}/remove", headers=staff.headers, json={"reason": "revoked"}
        )
    ).status_code == 409
    # Gone from the public list at once; the export and the feed say it was removed.
    assert (await api.get("/api/v1/disclosure/dishonest", params={"q": "钱多多"})).json()["items"] == []
    export = (await api.get("/api/v1/disclosure/dishonest.json")).json()["items"]
    assert [(e["id"], e["removal_reason"]) for e in export] == [(f"dishonest-{entry_id}", "revoked")]
    assert export[0]["removed_at"] is not None
    later = (
        await api.get("/api/v1/partner/feed", params={"cursor": feed["next_cursor"]}, headers=bearer(key))
    ).json()
    assert [(i["op"], i["detail"]) for i in later["items"]] == [("removed", "revoked")]
    after = await api.get(
        "/api/v1/partner/check", params={"name": "钱多多", "id_number": DEBTOR_ID}, headers=bearer(key)
    )
    assert after.json() == {"listed": False, "entries": []}
    # Each read is audited with the masked subject and the answer.
    async with committed() as session:
        reads = list(await session.scalars(sa.select(PartnerRead).order_by(PartnerRead.id)))
    assert [r.endpoint for r in reads] == ["check", "feed", "feed", "check"]
    assert (
        reads[0].subject_masked == identity.mask(DEBTOR_ID) and json.loads(reads[0].answer)["listed"] is True
    )
    assert DEBTOR_ID not in " ".join(r.answer + (r.subject_masked or "") for r in reads)


async def test_the_partner_endpoints_know_keys_scopes_and_tokens(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    bidder = await actor(api, committed, Role.BIDDER)
    _, staff = await court_and_staff(api, committed)
    check_only = await partner_key(committed, ["check"])
    params = {"name": "某人", "id_number": DEBTOR_ID}
    assert (await api.get("/api/v1/partner/check", params=params)).status_code == 401
    assert (await api.get("/api/v1/partner/check", params=params, headers=bidder.headers)).status_code == 403
    assert (await api.get("/api/v1/partner/check", params=params, headers=staff.headers)).status_code == 403
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer("pk_unknown"))
    ).status_code == 401
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(check_only))
    ).status_code == 200
    assert (await api.get("/api/v1/partner/feed", headers=bearer(check_only))).status_code == 403
    invalid = await api.get(
        "/api/v1/partner/check", params={"name": "x", "id_number": "123"}, headers=bearer(check_only)
    )
    assert invalid.status_code == 422 and invalid.json()["error"]["fields"] == {
        "id_number": "invalid_id_number"
    }
    async with committed.begin() as session:
        access = await partners.authenticate(session, check_only)
        assert access is not None
        partner_id = access.partner_id
        rotated = await partners.rotate_key(session, partner_id)
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(check_only))
    ).status_code == 401
    assert (await api.get("/api/v1/partner/check", params=params, headers=bearer(rotated))).status_code == 200
    async with committed.begin() as session:
        await partners.revoke_partner(session, partner_id)
    assert (await api.get("/api/v1/partner/check", params=params, headers=bearer(rotated))).status_code == 401


async def test_a_company_order_restricts_its_people_and_a_listed_bidder_is_taken_out(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    person = await debtor_case(api, staff)
    refused = await api.post(
        f"/api/v1/cases/{person}/consumption-restriction",
        headers=staff.headers,
        json={"persons": [{"name": "张三", "id_number": REP_ID, "role": "legal_representative"}]},
    )
    assert refused.status_code == 422 and refused.json()["error"]["fields"] == {
        "persons": "only_for_a_company"
    }
    company = await debtor_case(
        api, staff, kind="legal", number=credit_code.complete("91330106MA2CDEFG1"), name="云帆公司"
    )
    # The legal representative has a bidder account and is registered for a vehicle lot.
    async with committed.begin() as session:
        rep = await accounts.create_user(
            session,
            accounts.NewUser(Role.BIDDER, "rep-zhang", "a-long-pass-9", "张三", REP_ID, None),
            secret_key=TEST_SECRET,
        )
    token = (
        await api.post("/api/v1/tokens", json={"username": "rep-zhang", "password": "a-long-pass-9"})
    ).json()["token"]
    rep_actor = Actor(rep.id, {"authorization": f"Bearer {token}"})
    _, _, lot = await listed_lot(api, staff)  # a vehicle
    made = await registered(api, rep_actor, lot)
    ordered = await api.post(
        f"/api/v1/cases/{company}/consumption-restriction",
        headers=staff.headers,
        json={"persons": [{"name": "张三", "id_number": REP_ID, "role": "legal_representative"}]},
    )
    assert ordered.status_code == 201, ordered.text
    assert len(ordered.json()["ids"]) == 2  # the company itself and its representative
    mine = (await api.get("/api/v1/me/registrations", headers=rep_actor.headers)).json()
    assert mine[0]["deposit"]["status"] == "refunded"  # out of the lot at once, deposit released
    async with committed() as session:
        restricted = list(
            await session.scalars(sa.select(ConsumptionRestriction).order_by(ConsumptionRestriction.id))
        )
    assert [r.role.value for r in restricted] == ["subject", "legal_representative"]
    assert all(REP_ID not in (r.id_number_sealed or "") for r in restricted)  # sealed, not clear
    del made


async def test_a_period_runs_out_and_a_case_paid_in_full_takes_its_debtor_off(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id = await debtor_case(api, staff)
    entry = (
        await api.post(
            f"/api/v1/cases/{case_id}/dishonest",
            headers=staff.headers,
            json={"ground": "violates_property_report"},
        )
    ).json()
    async with committed.begin() as session:
        await session.execute(
            sa.update(DishonestPerson)
            .where(DishonestPerson.id == entry["id"])
            .values(expires_at=sa.func.now() - sa.text("interval '1 second'"))
        )
    assert await ListsClock(committed).run_once() == 1
    assert await ListsClock(committed).run_once() == 0
    async with committed() as session:
        row = await session.get(DishonestPerson, entry["id"])
        assert row is not None and row.removal_reason == "expired" and row.removed_at is not None
        ops = [(c.op, c.detail) for c in await session.scalars(sa.select(ListChange).order_by(ListChange.id))]
    assert ops == [("listed", "violates_property_report"), ("removed", "expired")]


async def test_the_reference_client_keeps_an_exact_copy_through_random_listings_and_removals(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    key = await partner_key(committed, ["check", "feed"])
    client = PartnerClient("http://test", key, client=api)
    copy = ListsCopy()
    rng = random.Random(18)
    numbers = [identity.complete(f"33010619850101{n:03d}") for n in range(8)]
    cases = [
        await debtor_case(api, staff, number=number, name=f"被执行人{n}") for n, number in enumerate(numbers)
    ]
    for step in range(40):
        await list_or_remove(api, committed, staff, rng.choice(cases), rng)
        if step % 7 == 0:
            await client.sync(copy)  # the partner syncs now and then, mid-sequence
    await client.sync(copy)
    async with committed() as session:
        platform = {
            ("dishonest", d.id): numbers[cases.index(d.case_id)]
            for d in await session.scalars(
                sa.select(DishonestPerson).where(DishonestPerson.removed_at.is_(None))
            )
        }
    assert {k: e["id_number"] for k, e in copy.entries.items()} == platform
    for number in numbers:
        listed = (await client.check(f"被执行人{numbers.index(number)}", number))["listed"]
        assert listed == (copy.listed(number) == ["dishonest"])


async def test_a_person_sees_which_institutions_checked_them(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    number = identity.complete("44030519880808001")
    async with committed.begin() as session:
        await accounts.create_user(
            session,
            accounts.NewUser(Role.BIDDER, "checked-li", "a-long-pass-9", "李四", number, None),
            secret_key=TEST_SECRET,
        )
    token = (
        await api.post("/api/v1/tokens", json={"username": "checked-li", "password": "a-long-pass-9"})
    ).json()
    key = await partner_key(committed, ["check"], name="某银行")
    await api.get("/api/v1/partner/check", params={"name": "李四", "id_number": number}, headers=bearer(key))
    seen = (await api.get("/api/v1/me/partner-checks", headers=bearer(token["token"]))).json()
    assert [(s["partner"], s["listed"]) for s in seen] == [("某银行", False)]
    assert (await api.get("/api/v1/me/partner-checks")).status_code == 401


@pytest.mark.parametrize("reason", ["performed", "expired", "revoked", "error"])
async def test_every_removal_reason_is_recorded(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], reason: str
) -> None:
    _, staff = await court_and_staff(api, committed)
    case_id = await debtor_case(api, staff)
    entry = (
        await api.post(
            f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "able_but_refuses"}
        )
    ).json()
    done = await api.post(
        f"/api/v1/dishonest/{entry['id']}/remove", headers=staff.headers, json={"reason": reason}
    )
    assert done.json()["reason"] == reason


async def test_the_operator_makes_rotates_and_revokes_partners_with_the_command(
    cli_env: dict, api: httpx.AsyncClient
) -> None:
    made = auction(
        cli_env, "partners", "create", "--name", "某航空公司", "--kind", "airline", "--scopes", "check,feed"
    )
    assert made.returncode == 0, made.stderr
    first = json.loads(made.stdout)
    params = {"name": "某人", "id_number": DEBTOR_ID}
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(first["key"]))
    ).status_code == 200
    rotated = json.loads(auction(cli_env, "partners", "rotate-key", "--id", str(first["partner_id"])).stdout)
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(first["key"]))
    ).status_code == 401
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(rotated["key"]))
    ).status_code == 200
    assert auction(cli_env, "partners", "revoke", "--id", str(first["partner_id"])).returncode == 0
    assert (
        await api.get("/api/v1/partner/check", params=params, headers=bearer(rotated["key"]))
    ).status_code == 401
    bad = auction(cli_env, "partners", "create", "--name", "x", "--scopes", "everything")
    assert bad.returncode == 1 and "scopes" in bad.stderr
    push = auction(
        cli_env, "partners", "create", "--name", "x", "--scopes", "push", "--push-url", "http://plain"
    )
    assert push.returncode == 1 and "push_url" in push.stderr


class _Endpoint(BaseHTTPRequestHandler):
    """A partner's push endpoint that refuses the first `failures` requests, then accepts."""

    failures = 0
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        if type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(503)
        else:
            type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


async def test_pushes_arrive_signed_once_each_and_in_order_after_the_endpoint_recovers(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Endpoint.failures, _Endpoint.received = 3, []
    url = f"http://127.0.0.1:{server.server_address[1]}/lists"
    try:
        async with committed.begin() as session:
            made = await partners.create_partner(
                session, "征信平台", "credit", ["push"], url, lists_key=settings.lists_key
            )
        assert made.push_secret
        _, staff = await court_and_staff(api, committed)
        numbers = [identity.complete(f"33010619850101{n:03d}") for n in range(3)]
        cases = [await debtor_case(api, staff, number=number) for number in numbers]
        entry = None
        for case_id in cases:
            entry = (
                await api.post(
                    f"/api/v1/cases/{case_id}/dishonest",
                    headers=staff.headers,
                    json={"ground": "able_but_refuses"},
                )
            ).json()
        assert entry is not None
        await api.post(
            f"/api/v1/dishonest/{entry['id']}/remove", headers=staff.headers, json={"reason": "performed"}
        )
        pushes = PushDispatcher(committed, settings.lists_key)
        for _ in range(6):  # the endpoint fails thrice, then the four changes go as one batch
            await pushes.run_once()
            async with committed.begin() as session:  # the backoff is not what this test waits for
                await session.execute(sa.update(PartnerDelivery).values(next_attempt_at=sa.func.now()))
        await api.post(  # one more change afterwards: a batch of its own, naming the one before
            f"/api/v1/cases/{cases[0]}/consumption-restriction", headers=staff.headers, json={}
        )
        for _ in range(2):
            await pushes.run_once()
        bodies = [json.loads(body) for _, body in _Endpoint.received]
        items = [item for body in bodies for item in body["items"]]
        cursors = [int(item["cursor"]) for item in items]
        assert cursors == sorted(cursors) and len(cursors) == len(set(cursors)) == 5  # each once, in order
        assert [(i["op"], i["list"], i["id_number"]) for i in items] == [
            ("listed", "dishonest", numbers[0]),
            ("listed", "dishonest", numbers[1]),
            ("listed", "dishonest", numbers[2]),
            ("removed", "dishonest", numbers[2]),
            ("listed", "consumption_restricted", numbers[0]),
        ]
        assert [len(body["items"]) for body in bodies] == [4, 1]
        assert [body["previous_cursor"] for body in bodies] == [None, items[3]["cursor"]]
        for headers, body in _Endpoint.received:
            assert headers["x-signature"] == sign(made.push_secret, headers["x-timestamp"], body)
            assert headers["x-change-id"] == json.loads(body)["items"][-1]["cursor"]
        async with committed() as session:
            tried = list(
                await session.scalars(sa.select(PartnerDelivery).order_by(PartnerDelivery.change_id))
            )
        assert [d.status for d in tried] == ["delivered"] * 5
        assert [d.attempts for d in tried] == [4, 4, 4, 4, 1]
    finally:
        server.shutdown()


async def test_the_enforcement_figures_follow_the_courts_acts(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    before = (await api.get("/api/v1/stats/enforcement")).json()["overall"]
    case_id = await debtor_case(api, staff)
    entry = (
        await api.post(
            f"/api/v1/cases/{case_id}/dishonest", headers=staff.headers, json={"ground": "able_but_refuses"}
        )
    ).json()
    listed = (await api.get("/api/v1/stats/enforcement")).json()
    assert listed["overall"]["under_enforcement"] == before["under_enforcement"] + 1
    assert listed["overall"]["dishonest_listed"] == before["dishonest_listed"] + 1
    court = next(c for c in listed["courts"] if c["dishonest_listed"])
    assert court["under_enforcement"] >= 1
    await api.post(
        f"/api/v1/dishonest/{entry['id']}/remove", headers=staff.headers, json={"reason": "performed"}
    )
    after = (await api.get("/api/v1/stats/enforcement")).json()["overall"]
    assert (
        after["dishonest_listed"] == before["dishonest_listed"] and after["removed"] == before["removed"] + 1
    )
    page = await api.get("/statistics")
    assert (
        page.status_code == 200
        and 'id="enforcement-chart"' in page.text
        and 'id="enforcement-figures"' in page.text
    )


async def test_the_csv_import_records_the_same_events_and_a_partner_gets_the_full_number(
    cli_env: dict, api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    number = identity.complete("11010519900101777")
    path = tmp_path / "dishonest.csv"
    path.write_text(DISHONEST_CSV.format(number=number), encoding="utf-8")
    assert auction(cli_env, "dishonest", "import", str(path)).returncode == 0
    assert auction(cli_env, "dishonest", "import", str(path)).returncode == 0  # updated: no new change
    key = await partner_key(committed, ["feed"])
    feed = (await api.get("/api/v1/partner/feed", headers=bearer(key))).json()
    assert [(i["op"], i["detail"], i.get("id_number") or i.get("credit_code")) for i in feed["items"]] == [
        ("listed", "import", number),
        ("listed", "import", "91330106MA2AAAAA1X"),
    ]
    admin = await actor(api, committed, Role.ADMIN)
    _, staff = await court_and_staff(api, committed)
    entry = feed["items"][0]["entry_id"]
    # An imported entry has no case here: the platform's operators remove it, not a court.
    assert (
        await api.post(f"/api/v1/dishonest/{entry}/remove", headers=staff.headers, json={"reason": "error"})
    ).status_code == 403
    assert (
        await api.post(f"/api/v1/dishonest/{entry}/remove", headers=admin.headers, json={"reason": "error"})
    ).status_code == 200
    assert auction(cli_env, "dishonest", "import", str(path)).returncode == 0  # listed again
    later = (
        await api.get("/api/v1/partner/feed", params={"cursor": feed["next_cursor"]}, headers=bearer(key))
    ).json()
    assert [(i["op"], i["entry_id"]) for i in later["items"]] == [("removed", entry), ("listed", entry)]


async def test_a_check_after_the_database_dropped_its_connections_still_answers(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    """The checks' pool skips the pre-ping round trip: a connection the database dropped (a
    restart) fails its first use, and the check is asked again once on a new connection."""
    key = await partner_key(committed, ["check"])
    params = {"name": "无名氏", "id_number": DEBTOR_ID}
    assert (await api.get("/api/v1/partner/check", params=params, headers=bearer(key))).status_code == 200
    async with committed.begin() as session:
        dropped = await session.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    assert dropped  # the app's pooled connections among them
    answer = await api.get("/api/v1/partner/check", params=params, headers=bearer(key))
    assert answer.status_code == 200 and answer.json() == {"listed": False, "entries": []}
