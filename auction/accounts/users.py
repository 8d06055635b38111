"""Courts, users and bearer tokens: the services behind `/users`, `/tokens`, `/me` and the CLI.

Callers own the transaction: these functions flush but never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import credit_code, identity
from auction.accounts.passwords import DUMMY_HASH, hash_password, password_problem, verify_password
from auction.enums import AccountKind, Role
from auction.errors import BadCredentials, Conflict, NotFound, ValidationFailed
from auction.models import ApiToken, Court, User
from core.db import utcnow

TOKEN_LIFETIME = dt.timedelta(days=30)
SESSION_LIFETIME = dt.timedelta(hours=12)
USERNAME_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@dataclass(frozen=True, slots=True)
class Company:
    """A legal person's identity: its credit code (GB 32100) and its legal representative."""

    credit_code: str
    representative_name: str
    representative_id_number: str


@dataclass(frozen=True, slots=True)
class NewUser:
    role: Role
    username: str
    password: str
    real_name: str  # a company's registered name for a legal person
    id_number: str | None = None
    court_code: str | None = None
    company: Company | None = None  # a legal person: its credit code is its identity


def _identity_of(new: NewUser, secret_key: str) -> tuple[str | None, str | None, str]:
    """(keyed hash, masked form, the field it came from): the credit code decides for a company."""
    if new.company is not None:
        code = credit_code.normalize(new.company.credit_code)
        return identity.keyed_hash(code, secret_key), credit_code.mask(code), "credit_code"
    if new.id_number:
        return identity.keyed_hash(new.id_number, secret_key), identity.mask(new.id_number), "id_number"
    return None, None, "id_number"


async def create_court(session: AsyncSession, *, code: str, name: str, province: str | None = None) -> Court:
    if await session.scalar(sa.select(Court.id).where(Court.code == code)) is not None:
        raise Conflict(f"a court with code {code!r} exists", code="court_exists")
    court = Court(code=code, name=name, province=province)
    session.add(court)
    await session.flush()
    return court


def _user_field_errors(new: NewUser) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 3 <= len(new.username) <= 64 or not set(new.username) <= USERNAME_ALPHABET:
        errors["username"] = "invalid_username"
    problem = password_problem(new.password, username=new.username)
    if problem:
        errors["password"] = problem
    if not new.real_name.strip() or len(new.real_name) > 100:
        errors["real_name"] = "required"
    if new.company is not None:
        errors.update(_company_errors(new.company))
    elif new.id_number is not None and not identity.is_valid(new.id_number):
        errors["id_number"] = "invalid_id_number"
    elif new.id_number is None and new.role is Role.BIDDER:
        errors["id_number"] = "required"
    if new.role is Role.COURT_STAFF and not new.court_code:
        errors["court"] = "required"
    return errors


def _company_errors(company: Company) -> dict[str, str]:
    errors = {}
    if not credit_code.is_valid(company.credit_code):
        errors["credit_code"] = "invalid_credit_code"
    if not company.representative_name.strip() or len(company.representative_name) > 100:
        errors["representative_name"] = "required"
    if not identity.is_valid(company.representative_id_number):
        errors["representative_id_number"] = "invalid_id_number"
    return errors


