"""Notifying parties of every new node of their case: in-app (the inbox), by e-mail and by text
message, behind one `Notifier` interface.

The action that creates a node never waits for a delivery: nodes are timeline rows written in
the action's own transaction, and a dispatcher in every worker turns them into notifications
(one per subscriber and channel, unique), claims due ones with `SKIP LOCKED`, sends them, and
records each attempt. A failure is retried with exponential backoff up to `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Channel, DeliveryStatus
from auction.models import CaseSubscription, EnforcementCase, Notification, TimelineEvent
from auction.notifications.channels import DeliveryError, Notifier, UnsendableMessage
from core.db import utcnow
from core.display import cst_minutes
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
LEASE = dt.timedelta(seconds=60)
KIND_ZH = {
    "registered": "立案",
    "measures": "执行措施",
    "seized": "查封",
    "appraised": "评估",
    "announced": "拍卖公告",
    "auction_started": "开拍",
    "sold": "拍卖成交",
    "failed": "流拍",
    "paid": "余款付清",
    "defaulted": "悔拍",
    "suspended": "中止",
    "resumed": "恢复",
    "cancelled": "撤回",
    "allocation_published": "分配方案公布",
    "objection_filed": "分配方案异议",
    "objection_resolved": "异议处理",
    "allocation_final": "分配方案确定",
    "distributed": "案款发放",
    "closed": "结案",
    "bidder_barred": "取消竞买资格",
    "qualification": "购房资格审查",
    "ruled": "成交裁定送达",
    "delivered": "财产交付",
    "annulled": "撤销拍卖",
    "deferred": "暂缓拍卖",
    "auction_objection": "拍卖异议",
    "auction_objection_decided": "拍卖异议处理",
    "taken_by_creditor": "以物抵债",
}


# -- subscriptions -----------------------------------------------------------------------


async def enqueue_new(session: AsyncSession, now: dt.datetime) -> int:
    """A notification for every (subscription, node since it subscribed, channel) not yet made,
    due at `now`. In-app ones are delivered by being written."""
    made = 0
    for channel in Channel:
        delivered = channel is Channel.IN_APP
        statement = sa.text(
            """
            INSERT INTO notifications (subscription_id, user_id, case_id, timeline_event_id, channel, status,
                                       attempts, next_attempt_at, delivered_at, created_at)
            SELECT s.id, s.user_id, s.case_id, e.id, CAST(:channel AS VARCHAR), CAST(:status AS VARCHAR), 0,
                   CAST(:now AS TIMESTAMPTZ), CAST(:delivered_at AS TIMESTAMPTZ), CAST(:now AS TIMESTAMPTZ)
            FROM case_subscriptions s
            JOIN timeline_events e ON e.case_id = s.case_id AND e.at >= s.created_at
            WHERE CAST(:channel AS VARCHAR) = ANY (s.channels)
            ON CONFLICT (subscription_id, timeline_event_id, channel) DO NOTHING
            """
        )
        result = await session.execute(
            statement,
            {
                "channel": channel.value,
                "status": (DeliveryStatus.DELIVERED if delivered else DeliveryStatus.PENDING).value,
                "now": now,
                "delivered_at": now if delivered else None,
            },
        )
        made += int(getattr(result, "rowcount", 0) or 0)
    return made


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2**attempts, 3600))


def message_for(case_number: str, kind: str, detail: str, at: dt.datetime) -> tuple[str, str]:
    label = KIND_ZH.get(kind, kind)
    when = cst_minutes(at)
    return f"{case_number} 新节点：{label}", f"{case_number}\n{when}（UTC+8）{label} {kind}\n{detail}"


class NotificationDispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        notifiers: dict[Channel, Notifier],
        *,
        tick_s: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.notifiers = notifiers
        self.tick_s = tick_s

    async def _claim(self, limit: int) -> list[dict[str, Any]]:
        """Take due notifications for a lease, so no other worker sends them meanwhile."""
        now = utcnow()
        async with self.sessions.begin() as session:
            await enqueue_new(session, now)
            rows = (
                await session.execute(
                    sa.select(Notification, CaseSubscription, TimelineEvent, EnforcementCase.case_number)
                    .join(CaseSubscription, CaseSubscription.id == Notification.subscription_id)
                    .join(TimelineEvent, TimelineEvent.id == Notification.timeline_event_id)
                    .join(EnforcementCase, EnforcementCase.id == Notification.case_id)
                    .where(Notification.status == DeliveryStatus.PENDING, Notification.next_attempt_at <= now)
                    .order_by(Notification.next_attempt_at)
                    .limit(limit)
                    .with_for_update(of=Notification, skip_locked=True)
                )
            ).all()
            claimed = []
            for notification, subscription, event, case_number in rows:
                notification.next_attempt_at = now + LEASE
                address = subscription.email if notification.channel is Channel.EMAIL else subscription.phone
                subject, body = message_for(case_number, event.kind.value, event.detail, event.at)
                claimed.append(
                    {
                        "id": notification.id,
                        "channel": notification.channel,
                        "address": address,
                        "subject": subject,
                        "body": body,
                    }
                )
        return claimed

    async def _record(self, notification_id: int, error: str | None, *, final: bool = False) -> None:
        async with self.sessions.begin() as session:
            notification = await session.get(Notification, notification_id, with_for_update=True)
            assert notification is not None
            notification.attempts += 1
            if error is None:
                notification.status, notification.delivered_at, notification.last_error = (
                    DeliveryStatus.DELIVERED,
                    utcnow(),
                    None,
                )
            else:
                notification.last_error = error[:1000]
                if final or notification.attempts >= MAX_ATTEMPTS:
                    notification.status = DeliveryStatus.FAILED
                else:
                    notification.next_attempt_at = utcnow() + backoff(notification.attempts)

    async def run_once(self, limit: int = 100) -> int:
        sent = 0
        for item in await self._claim(limit):
            notifier = self.notifiers[item["channel"]]
            try:
                if not item["address"]:
                    raise DeliveryError("no address for this channel")
                await notifier.send(item["address"], item["subject"], item["body"])
            except DeliveryError as exc:
                log.warning("notification %s not delivered: %s", item["id"], exc)
                await self._record(item["id"], str(exc))
                continue
            except UnsendableMessage as exc:
                log.warning("notification %s cannot be sent, given up: %s", item["id"], exc)
                await self._record(item["id"], str(exc), final=True)
                continue
            except Exception as exc:
                # One message's problem (a channel's bug) must not stop everyone else's notices:
                # it is logged with its traceback and marked failed.
                log.exception("notification %s failed unexpectedly, given up", item["id"])
                await self._record(item["id"], f"internal error: {exc!r}", final=True)
                continue
            await self._record(item["id"], None)
            sent += 1
        return sent

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                await self.run_once()
            except (OSError, sa.exc.SQLAlchemyError) as exc:
                log.warning("notification pass failed, retrying: %s", exc)
            await asyncio.sleep(self.tick_s)
