"""Decoding JSON request bodies into closed msgspec structs, with docs/api.md's 422 fields."""

from __future__ import annotations

import re
from typing import TypeVar

import msgspec
from starlette.requests import Request

from auction.errors import ValidationFailed
from web.bodies import read_limited

T = TypeVar("T")
MAX_BODY_BYTES = 64 * 1024

_FIELD = re.compile(r"at `\$\.([A-Za-z_][A-Za-z0-9_.]*)")
_MISSING = re.compile(r"missing required field `([^`]+)`")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")


def _fields_of(error: msgspec.ValidationError) -> dict[str, str]:
    text = str(error)
    # Nested bodies name a field by its dotted path (`disclosure.taxes`), as PROTOCOL.md does.
    parent = f"{match.group(1)}." if (match := _FIELD.search(text)) else ""
    if match := _MISSING.search(text):
        return {parent + match.group(1): "required"}
    if match := _UNKNOWN.search(text):
        return {parent + match.group(1): "unknown_field"}
    field = parent[:-1] or "body"
    if "Expected" in text:
        return {field: "invalid_type"}
    return {field: "invalid_value"}


def decode(raw: bytes, kind: type[T]) -> T:
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(f"invalid request: {exc}", fields=_fields_of(exc)) from None
    except msgspec.DecodeError:
        raise ValidationFailed(
            "the body is not valid JSON", code="invalid_json", fields={"body": "invalid_json"}
        ) from None


async def read_json(request: Request, kind: type[T]) -> T:
    """Decode the request's JSON body as `kind` (a `msgspec.Struct` with `forbid_unknown_fields`)."""
    return _decode_checked(await read_limited(request, MAX_BODY_BYTES), kind)


async def read_json_or(request: Request, kind: type[T], empty: T) -> T:
    """As `read_json`, but an empty body means `empty` (bodies whose every field is optional)."""
    raw = await read_limited(request, MAX_BODY_BYTES)
    return _decode_checked(raw, kind) if raw.strip() else empty


def _decode_checked(raw: bytes, kind: type[T]) -> T:
    if b"\\u0000" in raw or b"\x00" in raw:  # text fields end up in PostgreSQL, which refuses U+0000
        raise ValidationFailed("text may not contain U+0000", fields={"body": "nul_character"})
    return decode(raw, kind)


class Body(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every request body: unknown fields are refused (docs/api.md, Conventions)."""
