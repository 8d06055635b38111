"""Before the hammer, the listing: the announcement's disclosures required at publishing (arts.
12–15, PROTOCOL.md codes and dotted fields) and the terms approved by a second staff member
(art. 27) under spc2016, through the API."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from tests.integration.test_workflows import (
    Actor,
    actor,
    approve,
    court_and_staff,
    iso,
    new_property,
    notified_days_ago,
    round_one,
)
from tests.lawful import FULL_DISCLOSURE, full_disclosure


def spc_listing(property_id: int, **changes: object) -> dict:
    """A lawful spc2016 round 1 of a movable: 16 days' notice, a day of bidding."""
    return {**round_one(property_id, dt.timedelta(days=16)), **changes}


async def draft(api: httpx.AsyncClient, staff_headers: dict[str, str], **changes: object) -> int:
    case = await api.post(
        "/api/v1/cases",
        headers=staff_headers,
        json={"case_number": f"(2026)浙执{id(changes)}号", "debtor": {"name": "赵明", "kind": "natural"}},
    )
    assert case.status_code == 201, case.text
    prop = await new_property(api, Actor(0, staff_headers), case.json()["id"])
    made = await api.post("/api/v1/lots", headers=staff_headers, json=spc_listing(prop, **changes))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def test_a_second_staff_member_approves_the_terms_never_the_drafter(
    spc_api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    code, clerk = await court_and_staff(spc_api, committed)
    _, stranger = await court_and_staff(spc_api, committed)
    admin = await actor(spc_api, committed, Role.ADMIN)
    lot_id = await draft(spc_api, clerk.headers, disclosure=FULL_DISCLOSURE)

    unapproved = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert unapproved.status_code == 409 and unapproved.json()["error"]["code"] == "not_approved"
    own = await spc_api.post(f"/api/v1/lots/{lot_id}/approve", headers=clerk.headers)
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_person"
    for outsider in (stranger, admin):
        refused = await spc_api.post(f"/api/v1/lots/{lot_id}/approve", headers=outsider.headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    approval = await approve(spc_api, committed, code, lot_id)
    assert approval["approved_by"] != clerk.user_id and approval["approved_at"]
    assert (
        approval["panel_decided_on"]
        == dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    )

    # A priority holder is part of the terms: confirming one withdraws the approval.
    holder = await actor(spc_api, committed, Role.BIDDER)
    added = await spc_api.post(
        f"/api/v1/lots/{lot_id}/priority-holders",
        headers=clerk.headers,
        json={"user_id": holder.user_id, "rank": 1, "right": "tenant"},
    )
    assert added.status_code == 201 and added.json()["right"] == "tenant"
    again = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_approved"

    second = await spc_api.post(
        f"/api/v1/lots/{lot_id}/approve",
        headers=(await actor(spc_api, committed, Role.COURT_STAFF, code)).headers,
        json={"decided_on": "2026-11-30"},
    )
    assert second.json()["panel_decided_on"] == "2026-11-30"
    await notified_days_ago(spc_api, committed, clerk, lot_id)
    published = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert published.status_code == 200, published.text
    # Published terms were decided: there is nothing left to approve.
    late = await spc_api.post(f"/api/v1/lots/{lot_id}/approve", headers=stranger.headers)
    assert late.status_code == 403


async def test_publishing_names_every_missing_disclosure_and_an_expired_reference_price(
    spc_api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    code, clerk = await court_and_staff(spc_api, committed)
    lot_id = await draft(
        spc_api, clerk.headers, disclosure={"taxes": "买受人承担", "contact": {"name": "王"}}
    )
    await approve(spc_api, committed, code, lot_id)
    refused = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "disclosure.instrument": "required",
        "disclosure.reference_price.method": "required",
        "disclosure.reference_price.valid_until": "required",
        "disclosure.encumbrances": "required",
        "disclosure.occupancy": "required",
        "disclosure.defects": "required",
        "disclosure.contact.phone": "required",
    }

    yesterday = full_disclosure(valid_days=-2)
    put = await spc_api.put(
        f"/api/v1/lots/{lot_id}/disclosure", headers=clerk.headers, json={"disclosure": yesterday}
    )
    assert put.status_code == 200, put.text
    expired = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert expired.status_code == 422
    assert expired.json()["error"]["fields"] == {"disclosure.reference_price.valid_until": "expired"}

    # Valid through the publishing day itself is still valid.
    today = full_disclosure(valid_days=0)
    restricted = "杭州市住房限购：本市户籍家庭限购两套"
    await spc_api.put(
        f"/api/v1/lots/{lot_id}/disclosure",
        headers=clerk.headers,
        json={
            "disclosure": {**today, "ownership": "不动产权证 浙(2020)杭州市不动产权第0001号"},
            "purchase_restriction": restricted,
        },
    )
    await notified_days_ago(spc_api, committed, clerk, lot_id)
    published = await spc_api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert published.status_code == 200, published.text
    detail = (await spc_api.get(f"/api/v1/lots/{lot_id}")).json()
    assert detail["disclosure"]["taxes"] == today["taxes"]
    assert detail["disclosure"]["reference_price"] == today["reference_price"]
    assert detail["purchase_restriction"] == restricted
    notice = (await spc_api.get(f"/announcements/{published.json()['announcement_id']}")).text
    for item in (
        "(2025)浙0106民初1234号",
        "委托评估",
        "抵押权人杭州银行",
        "空置",
        "买卖双方",
        "王法官",
        "0571-88880000",
        "12368",
        "不动产权第0001号",
        restricted,
        "reference price set by appraisal",
    ):
        assert item.lower() in notice.lower(), item
    # Published: the disclosures are what was announced and are not edited any more.
    edit = await spc_api.put(
        f"/api/v1/lots/{lot_id}/disclosure", headers=clerk.headers, json={"disclosure": today}
    )
    assert edit.status_code == 409


@pytest.mark.parametrize(
    ("disclosure", "fields"),
    [
        (
            {"reference_price": {"valid_until": "2026-13-01"}},
            {"disclosure.reference_price.valid_until": "invalid_value"},
        ),
        ({"reference_price": {"method": "guess"}}, {"disclosure.reference_price.method": "invalid_value"}),
        ({"contact": {"name": "王", "email": "x"}}, {"disclosure.contact.email": "unknown_field"}),
        ({"taxes": 5}, {"disclosure.taxes": "invalid_type"}),
        ({"defects": "瑕" * 2_001}, {"disclosure.defects": "too_long"}),
    ],
)
async def test_a_malformed_disclosure_is_refused_at_draft_with_its_dotted_field(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], disclosure: dict, fields: dict
) -> None:
    _, clerk = await court_and_staff(api, committed)
    case = await api.post(
        "/api/v1/cases",
        headers=clerk.headers,
        json={"case_number": "(2026)浙执坏号", "debtor": {"name": "赵明", "kind": "natural"}},
    )
    prop = await new_property(api, Actor(0, clerk.headers), case.json()["id"])
    made = await api.post(
        "/api/v1/lots", headers=clerk.headers, json=spc_listing(prop, disclosure=disclosure)
    )
    assert made.status_code == 422, made.text
    assert made.json()["error"]["fields"] == fields


async def test_a_priority_holder_is_named_with_the_kind_of_their_right(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, clerk = await court_and_staff(api, committed)
    holder = await actor(api, committed, Role.BIDDER)
    case = await api.post(
        "/api/v1/cases",
        headers=clerk.headers,
        json={"case_number": "(2026)浙执名号", "debtor": {"name": "赵明", "kind": "natural"}},
    )
    prop = await new_property(api, Actor(0, clerk.headers), case.json()["id"])
    now = dt.datetime.now(dt.UTC)
    made = await api.post(
        "/api/v1/lots",
        headers=clerk.headers,
        json=spc_listing(
            prop,
            disclosure=FULL_DISCLOSURE,
            start_at=iso(now + dt.timedelta(minutes=1)),
            end_at=iso(now + dt.timedelta(minutes=5)),
        ),
    )
    lot_id = made.json()["id"]
    await api.post(
        f"/api/v1/lots/{lot_id}/priority-holders",
        headers=clerk.headers,
        json={"user_id": holder.user_id, "rank": 1, "right": "co_owner"},
    )
    published = await api.post(f"/api/v1/lots/{lot_id}/publish", headers=clerk.headers)
    assert published.status_code == 200, published.text
    notice = (await api.get(f"/announcements/{published.json()['announcement_id']}")).text
    assert "共有人优先购买权" in notice and "co-owner" in notice
    detail = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    assert detail["priority_holders"] == [
        {"name": detail["priority_holders"][0]["name"], "rank": 1, "right": "co_owner", "waived": False}
    ]
