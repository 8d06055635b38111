"""Who may not bid, beyond the account's own record: persons the court bars for a lot or for
all its lots (art. 34), and the consumption-restriction list (限制消费). Identity numbers are a
keyed hash and a masked form, as everywhere."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import BarRelation, RestrictedRole
from core.db import Base, str_enum, utcnow


class BarredPerson(Base):
    """A person barred from bidding on one lot (`lot_id`) or on every lot of a court (`lot_id`
    empty): the court's staff, the platform's operators, appraisers, helper agencies, relatives."""

    __tablename__ = "barred_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("courts.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    id_number_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    relation: Mapped[BarRelation] = mapped_column(str_enum(BarRelation))
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ConsumptionRestriction(Base):
    """An entry of the consumption-restriction list: the restricted person, or for a company
    debtor its legal representative or actual controller (each restricted in its own right)."""

    __tablename__ = "consumption_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(sa.String(64))
    court_name: Mapped[str] = mapped_column(sa.String(200))
    subject_name: Mapped[str] = mapped_column(sa.String(200))  # the debtor the order is against
    name: Mapped[str] = mapped_column(sa.String(200))  # the person restricted by this entry
    role: Mapped[RestrictedRole] = mapped_column(str_enum(RestrictedRole))
    id_number_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    restricted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[dt.datetime | None]  # removed from the list, for `removal_reason`
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enforcement_cases.id"))
    removal_reason: Mapped[str | None] = mapped_column(sa.String(16))
    id_number_sealed: Mapped[str | None] = mapped_column(sa.Text)  # for partners only


class AgentAuthorisation(Base):
    """A bidder's agent for one registration (art. 14 (2)): the agent bids under the principal's
    registration and code once the court has confirmed the power of attorney, before bidding."""

    __tablename__ = "agent_authorisations"
    __table_args__ = (sa.UniqueConstraint("registration_id", "agent_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    agent_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    document_name: Mapped[str] = mapped_column(sa.String(64))  # the power of attorney, as stored
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | confirmed
    confirmed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PartyNotice(Base):
    """A notice to a party or known priority holder before the announcement (art. 16), kept as
    the proof: to whom, by what means, when, and whether it reached them."""

    __tablename__ = "party_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    party: Mapped[str] = mapped_column(sa.String(16))  # debtor | creditor | priority_holder
    party_ref: Mapped[str] = mapped_column(sa.String(32))  # "debtor", "claim:7", "user:12"
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    means: Mapped[str] = mapped_column(sa.String(16))  # platform | email | sms | post | in_person | phone
    status: Mapped[str] = mapped_column(sa.String(16))  # delivered | failed | unreachable | recorded
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))


class AuctionObjection(Base):
    """An objection to an act of the auction (art. 36) by a party, a priority holder or a
    registered bidder, and the court's decision on it."""

    __tablename__ = "auction_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    standing: Mapped[str] = mapped_column(sa.String(16))  # party | priority_holder | bidder
    reason: Mapped[str] = mapped_column(sa.Text)
    # The objector's documents, stored as property files are (auction.cases.files).
    document_names: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.String(64)), default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="filed")  # filed | upheld | dismissed
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
