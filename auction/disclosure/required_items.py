"""What an auction announcement must disclose (the Provisions, arts. 12–15; the reference-price
rules, 法释〔2018〕15号), as structured values, and the pure check run before publishing.

A draft may hold any part of it; publishing needs every item, and a reference price still valid
on the day of publication. Missing items are named by dotted path (`disclosure.taxes`), the
form PROTOCOL.md gives, so a form can point at each one.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

# Long enough for a real encumbrance list; a notice built from it still fits any page.
MAX_ITEM_CHARS = 2_000
MAX_PHONE_CHARS = 40


class ReferenceMethod(enum.StrEnum):
    """How the reference price was set (法释〔2018〕15号 art. 2)."""

    AGREEMENT = "agreement"  # 当事人议价
    TARGETED_INQUIRY = "targeted_inquiry"  # 定向询价
    ONLINE_INQUIRY = "online_inquiry"  # 网络询价
    APPRAISAL = "appraisal"  # 委托评估


class ReferencePrice(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    method: ReferenceMethod | None = None
    valid_until: dt.date | None = None
    # Beyond PROTOCOL.md: the report (a document among the case's files) the price rests on.
    document_id: int | None = None


class Contact(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    name: str | None = None
    phone: str | None = None


class Disclosure(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    """The announcement's disclosures; every field optional while the lot is a draft."""

    instrument: str | None = None  # the enforcement instrument (执行依据), e.g. a judgment's number
    reference_price: ReferencePrice | None = None
    encumbrances: str | None = None  # mortgages, seizures, and whether they survive the sale
    occupancy: str | None = None  # who occupies it; leases that survive the sale
    taxes: str | None = None  # the taxes of the transfer and who bears them
    defects: str | None = None  # known defects; the property is sold as it is
    contact: Contact | None = None  # the court's contact for the lot
    # Beyond PROTOCOL.md, optional: the ownership record (权属) in the court's words.
    ownership: str | None = None


NO_DISCLOSURE = Disclosure()
TEXT_ITEMS = ("instrument", "encumbrances", "occupancy", "taxes", "defects", "ownership")
REQUIRED_TEXT = ("instrument", "encumbrances", "occupancy", "taxes", "defects")


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def malformed_items(disclosure: Disclosure, purchase_restriction: str | None) -> dict[str, str]:
    """Problems a draft may not hold either: text too long."""
    errors = {}
    contact = disclosure.contact or Contact()
    limits: dict[str, tuple[str | None, int]] = {
        f"disclosure.{name}": (getattr(disclosure, name), MAX_ITEM_CHARS) for name in TEXT_ITEMS
    }
    limits["purchase_restriction"] = (purchase_restriction, MAX_ITEM_CHARS)
    limits["disclosure.contact.name"] = (contact.name, MAX_ITEM_CHARS)
    limits["disclosure.contact.phone"] = (contact.phone, MAX_PHONE_CHARS)
    for path, (text, limit) in limits.items():
        if text is not None and len(text) > limit:
            errors[path] = "too_long"
    return errors


def missing_items(disclosure: Disclosure, publish_day: dt.date) -> dict[str, str]:
    """Dotted path -> code for every item publishing needs and the disclosure lacks; `publish_day`
    is the day (China Standard Time) the announcement goes out."""
    errors = {f"disclosure.{name}": "required" for name in REQUIRED_TEXT if _blank(getattr(disclosure, name))}
    price = disclosure.reference_price or ReferencePrice()
    if price.method is None:
        errors["disclosure.reference_price.method"] = "required"
    if price.valid_until is None:
        errors["disclosure.reference_price.valid_until"] = "required"
    elif price.valid_until < publish_day:
        # A reference price is valid one year at most; the report states until when.
        errors["disclosure.reference_price.valid_until"] = "expired"
    contact = disclosure.contact or Contact()
    if _blank(contact.name):
        errors["disclosure.contact.name"] = "required"
    if _blank(contact.phone):
        errors["disclosure.contact.phone"] = "required"
    return errors


def from_stored(value: object) -> Disclosure:
    """The disclosure a lot row keeps (JSON), as a value; an empty one for a lot without."""
    if value is None:
        return NO_DISCLOSURE
    return msgspec.convert(value, Disclosure)


def to_stored(disclosure: Disclosure) -> dict[str, object]:
    stored = msgspec.to_builtins(disclosure)
    assert isinstance(stored, dict)
    return stored
