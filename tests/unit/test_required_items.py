"""The announcement's required items (arts. 12–15): every one named when missing, the reference
price valid through its last day and expired the day after, blank text counted as missing."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from auction.disclosure.required_items import (
    MAX_ITEM_CHARS,
    REQUIRED_TEXT,
    Contact,
    Disclosure,
    ReferenceMethod,
    ReferencePrice,
    from_stored,
    malformed_items,
    missing_items,
    to_stored,
)
from tests.lawful import full_disclosure

DAY = dt.date(2026, 12, 1)


def complete(**changes: object) -> Disclosure:
    base = msgspec.convert(full_disclosure(), Disclosure)
    return msgspec.structs.replace(base, **changes)


def test_a_complete_disclosure_lacks_nothing() -> None:
    assert missing_items(complete(), DAY) == {}


def test_an_empty_disclosure_names_every_required_item() -> None:
    assert missing_items(Disclosure(), DAY) == {
        **{f"disclosure.{name}": "required" for name in REQUIRED_TEXT},
        "disclosure.reference_price.method": "required",
        "disclosure.reference_price.valid_until": "required",
        "disclosure.contact.name": "required",
        "disclosure.contact.phone": "required",
    }


@pytest.mark.parametrize("name", REQUIRED_TEXT)
@pytest.mark.parametrize("blank", [None, "", "   \n"])
def test_blank_text_is_missing(name: str, blank: str | None) -> None:
    assert missing_items(complete(**{name: blank}), DAY) == {f"disclosure.{name}": "required"}


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (DAY + dt.timedelta(days=365), {}),
        (DAY, {}),  # valid through its last day
        (DAY - dt.timedelta(days=1), {"disclosure.reference_price.valid_until": "expired"}),
    ],
)
def test_the_reference_price_is_valid_through_its_last_day(valid_until: dt.date, expected: dict) -> None:
    price = ReferencePrice(ReferenceMethod.AGREEMENT, valid_until)
    assert missing_items(complete(reference_price=price), DAY) == expected


def test_the_contact_needs_a_name_and_a_phone() -> None:
    assert missing_items(complete(contact=Contact("王法官", " ")), DAY) == {
        "disclosure.contact.phone": "required"
    }


def test_ownership_is_optional() -> None:
    assert missing_items(complete(ownership=None), DAY) == {}


@pytest.mark.parametrize(("length", "expected"), [(MAX_ITEM_CHARS, {}), (MAX_ITEM_CHARS + 1, "too_long")])
def test_text_longer_than_the_limit_is_refused_even_in_a_draft(length: int, expected: object) -> None:
    problems = malformed_items(Disclosure(defects="瑕" * length), None)
    assert problems == ({} if expected == {} else {"disclosure.defects": expected})
    assert malformed_items(Disclosure(), "限" * length) == (
        {} if expected == {} else {"purchase_restriction": expected}
    )


def test_a_phone_number_is_short() -> None:
    assert malformed_items(Disclosure(contact=Contact("王", "1" * 41)), None) == {
        "disclosure.contact.phone": "too_long"
    }


def test_what_is_stored_reads_back_the_same() -> None:
    assert from_stored(to_stored(complete())) == complete()
    assert from_stored(None) == Disclosure()
