"""Every listing rule of docs/rules.md at its boundary, under both profiles."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from auction.enums import Category, SaleKind
from auction.rules import (
    SPC2016,
    Applicant,
    Listing,
    PreviousRound,
    registration_refusal,
    sandbox,
    validate_listing,
)

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
APPRAISED = 1_000_000_00  # 1,000,000 yuan in fen


def listing(**changes: object) -> Listing:
    base = Listing(
        round=1,
        sale_kind=SaleKind.AUCTION,
        category=Category.VEHICLE,
        appraised_value=APPRAISED,
        starting_price=700_000_00,
        increment=5_000_00,
        deposit=70_000_00,
        start_at=NOW + dt.timedelta(days=15),
        end_at=NOW + dt.timedelta(days=16),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_lawful_listing_has_no_errors() -> None:
    assert validate_listing(SPC2016, listing(), NOW) == {}


@pytest.mark.parametrize(
    ("starting_price", "expected"),
    [(699_999_99, {"starting_price": "below_appraisal_floor"}), (700_000_00, {}), (1_200_000_00, {})],
)
def test_round1_starting_price_is_at_least_70_percent_of_appraisal(
    starting_price: int, expected: dict
) -> None:
    deposit = starting_price // 10
    assert validate_listing(SPC2016, listing(starting_price=starting_price, deposit=deposit), NOW) == expected


def test_69_99_percent_is_refused_and_70_percent_accepted_on_an_odd_appraisal() -> None:
    appraised = 333_333  # 70 % is 233,333.1 fen: 233,333 is below, 233,334 is not
    assert validate_listing(
        SPC2016,
        listing(appraised_value=appraised, starting_price=233_333, deposit=23_333, increment=100),
        NOW,
    ) == {"starting_price": "below_appraisal_floor"}
    assert (
        validate_listing(
            SPC2016,
            listing(appraised_value=appraised, starting_price=233_334, deposit=23_334, increment=100),
            NOW,
        )
        == {}
    )


@pytest.mark.parametrize(
    ("deposit", "expected"),
    [
        (34_999_99, {"deposit": "deposit_below_minimum"}),  # 4.99… % of 700,000 yuan
        (35_000_00, {}),  # 5 %
        (140_000_00, {}),  # 20 %
        (140_000_01, {"deposit": "deposit_above_maximum"}),
    ],
)
def test_deposit_is_between_5_and_20_percent_of_the_starting_price(deposit: int, expected: dict) -> None:
    assert validate_listing(SPC2016, listing(deposit=deposit), NOW) == expected


@pytest.mark.parametrize(
    ("category", "round_", "days", "ok"),
    [
        (Category.VEHICLE, 1, 15, True),
        (Category.VEHICLE, 1, 14, False),
        (Category.OTHER, 1, 15, True),
        (Category.REAL_ESTATE, 1, 30, True),
        (Category.REAL_ESTATE, 1, 29, False),
        (Category.EQUITY, 1, 29, False),
        (Category.VEHICLE, 2, 7, True),
        (Category.VEHICLE, 2, 6, False),
        (Category.REAL_ESTATE, 2, 15, True),
        (Category.REAL_ESTATE, 2, 14, False),
    ],
)
def test_notice_period_by_category_and_round(category: Category, round_: int, days: int, ok: bool) -> None:
    start = NOW + dt.timedelta(days=days)
    previous = PreviousRound(starting_price=700_000_00, ended_at=NOW) if round_ == 2 else None
    candidate = listing(
        category=category,
        round=round_,
        previous=previous,
        start_at=start,
        end_at=start + dt.timedelta(days=1),
        starting_price=700_000_00,
    )
    errors = validate_listing(SPC2016, candidate, NOW)
    assert errors == ({} if ok else {"start_at": "notice_too_short"})


def test_a_notice_one_second_short_is_refused() -> None:
    start = NOW + dt.timedelta(days=15) - dt.timedelta(seconds=1)
    candidate = listing(start_at=start, end_at=start + dt.timedelta(days=1))
    assert validate_listing(SPC2016, candidate, NOW) == {"start_at": "notice_too_short"}


@pytest.mark.parametrize(("hours", "ok"), [(24, True), (23.99, False), (72, True)])
def test_bidding_period_is_at_least_24_hours(hours: float, ok: bool) -> None:
    candidate = listing(end_at=listing().start_at + dt.timedelta(hours=hours))
    assert validate_listing(SPC2016, candidate, NOW) == ({} if ok else {"end_at": "bidding_period_too_short"})


def test_end_must_follow_start() -> None:
    candidate = listing(end_at=listing().start_at)
    assert validate_listing(SPC2016, candidate, NOW) == {"end_at": "ends_before_start"}


@pytest.mark.parametrize(("price", "ok"), [(560_000_00, True), (559_999_99, False)])
def test_round2_starting_price_is_at_least_80_percent_of_round1(price: int, ok: bool) -> None:
    previous = PreviousRound(starting_price=700_000_00, ended_at=NOW)
    start = NOW + dt.timedelta(days=7)
    candidate = listing(
        round=2,
        previous=previous,
        starting_price=price,
        deposit=price // 10,
        start_at=start,
        end_at=start + dt.timedelta(days=1),
    )
    assert validate_listing(SPC2016, candidate, NOW) == (
        {} if ok else {"starting_price": "below_round_floor"}
    )


def test_round2_must_start_within_30_days_of_the_failure() -> None:
    previous = PreviousRound(starting_price=700_000_00, ended_at=NOW)
    for days, expected in ((30, {}), (31, {"start_at": "round2_too_late"})):
        start = NOW + dt.timedelta(days=days)
        candidate = listing(
            round=2,
            previous=previous,
            starting_price=560_000_00,
            deposit=56_000_00,
            start_at=start,
            end_at=start + dt.timedelta(days=1),
        )
        assert validate_listing(SPC2016, candidate, NOW) == expected


def test_a_re_auction_after_a_default_is_not_held_to_the_window_but_to_the_floor() -> None:
    """Art. 24: the court's terms; the 30 days follow an unsold round 1, not a default."""
    previous = PreviousRound(starting_price=700_000_00, ended_at=NOW - dt.timedelta(days=90))
    start = NOW + dt.timedelta(days=31)
    reauction = listing(
        round=2,
        previous=previous,
        after_default=True,
        starting_price=560_000_00,
        deposit=56_000_00,
        start_at=start,
        end_at=start + dt.timedelta(days=1),
    )
    assert validate_listing(SPC2016, reauction, NOW) == {}
    too_low = dataclasses.replace(reauction, starting_price=559_999_99)
    assert validate_listing(SPC2016, too_low, NOW) == {"starting_price": "below_round_floor"}


