"""Who may bid, by identity, through the API (PROTOCOL.md "Who may bid"): persons the court bars
for a lot or its court (art. 34), found before or after registering and again at the close;
the dishonest and consumption-restriction lists on real estate and vehicles; the case's debtor;
the housing undertaking."""

from __future__ import annotations

import itertools

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.accounts.users import set_staff_identity
from auction.enums import Category, RestrictedRole, Role
from auction.errors import Conflict, ValidationFailed
from auction.lots.eligibility import NewRestriction, restrict_consumption
from auction.lots.lifecycle import LotScheduler
from auction.models import DishonestPerson, TimelineEvent
from core.db import utcnow
from settlement.enums import DebtorKind
from tests.conftest import TEST_SECRET
from tests.integration.test_workflows import (
    PASSWORD,
    Actor,
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)

_serial = itertools.count(1)


async def person(api: httpx.AsyncClient) -> tuple[Actor, str]:
    """A bidder who signed up with a known identity number: (the bidder, the number)."""
    n = next(_serial)
    number = identity.complete(f"33010619910201{n:03d}")
    made = await api.post(
        "/api/v1/users",
        json={"username": f"person{n}", "password": PASSWORD, "real_name": f"竞买人{n}", "id_number": number},
    )
    assert made.status_code == 201, made.text
    token = (await api.post("/api/v1/tokens", json={"username": f"person{n}", "password": PASSWORD})).json()
    return Actor(made.json()["id"], {"authorization": f"Bearer {token['token']}"}), number


def refusal(response: httpx.Response) -> str:
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "ineligible"
    return str(response.json()["error"]["fields"]["reason"])


async def bar(
    api: httpx.AsyncClient, staff: Actor, lot_id: int, number: str, **extra: object
) -> httpx.Response:
    return await api.post(
        f"/api/v1/lots/{lot_id}/barred-persons",
        headers=staff.headers,
        json={"name": "评估师甲", "id_number": number, "relation": "appraiser", **extra},
    )


