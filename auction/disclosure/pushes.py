"""Pushing the lists' changes to partners that asked for them (scope `push`): the changes, in
order, to the partner's HTTPS endpoint, signed as the payment webhook is (`X-Timestamp`, and
`X-Signature`: hex HMAC-SHA256 of "<timestamp>.<raw body>" with the partner's push secret),
retried with exponential backoff until the endpoint answers 2xx. The court's action never waits
for it: a change is a row written with the action; this loop, in every worker, makes a delivery
per (partner, change), claims each partner's oldest due one with `SKIP LOCKED` and sends it with
the partner's next pending ones, up to PUSH_BATCH in one request (a national import must not
reach a bank at one change a second). A partner's next batch waits until the one before it is
delivered, so each change arrives once and in order. The body names `previous_cursor`, the last
change pushed to this partner before the batch: a receiver whose copy is at that cursor applies
the batch; one that is behind reads the feed from its own cursor; items at or before its cursor
are repeats (a crash between its 2xx and our record) and are dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

import httpx
import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts.sealing import unseal
from auction.disclosure.partner_feed import FeedItem, feed_item
from auction.lots.payments import sign
from auction.models import ListChange, Partner, PartnerDelivery
from core.db import DATABASE_ERRORS, utcnow
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 3600
TIMEOUT_S = 10.0
PUSH_BATCH = 100


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2**attempts, MAX_BACKOFF_S))


class PushBody(msgspec.Struct, frozen=True):
    items: list[FeedItem]
    previous_cursor: str | None  # the change pushed before these; None before the first push


async def enqueue(session: AsyncSession) -> int:
    """A pending delivery for every change a push partner has not been given yet: only the
    changes after the last one it was given (the unique (partner, change) index finds that at
    once), or after the last change before it was made, so a pass costs what is new, not the
    whole history of the lists."""
    result = await session.execute(
        sa.text(
            """
            INSERT INTO partner_deliveries (partner_id, change_id, status, attempts, next_attempt_at)
            SELECT p.id, c.id, 'pending', 0, now()
            FROM partners p
            JOIN list_changes c ON c.id > COALESCE(
                (SELECT max(d.change_id) FROM partner_deliveries d WHERE d.partner_id = p.id),
                p.pushes_after)
            WHERE 'push' = ANY (p.scopes) AND p.revoked_at IS NULL AND p.push_url IS NOT NULL
            ON CONFLICT (partner_id, change_id) DO NOTHING
            """
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _head_of_queue() -> sa.ScalarSelect[int]:
    """The partner's oldest pending delivery, through the partial index of pending ones: found
    per partner, however long the queue (a million-row import makes a million)."""
    return (
        sa.select(PartnerDelivery.id)
        .where(PartnerDelivery.partner_id == Partner.id, PartnerDelivery.status == "pending")
        .order_by(PartnerDelivery.change_id)
        .limit(1)
        .correlate(Partner)
        .scalar_subquery()
    )


class PushDispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        lists_key: bytes,
        *,
        tick_s: float = 1.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.sessions = sessions
        self.lists_key = lists_key
        self.tick_s = tick_s
        self.owns_client = client is None
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False)

    async def run_once(self) -> int:
        """Send each push partner's oldest undelivered changes if they are due; the number sent."""
        async with self.sessions.begin() as session:
            await enqueue(session)
        sent = 0
        async with self.sessions.begin() as session:
            # The first pending delivery of each partner, locked so another worker skips the
            # partner: the lock on its head is the lock on its whole queue.
            heads = (
                await session.execute(
                    sa.select(PartnerDelivery, Partner)
                    .join(Partner, Partner.id == PartnerDelivery.partner_id)
                    .where(
                        PartnerDelivery.id == _head_of_queue(),
                        PartnerDelivery.next_attempt_at <= utcnow(),
                        Partner.revoked_at.is_(None),  # a revoked partner gets nothing more
                    )
                    .with_for_update(of=PartnerDelivery, skip_locked=True)
                )
            ).all()
            for head, partner in heads:
                sent += await self._push_batch(session, head, partner)
        return sent

    async def _push_batch(self, session: AsyncSession, head: PartnerDelivery, partner: Partner) -> int:
        rows = (
            await session.execute(
                sa.select(PartnerDelivery.id, ListChange)
                .join(ListChange, ListChange.id == PartnerDelivery.change_id)
                .where(
                    PartnerDelivery.partner_id == partner.id,
                    PartnerDelivery.status == "pending",
                    PartnerDelivery.change_id >= head.change_id,
                )
                .order_by(PartnerDelivery.change_id)
                .limit(PUSH_BATCH)
                .with_for_update(of=PartnerDelivery)
            )
        ).all()
        previous = await session.scalar(
            sa.select(sa.func.max(PartnerDelivery.change_id)).where(
                PartnerDelivery.partner_id == partner.id, PartnerDelivery.change_id < head.change_id
            )
        )
        error = await self._send(
            partner, [change for _, change in rows], None if previous is None else str(previous)
        )
        batch = PartnerDelivery.id.in_([delivery_id for delivery_id, _ in rows])
        if error is None:
            done = {"status": "delivered", "delivered_at": utcnow(), "last_error": None}
        else:  # the batch waits as its head does: it goes (or fails) as one
            done = {"last_error": error[:500], "next_attempt_at": utcnow() + backoff(head.attempts + 1)}
        await session.execute(
            sa.update(PartnerDelivery).where(batch).values(attempts=PartnerDelivery.attempts + 1, **done)
        )
        if error is not None:
            log.warning("push of changes %s… to partner %s failed: %s", head.change_id, partner.id, error)
            return 0
        return len(rows)

    async def _send(self, partner: Partner, changes: list[ListChange], previous: str | None) -> str | None:
        assert partner.push_url is not None and partner.push_secret_sealed is not None
        body = msgspec.json.encode(PushBody([feed_item(c, self.lists_key) for c in changes], previous))
        timestamp = str(int(time.time()))
        secret = unseal(partner.push_secret_sealed, self.lists_key)
        headers = {
            "content-type": "application/json",
            "x-timestamp": timestamp,
            "x-signature": sign(secret, timestamp, body),
            "x-change-id": str(changes[-1].id),  # the batch's last: where the receiver's copy will be
        }
        try:
            answer = await self.client.post(partner.push_url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"

    async def run(self) -> None:
        try:
            while True:
                stop_if_cancelled()
                sent = 0
                try:
                    sent = await self.run_once()
                except DATABASE_ERRORS as exc:
                    log.warning("pushes: the database is away, retrying: %s", exc)
                if not sent:  # after a batch went, the partner's next may be waiting: no pause
                    await asyncio.sleep(self.tick_s)
        finally:
            if self.owns_client:  # its connections end with the loop, not at interpreter exit
                await self.client.aclose()
