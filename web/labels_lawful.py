"""The words of the lawful sale's choices (issue 16): reference-price methods, priority rights,
barred relations, notices to the parties; `web.labels` gathers them with the rest."""

from __future__ import annotations

from collections.abc import Mapping

from web.i18n import N_

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
