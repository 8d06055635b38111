"""The words the pages show for stored codes; each is a message id translated when shown.

Templates format every message (Jinja's newstyle gettext), so a literal percent sign is `%%`.
"""

from __future__ import annotations

from collections.abc import Mapping

from web.i18n import N_

CATEGORIES: Mapping[str, str] = {
    "real_estate": N_("Real estate"),
    "vehicle": N_("Vehicle"),
    "equity": N_("Equity"),
    "other": N_("Other"),
}
LOT_STATUSES: Mapping[str, str] = {
    "draft": N_("Draft"),
    "announced": N_("Announced"),
    "live": N_("Live"),
    "suspended": N_("Suspended"),
    "ended": N_("Ended"),
    "sold": N_("Sold"),
    "failed": N_("No sale"),
    "settled": N_("Paid in full"),
    "defaulted": N_("Buyer defaulted"),
    "cancelled": N_("Withdrawn"),
}
DEPOSIT_STATUSES: Mapping[str, str] = {
    "pending": N_("Deposit due"),
    "frozen": N_("Deposit frozen"),
    "refunded": N_("Deposit refunded"),
    "applied": N_("Deposit applied to the price"),
    "forfeited": N_("Deposit forfeited"),
}
BID_KINDS: Mapping[str, str] = {"manual": N_("manual"), "proxy": N_("proxy"), "priority": N_("priority")}
CLAIM_KINDS: Mapping[str, str] = {
    "priority": N_("Construction priority"),
    "secured": N_("Secured"),
    "ordinary": N_("Ordinary"),
}
PLAN_STATUSES: Mapping[str, str] = {
    "draft": N_("Draft"),
    "published": N_("Published, open to objections"),
    "final": N_("Final"),
    "disbursed": N_("Paid out"),
}
OBJECTION_STATUSES: Mapping[str, str] = {
    "open": N_("Open: the lines it disputes are frozen"),
    "upheld": N_("Upheld: the plan was revised"),
    "dismissed": N_("Dismissed"),
}
CASE_STATUSES: Mapping[str, str] = {
    "open": N_("Open"),
    "closed_satisfied": N_("Closed, paid in full"),
    "closed_unsatisfied": N_("Closed without satisfaction"),
}
TIMELINE_KINDS: Mapping[str, str] = {
    "registered": N_("Case registered"),
    "measures": N_("Enforcement measures"),
    "seized": N_("Property seized"),
    "appraised": N_("Property appraised"),
    "announced": N_("Auction announced"),
    "auction_started": N_("Auction started"),
    "sold": N_("Sold"),
    "failed": N_("No sale"),
    "paid": N_("Price paid in full"),
    "defaulted": N_("Buyer defaulted"),
    "suspended": N_("Auction suspended"),
    "resumed": N_("Auction resumed"),
    "cancelled": N_("Auction withdrawn"),
    "allocation_published": N_("Allocation plan published"),
    "objection_filed": N_("Objection filed"),
    "objection_resolved": N_("Objection resolved"),
    "allocation_final": N_("Allocation plan final"),
    "distributed": N_("Proceeds paid out"),
    "closed": N_("Case closed"),
}
SALE_KINDS: Mapping[str, str] = {"auction": N_("Auction"), "fixed_price": N_("Fixed-price sale")}

FIELDS: Mapping[str, str] = {
    "form": N_("Form"),
    "username": N_("Username"),
    "password": N_("Password"),
    "real_name": N_("Real name"),
    "id_number": N_("Identity number"),
    "property_id": N_("Property"),
    "round": N_("Round"),
    "sale_kind": N_("Sale"),
    "appraised_value": N_("Appraisal"),
    "starting_price": N_("Starting price"),
    "increment": N_("Increment"),
    "deposit": N_("Deposit"),
    "start_at": N_("Start"),
    "end_at": N_("End"),
    "case_number": N_("Case number"),
    "title": N_("Title"),
    "category": N_("Category"),
    "amount": N_("Amount"),
    "creditor_name": N_("Creditor"),
    "kind": N_("Kind"),
    "reason": N_("Reason"),
}
FIELD_ERRORS: Mapping[str, str] = {
    "required": N_("is required"),
    "invalid_value": N_("is not a valid value"),
    "invalid_choice": N_("is not one of the choices"),
    "invalid_username": N_("must be 3–64 letters, digits, dots, dashes or underscores"),
    "invalid_id_number": N_("is not a valid identity number"),
    "taken": N_("is already taken"),
    "password_too_short": N_("is too short: at least 10 characters"),
    "password_too_long": N_("is too long"),
    "password_contains_username": N_("must not contain the username"),
    "password_too_simple": N_("needs letters and digits"),
    "not_positive": N_("must be more than zero"),
    "invalid_round": N_("is not a round of this sale"),
    "no_previous_round": N_("needs a failed earlier round"),
    "fixed_price_is_round_3": N_("a fixed-price sale follows a failed second round"),
    "below_appraisal_floor": N_("is below 70 %% of the appraisal"),
    "below_round_floor": N_("is more than 20 %% below the previous round"),
    "fixed_price_mismatch": N_("must equal the second round's starting price"),
    "deposit_below_minimum": N_("is below 5 %% of the starting price"),
    "deposit_above_maximum": N_("is above 20 %% of the starting price"),
    "timezone_required": N_("needs a time zone"),
    "in_the_past": N_("is in the past"),
    "notice_too_short": N_("leaves too short an announcement period"),
    "round2_too_late": N_("is too late for a second round"),
    "ends_before_start": N_("is before the start"),
    "fixed_price_period_exceeded": N_("is beyond the fixed-price period"),
    "bidding_period_too_short": N_("leaves too short a bidding period"),
    "nul_character": N_("contains a forbidden character"),
    "too_long": N_("is too long"),
    "rate_limited": N_("was sent too often from this address: try again later"),
    "invalid_email": N_("is not an e-mail address"),
}

GLOBALS: Mapping[str, Mapping[str, str]] = {
    "field_labels": FIELDS,
    "error_labels": FIELD_ERRORS,
    "category_labels": CATEGORIES,
    "status_labels": LOT_STATUSES,
    "deposit_labels": DEPOSIT_STATUSES,
    "bid_kind_labels": BID_KINDS,
    "claim_kind_labels": CLAIM_KINDS,
    "plan_status_labels": PLAN_STATUSES,
    "objection_labels": OBJECTION_STATUSES,
    "case_status_labels": CASE_STATUSES,
    "timeline_labels": TIMELINE_KINDS,
    "sale_kind_labels": SALE_KINDS,
}