def test_round2_needs_a_previous_round() -> None:
    assert validate_listing(SPC2016, listing(round=2), NOW)["round"] == "no_previous_round"


def test_fixed_price_sale_is_at_round2_price_within_60_days() -> None:
    previous = PreviousRound(starting_price=560_000_00, ended_at=NOW)
    start = NOW + dt.timedelta(days=15)
    fixed = listing(
        round=3,
        sale_kind=SaleKind.FIXED_PRICE,
        previous=previous,
        starting_price=560_000_00,
        deposit=560_000_00,  # the whole price (fixed_price_full_deposit)
        start_at=start,
        end_at=start + dt.timedelta(days=60),
    )
    assert validate_listing(SPC2016, fixed, NOW) == {}
    assert validate_listing(
        SPC2016, dataclasses.replace(fixed, starting_price=550_000_00, deposit=550_000_00), NOW
    ) == {"starting_price": "fixed_price_mismatch"}
    longer = dataclasses.replace(fixed, end_at=start + dt.timedelta(days=60, seconds=1))
    assert validate_listing(SPC2016, longer, NOW) == {"end_at": "fixed_price_period_exceeded"}
    as_auction = dataclasses.replace(fixed, sale_kind=SaleKind.AUCTION, deposit=56_000_00)
    assert validate_listing(SPC2016, as_auction, NOW) == {"round": "fixed_price_is_round_3"}


@pytest.mark.parametrize("field", ["starting_price", "increment", "deposit"])
def test_amounts_must_be_positive(field: str) -> None:
    assert validate_listing(SPC2016, listing(**{field: 0}), NOW)[field] == "not_positive"


def test_naive_times_are_refused() -> None:
    naive = listing(start_at=listing().start_at.replace(tzinfo=None))
    assert validate_listing(SPC2016, naive, NOW) == {"start_at": "timezone_required"}


