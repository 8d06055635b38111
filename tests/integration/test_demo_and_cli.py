"""The demo seed and the operator commands, against the session's database."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from auction.accounts.users import authenticate
from auction.demo import DEMO_ACCOUNTS, PROPERTIES, seed_demo
from auction.enums import DepositStatus, LotStatus, Role
from auction.models import Claim, Court, DishonestPerson, EnforcementCase, Lot, Property, Registration, User
from core.db import utcnow
from core.settings import Settings
from tests.integration.conftest import auction


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


async def test_demo_seeds_every_kind_of_data_once(session: AsyncSession, settings: Settings) -> None:
    assert await seed_demo(session, settings) is True
    counts = {
        model.__name__: await count(session, model)
        for model in (Court, User, EnforcementCase, Claim, Property, Lot, DishonestPerson)
    }
    assert await seed_demo(session, settings) is False
    assert counts == {
        model.__name__: await count(session, model)
        for model in (Court, User, EnforcementCase, Claim, Property, Lot, DishonestPerson)
    }
    assert counts["User"] == len(DEMO_ACCOUNTS) and counts["DishonestPerson"] >= 3

    statuses = list(await session.scalars(sa.select(Lot.status)))
    assert {LotStatus.ANNOUNCED, LotStatus.FAILED} <= set(statuses)
    now = utcnow()
    # Due to open at once (the lifecycle clock puts them in the engine), ending in 5–15 minutes.
    due = list(
        await session.scalars(sa.select(Lot).where(Lot.status == LotStatus.ANNOUNCED, Lot.start_at <= now))
    )
    assert len(due) == 2 and all(300 <= (lot.end_at - now).total_seconds() <= 900 for lot in due)
    for lot in due:
        deposits = list(
            await session.scalars(sa.select(Registration.deposit_status).where(Registration.lot_id == lot.id))
        )
        assert deposits == [DepositStatus.FROZEN, DepositStatus.FROZEN]
    upcoming = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Lot)
        .where(Lot.status == LotStatus.ANNOUNCED, Lot.start_at > now)
    )
    assert upcoming == 2
    kinds = set(await session.scalars(sa.select(Claim.kind)))
    assert {"secured", "ordinary"} <= {kind.value for kind in kinds}


async def due_demo_lots(session: AsyncSession) -> list[Lot]:
    return list(
        await session.scalars(
            sa.select(Lot).where(Lot.status == LotStatus.ANNOUNCED, Lot.start_at <= utcnow())
        )
    )


async def test_a_later_start_lists_live_lots_again_once_they_have_ended(
    session: AsyncSession, settings: Settings
) -> None:
    await seed_demo(session, settings)
    first = await due_demo_lots(session)
    await seed_demo(session, settings)  # still live: nothing new
    assert await due_demo_lots(session) == first

    for lot in first:  # as the lifecycle clock leaves them once they have ended unsold
        lot.status = LotStatus.FAILED
        lot.start_at, lot.end_at = utcnow() - dt.timedelta(minutes=8), utcnow() - dt.timedelta(minutes=1)
    await session.flush()
    assert await seed_demo(session, settings) is False
    again = await due_demo_lots(session)
    assert len(again) == 2 and not {lot.id for lot in again} & {lot.id for lot in first}
    now = utcnow()
    assert all(300 <= (lot.end_at - now).total_seconds() <= 900 for lot in again)
    for lot in again:
        deposits = await session.scalars(
            sa.select(Registration.deposit_status).where(Registration.lot_id == lot.id)
        )
        assert list(deposits) == [DepositStatus.FROZEN, DepositStatus.FROZEN]
    lots = await count(session, Lot)
    await seed_demo(session, settings)
    assert await count(session, Lot) == lots

    # Relisted again: new property each time, never a title seen before (issue 21: a sold
    # property came back as a live round 1, and each case listed the same property twice).
    for lot in again:
        lot.status = LotStatus.SOLD
        lot.start_at, lot.end_at = utcnow() - dt.timedelta(minutes=8), utcnow() - dt.timedelta(minutes=1)
    await session.flush()
    await seed_demo(session, settings)
    third = await due_demo_lots(session)
    assert {lot.property_id for lot in third}.isdisjoint({lot.property_id for lot in [*first, *again]})
    titles = list(await session.scalars(sa.select(Property.title)))
    assert len(titles) == len(set(titles)) == len(PROPERTIES) + 4


async def test_demo_accounts_can_sign_in(session: AsyncSession, settings: Settings) -> None:
    await seed_demo(session, settings)
    for account in DEMO_ACCOUNTS:
        user = await authenticate(session, account.username, account.password)
        assert user.role is account.role


async def test_cli_creates_courts_and_staff(cli_env: dict, db_engine: AsyncEngine) -> None:
    made = auction(
        cli_env,
        "courts",
        "create",
        "--code",
        "BJ01",
        "--name",
        "北京市第一中级人民法院",
        "--province",
        "北京市",
    )
    assert made.returncode == 0, made.stderr
    staff = auction(
        cli_env,
        "users",
        "create",
        "--role",
        "court_staff",
        "--username",
        "judge1",
        "--password",
        "a-long-pass-9",
        "--court",
        "BJ01",
        "--real-name",
        "李法官",
    )
    assert staff.returncode == 0, staff.stderr
    admin = auction(
        cli_env, "users", "create", "--role", "admin", "--username", "root1", "--password", "a-long-pass-9"
    )
    assert admin.returncode == 0, admin.stderr

    async with AsyncSession(db_engine) as session:
        judge = await session.scalar(sa.select(User).where(User.username == "judge1"))
        assert judge is not None and judge.role is Role.COURT_STAFF and judge.court_id is not None
        assert "a-long-pass-9" not in judge.password_hash


async def test_cli_refuses_bad_input_clearly(cli_env: dict) -> None:
    no_court = auction(
        cli_env,
        "users",
        "create",
        "--role",
        "court_staff",
        "--username",
        "judge2",
        "--password",
        "a-long-pass-9",
        "--court",
        "NOPE",
    )
    assert no_court.returncode == 1 and "court_not_found" in no_court.stderr
    weak = auction(
        cli_env, "users", "create", "--role", "admin", "--username", "root2", "--password", "short"
    )
    assert weak.returncode == 1 and "password_too_short" in weak.stderr
    twice = [auction(cli_env, "courts", "create", "--code", "SH01", "--name", "上海") for _ in range(2)]
    assert twice[0].returncode == 0 and twice[1].returncode == 1 and "court_exists" in twice[1].stderr


async def test_spc2016_refuses_to_start_without_a_secret(cli_env: dict) -> None:
    environ = {**cli_env, "SECRET_KEY": "changeme", "AUCTION_RULES": "spc2016"}
    result = auction(environ, "migrate")
    assert result.returncode == 2 and "SECRET_KEY" in result.stderr


async def test_cli_ledger_check(cli_env: dict, db_engine: AsyncEngine) -> None:
    from settlement import chart, ledger

    async with AsyncSession(db_engine) as session:
        await ledger.post(session, "x", [ledger.debit(chart.bank(), 5), ledger.credit(chart.debtor(1), 5)])
        await session.commit()
    good = auction(cli_env, "ledger", "check")
    assert good.returncode == 0 and "the ledger balances" in good.stdout
    async with AsyncSession(db_engine) as session:
        await session.execute(sa.text("UPDATE ledger_entries SET amount = 6 WHERE side = 'debit'"))
        await session.commit()
    bad = auction(cli_env, "ledger", "check")
    assert bad.returncode == 1 and "ledger_unbalanced" in bad.stderr


async def test_cli_verify_finds_a_tampered_bid(cli_env: dict, db_engine: AsyncEngine) -> None:
    from auction.lots.bid_chain import GENESIS_HASH, ChainLink, link_hash
    from auction.models import Bid
    from bidding_engine.results import BidKind
    from tests import factories

    async with AsyncSession(db_engine) as session:
        made = await factories.lot_with_bidders(session, 2)
        prev = GENESIS_HASH
        for seq, registration in enumerate(made.registrations, start=1):
            link = ChainLink(
                made.lot.id, seq, registration.bidder_code, 100_000 + seq * 1_000, "manual", 1_000 + seq
            )
            digest = link_hash(prev, link)
            session.add(
                Bid(
                    lot_id=made.lot.id,
                    seq=seq,
                    registration_id=registration.id,
                    bidder_code=registration.bidder_code,
                    amount=link.amount,
                    kind=BidKind.MANUAL,
                    at_ms=link.at_ms,
                    end_ms=5_000,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        lot_id = made.lot.id
        await session.commit()
    intact = auction(cli_env, "verify", str(lot_id))
    assert intact.returncode == 0 and "the bid log is intact" in intact.stdout
    async with AsyncSession(db_engine) as session:
        await session.execute(
            sa.text("UPDATE bids SET amount = amount + 1 WHERE lot_id = :lot AND seq = 2"), {"lot": lot_id}
        )
        await session.commit()
    broken = auction(cli_env, "verify", str(lot_id))
    assert broken.returncode == 1 and "chain_broken" in broken.stderr and "seq 2" in broken.stderr
