"""Seeding a benchmark or load-test lot straight through the services: a court, a case, a live
lot opened in the engine, and bidders with frozen deposits and bearer tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts import identity
from auction.accounts import users as accounts
from auction.enums import Category, DepositStatus, LotStatus, Role
from auction.models import Court, EnforcementCase, Lot, Property, Registration, User
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from core.db import utcnow
from settlement.enums import DebtorKind

YUAN = 100


@dataclass(frozen=True)
class SeededBidder:
    registration_id: int
    code: str
    token: str


@dataclass(frozen=True)
class SeededLot:
    lot_id: int
    starting_price: int
    increment: int
    bidders: tuple[SeededBidder, ...]
    end_ms: int = 0


async def seed_live_lot(
    sessions: async_sessionmaker[AsyncSession],
    engine: BiddingEngine,
    *,
    bidders: int,
    minutes: int = 60,
    starting_price: int = 100_000 * YUAN,
    increment: int = 100 * YUAN,
    extension_ms: int = 10_000,
    end_at: dt.datetime | None = None,
    register: bool = True,
) -> SeededLot:
    """`register=False` makes the bidders' accounts and tokens only: they register and pay
    their deposit themselves, as the load test's users do."""
    tag = secrets.token_hex(4)
    now = utcnow()
    async with sessions.begin() as session:
        court = Court(code=f"B{tag}", name=f"压测法院 {tag}")
        session.add(court)
        await session.flush()
        case = EnforcementCase(
            court_id=court.id,
            case_number=f"(2026)压{tag}号",
            debtor_name="压测",
            debtor_kind=DebtorKind.LEGAL,
        )
        session.add(case)
        await session.flush()
        prop = Property(
            case_id=case.id,
            title=f"压测标的 {tag}",
            category=Category.OTHER,
            appraised_value=starting_price * 10 // 7 + 1,
        )
        session.add(prop)
        await session.flush()
        lot = Lot(
            property_id=prop.id,
            round=1,
            status=LotStatus.LIVE,
            starting_price=starting_price,
            increment=increment,
            deposit=starting_price // 10,
            start_at=now,
            end_at=end_at or now + dt.timedelta(minutes=minutes),
        )
        session.add(lot)
        await session.flush()
        seeded = []
        for n in range(bidders):
            user = User(
                username=f"b{tag}{n}",
                password_hash="!",  # noqa: S106  (no password: these users hold tokens only)
                role=Role.BIDDER,
                real_name=f"竞买人{n}",
                id_number_hash=identity.keyed_hash(f"bench-{tag}-{n}", "bench"),
            )
            session.add(user)
            await session.flush()
            registration = Registration(
                lot_id=lot.id,
                user_id=user.id,
                bidder_code=f"K{n:04d}",
                deposit_amount=lot.deposit,
                deposit_status=DepositStatus.FROZEN,
            )
            session.add(registration)
            await session.flush()
            token, _ = await accounts.issue_token(session, user)
            seeded.append(SeededBidder(registration.id, registration.bidder_code, token))
        if not register:
            await session.execute(sa.delete(Registration).where(Registration.lot_id == lot.id))
    end_ms = int(lot.end_at.timestamp() * 1000)
    regs = tuple(EligibleRegistration(b.registration_id, b.code) for b in seeded) if register else ()
    await engine.open(LotOpening(lot.id, starting_price, increment, end_ms, extension_ms, regs))
    return SeededLot(lot.id, starting_price, increment, tuple(seeded), end_ms)