def test_start_in_the_past_is_refused() -> None:
    assert (
        validate_listing(SPC2016, listing(start_at=NOW - dt.timedelta(seconds=1)), NOW)["start_at"]
        == "in_the_past"
    )


def test_sandbox_lifts_periods_but_keeps_price_deposit_and_increment_rules() -> None:
    profile = sandbox(extension_seconds=10, objection_seconds=60)
    quick = listing(start_at=NOW, end_at=NOW + dt.timedelta(minutes=2))
    assert validate_listing(profile, quick, NOW) == {}
    assert validate_listing(profile, dataclasses.replace(quick, starting_price=699_999_99), NOW) == {
        "starting_price": "below_appraisal_floor"
    }
    assert validate_listing(profile, dataclasses.replace(quick, deposit=1), NOW) == {
        "deposit": "deposit_below_minimum"
    }
    assert validate_listing(profile, dataclasses.replace(quick, increment=0), NOW) == {
        "increment": "not_positive"
    }
    assert profile.extension == dt.timedelta(seconds=10)
    assert profile.objection_period == dt.timedelta(seconds=60)
    assert SPC2016.extension == dt.timedelta(minutes=5)
    assert SPC2016.objection_period == dt.timedelta(days=15)


def applicant(**changes: object) -> Applicant:
    base = Applicant(
        is_bidder_account=True,
        has_real_name=True,
        is_staff_of_handling_court=False,
        defaulted_on_this_property=False,
        on_dishonest_list=False,
        category=Category.REAL_ESTATE,
        lot_open_for_registration=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({}, None),
        ({"is_staff_of_handling_court": True}, "court_staff"),
        ({"defaulted_on_this_property": True}, "defaulted_buyer"),
        ({"on_dishonest_list": True}, "dishonest_person"),
        # Issue 16 (RULES.md "Before the hammer"): vehicles as well as real estate.
        ({"on_dishonest_list": True, "category": Category.VEHICLE}, "dishonest_person"),
        ({"on_dishonest_list": True, "category": Category.EQUITY}, None),
        ({"on_dishonest_list": True, "category": Category.OTHER}, None),
        ({"on_consumption_restriction_list": True}, "consumption_restricted"),
        ({"on_consumption_restriction_list": True, "category": Category.VEHICLE}, "consumption_restricted"),
        ({"on_consumption_restriction_list": True, "category": Category.EQUITY}, None),
        ({"on_consumption_restriction_list": True, "on_dishonest_list": True}, "dishonest_person"),
        ({"conflict_of_interest": True}, "conflict_of_interest"),
        ({"conflict_of_interest": True, "category": Category.OTHER}, "conflict_of_interest"),
        ({"conflict_of_interest": True, "defaulted_on_this_property": True}, "conflict_of_interest"),
        ({"conflict_of_interest": True, "is_staff_of_handling_court": True}, "court_staff"),
        ({"has_real_name": False}, "real_name_required"),
        ({"is_bidder_account": False}, "not_a_bidder_account"),
        ({"lot_open_for_registration": False}, "lot_not_open"),
    ],
)
def test_who_may_register(changes: dict, refusal: str | None) -> None:
    assert registration_refusal(applicant(**changes)) == refusal


def test_the_fixed_price_sale_asks_the_whole_price_as_deposit_where_the_profile_says_so() -> None:
    previous = PreviousRound(starting_price=560_000_00, ended_at=NOW)
    start = NOW + dt.timedelta(days=15)
    fixed = listing(
        round=3,
        sale_kind=SaleKind.FIXED_PRICE,
        previous=previous,
        starting_price=560_000_00,
        deposit=56_000_00,
        start_at=start,
        end_at=start + dt.timedelta(days=30),
    )
    assert validate_listing(SPC2016, fixed, NOW) == {"deposit": "deposit_not_full_price"}
    one_short = dataclasses.replace(fixed, deposit=559_999_99)
    assert validate_listing(SPC2016, one_short, NOW) == {"deposit": "deposit_not_full_price"}
    lenient = dataclasses.replace(SPC2016, fixed_price_full_deposit=False)
    assert validate_listing(lenient, fixed, NOW) == {}
    assert validate_listing(lenient, dataclasses.replace(fixed, deposit=560_000_00), NOW) == {
        "deposit": "deposit_above_maximum"
    }
