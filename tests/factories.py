"""Rows for tests, built through the ORM with sensible defaults (one module for all contexts)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import Category, DepositStatus, LotStatus, Role
from auction.models import Court, EnforcementCase, Lot, Property, Registration, User
from core.db import utcnow
from settlement.enums import DebtorKind

_serial = itertools.count(1)


def serial() -> int:
    return next(_serial)


async def court(session: AsyncSession) -> Court:
    n = serial()
    row = Court(code=f"C{n:05d}", name=f"测试法院{n}")
    session.add(row)
    await session.flush()
    return row


async def user(session: AsyncSession, *, role: Role = Role.BIDDER, court_id: int | None = None) -> User:
    n = serial()
    row = User(username=f"user{n}", password_hash="x", role=role, court_id=court_id, real_name=f"用户{n}")
    session.add(row)
    await session.flush()
    return row


@dataclass
class LotFixture:
    court: Court
    case: EnforcementCase
    property: Property
    lot: Lot
    registrations: list[Registration]


async def lot_with_bidders(
    session: AsyncSession,
    bidders: int = 3,
    *,
    status: LotStatus = LotStatus.LIVE,
    starting_price: int = 100_000,
    increment: int = 1_000,
    start_at: dt.datetime | None = None,
    end_at: dt.datetime | None = None,
    category: Category = Category.VEHICLE,
) -> LotFixture:
    """A lot of a fresh court and case, with `bidders` registrations whose deposits are frozen."""
    the_court = await court(session)
    case = EnforcementCase(
        court_id=the_court.id,
        case_number=f"(2026)测执{serial()}号",
        debtor_name="被执行人",
        debtor_kind=DebtorKind.NATURAL,
    )
    session.add(case)
    await session.flush()
    prop = Property(
        case_id=case.id, title="测试标的", category=category, appraised_value=starting_price * 10 // 7 + 1
    )
    session.add(prop)
    await session.flush()
    now = utcnow()
    lot = Lot(
        property_id=prop.id,
        round=1,
        status=status,
        starting_price=starting_price,
        increment=increment,
        deposit=max(starting_price // 10, 1),
        start_at=start_at or now - dt.timedelta(minutes=1),
        end_at=end_at or now + dt.timedelta(minutes=10),
    )
    session.add(lot)
    await session.flush()
    registrations = []
    for index in range(bidders):
        bidder = await user(session)
        registration = Registration(
            lot_id=lot.id,
            user_id=bidder.id,
            bidder_code=f"K{index + 1:04d}",
            deposit_amount=lot.deposit,
            deposit_status=DepositStatus.FROZEN,
        )
        session.add(registration)
        registrations.append(registration)
    await session.flush()
    return LotFixture(the_court, case, prop, lot, registrations)
