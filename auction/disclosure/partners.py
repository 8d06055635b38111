"""Partner institutions (railways, airlines, banks, credit platforms) that act on the lists: their
keys, the check of one person, the change feed they keep a copy from, and the audit of every
read (RULES.md "The lists": partners receive listings and removals with the full identity
number, over an authenticated channel; the public sees the masked form).

A key is shown once and kept as its SHA-256; rotating one revokes the old. A partner reaches
the sealed numbers only through the feed and only with the `feed` scope; a check answers about
the person the partner already names. Every read is an audit row, append-only: a listed person
sees which institutions checked them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from auction.accounts import credit_code as credit_codes
from auction.accounts import identity
from auction.accounts.sealing import seal
from auction.errors import Forbidden, NotFound, ValidationFailed
from auction.models import (
    ConsumptionRestriction,
    DishonestPerson,
    ListChange,
    Partner,
    PartnerKey,
    PartnerRead,
    User,
)
from core.db import utcnow

SCOPES = ("check", "feed", "push")
KEY_PREFIX = "pk_"  # tells a partner key from a user's token at a glance


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(session: AsyncSession, partner: Partner) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(PartnerKey(partner_id=partner.id, key_hash=key_hash(key)))
    return key


@dataclass(frozen=True, slots=True)
class NewPartner:
    partner: Partner
    key: str
    push_secret: str | None


def push_url_error(url: str | None) -> str | None:
    """HTTPS only; plain HTTP to this machine's loopback is allowed for a partner's own tests."""
    if not url:
        return "required"
    if url.startswith("https://") or url.startswith(("http://127.0.0.1:", "http://localhost:")):
        return None
    return "https_required"


async def create_partner(
    session: AsyncSession,
    name: str,
    kind: str,
    scopes: list[str],
    push_url: str | None,
    *,
    lists_key: bytes | None = None,
) -> NewPartner:
    """The partner, its first key and, with `push`, the secret its pushes are signed with: both
    shown once (the key kept as its hash, the secret sealed with the lists key)."""
    errors = {}
    if not name.strip() or len(name) > 200:
        errors["name"] = "required"
    if not scopes or any(scope not in SCOPES for scope in scopes):
        errors["scopes"] = "invalid_choice"
    if "push" in scopes and (error := push_url_error(push_url)) is not None:
        errors["push_url"] = error
    if "push" in scopes and lists_key is None:
        errors["scopes"] = "push_needs_the_lists_key"
    if errors:
        raise ValidationFailed("the partner cannot be created", fields=errors)
    push_secret = secrets.token_urlsafe(32) if "push" in scopes else None
    partner = Partner(
        name=name.strip(),
        kind=kind.strip()[:40],
        scopes=sorted(set(scopes)),
        push_url=push_url,
        push_secret_sealed=seal(push_secret, lists_key) if push_secret and lists_key else None,
        # Pushes start after the last change now; the earlier ones are the feed's.
        pushes_after=await session.scalar(sa.select(sa.func.coalesce(sa.func.max(ListChange.id), 0))),
    )
    session.add(partner)
    await session.flush()
    key = _new_key(session, partner)
    await session.flush()
    return NewPartner(partner, key, push_secret)


async def _partner(session: AsyncSession, partner_id: int) -> Partner:
    partner = await session.get(Partner, partner_id, with_for_update=True)
    if partner is None or partner.revoked_at is not None:
        raise NotFound("no such partner")
    return partner


async def _revoke_keys(session: AsyncSession, partner_id: int) -> None:
    await session.execute(
        sa.update(PartnerKey)
        .where(PartnerKey.partner_id == partner_id, PartnerKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def rotate_key(session: AsyncSession, partner_id: int) -> str:
    """A new key; every earlier key of the partner stops working at once."""
    partner = await _partner(session, partner_id)
    await _revoke_keys(session, partner.id)
    key = _new_key(session, partner)
    await session.flush()
    return key


async def revoke_partner(session: AsyncSession, partner_id: int) -> None:
    partner = await _partner(session, partner_id)
    partner.revoked_at = utcnow()
    await _revoke_keys(session, partner.id)
    await session.flush()


@dataclass(frozen=True, slots=True)
class PartnerAccess:
    """Who a key speaks for: enough to authorise and audit a read, nothing to load."""

    partner_id: int
    key_id: int
    scopes: list[str]


async def authenticate(db: AsyncSession | AsyncConnection, key: str) -> PartnerAccess | None:
    row = (
        await db.execute(
            sa.select(Partner.id, PartnerKey.id, Partner.scopes)
            .join(PartnerKey, PartnerKey.partner_id == Partner.id)
            .where(
                PartnerKey.key_hash == key_hash(key),
                PartnerKey.revoked_at.is_(None),
                Partner.revoked_at.is_(None),
            )
        )
    ).first()
    return None if row is None else PartnerAccess(row[0], row[1], list(row[2]))


def require_scope(access: PartnerAccess, scope: str) -> None:
    if scope not in access.scopes:
        raise Forbidden(f"this key has no '{scope}' scope")


class CheckEntry(msgspec.Struct, frozen=True):
    list: str  # dishonest | consumption_restricted
    since: str
    ground: str | None = None
    role: str | None = None  # whom a restriction restricts: the debtor, or a company's person
    case_number: str | None = None
    court: str | None = None


class CheckAnswer(msgspec.Struct, frozen=True):
    listed: bool
    entries: list[CheckEntry]


def _subject(id_number: str | None, credit_code: str | None) -> tuple[str, str]:
    """The number asked about and its masked form; 422 when neither is a valid one."""
    if id_number:
        number = identity.normalize(id_number)
        if not identity.is_valid(number):
            raise ValidationFailed("not a valid identity number", fields={"id_number": "invalid_id_number"})
        return number, identity.mask(number)
    if credit_code:
        code = credit_codes.normalize(credit_code)
        if not credit_codes.is_valid(code):
            raise ValidationFailed("not a valid credit code", fields={"credit_code": "invalid_credit_code"})
        return code, credit_codes.mask(code)
    raise ValidationFailed("name the person by id_number or credit_code", fields={"id_number": "required"})


# The look-up and its audit row in one statement: a railway checks a passenger per ticket, and
# each round trip saved is what lets one worker answer hundreds a second (docs/performance.md).
_CHECK = sa.text(
    """
    WITH found AS (
        SELECT 0 AS rank, 'dishonest' AS list, listed_at AS since, ground, NULL AS role,
               case_number, court_name AS court
        FROM dishonest_persons
        WHERE id_number_hash = :digest AND name = :name AND removed_at IS NULL
      UNION ALL
        SELECT 1, 'consumption_restricted', restricted_at, NULL, role, case_number, court_name
        FROM consumption_restrictions
        WHERE id_number_hash = :digest AND name = :name AND lifted_at IS NULL
    ), audit AS (
        INSERT INTO partner_reads (partner_id, key_id, endpoint, subject_hash, subject_masked, answer, at)
        SELECT :partner_id, :key_id, 'check', :digest, :masked,
               json_build_object(
                   'listed', count(*) > 0,
                   'entries', coalesce(
                       json_agg(json_build_object('list', list, 'since', since, 'ground', ground,
                                'role', role, 'case_number', case_number, 'court', court)
                                ORDER BY rank, since),
                       '[]'::json)
               )::text,
               now()
        FROM found
    )
    SELECT list, since, ground, role, case_number, court FROM found ORDER BY rank, since
    """
)


async def check(
    db: AsyncSession | AsyncConnection,
    access: PartnerAccess,
    name: str,
    id_number: str | None,
    credit_code: str | None,
    *,
    secret_key: str,
) -> CheckAnswer:
    """Whether the named person is on either list, and the audit row of the question (written
    by the same statement, so no answer leaves without its record)."""
    if not name.strip():
        raise ValidationFailed("name the person", fields={"name": "required"})
    number, masked = _subject(id_number, credit_code)
    rows = await db.execute(
        _CHECK,
        {
            "digest": identity.keyed_hash(number, secret_key),
            "name": name.strip(),
            "masked": masked,
            "partner_id": access.partner_id,
            "key_id": access.key_id,
        },
    )
    entries = [
        CheckEntry(listed, since.isoformat(), ground, role, case_number, court)
        for listed, since, ground, role, case_number, court in rows
    ]
    return CheckAnswer(bool(entries), entries)


class CheckedBy(msgspec.Struct, frozen=True):
    partner: str
    kind: str
    at: dt.datetime
    listed: bool  # what the partner was told


async def checks_of(session: AsyncSession, user: User) -> list[CheckedBy]:
    """The partners that checked this person (by the account's identity), newest first."""
    digests = [d for d in (user.id_number_hash, user.representative_id_hash) if d]
    if not digests:
        return []
    rows = await session.execute(
        sa.select(Partner.name, Partner.kind, PartnerRead.at, PartnerRead.answer)
        .join(Partner, Partner.id == PartnerRead.partner_id)
        .where(PartnerRead.subject_hash.in_(digests), PartnerRead.endpoint == "check")
        .order_by(PartnerRead.id.desc())
        .limit(500)
    )
    return [CheckedBy(name, kind, at, bool(json.loads(answer)["listed"])) for name, kind, at, answer in rows]


class OwnEntry(msgspec.Struct, frozen=True):
    list: str
    case_number: str
    court: str
    since: dt.datetime
    ground: str | None
    removed_at: dt.datetime | None
    removal_reason: str | None


async def entries_of(session: AsyncSession, user: User) -> list[OwnEntry]:
    """The person's own entries on both lists, current and removed (RULES.md "The lists":
    performing the obligation in full, or the period's end, takes an entry off)."""
    digests = [d for d in (user.id_number_hash, user.representative_id_hash) if d]
    if not digests:
        return []
    dishonest = await session.scalars(
        sa.select(DishonestPerson).where(DishonestPerson.id_number_hash.in_(digests))
    )
    restricted = await session.scalars(
        sa.select(ConsumptionRestriction).where(ConsumptionRestriction.id_number_hash.in_(digests))
    )
    return [
        OwnEntry(
            "dishonest", d.case_number, d.court_name, d.listed_at, d.ground, d.removed_at, d.removal_reason
        )
        for d in dishonest
    ] + [
        OwnEntry(
            "consumption_restricted",
            r.case_number,
            r.court_name,
            r.restricted_at,
            r.role.value,
            r.lifted_at,
            r.removal_reason,
        )
        for r in restricted
    ]
