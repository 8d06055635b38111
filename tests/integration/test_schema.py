"""The migrations build exactly the models, and the database enforces the invariants."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from auction.enums import Category, Role
from auction.migrations import is_current, upgrade
from auction.models import Court, EnforcementCase, Lot, Property, Registration, User
from core.db import Base
from settlement.enums import DebtorKind


async def test_migrations_are_current_and_match_the_models(db_engine: AsyncEngine) -> None:
    assert await is_current(db_engine)

    def diff(connection: sa.Connection) -> list[object]:
        trigrams = connection.scalar(sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))

        def built_here(thing: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
            # Migration 0015 builds the trigram indexes only where the server has pg_trgm.
            return bool(trigrams) or not (kind == "index" and name is not None and name.endswith("_search"))

        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": built_here}
        )
        return compare_metadata(context, Base.metadata)

    async with db_engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_upgrade_twice_is_a_no_op(db_engine: AsyncEngine) -> None:
    await upgrade(db_engine)
    assert await is_current(db_engine)


async def make_lot(session: AsyncSession) -> Lot:
    court = Court(code="T1", name="测试法院")
    session.add(court)
    await session.flush()
    case = EnforcementCase(
        court_id=court.id, case_number="(2026)测执1号", debtor_name="某甲", debtor_kind=DebtorKind.NATURAL
    )
    session.add(case)
    await session.flush()
    prop = Property(case_id=case.id, title="房产", category=Category.REAL_ESTATE, appraised_value=100)
    session.add(prop)
    await session.flush()
    now = dt.datetime.now(dt.UTC)
    lot = Lot(
        property_id=prop.id,
        round=1,
        starting_price=70,
        increment=1,
        deposit=7,
        start_at=now,
        end_at=now + dt.timedelta(days=1),
    )
    session.add(lot)
    await session.flush()
    return lot


async def expect_integrity_error(session: AsyncSession, row: object, constraint: str) -> None:
    savepoint = await session.begin_nested()
    session.add(row)
    with pytest.raises(IntegrityError, match=constraint):
        await session.flush()
    await savepoint.rollback()


async def test_money_cannot_be_negative(session: AsyncSession) -> None:
    lot = await make_lot(session)
    prop = await session.get(Property, lot.property_id)
    assert prop is not None
    bad = Property(case_id=prop.case_id, title="x", category=Category.OTHER, appraised_value=-1)
    await expect_integrity_error(session, bad, "ck_properties_appraised_value_nonnegative")


async def test_case_numbers_are_unique_per_court(session: AsyncSession) -> None:
    lot = await make_lot(session)
    prop = await session.get(Property, lot.property_id)
    case = await session.get(EnforcementCase, prop.case_id if prop else 0)
    assert case is not None
    twin = EnforcementCase(
        court_id=case.court_id, case_number=case.case_number, debtor_name="乙", debtor_kind=DebtorKind.LEGAL
    )
    await expect_integrity_error(session, twin, "uq_enforcement_cases_court_id_case_number")


async def test_one_registration_per_user_and_lot(session: AsyncSession) -> None:
    lot = await make_lot(session)
    user = User(username="u1", password_hash="x", role=Role.BIDDER, real_name="甲")
    session.add(user)
    await session.flush()
    session.add(Registration(lot_id=lot.id, user_id=user.id, bidder_code="K0001", deposit_amount=7))
    await session.flush()
    again = Registration(lot_id=lot.id, user_id=user.id, bidder_code="K0002", deposit_amount=7)
    await expect_integrity_error(session, again, "uq_registrations_lot_id_user_id")


async def test_usernames_are_unique_regardless_of_case(session: AsyncSession) -> None:
    session.add(User(username="Alice", password_hash="x", role=Role.BIDDER, real_name="甲"))
    await session.flush()
    twin = User(username="alice", password_hash="x", role=Role.BIDDER, real_name="乙")
    await expect_integrity_error(session, twin, "uq_users_username_lower")


async def test_staff_must_belong_to_a_court(session: AsyncSession) -> None:
    staff = User(username="staff", password_hash="x", role=Role.COURT_STAFF, real_name="丙")
    await expect_integrity_error(session, staff, "ck_users_staff_has_court")