async def test_a_barred_person_is_refused_for_the_lot_or_every_lot_of_the_court(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other_court = await court_and_staff(api, committed)
    appraiser, number = await person(api)
    _, _, lot = await listed_lot(api, staff)
    _, _, same_court = await listed_lot(api, staff)
    _, _, elsewhere = await listed_lot(api, other_court)

    made = await bar(api, staff, lot, number)
    assert made.status_code == 201, made.text
    assert made.json()["made_ineligible"] == [] and "*" in made.json()["id_number"]
    assert refusal(await api.post(f"/api/v1/lots/{lot}/registrations", headers=appraiser.headers)) == (
        "conflict_of_interest"
    )
    # Barred for one lot only: the court's other lots are open to them.
    assert (
        await api.post(f"/api/v1/lots/{same_court}/registrations", headers=appraiser.headers)
    ).status_code == 201

    relative, relative_number = await person(api)
    wide = await bar(api, staff, lot, relative_number, relation="relative", court_wide=True)
    assert wide.status_code == 201 and wide.json()["lot_id"] is None
    for lot_id in (lot, same_court):
        refused = await api.post(f"/api/v1/lots/{lot_id}/registrations", headers=relative.headers)
        assert refusal(refused) == "conflict_of_interest"
    assert (
        await api.post(f"/api/v1/lots/{elsewhere}/registrations", headers=relative.headers)
    ).status_code == 201


async def test_one_found_after_registering_is_out_of_the_engine_refunded_and_the_court_told(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    insider, number = await person(api)
    honest = await actor(api, committed, Role.BIDDER)
    case_id, _, lot = await listed_lot(api, staff)
    code = (await registered(api, insider, lot))["bidder_code"]
    await registered(api, honest, lot)
    await go_live(scheduler, lot)
    assert (await bid(api, insider, lot, 700_000)).status_code == 201

    made = await bar(api, staff, lot, number, relation="court_staff")
    assert made.json()["made_ineligible"] == [{"lot_id": lot, "bidder_code": code}]
    later = await bid(api, insider, lot, 710_000)
    assert later.status_code == 409 and later.json()["code"] == "not_registered"
    mine = (await api.get("/api/v1/me/registrations", headers=insider.headers)).json()
    assert mine[0]["deposit"]["status"] == "refunded"
    async with committed() as session:
        nodes = list(
            await session.scalars(
                sa.select(TimelineEvent.detail).where(
                    TimelineEvent.case_id == case_id, TimelineEvent.kind == "bidder_barred"
                )
            )
        )
    assert nodes == [f"{code} (conflict_of_interest)"]

    # Still the highest bid at the close: checked again, there is no sale, and the court offers
    # the lot again; the honest bidder's deposit is released as after any close.
    await end_now(scheduler, lot)
    detail = (await api.get(f"/api/v1/lots/{lot}")).json()
    assert detail["status"] == "failed" and detail["status_reason"].startswith("conflict_of_interest")
    notices = (await api.get("/api/v1/announcements")).text
    assert "不成交" in notices
    assert (await api.get("/api/v1/me/registrations", headers=honest.headers)).json()[0]["deposit"][
        "status"
    ] == ("refunded")


async def test_a_bar_entered_after_the_close_misses_nothing_but_is_refused(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, number = await person(api)
    _, _, lot = await listed_lot(api, staff)
    await go_live(scheduler, lot)
    await end_now(scheduler, lot)
    late = await bar(api, staff, lot, number)
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_status"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"name": "甲", "id_number": "110105199001011235", "relation": "relative"},
            {"id_number": "invalid_id_number"},
        ),
        (
            {"name": " ", "id_number": identity.complete("11010519900101123"), "relation": "relative"},
            {"name": "required"},
        ),
        (
            {"name": "甲", "id_number": identity.complete("11010519900101123"), "relation": "friend"},
            {"relation": "invalid_value"},
        ),
        ({"name": "甲", "relation": "relative"}, {"id_number": "required"}),
    ],
)
async def test_a_bad_bar_is_refused_and_names_its_field(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], body: dict, fields: dict
) -> None:
    _, staff = await court_and_staff(api, committed)
    _, _, lot = await listed_lot(api, staff)
    refused = await api.post(f"/api/v1/lots/{lot}/barred-persons", headers=staff.headers, json=body)
    assert refused.status_code == 422 and refused.json()["error"]["fields"] == fields


