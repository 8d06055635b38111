"""The reference partner keeps an exact copy of the lists from the pushes and, when a push finds
it behind, from the feed (issue 18, point 8): its endpoint (load_tests.partner_client's
PushReceiver, the partner's side) is reached over HTTP by the platform's push loop."""

from __future__ import annotations

import json
import random
import time

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.disclosure import partners
from auction.disclosure.pushes import PUSH_BATCH, PushDispatcher, enqueue
from auction.lots.payments import sign
from auction.models import DishonestPerson
from core.settings import Settings
from load_tests.partner_client import ListsCopy, PartnerClient, PushReceiver
from settlement.enums import DebtorKind
from tests.integration.test_joint_punishment import debtor_case, list_or_remove
from tests.integration.test_workflows import court_and_staff

PUSH_URL = "http://127.0.0.1:9/lists"  # never dialled: the dispatcher's client is the receiver's


async def _platform_lists(
    committed: async_sessionmaker[AsyncSession], numbers: dict[int, str]
) -> dict[tuple[str, int], str]:
    """The dishonest list as the platform holds it: entry -> the debtor's full number."""
    async with committed() as session:
        entries = await session.scalars(
            sa.select(DishonestPerson).where(DishonestPerson.removed_at.is_(None))
        )
        return {("dishonest", d.id): numbers[d.case_id or 0] for d in entries}


async def _signed(endpoint: httpx.AsyncClient, body: bytes, secret: str, stamp: int) -> httpx.Response:
    headers = {"x-timestamp": str(stamp), "x-signature": sign(secret, str(stamp), body)}
    return await endpoint.post(PUSH_URL, content=body, headers=headers)


async def test_the_copy_from_pushes_and_the_feed_equals_the_lists_after_random_changes(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    _, staff = await court_and_staff(api, committed)
    numbers = [identity.complete(f"33010619900101{n:03d}") for n in range(6)]
    cases = [await debtor_case(api, staff, number=n, name=f"推送{k}") for k, n in enumerate(numbers)]
    # A listing before the partner exists: in the feed only, so the first push sends it there.
    first = await api.post(
        f"/api/v1/cases/{cases[0]}/dishonest", headers=staff.headers, json={"ground": "able_but_refuses"}
    )
    assert first.status_code == 201
    async with committed.begin() as session:
        made = await partners.create_partner(
            session, "银行", "bank", ["feed", "push"], PUSH_URL, lists_key=settings.lists_key
        )
    assert made.push_secret is not None
    copy = ListsCopy()
    receiver = PushReceiver(copy, made.push_secret, PartnerClient("http://test", made.key, client=api))
    endpoint = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver))
    pushes = PushDispatcher(committed, settings.lists_key, client=endpoint)
    rng = random.Random(20)
    for step in range(36):
        await list_or_remove(api, committed, staff, rng.choice(cases), rng)
        if step % 4 == 3:
            await pushes.run_once()
    while await pushes.run_once():
        pass
    platform = await _platform_lists(committed, dict(zip(cases, numbers, strict=True)))
    assert {k: e["id_number"] for k, e in copy.entries.items()} == platform
    # The first push found the copy empty and went to the feed; the rest followed on.
    assert receiver.catch_ups == 1 and receiver.applied > 0 and receiver.refused == 0

    # A repeat (our 2xx lost before the platform recorded it) changes nothing.
    before = dict(copy.entries)
    body = json.dumps({"items": [{"cursor": copy.cursor}], "previous_cursor": None}).encode()
    now, old = int(time.time()), int(time.time()) - 3600
    repeat = await _signed(endpoint, body, made.push_secret, now)
    assert repeat.status_code == 204 and copy.entries == before and receiver.repeats == 1
    # A forged push (wrong secret) or a stale one (an old timestamp) is refused.
    forged = await _signed(endpoint, body, "not-the-secret", now)
    stale = await _signed(endpoint, body, made.push_secret, old)
    assert forged.status_code == stale.status_code == 401 and receiver.refused == 2
    await endpoint.aclose()


async def test_a_long_queue_goes_in_batches_in_order(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """More changes than a batch: each request carries at most PUSH_BATCH, the next one names
    where the last ended, and a pass sends every partner's next batch (not one change a tick)."""
    async with committed.begin() as session:
        made = await partners.create_partner(
            session, "征信", "credit", ["push"], PUSH_URL, lists_key=settings.lists_key
        )
        for n in range(PUSH_BATCH + 30):
            session.add(
                DishonestPerson(  # an imported entry; its change below
                    name=f"批量{n}",
                    kind=DebtorKind.NATURAL,
                    id_number_hash=f"h{n}-{made.partner.id}",
                    id_number_masked="3301**********0000",
                    court_name="法院",
                    case_number=f"批{n}",
                    listed_at=sa.func.now(),
                )
            )
        await session.flush()
        await session.execute(
            sa.text(
                "INSERT INTO list_changes (op, list, entry_id, name, kind, id_number_masked, detail, at)"
                " SELECT 'listed', 'dishonest', id, name, 'natural', id_number_masked, 'import', now()"
                " FROM dishonest_persons WHERE name LIKE '批量%' ORDER BY id"
            )
        )
    bodies: list[dict[str, object]] = []

    def record(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200)

    endpoint = httpx.AsyncClient(transport=httpx.MockTransport(record))
    pushes = PushDispatcher(committed, settings.lists_key, client=endpoint)
    assert await pushes.run_once() == PUSH_BATCH
    assert await pushes.run_once() == 30
    assert await pushes.run_once() == 0
    sizes = [len(body["items"]) for body in bodies]  # type: ignore[arg-type]
    assert sizes == [PUSH_BATCH, 30]
    last_of_first = bodies[0]["items"][-1]["cursor"]  # type: ignore[index]
    assert bodies[1]["previous_cursor"] == last_of_first

    # A revoked partner is sent nothing more, even what was queued for it before.
    async with committed.begin() as session:
        await session.execute(
            sa.text(
                "INSERT INTO list_changes (op, list, entry_id, name, kind, id_number_masked, detail, at)"
                " VALUES ('removed', 'dishonest', 1, '批量0', 'natural', '3301**', 'error', now())"
            )
        )
        assert await enqueue(session) == 1  # queued while the partner was active
        await partners.revoke_partner(session, made.partner.id)
    assert await pushes.run_once() == 0
    assert len(bodies) == 2
    await endpoint.aclose()
