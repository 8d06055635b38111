"""The rule profiles, as data, and pure validation functions over them.

Every number of docs/rules.md lives in a `RuleProfile` value here, not as a literal elsewhere.
The functions take plain values and return field-level error codes (an empty dict means
the listing is lawful): no I/O, so every boundary is tested without services.

Ratios are in basis points and compared in integers (`price * 10_000 >= base * bp`), so
69.99 % and 70 % are told apart exactly, with no float anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auction.enums import Category, SaleKind
from core.settings import RuleProfileName, Settings

BASIS_POINTS = 10_000

# Real estate and property rights (equity, land use, …) get the longer notice periods.
LONG_NOTICE_CATEGORIES = frozenset({Category.REAL_ESTATE, Category.EQUITY})


@dataclass(frozen=True, slots=True)
class RuleProfile:
    name: RuleProfileName
    round1_min_bp: int  # starting price of round 1, of the appraised value
    round2_min_bp: int  # starting price of round 2, of round 1's starting price
    deposit_min_bp: int  # of the starting price
    deposit_max_bp: int
    # (round, long-notice category?) -> minimum days between announcement and start
    notice_days: dict[tuple[int, bool], int] = field(hash=False)
    min_bidding_period: dt.timedelta
    round2_within: dt.timedelta  # after round 1 failed
    fixed_price_period: dt.timedelta  # 变卖 period
    fixed_price_window: dt.timedelta  # bidding window opened by the first valid offer
    extension: dt.timedelta  # soft close
    objection_period: dt.timedelta
    payment_simulator: bool
    # The terms approved by a second staff member before publishing (art. 27); the sandbox lets
    # one person try the whole flow.
    terms_approval: bool
    # Parties and known priority holders notified at least this long before publishing (art. 16);
    # None: not required (the sandbox).
    party_notice_lead: dt.timedelta | None
    # The fixed-price sale (变卖) asks the whole price as the deposit (RULES.md "After the
    # hammer"): a buyer there has paid in full when the offer is made.
    fixed_price_full_deposit: bool = True

    def notice_period(self, round_: int, category: Category) -> dt.timedelta:
        key = (min(round_, 2), category in LONG_NOTICE_CATEGORIES)
        return dt.timedelta(days=self.notice_days[key])


SPC2016 = RuleProfile(
    name=RuleProfileName.SPC2016,
    round1_min_bp=7_000,
    round2_min_bp=8_000,
    deposit_min_bp=500,
    deposit_max_bp=2_000,
    notice_days={(1, False): 15, (1, True): 30, (2, False): 7, (2, True): 15},
    min_bidding_period=dt.timedelta(hours=24),
    round2_within=dt.timedelta(days=30),
    fixed_price_period=dt.timedelta(days=60),
    fixed_price_window=dt.timedelta(hours=24),
    extension=dt.timedelta(minutes=5),
    objection_period=dt.timedelta(days=15),
    payment_simulator=False,
    terms_approval=True,
    party_notice_lead=dt.timedelta(days=3),
)


def sandbox(extension_seconds: int, objection_seconds: int) -> RuleProfile:
    """Every minimum period lifted; price, deposit and increment rules as under the law."""
    return RuleProfile(
        name=RuleProfileName.SANDBOX,
        round1_min_bp=SPC2016.round1_min_bp,
        round2_min_bp=SPC2016.round2_min_bp,
        deposit_min_bp=SPC2016.deposit_min_bp,
        deposit_max_bp=SPC2016.deposit_max_bp,
        notice_days={key: 0 for key in SPC2016.notice_days},
        min_bidding_period=dt.timedelta(0),
        round2_within=SPC2016.round2_within,
        fixed_price_period=SPC2016.fixed_price_period,
        fixed_price_window=dt.timedelta(seconds=extension_seconds * 6),
        extension=dt.timedelta(seconds=extension_seconds),
        objection_period=dt.timedelta(seconds=objection_seconds),
        payment_simulator=True,
        terms_approval=False,
        party_notice_lead=None,
    )


def profile_for(settings: Settings) -> RuleProfile:
    if settings.rules is RuleProfileName.SANDBOX:
        return sandbox(settings.extension_seconds, settings.objection_seconds)
    return SPC2016


@dataclass(frozen=True, slots=True)
class PreviousRound:
    """What a later round must respect about the round before it."""

    starting_price: int
    ended_at: dt.datetime  # when it failed (流拍) or the buyer defaulted


@dataclass(frozen=True, slots=True)
class Listing:
    round: int  # 1, 2, or 3 for the fixed-price sale
    sale_kind: SaleKind
    category: Category
    appraised_value: int
    starting_price: int
    increment: int
    deposit: int
    start_at: dt.datetime
    end_at: dt.datetime
    previous: PreviousRound | None = None
    # Re-auctions a lot of the same round whose buyer defaulted (art. 24): the court's terms,
    # not bound to start within the window that follows an unsold round 1.
    after_default: bool = False


def at_least(amount: int, base: int, bp: int) -> bool:
    """amount >= base × bp / 10 000, exactly."""
    return amount * BASIS_POINTS >= base * bp


def at_most(amount: int, base: int, bp: int) -> bool:
    return amount * BASIS_POINTS <= base * bp


def validate_listing(profile: RuleProfile, listing: Listing, now: dt.datetime) -> dict[str, str]:
    """Field -> rule code for every rule the listing breaks; `now` is when it is announced."""
    errors: dict[str, str] = {}
    errors.update(_check_amounts(listing))
    if "starting_price" not in errors:
        errors.update(_check_starting_price(profile, listing))
        errors.update(_check_deposit(profile, listing))
    errors.update(_check_times(profile, listing, now))
    return errors


def _check_amounts(listing: Listing) -> dict[str, str]:
    errors = {}
    for name in ("starting_price", "increment", "deposit"):
        if getattr(listing, name) <= 0:
            errors[name] = "not_positive"
    if listing.appraised_value <= 0:
        errors["appraised_value"] = "not_positive"
    if listing.round not in (1, 2, 3):
        errors["round"] = "invalid_round"
    elif listing.round > 1 and listing.previous is None:
        errors["round"] = "no_previous_round"
    elif (listing.round == 3) != (listing.sale_kind is SaleKind.FIXED_PRICE):
        errors["round"] = "fixed_price_is_round_3"
    return errors


def _check_starting_price(profile: RuleProfile, listing: Listing) -> dict[str, str]:
    price, previous = listing.starting_price, listing.previous
    if listing.round == 1 and not at_least(price, listing.appraised_value, profile.round1_min_bp):
        return {"starting_price": "below_appraisal_floor"}
    if (
        listing.round == 2
        and previous
        and not at_least(price, previous.starting_price, profile.round2_min_bp)
    ):
        return {"starting_price": "below_round_floor"}
    if listing.round == 3 and previous and price != previous.starting_price:
        return {"starting_price": "fixed_price_mismatch"}
    return {}


def _check_deposit(profile: RuleProfile, listing: Listing) -> dict[str, str]:
    if listing.deposit <= 0:
        return {}
    if listing.sale_kind is SaleKind.FIXED_PRICE and profile.fixed_price_full_deposit:
        return {} if listing.deposit == listing.starting_price else {"deposit": "deposit_not_full_price"}
    if not at_least(listing.deposit, listing.starting_price, profile.deposit_min_bp):
        return {"deposit": "deposit_below_minimum"}
    if not at_most(listing.deposit, listing.starting_price, profile.deposit_max_bp):
        return {"deposit": "deposit_above_maximum"}
    return {}


def _check_times(profile: RuleProfile, listing: Listing, now: dt.datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    start, end = listing.start_at, listing.end_at
    if start.tzinfo is None or end.tzinfo is None:
        return {"start_at" if start.tzinfo is None else "end_at": "timezone_required"}
    if start < now:
        errors["start_at"] = "in_the_past"
    elif start - now < profile.notice_period(listing.round, listing.category):
        errors["start_at"] = "notice_too_short"
    elif (
        listing.round == 2
        and listing.previous
        and not listing.after_default
        and start - listing.previous.ended_at > profile.round2_within
    ):
        errors["start_at"] = "round2_too_late"
    if end <= start:
        errors["end_at"] = "ends_before_start"
    elif listing.sale_kind is SaleKind.FIXED_PRICE:
        if end - start > profile.fixed_price_period:
            errors["end_at"] = "fixed_price_period_exceeded"
    elif end - start < profile.min_bidding_period:
        errors["end_at"] = "bidding_period_too_short"
    return errors


# Real estate and vehicles are refused to persons on the dishonest or consumption-restriction list.
LIST_BARRED_CATEGORIES = frozenset({Category.REAL_ESTATE, Category.VEHICLE})


@dataclass(frozen=True, slots=True)
class Applicant:
    """What registration needs to know about a would-be bidder and the lot."""

    is_bidder_account: bool
    has_real_name: bool
    is_staff_of_handling_court: bool
    defaulted_on_this_property: bool
    on_dishonest_list: bool
    category: Category
    lot_open_for_registration: bool
    # The identity is barred for the lot or its court, or is the court's staff or the platform's
    # operator under another account (art. 34).
    conflict_of_interest: bool = False
    on_consumption_restriction_list: bool = False


def registration_refusal(applicant: Applicant) -> str | None:
    """The reason code a registration is refused for, or None when the applicant may bid."""
    if not applicant.lot_open_for_registration:
        return "lot_not_open"
    if not applicant.is_bidder_account:
        return "not_a_bidder_account"
    if not applicant.has_real_name:
        return "real_name_required"
    if applicant.is_staff_of_handling_court:
        return "court_staff"
    if applicant.conflict_of_interest:
        return "conflict_of_interest"
    if applicant.defaulted_on_this_property:
        return "defaulted_buyer"
    if applicant.category in LIST_BARRED_CATEGORIES:
        if applicant.on_dishonest_list:
            return "dishonest_person"
        if applicant.on_consumption_restriction_list:
            return "consumption_restricted"
    return None
