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
# A plan's phase (settlement.plans.plan_phase): its status, with "published" split at the deadline.
PLAN_PHASES: Mapping[str, str] = {
    "draft": N_("Draft"),
    "objection_period": N_("Published, open to objections"),
    "awaiting_final": N_("Objection period over: awaiting the court's final decision"),
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
    "bidder_barred": N_("Bidder found barred and made ineligible"),
}
RULE_PROFILES: Mapping[str, str] = {
    "sandbox": N_("sandbox (demonstration)"),
    "spc2016": N_("the Supreme People's Court's provisions of 2016"),
}
SALE_KINDS: Mapping[str, str] = {"auction": N_("Auction"), "fixed_price": N_("Fixed-price sale")}

# How a reference price was set (法释〔2018〕15号), as the court console and the lot page name it.
REFERENCE_METHODS: Mapping[str, str] = {
    "agreement": N_("Agreement of the parties"),
    "targeted_inquiry": N_("Targeted inquiry"),
    "online_inquiry": N_("Online inquiry"),
    "appraisal": N_("Appraisal by an appraiser"),
}
BAR_RELATIONS: Mapping[str, str] = {
    "court_staff": N_("Staff of this court"),
    "platform_staff": N_("Operator of the platform"),
    "appraiser": N_("Appraiser of the lot"),
    "agency": N_("Helper agency of the lot"),
    "relative": N_("Close relative of one of these"),
    "other": N_("Other conflict of interest"),
}
NOTICE_MEANS: Mapping[str, str] = {
    "platform": N_("on the platform"),
    "email": N_("by e-mail"),
    "sms": N_("by text message"),
    "post": N_("by post"),
    "in_person": N_("in person"),
    "phone": N_("by telephone"),
    "unreachable": N_("could not be reached"),
}
NOTICE_STATUSES: Mapping[str, str] = {
    "delivered": N_("delivered"),
    "recorded": N_("recorded by the court"),
    "unreachable": N_("unreachable: announced instead"),
    "failed": N_("failed"),
}
PARTIES: Mapping[str, str] = {
    "debtor": N_("debtor"),
    "creditor": N_("creditor"),
    "priority_holder": N_("priority holder"),
}
PRIORITY_RIGHTS: Mapping[str, str] = {
    "co_owner": N_("Co-owner's priority right"),
    "tenant": N_("Tenant's priority right"),
    "shareholder": N_("Shareholder's priority right"),
    "other": N_("Other statutory priority right"),
}

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
    "balance_deadline_days": N_("Days to pay the balance"),
    "body": N_("Request"),
    "claim_ids": N_("Claims"),
    "client_bid_id": N_("Bid reference"),
    "costs": N_("Costs"),
    "court": N_("Court"),
    "creditor_user_id": N_("Creditor's account"),
    "cursor": N_("Cursor"),
    "debtor": N_("Debtor"),
    "description": N_("Description"),
    "email": N_("E-mail"),
    "phone": N_("Mobile phone"),
    "file": N_("File"),
    "lines": N_("Plan lines"),
    "lot_id": N_("Lot"),
    "outcome": N_("Outcome"),
    "page": N_("Page"),
    "q": N_("Search words"),
    "query": N_("Search words"),
    "min_price": N_("Lowest starting price"),
    "max_price": N_("Highest starting price"),
    "rank": N_("Rank"),
    "seized_at": N_("Seized on"),
    "status": N_("Status"),
    "text": N_("Text"),
    "updated_since": N_("Updated since"),
    "user_id": N_("Account"),
    "name": N_("Name"),
    "disclosure": N_("Disclosure"),
    "disclosure.instrument": N_("Enforcement instrument"),
    "disclosure.reference_price": N_("Reference price"),
    "disclosure.reference_price.method": N_("How the reference price was set"),
    "disclosure.reference_price.valid_until": N_("Reference price valid until"),
    "disclosure.reference_price.document_id": N_("Reference price report"),
    "disclosure.ownership": N_("Ownership"),
    "disclosure.encumbrances": N_("Encumbrances"),
    "disclosure.occupancy": N_("Occupancy and leases"),
    "disclosure.taxes": N_("Taxes and who bears them"),
    "disclosure.defects": N_("Known defects"),
    "disclosure.contact": N_("Contact"),
    "disclosure.contact.name": N_("Contact"),
    "disclosure.contact.phone": N_("Contact's phone"),
    "purchase_restriction": N_("Housing purchase limit"),
    "decided_on": N_("Date of the panel's decision"),
    "right": N_("Kind of right"),
    "undertaking": N_("Undertaking to qualify under the purchase limit"),
    "agent_username": N_("The agent's username"),
    "outside.0.means": N_("How"),
    "outside.0.ref": N_("Party"),
    "relation": N_("Relation"),
    "court_wide": N_("For every lot of the court"),
    "credit_code": N_("Unified social credit code"),
    "representative_name": N_("Legal representative"),
    "representative_id_number": N_("Legal representative's identity number"),
}
FIELD_ERRORS: Mapping[str, str] = {
    "required": N_("is required"),
    "expired": N_("has passed: a reference price is valid one year at most"),
    "invalid_type": N_("has the wrong type"),
    "unknown_field": N_("is not a field of this form"),
    "invalid_value": N_("is not a valid value"),
    "invalid_choice": N_("is not one of the choices"),
    "invalid_username": N_("must be 3–64 letters, digits, dots, dashes or underscores"),
    "invalid_id_number": N_("is not a valid identity number"),
    "invalid_credit_code": N_("is not a valid unified social credit code (its check character is wrong)"),
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
    "columns": N_("does not have the expected columns"),
    "empty": N_("is empty"),
    "exceeds_proceeds": N_("is more than the proceeds"),
    "incomplete": N_("is incomplete"),
    "invalid_json": N_("is not valid JSON"),
    "invalid_length": N_("has the wrong length"),
    "no_such_user": N_("is not a known account"),
    "not_allowed": N_("is not allowed here"),
    "not_found": N_("was not found"),
    "not_in_case": N_("does not belong to this case"),
    "not_in_plan": N_("is not in this plan"),
    "out_of_range": N_("is out of range"),
    "required_for_email": N_("is required for e-mail notices"),
    "required_for_secured": N_("is required for a secured claim"),
    "required_for_sms": N_("is required for text messages"),
    "role": N_("does not have the right role"),
    "too_large": N_("is too large"),
    "not_a_party": N_("is not a party of this lot"),
    # Why a registration is refused (403 ineligible, `fields.reason`), after the label "Reason".
    "conflict_of_interest": N_("— the court has barred this identity from its lot (the Provisions, art. 34)"),
    "dishonest_person": N_("— on the list of dishonest persons: real estate and vehicles are closed to them"),
    "consumption_restricted": N_(
        "— under a consumption restriction: real estate and vehicles are closed to them"
    ),
    "defaulted_buyer": N_("— defaulted on an earlier round of this property"),
    "court_staff": N_("— staff of the court handling the case"),
    "real_name_required": N_("— the account has no verified identity"),
    "not_a_bidder_account": N_("— only bidder accounts take part in auctions"),
    "lot_not_open": N_("— the lot is not open for registration"),
    "unsupported_type": N_("must be a JPEG, PNG or WebP photo or a PDF document"),
}

