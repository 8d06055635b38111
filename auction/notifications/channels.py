"""The channels a notification travels by, behind one `Notifier` interface: e-mail (SMTP, or a
file sink in the demo and the tests) and text messages (a file sink until a gateway is set)."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from auction.enums import Channel
from core.settings import Settings


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
