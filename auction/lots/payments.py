"""Deposit payments through a provider: the sandbox simulator, and a signed-webhook provider
through which a real bank or payment platform plugs in.

A webhook is accepted only when its HMAC-SHA256 over the raw body matches, its timestamp is
within five minutes of ours, and its event id has not been seen before (payment_events'
unique key): a replayed or forged notification changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from auction.errors import AuctionError

TOLERANCE_S = 300
SIGNATURE_HEADER = "x-signature"
TIMESTAMP_HEADER = "x-timestamp"


class WebhookRefused(AuctionError):
    code = "webhook_refused"


def new_payment_id() -> str:
    return "pay_" + secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    event_id: str
    payment_id: str
    status: str  # "paid" | "failed"
    amount: int


class SandboxProvider:
    """Deposits marked paid by `POST /payments/{id}/simulate-paid` (sandbox profile only)."""

    name = "sandbox"

    def verify(self, headers: dict[str, str], body: bytes, *, now: float | None = None) -> PaymentEvent:
        raise WebhookRefused("the sandbox provider sends no webhooks")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookProvider:
    """`POST /api/v1/payments/webhook` with `X-Timestamp` (Unix seconds) and `X-Signature`
    (hex HMAC-SHA256 of "<timestamp>.<raw body>"); the body is
    `{"event_id", "payment_id", "status": "paid"|"failed", "amount"}`."""

    name = "webhook"

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def verify(self, headers: dict[str, str], body: bytes, *, now: float | None = None) -> PaymentEvent:
        timestamp, signature = headers.get(TIMESTAMP_HEADER, ""), headers.get(SIGNATURE_HEADER, "")
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or abs((now or time.time()) - int(timestamp)) > TOLERANCE_S
        ):
            raise WebhookRefused("missing or stale timestamp", code="stale_timestamp")
        if not hmac.compare_digest(sign(self._secret, timestamp, body), signature):
            raise WebhookRefused("bad signature", code="bad_signature")
        try:
            data = json.loads(body)
            event = PaymentEvent(
                str(data["event_id"]), str(data["payment_id"]), str(data["status"]), int(data["amount"])
            )
        except (ValueError, KeyError, TypeError):
            raise WebhookRefused("malformed event", code="malformed_event") from None
        if event.status not in ("paid", "failed") or not 1 <= len(event.event_id) <= 100:
            raise WebhookRefused("unknown event", code="unknown_event")
        return event
