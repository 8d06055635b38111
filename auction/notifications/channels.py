"""The channels a notification travels by, behind one `Notifier` interface: e-mail (SMTP, or a
file sink in the demo and the tests) and text messages (a file sink until a gateway is set)."""

from __future__ import annotations

import asyncio
import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from auction.enums import Channel
from core.settings import Settings


class DeliveryError(Exception):
    """A channel could not deliver; the dispatcher retries later."""


class UnsendableMessage(Exception):
    """The message cannot be made at all (an address no mail header can carry): retrying would
    not help, so the dispatcher marks it failed at once."""


# An address a mail header can carry: ASCII, no spaces or line breaks, one @, a dotted domain.
EMAIL_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def is_email_address(text: str) -> bool:
    return len(text) <= 254 and EMAIL_ADDRESS.match(text) is not None


def email_message(sender: str, address: str, subject: str, body: str) -> EmailMessage:
    """The message as it goes out; UnsendableMessage when its headers cannot be made."""
    if not is_email_address(address):
        raise UnsendableMessage(f"not an e-mail address: {address[:80]!r}")
    message = EmailMessage()
    try:
        message["From"], message["To"], message["Subject"] = sender, address, subject
        message.set_content(body)
    except (ValueError, TypeError) as exc:  # a header with a line break, say
        raise UnsendableMessage(f"the message cannot be made: {exc}") from exc
    return message


class Notifier(Protocol):
    async def send(self, address: str, subject: str, body: str) -> None: ...


class SmtpNotifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _send(self, message: EmailMessage) -> None:
        assert self.settings.smtp_host is not None
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=15) as smtp:
            if smtp.has_extn("starttls"):
                smtp.starttls()
            if self.settings.smtp_user:
                smtp.login(self.settings.smtp_user, self.settings.smtp_password or "")
            smtp.send_message(message)

    async def send(self, address: str, subject: str, body: str) -> None:
        message = email_message(self.settings.smtp_from, address, subject, body)
        try:
            await asyncio.to_thread(self._send, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP: {exc}") from exc


class FileSink:
    """Writes each message to a file under the data folder: e-mail in the demo and the tests,
    and text messages until an SMS gateway is configured. An e-mail is made as SMTP would make
    it (`email_message`), so an address SMTP could not take fails here too."""

    def __init__(self, path: Path, *, email_from: str | None = None) -> None:
        self.path = path
        self.email_from = email_from

    async def send(self, address: str, subject: str, body: str) -> None:
        if self.email_from is not None:
            email_message(self.email_from, address, subject, body)

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
    email: Notifier = (
        SmtpNotifier(settings)
        if settings.smtp_host
        else FileSink(outbox / "email.log", email_from=settings.smtp_from)
    )
    return {Channel.EMAIL: email, Channel.SMS: FileSink(outbox / "sms.log")}
