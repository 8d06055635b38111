"""The words of what happens after the hammer (issue 17): the statuses and timeline nodes it adds,
art. 31's grounds, its refusals and fields; `web.labels` merges them with the rest."""

from __future__ import annotations

from collections.abc import Mapping

from web.i18n import N_

AFTER_STATUSES: Mapping[str, str] = {
    "ruled": N_("Sale ruled"),
    "delivered": N_("Handed over"),
    "annulled": N_("Sale annulled"),
    "deferred": N_("Deferred"),
    "taken_by_creditor": N_("Taken by a creditor"),
}
AFTER_TIMELINE: Mapping[str, str] = {
    "qualification": N_("Buyer's purchase-limit check recorded"),
    "ruled": N_("Sale ruling served"),
    "delivered": N_("Property handed over"),
    "annulled": N_("Sale annulled"),
    "deferred": N_("Auction deferred"),
    "auction_objection": N_("Objection to the auction filed"),
    "auction_objection_decided": N_("Objection to the auction decided"),
    "taken_by_creditor": N_("Property taken by a creditor"),
}
ANNUL_GROUNDS: Mapping[str, str] = {
    "misdescription": N_("The description, photos or defects were seriously untrue"),
    "system_failure": N_("A system failure, attack or data error made the result wrong"),
    "collusion": N_("Bidders, or bidders and the platform, colluded"),
    "unqualified_buyer": N_("The buyer was not qualified to bid"),
    "barred_buyer": N_("The buyer is barred from bidding (art. 34)"),
    "unlawful_conditions": N_("Bidders were unlawfully kept out or held to unequal terms"),
    "other": N_("Another serious breach of the auction procedure"),
}
AFTER_ERRORS: Mapping[str, str] = {
    "qualification_pending": N_("Record the buyer's purchase-limit check before the ruling."),
    "not_restricted": N_("This lot is not under a housing purchase limit."),
    "set_off_uncovered": N_(
        "The buyer set part of the price off against a claim this plan does not pay in full: "
        "the buyer pays the difference first."
    ),
}
AFTER_FIELDS: Mapping[str, str] = {
    "ground": N_("Ground"),
    "note": N_("What was checked"),
    "qualified": N_("Whether the buyer qualifies"),
}
DEADLINES: Mapping[str, str] = {
    "ruling": N_("Sale ruling (within 10 days of full payment)"),
    "handover": N_("Hand-over (within 15 days of the ruling)"),
    "deferral": N_("Deferral ends: resume or convert into a suspension"),
}
AFTER_FIELD_ERRORS: Mapping[str, str] = {
    "only_after_default": N_("is the court's to set only for a re-auction after a default"),
    "deposit_not_full_price": N_("must be the whole price in a fixed-price sale"),
}
STANDINGS: Mapping[str, str] = {
    "party": N_("a party of the case"),
    "priority_holder": N_("a priority holder"),
    "bidder": N_("a registered bidder"),
}
OBJECTION_DECISIONS: Mapping[str, str] = {"upheld": N_("Upheld"), "dismissed": N_("Dismissed")}
LISTS: Mapping[str, str] = {
    "dishonest": N_("Dishonest persons subject to enforcement"),
    "consumption_restricted": N_("Restricted in consumption"),
}
REMOVAL_REASONS: Mapping[str, str] = {
    "performed": N_("performed"),
    "expired": N_("the period ended"),
    "revoked": N_("revoked"),
    "error": N_("listed in error"),
}
DISHONEST_GROUNDS: Mapping[str, str] = {
    "able_but_refuses": N_("Able to perform but refuses"),
    "obstructs_enforcement": N_("Obstructs enforcement by false evidence, violence or threats"),
    "evades_enforcement": N_("Evades enforcement by false litigation or by hiding or moving property"),
    "violates_property_report": N_("Violates the duty to report property"),
    "violates_consumption_order": N_("Violates a consumption-restriction order"),
    "refuses_settlement_agreement": N_("Refuses without reason to perform a settlement agreement"),
}
RESTRICTED_ROLES: Mapping[str, str] = {
    "subject": N_("the debtor"),
    "legal_representative": N_("legal representative"),
    "principal": N_("principal"),
    "responsible_person": N_("directly responsible person"),
    "actual_controller": N_("actual controller"),
}