async def create_user(session: AsyncSession, new: NewUser, *, secret_key: str) -> User:
    errors = _user_field_errors(new)
    if errors:
        raise ValidationFailed("the account cannot be created", fields=errors)
    court_id = None
    if new.court_code:
        court_id = await session.scalar(sa.select(Court.id).where(Court.code == new.court_code))
        if court_id is None:
            raise NotFound(f"no court with code {new.court_code!r}", code="court_not_found")
    taken = await session.scalar(
        sa.select(User.id).where(sa.func.lower(User.username) == new.username.lower())
    )
    if taken is not None:
        raise Conflict("that username is taken", code="username_taken", fields={"username": "taken"})
    digest, masked, identity_field = _identity_of(new, secret_key)
    if digest is not None and await session.scalar(
        sa.select(User.id).where(User.id_number_hash == digest).limit(1)
    ):
        # One identity, one account: a second account would dodge a ban or hold a second code.
        raise Conflict(
            "an account with this identity number exists already",
            code="identity_taken",
            fields={identity_field: "taken"},
        )
    user = User(
        username=new.username,
        password_hash=await hash_password(new.password),
        role=new.role,
        court_id=court_id,
        real_name=new.real_name.strip(),
        id_number_hash=digest,
        id_number_masked=masked,
    )
    if new.company is not None:
        user.kind = AccountKind.LEGAL
        user.representative_name = new.company.representative_name.strip()
        user.representative_id_hash = identity.keyed_hash(new.company.representative_id_number, secret_key)
        user.representative_id_masked = identity.mask(new.company.representative_id_number)
    session.add(user)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        # Two sign-ups racing with one username or identity: the unique indexes let one in.
        if "username" in str(exc.orig):
            raise Conflict(
                "that username is taken", code="username_taken", fields={"username": "taken"}
            ) from None
        raise Conflict(
            "an account with this identity number exists already",
            code="identity_taken",
            fields={identity_field: "taken"},
        ) from None
    return user


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def authenticate(session: AsyncSession, username: str, password: str) -> User:
    user = await session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    # Verify even for unknown users so the response time does not reveal which usernames exist.
    valid = await verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        raise BadCredentials("wrong username or password")
    return user


async def issue_token(
    session: AsyncSession, user: User, lifetime: dt.timedelta = TOKEN_LIFETIME
) -> tuple[str, dt.datetime]:
    """A new bearer token (or browser session: the same, kept in an HttpOnly cookie)."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + lifetime
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), expires_at=expires_at))
    await session.flush()
    return token, expires_at


async def user_for_token(session: AsyncSession, token: str) -> User | None:
    return await session.scalar(
        sa.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
            User.is_active.is_(True),
        )
    )


async def valid_token_hashes(session: AsyncSession, hashes: list[str]) -> set[str]:
    """Which of these sessions still sign someone in (not revoked, not expired, account active)."""
    if not hashes:
        return set()
    rows = await session.scalars(
        sa.select(ApiToken.token_hash)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash.in_(hashes),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
            User.is_active.is_(True),
        )
    )
    return set(rows)


async def deactivate(session: AsyncSession, username: str) -> User:
    """The account signs in no more: every session of it is revoked too."""
    user = await session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    if user is None:
        raise NotFound(f"no user {username!r}", code="user_not_found")
    user.is_active = False
    await session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await session.flush()
    return user


async def revoke_token(session: AsyncSession, token: str) -> bool:
    result = await session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


class CourtChoice(msgspec.Struct, frozen=True):
    code: str
    name: str


async def court_choices(session: AsyncSession) -> list[CourtChoice]:
    """Every court, by code: what a filter offers."""
    rows = await session.execute(sa.select(Court.code, Court.name).order_by(Court.code))
    return [CourtChoice(row.code, row.name) for row in rows]


async def set_staff_identity(
    session: AsyncSession, username: str, id_number: str, *, secret_key: str
) -> User:
    """Record the identity number of a staff or admin account (the operator command), so that
    the person cannot bid on their court's lots (admins: on any lot) under another account or
    through an agent (art. 34)."""
    user = await session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    if user is None:
        raise NotFound(f"no account {username!r}")
    if user.role is Role.BIDDER:
        raise ValidationFailed("a bidder's identity is given at sign-up", fields={"username": "role"})
    number = identity.normalize(id_number)
    if not identity.is_valid(number):
        raise ValidationFailed("not a valid identity number", fields={"id_number": "invalid_id_number"})
    digest = identity.keyed_hash(number, secret_key)
    holder = await session.scalar(sa.select(User.id).where(User.id_number_hash == digest, User.id != user.id))
    if holder is not None:
        raise Conflict(
            "an account with this identity number exists already",
            code="identity_taken",
            fields={"id_number": "taken"},
        )
    user.id_number_hash, user.id_number_masked = digest, identity.mask(number)
    await session.flush()
    return user