# What a refusal means, by its docs/api.md code, for the pages (error pages, the console's
# forms, the lot page's bid results): never the API's English message on a Chinese page.
ERRORS: Mapping[str, str] = {
    "csrf_failed": N_(
        "This form had expired (it was open a long time, or the site's cookies were cleared). "
        "Nothing was sent."
    ),
    "not_found": N_("There is no such page, or it is not public."),
    "forbidden": N_("Your account may not open this page or do this."),
    "not_authenticated": N_("Sign in first."),
    "bad_credentials": N_("Wrong username or password."),
    "validation_failed": N_("Some of what was sent is not valid; see the fields."),
    "invalid_status": N_("This is not possible in the present state; reload the page to see it."),
    "conflict": N_("This is not possible in the present state; reload the page to see it."),
    "rate_limited": N_("Too many requests; wait a moment and try again."),
    "unavailable": N_("Bidding is paused for a moment: the engine cannot be reached. Try again shortly."),
    "internal_error": N_("Something went wrong on our side; it has been logged. Try again later."),
    "too_large": N_("What was sent is too large."),
    "unsupported_media_type": N_("This kind of content is not accepted here."),
    "method_not_allowed": N_("This address does not take that kind of request."),
    "bad_request": N_("The request could not be read."),
    "invalid_json": N_("The request could not be read."),
    "property_sold": N_("This property is already sold: it cannot be listed again."),
    "username_taken": N_("That username is taken."),
    "identity_taken": N_("An account with this identity number already exists."),
    "already_registered": N_("You have already registered for this lot."),
    "ineligible": N_("You may not bid on this lot."),
    "objection_period_open": N_("The objection period has not ended yet."),
    "objection_period_closed": N_("The objection period has ended."),
    "objections_open": N_("Objections are still open."),
    "plan_in_progress": N_("A plan for this case is in progress."),
    "no_proceeds": N_("There are no proceeds to allocate yet."),
    "case_closed": N_("This case is closed."),
    "lot_in_progress": N_("A lot of this property is in progress."),
    "not_approved": N_("A second staff member must approve the terms before the lot is published."),
    "same_person": N_("The clerk who drafted the terms cannot approve them."),
    "parties_not_notified": N_(
        "The parties and known priority holders must be notified at least 3 days before the announcement."
    ),
    "agent_is_bidder": N_("This person bids on the lot on their own account and cannot be an agent."),
    # A bid's refusal codes (the bid_result message).
    "not_registered": N_("Register for this lot and pay the deposit first."),
    "not_live": N_("The lot is not open for bidding now."),
    "ended": N_("Bidding on this lot has ended."),
    "too_low": N_("The amount is below the next valid bid."),
    "already_leading": N_("You are already the highest bidder."),
    "invalid_amount": N_("The amount must be the current price plus whole increments."),
}
GENERIC_ERROR = N_("The request was refused.")

GLOBALS: Mapping[str, Mapping[str, str]] = {
    "field_labels": FIELDS,
    "error_labels": FIELD_ERRORS,
    "refusal_labels": ERRORS,
    "rule_profile_labels": RULE_PROFILES,
    "category_labels": CATEGORIES,
    "status_labels": LOT_STATUSES,
    "deposit_labels": DEPOSIT_STATUSES,
    "bid_kind_labels": BID_KINDS,
    "claim_kind_labels": CLAIM_KINDS,
    "plan_status_labels": PLAN_STATUSES,
    "plan_phase_labels": PLAN_PHASES,
    "objection_labels": OBJECTION_STATUSES,
    "case_status_labels": CASE_STATUSES,
    "timeline_labels": TIMELINE_KINDS,
    "sale_kind_labels": SALE_KINDS,
    "reference_method_labels": REFERENCE_METHODS,
    "priority_right_labels": PRIORITY_RIGHTS,
    "notice_means_labels": NOTICE_MEANS,
    "notice_status_labels": NOTICE_STATUSES,
    "party_labels": PARTIES,
}