async def test_staff_identity_is_recorded_by_the_operator_and_stays_one_account(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    code, staff = await court_and_staff(api, committed)
    _, taken = await person(api)
    async with committed.begin() as session:
        from auction.models import User

        clerk = await session.get(User, staff.user_id)
        assert clerk is not None
        number = identity.complete("44030519850505123")
        recorded = await set_staff_identity(session, clerk.username, number, secret_key=TEST_SECRET)
        assert recorded.id_number_masked == identity.mask(number)
        with pytest.raises(Conflict):
            await set_staff_identity(session, clerk.username, taken, secret_key=TEST_SECRET)
        with pytest.raises(ValidationFailed):
            await set_staff_identity(session, clerk.username, "44030519850505", secret_key=TEST_SECRET)
    # The staff member's identity holds their staff account: no bidder account opens with it.
    again = await api.post(
        "/api/v1/users",
        json={
            "username": "clerk-as-bidder",
            "password": PASSWORD,
            "real_name": "书记员",
            "id_number": number,
        },
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "identity_taken"
    assert code


async def test_the_lists_bar_real_estate_and_vehicles_and_the_debtor_may_bid(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    dishonest, dishonest_number = await person(api)
    representative, representative_number = await person(api)
    lifted, lifted_number = await person(api)
    async with committed.begin() as session:
        session.add(
            DishonestPerson(
                name="失信人",
                kind=DebtorKind.NATURAL,
                id_number_hash=identity.keyed_hash(dishonest_number, TEST_SECRET),
                id_number_masked=identity.mask(dishonest_number),
                court_name="某法院",
                case_number="(2025)执1号",
                listed_at=utcnow(),
            )
        )
        await restrict_consumption(
            session,
            NewRestriction(
                "(2025)执2号",
                "某法院",
                "某某贸易有限公司",
                "法定代表人乙",
                representative_number,
                RestrictedRole.LEGAL_REPRESENTATIVE,
            ),
            secret_key=TEST_SECRET,
        )
        old = await restrict_consumption(
            session,
            NewRestriction("(2024)执3号", "某法院", "丙", "丙", lifted_number),
            secret_key=TEST_SECRET,
        )
        old.lifted_at = utcnow()
    lots = {category: (await listed_lot(api, staff, category=category.value))[2] for category in Category}
    for category in (Category.REAL_ESTATE, Category.VEHICLE):
        assert refusal(
            await api.post(f"/api/v1/lots/{lots[category]}/registrations", headers=dishonest.headers)
        ) == ("dishonest_person")
        restricted = await api.post(
            f"/api/v1/lots/{lots[category]}/registrations", headers=representative.headers
        )
        assert refusal(restricted) == "consumption_restricted"
        assert (
            await api.post(f"/api/v1/lots/{lots[category]}/registrations", headers=lifted.headers)
        ).status_code == 201
    for category in (Category.EQUITY, Category.OTHER):
        for who in (dishonest, representative):
            assert (
                await api.post(f"/api/v1/lots/{lots[category]}/registrations", headers=who.headers)
            ).status_code == 201

    # The case's debtor may bid for their own property (2020 rules art. 12) unless listed.
    debtor, debtor_number = await person(api)
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={
            "case_number": "(2026)浙执债务人号",
            "debtor": {"name": "债务人", "kind": "natural", "id_number": debtor_number},
        },
    )
    assert case.status_code == 201, case.text
    from tests.integration.test_workflows import new_lot, new_property

    prop = await new_property(api, staff, case.json()["id"], category="real_estate")
    own = await new_lot(api, staff, prop, 1, 700_000)
    assert (await api.post(f"/api/v1/lots/{own}/registrations", headers=debtor.headers)).status_code == 201


async def test_a_purchase_restricted_lot_needs_the_undertaking(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    buyer = await actor(api, committed, Role.BIDDER)
    _, _, lot = await listed_lot(api, staff, category="real_estate")
    async with committed.begin() as session:
        from auction.models import Lot

        row = await session.get(Lot, lot)
        assert row is not None
        row.purchase_restriction = "杭州市住房限购"
    missing = await api.post(f"/api/v1/lots/{lot}/registrations", headers=buyer.headers)
    assert missing.status_code == 422 and missing.json()["error"]["fields"] == {"undertaking": "required"}
    declined = await api.post(
        f"/api/v1/lots/{lot}/registrations", headers=buyer.headers, json={"undertaking": False}
    )
    assert declined.status_code == 422
    made = await api.post(
        f"/api/v1/lots/{lot}/registrations", headers=buyer.headers, json={"undertaking": True}
    )
    assert made.status_code == 201, made.text


async def test_a_refused_registration_from_the_lot_page_says_why_in_words(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    from tests.integration.test_error_pages import PAGE, sign_in_by_form

    _, staff = await court_and_staff(api, committed)
    insider, number = await person(api)
    _, _, lot = await listed_lot(api, staff)
    assert (await bar(api, staff, lot, number)).status_code == 201
    username = (await api.get("/api/v1/me", headers=insider.headers)).json()["username"]
    token = await sign_in_by_form(api, username)
    refused = await api.post(
        f"/lots/{lot}/register",
        headers={**PAGE, "referer": f"http://testserver/lots/{lot}"},
        data={"csrf_token": token},
    )
    assert refused.status_code == 403 and "conflict_of_interest" not in refused.text.split("<main")[1]
    assert "法院已登记该身份不得竞买本标的" in refused.text
