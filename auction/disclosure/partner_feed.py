"""The change feed partners keep an exact copy of both lists from (PROTOCOL.md "Joint
punishment"): every listing and removal after a cursor, oldest first, each with the person's full
number unsealed for the partner (scope `feed`), the read audited. The pushes send the same items.
"""

from __future__ import annotations

import json

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.sealing import unseal
from auction.disclosure.partners import PartnerAccess
from auction.errors import ValidationFailed
from auction.models import ListChange, PartnerRead

FEED_LIMIT = 1_000


class FeedItem(msgspec.Struct, frozen=True, omit_defaults=True):
    cursor: str
    op: str  # listed | removed
    list: str
    entry_id: int
    name: str
    kind: str
    at: str
    detail: str = ""
    id_number: str | None = None  # a natural person's full number, unsealed for the partner
    credit_code: str | None = None  # a company's


class FeedPage(msgspec.Struct, frozen=True):
    items: list[FeedItem]
    next_cursor: str


def parse_cursor(raw: str | None) -> int:
    if not raw:
        return 0
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed("the cursor is not one this server gave", fields={"cursor": "invalid_value"})
    return int(raw)


def _numbers(change: ListChange, lists_key: bytes) -> dict[str, str]:
    if change.id_number_sealed is None:
        # Imported before numbers were sealed: the masked form is all the platform has.
        return (
            {"id_number": change.id_number_masked}
            if change.kind == "natural"
            else {"credit_code": change.id_number_masked}
        )
    number = unseal(change.id_number_sealed, lists_key)
    return {"id_number": number} if change.kind == "natural" else {"credit_code": number}


def feed_item(change: ListChange, lists_key: bytes) -> FeedItem:
    """One change as partners receive it, the number unsealed (the feed and the pushes)."""
    return FeedItem(
        cursor=str(change.id),
        op=change.op,
        list=change.list,
        entry_id=change.entry_id,
        name=change.name,
        kind=change.kind,
        at=change.at.isoformat(),
        detail=change.detail,
        **_numbers(change, lists_key),
    )


async def feed(
    session: AsyncSession, access: PartnerAccess, cursor: str | None, *, lists_key: bytes
) -> FeedPage:
    """Every listing and removal after the cursor, oldest first; `next_cursor` is where to go on
    from (the same cursor when nothing is new). Applied in order, an empty cursor's pages
    rebuild both lists exactly."""
    after = parse_cursor(cursor)
    changes = list(
        await session.scalars(
            sa.select(ListChange).where(ListChange.id > after).order_by(ListChange.id).limit(FEED_LIMIT)
        )
    )
    items = [feed_item(c, lists_key) for c in changes]
    last = str(changes[-1].id) if changes else str(after)
    session.add(
        PartnerRead(
            partner_id=access.partner_id,
            key_id=access.key_id,
            endpoint="feed",
            answer=json.dumps({"after": after, "items": len(items), "next_cursor": last}),
        )
    )
    await session.flush()
    return FeedPage(items, last)
