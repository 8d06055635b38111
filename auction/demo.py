"""The demonstration data behind `auction demo` and `make run`.

Idempotent: everything hangs off the demo court, and a second run that finds the court
changes nothing, except for one thing. Lots are placed relative to now, so a fresh demo has lots
that are upcoming, live (ending within 5–15 minutes) and ended; a run that finds no lot live or
opening any more lists the live ones again (as new property of the same cases), so whoever starts
the demo later still finds an auction to watch and join.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts import users as accounts
from auction.disclosure.required_items import (
    Contact,
    Disclosure,
    ReferenceMethod,
    ReferencePrice,
    to_stored,
)
from auction.enums import Category, DepositStatus, LotStatus, Role, SaleKind
from auction.lots.codes import new_bidder_code
from auction.models import Claim, Court, DishonestPerson, EnforcementCase, Lot, Property, Registration, User
from auction.rules import Listing, profile_for, validate_listing
from core.db import utcnow
from core.display import china_day
from core.money import YUAN
from core.settings import Settings
from settlement.enums import ClaimKind, DebtorKind

DEMO_COURT_CODE = "ZJHZXH"
DEMO_COURT_NAME = "浙江省杭州市西湖区人民法院"
LIVE_MINUTES = {1: 7, 3: 12}  # lot index -> minutes until its end when the demo is seeded


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    real_name: str
    id_first17: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("court", "demo-pass-2026", Role.COURT_STAFF, "王法官"),
    # The second pair of eyes: approves the terms the clerk drafted (art. 27).
    DemoAccount("judge", "demo-pass-2026", Role.COURT_STAFF, "赵审判长"),
    DemoAccount("admin", "demo-pass-2026", Role.ADMIN, "平台管理员"),
    DemoAccount("bidder1", "demo-pass-2026", Role.BIDDER, "张伟", "33010619850312001"),
    DemoAccount("bidder2", "demo-pass-2026", Role.BIDDER, "李娜", "33010219900728002"),
    DemoAccount("bidder3", "demo-pass-2026", Role.BIDDER, "陈刚", "11010519781105003"),
    DemoAccount("creditor1", "demo-pass-2026", Role.BIDDER, "杭州银行股份有限公司", "33010619700101004"),
    DemoAccount("creditor2", "demo-pass-2026", Role.BIDDER, "刘芳", "33010619820214005"),
)


@dataclass(frozen=True, slots=True)
class DemoProperty:
    title: str
    category: Category
    appraised_yuan: int
    description: str


PROPERTIES = (
    DemoProperty(
        "杭州市西湖区文三路 88 号 2 幢 1201 室住宅",
        Category.REAL_ESTATE,
        4_860_000,
        "建筑面积 118.6 平方米，钢混结构，2009 年建成，带车位使用权。",
    ),
    DemoProperty(
        "浙A·8K3T2 宝马 X5 小型普通客车",
        Category.VEHICLE,
        312_000,
        "2019 年 6 月初次登记，行驶约 8.2 万公里，车况良好。",
    ),
    DemoProperty(
        "杭州云帆科技有限公司 30% 股权",
        Category.EQUITY,
        1_750_000,
        "注册资本 500 万元，主营软件开发，股权已冻结。",
    ),
    DemoProperty(
        "余杭区良渚街道商铺一间（一层）",
        Category.REAL_ESTATE,
        2_240_000,
        "建筑面积 86 平方米，现有租约至 2027 年 6 月，承租人享有优先购买权。",
    ),
    DemoProperty(
        "海康威视监控设备一批（共 120 台）", Category.OTHER, 96_000, "存放于法院指定仓库，可预约看样。"
    ),
)


PLATE_LETTERS = "BCDEFGHJKLMNPQRSTUVWXY"

# The n-th relisting's titles for the live lots' property (PROPERTIES' indexes in LIVE_MINUTES):
# other vehicles, other shops, never a title seen before.
RELISTED_TITLES: dict[int, Callable[[int], str]] = {
    1: lambda n: f"浙A·{PLATE_LETTERS[n % len(PLATE_LETTERS)]}{(n * 7919) % 10000:04d} 宝马 X3 小型普通客车",
    3: lambda n: f"余杭区良渚街道商铺一间（{n + 1} 号，一层）",
}


async def seed_demo(session: AsyncSession, settings: Settings) -> bool:
    """Seed once; return False when the demo data already exists (live lots listed again if none is)."""
    court_id = await session.scalar(sa.select(Court.id).where(Court.code == DEMO_COURT_CODE))
    if court_id is not None:
        await _relist_live_lots(session, settings, court_id)
        return False
    court = await accounts.create_court(
        session, code=DEMO_COURT_CODE, name=DEMO_COURT_NAME, province="浙江省"
    )
    users = {account.username: await _create_account(session, account, settings) for account in DEMO_ACCOUNTS}
    now = utcnow()
    cases = await _seed_cases(session, court, now, settings)
    properties = await _seed_properties(session, cases, now)
    await _seed_claims(session, cases, properties, users)
    await _seed_lots(session, settings, properties, users, now)
    await _seed_dishonest(session, settings, now)
    return True


async def _relist_live_lots(session: AsyncSession, settings: Settings, court_id: int) -> None:
    now = utcnow()
    soon = now + dt.timedelta(minutes=1)
    running = await session.scalar(
        sa.select(Lot.id)
        .join(Property, Property.id == Lot.property_id)
        .join(EnforcementCase, EnforcementCase.id == Property.case_id)
        .where(
            EnforcementCase.court_id == court_id,
            Lot.status.in_((LotStatus.ANNOUNCED, LotStatus.LIVE, LotStatus.SUSPENDED)),
            Lot.start_at <= soon,
            Lot.end_at > soon,
        )
        .limit(1)
    )
    if running is not None:
        return
    cases = list(
        await session.scalars(
            sa.select(EnforcementCase)
            .where(EnforcementCase.court_id == court_id)
            .order_by(EnforcementCase.id)
        )
    )
    users = {
        user.username: user
        for user in await session.scalars(
            sa.select(User).where(User.username.in_([account.username for account in DEMO_ACCOUNTS]))
        )
    }
    # Each relisting brings new property, told apart by its title: a sale the demo has seen
    # through (sold, paid, distributed) never comes back as a live round 1.
    listed = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Property)
        .where(Property.case_id.in_([case.id for case in cases]))
    )
    serial = max(1, (int(listed or 0) - len(PROPERTIES)) // len(LIVE_MINUTES) + 1)
    properties = await _seed_properties(session, cases, now, only=tuple(LIVE_MINUTES), serial=serial)
    for index, prop in zip(LIVE_MINUTES, properties, strict=True):
        await _seed_lot(session, settings, prop, index, users, now)


async def _create_account(session: AsyncSession, account: DemoAccount, settings: Settings) -> User:
    new = accounts.NewUser(
        role=account.role,
        username=account.username,
        password=account.password,
        real_name=account.real_name,
        id_number=identity.complete(account.id_first17) if account.id_first17 else None,
        court_code=DEMO_COURT_CODE if account.role is Role.COURT_STAFF else None,
    )
    return await accounts.create_user(session, new, secret_key=settings.secret_key)


async def _seed_cases(
    session: AsyncSession, court: Court, now: dt.datetime, settings: Settings
) -> list[EnforcementCase]:
    debtors = (
        ("(2026)浙0106执1234号", "赵明", DebtorKind.NATURAL, "33010619750608011"),
        ("(2026)浙0106执2345号", "杭州云帆科技有限公司", DebtorKind.LEGAL, None),
    )
    cases = []
    for number, name, kind, id17 in debtors:
        id_number = identity.complete(id17) if id17 else None
        case = EnforcementCase(
            court_id=court.id,
            case_number=number,
            debtor_name=name,
            debtor_kind=kind,
            debtor_id_number_hash=identity.keyed_hash(id_number, settings.secret_key) if id_number else None,
            debtor_id_number_masked=identity.mask(id_number) if id_number else None,
            filed_at=now - dt.timedelta(days=120),
        )
        session.add(case)
        cases.append(case)
    await session.flush()
    return cases


async def _seed_properties(
    session: AsyncSession,
    cases: list[EnforcementCase],
    now: dt.datetime,
    *,
    only: tuple[int, ...] | None = None,
    serial: int = 0,
) -> list[Property]:
    properties = []
    for index, item in enumerate(PROPERTIES):
        if only is not None and index not in only:
            continue
        prop = Property(
            case_id=cases[0 if index in (0, 1, 4) else 1].id,
            title=RELISTED_TITLES[index](serial) if serial else item.title,
            category=item.category,
            description=item.description,
            appraised_value=item.appraised_yuan * YUAN,
            seized_at=now - dt.timedelta(days=90),
        )
        session.add(prop)
        properties.append(prop)
    await session.flush()
    return properties


async def _seed_claims(
    session: AsyncSession, cases: list[EnforcementCase], properties: list[Property], users: dict[str, User]
) -> None:
    natural, legal = cases
    claims = [
        Claim(
            case_id=natural.id,
            creditor_user_id=users["creditor1"].id,
            creditor_name="杭州银行股份有限公司",
            kind=ClaimKind.SECURED,
            amount=3_200_000 * YUAN,
            rank=1,
            property_id=properties[0].id,
        ),
        Claim(
            case_id=natural.id,
            creditor_user_id=users["creditor2"].id,
            creditor_name="刘芳",
            kind=ClaimKind.ORDINARY,
            amount=850_000 * YUAN,
        ),
        Claim(
            case_id=natural.id,
            creditor_name="浙江精工建设集团有限公司",
            kind=ClaimKind.ORDINARY,
            amount=420_000 * YUAN,
        ),
        Claim(
            case_id=legal.id,
            creditor_name="浙江华建建设有限公司",
            kind=ClaimKind.PRIORITY,
            amount=600_000 * YUAN,
            property_id=properties[3].id,
        ),
        Claim(
            case_id=legal.id,
            creditor_user_id=users["creditor1"].id,
            creditor_name="杭州银行股份有限公司",
            kind=ClaimKind.ORDINARY,
            amount=1_300_000 * YUAN,
        ),
    ]
    session.add_all(claims)
    await session.flush()


def _lot_times(now: dt.datetime, index: int) -> tuple[LotStatus, dt.datetime, dt.datetime]:
    """Two upcoming, two live (ending in 5–15 minutes), one ended.

    The live ones are seeded as announced and starting now: the lifecycle clock opens them in
    the engine, with their frozen registrations, as soon as a server runs (one that runs later
    gives them their whole bidding period from that moment, as it does any lot opened late).
    """
    if index in (0, 2):
        start = now + dt.timedelta(days=1 + index)
        return LotStatus.ANNOUNCED, start, start + dt.timedelta(days=1)
    if index in LIVE_MINUTES:
        return (
            LotStatus.ANNOUNCED,
            now,
            now + dt.timedelta(minutes=LIVE_MINUTES[index]),
        )
    return LotStatus.FAILED, now - dt.timedelta(days=3), now - dt.timedelta(days=2)


async def _register_demo_bidders(
    session: AsyncSession, lot: Lot, bidders: list[User], now: dt.datetime
) -> None:
    """Registered with their deposits frozen, so they can bid the moment the lot opens."""
    taken: set[str] = set()
    for bidder in bidders:
        code = new_bidder_code(taken)
        taken.add(code)
        session.add(
            Registration(
                lot_id=lot.id,
                user_id=bidder.id,
                bidder_code=code,
                deposit_amount=lot.deposit,
                deposit_status=DepositStatus.FROZEN,
                frozen_at=now,
            )
        )
    await session.flush()


async def _seed_lots(
    session: AsyncSession,
    settings: Settings,
    properties: list[Property],
    users: dict[str, User],
    now: dt.datetime,
) -> None:
    for index, prop in enumerate(properties):
        await _seed_lot(session, settings, prop, index, users, now)


async def _seed_lot(
    session: AsyncSession,
    settings: Settings,
    prop: Property,
    index: int,
    users: dict[str, User],
    now: dt.datetime,
) -> None:
    """The lot of PROPERTIES[index], at its place in time (see _lot_times)."""
    staff = users["court"]
    profile = profile_for(settings)
    status, start, end = _lot_times(now, index)
    starting = prop.appraised_value * 7 // 10 // 100_00 * 100_00 + 100_00  # ≥ 70 %, whole hundred yuan
    deposit = starting // 10
    increment = max(starting // 200 // 100_00 * 100_00, 100_00)
    listing = Listing(
        round=1,
        sale_kind=SaleKind.AUCTION,
        category=prop.category,
        appraised_value=prop.appraised_value,
        starting_price=starting,
        increment=increment,
        deposit=deposit,
        start_at=start,
        end_at=end,
    )
    problems = validate_listing(profile, listing, now=start)
    if problems:
        raise AssertionError(f"demo lot {prop.title} breaks the rules: {problems}")
    lot = Lot(
        property_id=prop.id,
        round=1,
        sale_kind=SaleKind.AUCTION,
        status=status,
        starting_price=starting,
        increment=increment,
        deposit=deposit,
        start_at=start,
        end_at=end,
        created_by=staff.id,
        disclosure=to_stored(demo_disclosure(prop, now)),
        # A database seeded before the demo had a judge relists its lots unapproved.
        approved_by=users["judge"].id if "judge" in users else None,
        approved_at=now if "judge" in users else None,
        panel_decided_on=china_day(now) if "judge" in users else None,
    )
    session.add(lot)
    await session.flush()
    if index in LIVE_MINUTES:
        await _register_demo_bidders(session, lot, [users[name] for name in ("bidder1", "bidder2")], now)


def demo_disclosure(prop: Property, now: dt.datetime) -> Disclosure:
    """What the court discloses for a demo lot (each item the announcement must carry)."""
    housing = prop.category is Category.REAL_ESTATE
    return Disclosure(
        instrument="(2025)浙0106民初1024号民事判决书",
        reference_price=ReferencePrice(
            ReferenceMethod.APPRAISAL if housing else ReferenceMethod.ONLINE_INQUIRY,
            china_day(now) + dt.timedelta(days=300),
        ),
        encumbrances="已查封；抵押权人杭州银行，成交后由法院通知解除抵押及查封。" if housing else "已查封。",
        occupancy="被执行人居住，无租赁，法院负责腾退交付。" if housing else "停放于法院指定停车场。",
        taxes="过户产生的税费由买卖双方依照法律规定各自承担。",
        defects="无已知瑕疵。",
        contact=Contact("王法官", "0571-85550000"),
    )


async def _seed_dishonest(session: AsyncSession, settings: Settings, now: dt.datetime) -> None:
    people = (
        ("孙强", DebtorKind.NATURAL, "33010219800101021", "(2025)浙0102执988号", "给付货款 386,000 元"),
        ("周丽", DebtorKind.NATURAL, "33010519870505032", "(2025)浙0105执1502号", "偿还借款 1,200,000 元"),
        ("吴建国", DebtorKind.NATURAL, "33010619661230043", "(2024)浙0106执77号", "支付工程款 2,460,000 元"),
    )
    for name, kind, id17, case_number, obligation in people:
        number = identity.complete(id17)
        session.add(
            DishonestPerson(
                name=name,
                kind=kind,
                id_number_hash=identity.keyed_hash(number, settings.secret_key),
                id_number_masked=identity.mask(number),
                court_name=DEMO_COURT_NAME,
                case_number=case_number,
                obligation=obligation,
                listed_at=now - dt.timedelta(days=200),
            )
        )
    await session.flush()
