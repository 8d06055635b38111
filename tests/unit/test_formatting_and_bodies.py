from __future__ import annotations

import datetime as dt

import pytest

from auction.errors import ValidationFailed
from web.formatting import cst, yuan
from web.jsonbody import Body, decode


@pytest.mark.parametrize(
    ("fen", "text"), [(0, "¥0.00"), (5, "¥0.05"), (123_456_789, "¥1,234,567.89"), (-100, "-¥1.00")]
)
def test_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


def test_cst_is_utc_plus_8() -> None:
    assert cst(dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC)) == "2026-12-02 00:30"
    assert cst("2026-12-01T16:30:00+00:00") == "2026-12-02 00:30"


class Sample(Body):
    amount: int
    note: str = ""


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (b'{"note": "x"}', {"amount": "required"}),
        (b'{"amount": 1, "extra": 2}', {"extra": "unknown_field"}),
        (b'{"amount": "12"}', {"amount": "invalid_type"}),
        (b'{"amount": 1.5}', {"amount": "invalid_type"}),
        (b"[1]", {"body": "invalid_type"}),
        (b"{not json", {"body": "invalid_json"}),
    ],
)
def test_bad_bodies_name_the_field(raw: bytes, fields: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode(raw, Sample)
    assert caught.value.fields == fields


def test_a_good_body_decodes() -> None:
    assert decode(b'{"amount": 5}', Sample) == Sample(amount=5)
