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
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Channel, DeliveryStatus
from auction.errors import NotFound, ValidationFailed
from auction.models import CaseSubscription, Claim, EnforcementCase, Notification, TimelineEvent, User
from core.db import utcnow
from core.display import cst_minutes
from core.settings import Settings
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
}


class DeliveryError(Exception):
    """A channel could not deliver; the dispatcher retries later."""


class Notifier(Protocol):
    async def send(self, address: str, subject: str, body: str) -> None: ...


class SmtpNotifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _send(self, address: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.settings.smtp_from, address, subject
        message.set_content(body)
        assert self.settings.smtp_host is not None
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=15) as smtp:
            if smtp.has_extn("starttls"):
                smtp.starttls()
            if self.settings.smtp_user:
                smtp.login(self.settings.smtp_user, self.settings.smtp_password or "")
            smtp.send_message(message)

    async def send(self, address: str, subject: str, body: str) -> None:
        try:
            await asyncio.to_thread(self._send, address, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP: {exc}") from exc


class FileSink:
    """Writes each message to a file under the data folder: e-mail in the demo and the tests,
    and text messages until an SMS gateway is configured."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, address: str, subject: str, body: str) -> None:
        def write() -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(f"To: {address}\nSubject: {subject}\n\n{body}\n---\n")

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            raise DeliveryError(f"sink: {exc}") from exc


def notifiers_for(settings: Settings) -> dict[Channel, Notifier]:
    outbox = settings.data_dir / "outbox"
    email: Notifier = SmtpNotifier(settings) if settings.smtp_host else FileSink(outbox / "email.log")
    return {Channel.EMAIL: email, Channel.SMS: FileSink(outbox / "sms.log")}


# -- subscriptions -----------------------------------------------------------------------


async def is_party(session: AsyncSession, user: User, case: EnforcementCase) -> bool:
    creditor = await session.scalar(
        sa.select(Claim.id).where(Claim.case_id == case.id, Claim.creditor_user_id == user.id).limit(1)
    )
    debtor = case.debtor_user_id == user.id or (
        case.debtor_id_number_hash is not None and case.debtor_id_number_hash == user.id_number_hash
    )
    return creditor is not None or debtor


async def subscribe(
    session: AsyncSession,
    user: User,
    case_id: int,
    channels: list[Channel],
    email: str | None,
    phone: str | None,
) -> CaseSubscription:
    case = await session.get(EnforcementCase, case_id)
    if case is None or not await is_party(session, user, case):
        raise NotFound("no such case among yours")
    errors = {}
    if Channel.EMAIL in channels and (not email or "@" not in email or len(email) > 254):
        errors["email"] = "required_for_email"
    if Channel.SMS in channels and (
        not phone or not (phone.isascii() and phone.lstrip("+").isdigit()) or len(phone) > 20
    ):
        errors["phone"] = "required_for_sms"
    if errors:
        raise ValidationFailed("the subscription needs an address for each channel", fields=errors)
    wanted = sorted({Channel.IN_APP, *channels})
    existing = await session.scalar(
        sa.select(CaseSubscription).where(
            CaseSubscription.user_id == user.id, CaseSubscription.case_id == case_id
        )
    )
    if existing is None:
        existing = CaseSubscription(user_id=user.id, case_id=case_id, channels=[c.value for c in wanted])
        session.add(existing)
    existing.channels, existing.email, existing.phone = [c.value for c in wanted], email, phone
    await session.flush()
    return existing


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

    async def _record(self, notification_id: int, error: str | None) -> None:
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
                if notification.attempts >= MAX_ATTEMPTS:
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


async def inbox(session: AsyncSession, user: User, *, unread_only: bool = False) -> list[dict[str, Any]]:
    query = (
        sa.select(Notification, TimelineEvent, EnforcementCase.case_number)
        .join(TimelineEvent, TimelineEvent.id == Notification.timeline_event_id)
        .join(EnforcementCase, EnforcementCase.id == Notification.case_id)
        .where(Notification.user_id == user.id, Notification.channel == Channel.IN_APP)
        .order_by(TimelineEvent.at.desc(), Notification.id.desc())
        .limit(200)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return [
        {
            "id": n.id,
            "case_id": n.case_id,
            "case_number": number,
            "kind": e.kind.value,
            "label": KIND_ZH.get(e.kind.value, e.kind.value),
            "detail": e.detail,
            "at": e.at.isoformat(),
            "read": n.read_at is not None,
        }
        for n, e, number in await session.execute(query)
    ]


async def mark_read(session: AsyncSession, user: User, notification_id: int) -> None:
    notification = await session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("no such notification")
    notification.read_at = notification.read_at or utcnow()
