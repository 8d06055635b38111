"""The WebSocket protocol's messages (docs/realtime.md): typed, closed, decoded once."""

from __future__ import annotations

from typing import Any

import msgspec

MAX_MESSAGE_BYTES = 16 * 1024


class Subscribe(msgspec.Struct, tag="subscribe", tag_field="type", forbid_unknown_fields=True):
    lot_id: int
    since_seq: int | None = None


class Unsubscribe(msgspec.Struct, tag="unsubscribe", tag_field="type", forbid_unknown_fields=True):
    lot_id: int


class Bid(msgspec.Struct, tag="bid", tag_field="type", forbid_unknown_fields=True):
    lot_id: int
    amount: int
    client_bid_id: str


class Proxy(msgspec.Struct, tag="proxy", tag_field="type", forbid_unknown_fields=True):
    lot_id: int
    max_amount: int


class Ping(msgspec.Struct, tag="ping", tag_field="type", forbid_unknown_fields=True):
    pass


ClientMessage = Subscribe | Unsubscribe | Bid | Proxy | Ping


# -- server to client (the engine's own events travel as the frames its scripts published) --


class Snapshot(msgspec.Struct, tag="snapshot", tag_field="type", omit_defaults=True):
    lot_id: int
    status: str
    price: int | None
    leader_code: str | None
    starting_price: int
    increment: int
    end_ms: int
    now_ms: int
    seq: int
    bid_count: int
    watchers: int
    remaining_ms: int | None = None  # suspended: the time left, which runs again on resume


class BidEvent(msgspec.Struct, tag="bid", tag_field="type"):
    """A bid replayed to a client that resumes: the same shape as the live `bid` event."""

    lot_id: int
    seq: int
    bidder_code: str
    amount: int
    kind: str
    at_ms: int
    end_ms: int


class Pong(msgspec.Struct, tag="pong", tag_field="type"):
    now_ms: int


class SessionEnded(msgspec.Struct, tag="session_ended", tag_field="type"):
    """The connection's sign-in ended (signed out, or the account deactivated): it watches on
    as an anonymous connection and bids are refused with `not_authenticated`."""

    message: str = "your session has ended; sign in again to bid"


_decoder: msgspec.json.Decoder[ClientMessage] = msgspec.json.Decoder(ClientMessage)
_encoder = msgspec.json.Encoder()


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode(raw: str | bytes) -> ClientMessage:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"messages are at most {MAX_MESSAGE_BYTES} bytes")
    try:
        message: ClientMessage = _decoder.decode(raw)
        return message
    except msgspec.ValidationError as exc:
        text = str(exc)
        if "`$.type`" in text or "missing required field `type`" in text:
            raise ProtocolError("unknown_type", f"unknown message type: {text}") from None
        raise ProtocolError("invalid_message", text) from None
    except msgspec.DecodeError:
        raise ProtocolError("invalid_json", "messages are JSON objects") from None


def encode(message: msgspec.Struct | dict[str, Any]) -> bytes:
    return _encoder.encode(message)


def error(code: str, message: str) -> bytes:
    return encode({"type": "error", "code": code, "message": message})
