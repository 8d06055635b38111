"""Company bidders (PROTOCOL.md "Accounts and identity"): a legal person signs up with its
credit code and legal representative; the credit code is its one identity; a barred legal
representative bars the company, and the lists follow the credit code."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import credit_code, identity
from auction.enums import RestrictedRole
from auction.lots.eligibility import NewRestriction, restrict_consumption
from tests.conftest import TEST_SECRET
from tests.integration.test_workflows import PASSWORD, Actor, court_and_staff, listed_lot

CODE = "91350100M000100Y43"
REPRESENTATIVE = identity.complete("35010219700101001")


def company(username: str = "acme", code: str = CODE, **changes: object) -> dict:
    return {
        "username": username,
        "password": PASSWORD,
        "kind": "legal",
        "real_name": "福州某某贸易有限公司",
        "credit_code": code,
        "representative_name": "林某",
        "representative_id_number": REPRESENTATIVE,
        **changes,
    }


async def signed_in(api: httpx.AsyncClient, body: dict) -> Actor:
    made = await api.post("/api/v1/users", json=body)
    assert made.status_code == 201, made.text
    token = (
        await api.post("/api/v1/tokens", json={"username": body["username"], "password": PASSWORD})
    ).json()
    return Actor(made.json()["id"], {"authorization": f"Bearer {token['token']}"})


async def test_a_company_signs_up_with_a_valid_credit_code_once(api: httpx.AsyncClient) -> None:
    wrong = await api.post("/api/v1/users", json=company(code=CODE[:-1] + "4"))
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"] == {
        "credit_code": "invalid_credit_code"
    }
    incomplete = await api.post(
        "/api/v1/users", json=company(representative_name=" ", representative_id_number="123")
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["error"]["fields"] == {
        "representative_name": "required",
        "representative_id_number": "invalid_id_number",
    }
    acme = await signed_in(api, company())
    me = (await api.get("/api/v1/me", headers=acme.headers)).json()
    assert me["kind"] == "legal" and me["role"] == "bidder"
    # One credit code, one account (in capitals or not).
    again = await api.post("/api/v1/users", json=company(username="acme2", code=CODE.lower()))
    assert again.status_code == 409 and again.json()["error"]["code"] == "identity_taken"
    assert again.json()["error"]["fields"] == {"credit_code": "taken"}
    # A natural person still needs an identity number.
    person = await api.post(
        "/api/v1/users", json={"username": "plain", "password": PASSWORD, "real_name": "张三"}
    )
    assert person.status_code == 422 and person.json()["error"]["fields"] == {"id_number": "required"}


async def test_a_company_registers_unless_its_representative_is_barred_or_it_is_listed(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    acme = await signed_in(api, company())
    _, _, lot = await listed_lot(api, staff)
    _, _, flat = await listed_lot(api, staff, category="real_estate")
    barred = await api.post(
        f"/api/v1/lots/{lot}/barred-persons",
        headers=staff.headers,
        json={"name": "林某", "id_number": REPRESENTATIVE, "relation": "relative"},
    )
    assert barred.status_code == 201
    refused = await api.post(f"/api/v1/lots/{lot}/registrations", headers=acme.headers)
    assert refused.status_code == 403 and refused.json()["error"]["fields"] == {
        "reason": "conflict_of_interest"
    }

    assert (await api.post(f"/api/v1/lots/{flat}/registrations", headers=acme.headers)).status_code == 201
    other = credit_code.complete("91110108551385082")
    listed = await signed_in(api, company(username="listedco", code=other))
    async with committed.begin() as session:
        await restrict_consumption(
            session,
            NewRestriction(
                "(2025)执9号", "某法院", "北京某公司", "北京某公司", other, RestrictedRole.SUBJECT
            ),
            secret_key=TEST_SECRET,
        )
    refused = await api.post(f"/api/v1/lots/{flat}/registrations", headers=listed.headers)
    assert refused.status_code == 403 and refused.json()["error"]["fields"] == {
        "reason": "consumption_restricted"
    }
