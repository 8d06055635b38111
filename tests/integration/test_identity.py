"""Identity decides, not the account: one identity number holds one account, one registration
per lot, and a default bars the identity whatever account it uses; old duplicates migrate."""

from __future__ import annotations

import secrets

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.enums import Role
from auction.lots.lifecycle import LotScheduler
from auction.migrations import alembic_config
from auction.models import User
from core.db import async_url, create_engine
from tests.conftest import TEST_SECRET
from tests.integration.test_workflows import (
    PASSWORD,
    actor,
    bid,
    court_and_staff,
    end_now,
    go_live,
    listed_lot,
    registered,
)

NUMBER = identity.complete("11010519851220003")


async def test_one_identity_number_opens_one_account(api: httpx.AsyncClient) -> None:
    body = {"username": "first1", "password": PASSWORD, "real_name": "张三", "id_number": NUMBER}
    assert (await api.post("/api/v1/users", json=body)).status_code == 201
    again = await api.post("/api/v1/users", json={**body, "username": "second2"})
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "identity_taken"
    assert again.json()["error"]["fields"] == {"id_number": "taken"}
    lower = await api.post("/api/v1/users", json={**body, "username": "third3", "id_number": NUMBER.lower()})
    assert lower.json()["error"]["code"] == "identity_taken"  # the check character's case does not matter


async def _second_account_of(
    sessions: async_sessionmaker[AsyncSession], user_id: int, api: httpx.AsyncClient
) -> dict:
    """An account of the same person made before the rule (a migrated duplicate an operator
    reactivated): what the identity checks must still catch."""
    async with sessions.begin() as session:
        first = await session.get(User, user_id)
        assert first is not None
        second = User(
            username=f"again{secrets.token_hex(3)}",
            password_hash=first.password_hash,
            role=Role.BIDDER,
            real_name=first.real_name,
            id_number_hash=first.id_number_hash,
            id_number_masked=first.id_number_masked,
            duplicate_of=first.id,
        )
        session.add(second)
    token = (
        await api.post("/api/v1/tokens", json={"username": second.username, "password": PASSWORD})
    ).json()
    return {"authorization": f"Bearer {token['token']}"}


async def test_a_defaulter_stays_barred_under_another_account_and_holds_one_code(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession], scheduler: LotScheduler
) -> None:
    _, staff = await court_and_staff(api, committed)
    buyer, other = await actor(api, committed, Role.BIDDER), await actor(api, committed, Role.BIDDER)
    _, _, lot_id = await listed_lot(api, staff)
    await registered(api, buyer, lot_id)
    alias = await _second_account_of(committed, buyer.user_id, api)
    twice = await api.post(f"/api/v1/lots/{lot_id}/registrations", headers=alias)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_registered"

    await registered(api, other, lot_id)
    await go_live(scheduler, lot_id)
    assert (await bid(api, buyer, lot_id, 700_000)).status_code == 201
    await end_now(scheduler, lot_id)
    assert (await api.post(f"/api/v1/lots/{lot_id}/default", headers=staff.headers)).status_code == 200
    round_two = await api.post(f"/api/v1/lots/{lot_id}/next-round", headers=staff.headers)
    assert round_two.status_code == 201, round_two.text
    next_id = round_two.json()["id"]
    assert (await api.post(f"/api/v1/lots/{next_id}/publish", headers=staff.headers)).status_code == 200
    for headers in (buyer.headers, alias):
        refused = await api.post(f"/api/v1/lots/{next_id}/registrations", headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["fields"] == {"reason": "defaulted_buyer"}
    assert (await api.post(f"/api/v1/lots/{next_id}/registrations", headers=other.headers)).status_code == 201


@pytest.fixture
async def database_at_0004(service_urls: tuple[str, str]) -> str:  # type: ignore[misc]
    server = async_url(service_urls[0])
    name = f"auction_mig_{secrets.token_hex(4)}"
    admin = create_engine(server.set(database="postgres").render_as_string(hide_password=False), pool_size=1)
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_accounts_that_share_an_identity_migrate_without_loss(database_at_0004: str) -> None:
    engine = create_engine(database_at_0004, pool_size=1)
    digest = identity.keyed_hash(NUMBER, TEST_SECRET)

    def to(revision: str):  # type: ignore[no-untyped-def]
        return lambda connection: command.upgrade(alembic_config(connection), revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(to("0004"))
            for n, username in enumerate(("holder", "copy1", "copy2"), start=1):
                await connection.execute(
                    sa.text(
                        "INSERT INTO users (id, username, password_hash, role, real_name, id_number_hash,"
                        " is_active, created_at) VALUES (:id, :u, 'x', 'bidder', '某甲', :h, true, now())"
                    ),
                    {"id": n, "u": username, "h": digest},
                )
            for statement in (
                "INSERT INTO courts (id, code, name, created_at) VALUES (1, 'C1', '法院', now())",
                "INSERT INTO enforcement_cases (id, court_id, case_number, debtor_name, debtor_kind, status,"
                " filed_at, created_at, updated_at) VALUES (1, 1, '(2026)1号', '乙', 'natural', 'open',"
                " now(), now(), now())",
                "INSERT INTO properties (id, case_id, title, category, description, appraised_value,"
                " created_at) VALUES (1, 1, '房', 'real_estate', '', 100, now())",
                "INSERT INTO lots (id, property_id, round, sale_kind, status, starting_price, increment,"
                " deposit, start_at, end_at, balance_deadline_days, created_at) VALUES (1, 1, 1, 'auction',"
                " 'live', 70, 1, 7, now(), now() + interval '1 day', 10, now())",
                "INSERT INTO registrations (id, lot_id, user_id, bidder_code, deposit_amount,"
                " deposit_status, created_at)"
                " VALUES (1, 1, 1, 'K1', 7, 'frozen', now()), (2, 1, 2, 'K2', 7, 'frozen', now())",
            ):
                await connection.execute(sa.text(statement))
            await connection.run_sync(to("head"))
        async with engine.connect() as connection:
            users = (
                await connection.execute(sa.text("SELECT id, is_active, duplicate_of FROM users ORDER BY id"))
            ).all()
            registrations = (
                await connection.execute(
                    sa.text("SELECT id, user_id, identity_hash FROM registrations ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in users] == [(1, True, None), (2, False, 1), (3, False, 1)]
    assert [tuple(row) for row in registrations] == [(1, 1, digest), (2, 2, None)]  # both kept
