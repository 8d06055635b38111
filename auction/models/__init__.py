"""The auction context's tables. Importing this package registers them on `core.db.Base`,
together with settlement's, so one import gives the whole schema."""

import settlement.models  # noqa: F401  (the rest of the schema)
from auction.models.accounts import ApiToken, Court, User
from auction.models.cases import Claim, EnforcementCase, Property, PropertyFile, TimelineEvent
from auction.models.disclosure import (
    Announcement,
    DishonestPerson,
    ListChange,
    Partner,
    PartnerDelivery,
    PartnerKey,
    PartnerRead,
)
from auction.models.eligibility import (
    AgentAuthorisation,
    AuctionObjection,
    BarredPerson,
    ConsumptionRestriction,
    PartyNotice,
)
from auction.models.engagement import CaseSubscription, Clue, Notification
from auction.models.lots import (
    Bid,
    EngineOutage,
    Lot,
    LotTransition,
    Payment,
    PaymentEvent,
    PriorityHolder,
    ProxyMaximum,
    Registration,
)

__all__ = [
    "AgentAuthorisation",
    "Announcement",
    "ApiToken",
    "AuctionObjection",
    "BarredPerson",
    "Bid",
    "CaseSubscription",
    "Claim",
    "Clue",
    "ConsumptionRestriction",
    "Court",
    "DishonestPerson",
    "EnforcementCase",
    "EngineOutage",
    "ListChange",
    "Lot",
    "LotTransition",
    "Notification",
    "Partner",
    "PartnerDelivery",
    "PartnerKey",
    "PartnerRead",
    "PartyNotice",
    "Payment",
    "PaymentEvent",
    "PriorityHolder",
    "Property",
    "PropertyFile",
    "ProxyMaximum",
    "Registration",
    "TimelineEvent",
    "User",
]
