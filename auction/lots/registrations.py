"""Bidders' side of a lot: register (eligibility, bidder code, deposit payment), the deposit
confirmed and the bidder made eligible in the engine, and "my registrations". Bids and proxies
go through `auction.bidding`."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.accounts.access import court_of_lot, require_bidder
from auction.enums import HALTED_STATUSES, DepositStatus, LotStatus
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.lots import eligibility
from auction.lots.codes import new_bidder_code
from auction.lots.deposits import move_deposit
from auction.lots.payments import PaymentEvent as ProviderEvent
from auction.lots.payments import new_payment_id
from auction.models import (
    Claim,
    Lot,
    Payment,
    PaymentEvent,
    PriorityHolder,
    Property,
    Registration,
    User,
)
from auction.rules import Applicant, registration_refusal
from bidding_engine.engine import BiddingEngine
from core.db import utcnow

OPEN_FOR_REGISTRATION = (LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES)


def _same_bidder(user: User) -> sa.ColumnElement[bool]:
    """Registrations of this identity, whatever account made them (or of this account, for one
    registered before identities were recorded)."""
    if user.id_number_hash is None:
        return Registration.user_id == user.id
    return sa.or_(Registration.identity_hash == user.id_number_hash, Registration.user_id == user.id)


async def _defaulted_on_property(session: AsyncSession, user: User, property_id: int) -> bool:
    """A default (悔拍) bars the identity from every later round of the property."""
    found = await session.scalar(
        sa.select(Registration.id)
        .join(Lot, Lot.id == Registration.lot_id)
        .where(
            _same_bidder(user),
            Lot.property_id == property_id,
            Registration.deposit_status == DepositStatus.FORFEITED,
        )
        .limit(1)
    )
    return found is not None


def _identities(user: User) -> list[str | None]:
    return [user.id_number_hash, user.representative_id_hash]


async def _covering_claim(session: AsyncSession, user: User, case_id: int, deposit: int) -> int | None:
    """The user's largest claim in the case, when it covers the deposit (art. 17)."""
    return await session.scalar(
        sa.select(Claim.id)
        .where(Claim.case_id == case_id, Claim.creditor_user_id == user.id, Claim.amount >= deposit)
        .order_by(Claim.amount.desc(), Claim.id)
        .limit(1)
    )


async def register(
    session: AsyncSession, user: User, lot_id: int, provider: str, *, undertaking: bool = False
) -> tuple[Registration, Payment | None]:
    """Register the user for the lot: eligibility by identity, then (a purchase-restricted lot)
    the undertaking that they qualify, then one registration per identity."""
    require_bidder(user)
    lot, case_id, court_id = await court_of_lot(session, lot_id)
    if lot.status is LotStatus.DRAFT:
        raise NotFound("no such lot")
    prop = await session.get(Property, lot.property_id)
    assert prop is not None
    refusal = registration_refusal(
        Applicant(
            is_bidder_account=True,
            has_real_name=user.id_number_hash is not None,
            is_staff_of_handling_court=user.court_id == court_id,
            defaulted_on_this_property=await _defaulted_on_property(session, user, prop.id),
            on_dishonest_list=await eligibility.on_dishonest_list(session, user.id_number_hash),
            category=prop.category,
            lot_open_for_registration=lot.status in OPEN_FOR_REGISTRATION,
            # A company acts through its legal representative: a barred one bars the company.
            conflict_of_interest=any(
                [
                    await eligibility.has_conflict(session, digest, lot.id, court_id)
                    for digest in _identities(user)
                ]
            ),
            on_consumption_restriction_list=await eligibility.consumption_restricted(
                session, user.id_number_hash
            ),
        )
    )
    if refusal is not None:
        raise Forbidden(
            f"this account may not bid on this lot: {refusal}", code="ineligible", fields={"reason": refusal}
        )
    if lot.purchase_restriction and not undertaking:
        raise ValidationFailed(
            "this lot is under a housing purchase limit: undertake that you qualify",
            fields={"undertaking": "required"},
        )
    if await session.scalar(
        sa.select(Registration.id).where(Registration.lot_id == lot.id, _same_bidder(user))
    ):
        # One identity, one registration per lot: never two bidder codes for one person.
        raise Conflict("you are registered for this lot already", code="already_registered")
    rank = await session.scalar(
        sa.select(PriorityHolder.rank).where(
            PriorityHolder.lot_id == lot.id, PriorityHolder.user_id == user.id
        )
    )
    taken = set(
        await session.scalars(sa.select(Registration.bidder_code).where(Registration.lot_id == lot.id))
    )
    registration = Registration(
        lot_id=lot.id,
        user_id=user.id,
        identity_hash=user.id_number_hash,
        bidder_code=new_bidder_code(taken, priority=rank is not None),
        priority_rank=rank,
        deposit_amount=lot.deposit,
        undertaking_at=utcnow() if lot.purchase_restriction else None,
    )
    session.add(registration)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # The same identity registering twice at once: the unique (lot, identity) lets one in.
        raise Conflict("you are registered for this lot already", code="already_registered") from None
    claim_id = await _covering_claim(session, user, case_id, lot.deposit)
    if claim_id is not None:
        # A creditor whose claim covers the deposit pays none: frozen at once, no money moved.
        registration.deposit_claim_id = claim_id
        registration.deposit_status, registration.frozen_at = DepositStatus.FROZEN, utcnow()
        await session.flush()
        return registration, None
    payment = Payment(
        public_id=new_payment_id(), registration_id=registration.id, provider=provider, amount=lot.deposit
    )
    session.add(payment)
    await session.flush()
    return registration, payment


async def confirm_payment(
    session: AsyncSession, payment_public_id: str, *, payer: User | None = None
) -> Registration:
    """Mark a deposit paid and frozen (idempotent). The caller makes the registration eligible
    in the engine after the commit (`make_eligible`).

    A payment that arrives once the lot can take no more bidders (it closed meanwhile) is still
    money at the court's bank: it is recorded as received and sent straight back, through the
    ledger, and the deposit ends `refunded`, so the provider stops retrying and nothing is lost."""
    payment = await session.scalar(
        sa.select(Payment).where(Payment.public_id == payment_public_id).with_for_update()
    )
    if payment is None:
        raise NotFound("no such payment")
    registration = await session.get(Registration, payment.registration_id, with_for_update=True)
    assert registration is not None
    if payer is not None and registration.user_id != payer.id:
        raise NotFound("no such payment")  # someone else's payment is not yours to see
    lot, case_id, _ = await court_of_lot(session, registration.lot_id)
    if registration.deposit_status is DepositStatus.PENDING:
        await move_deposit(session, registration, DepositStatus.FROZEN, case_id=case_id)
        payment.status, payment.confirmed_at = "paid", utcnow()
        # A bidder made ineligible meanwhile (art. 34) is refunded like one paying too late.
        if lot.status not in OPEN_FOR_REGISTRATION or registration.ineligible_reason is not None:
            await move_deposit(session, registration, DepositStatus.REFUNDED, case_id=case_id)
            payment.status = "refunded"
    return registration


async def record_webhook(session: AsyncSession, provider: str, event: ProviderEvent) -> Registration | None:
    """Apply a verified provider event once; a replayed event id changes nothing (None)."""
    seen = await session.scalar(
        sa.select(PaymentEvent.id).where(
            PaymentEvent.provider == provider, PaymentEvent.event_id == event.event_id
        )
    )
    if seen is not None:
        return None
    payment = await session.scalar(sa.select(Payment).where(Payment.public_id == event.payment_id))
    if payment is None or payment.provider != provider or payment.amount != event.amount:
        raise NotFound("no matching payment for this event")
    session.add(PaymentEvent(provider=provider, event_id=event.event_id, payment_id=payment.id))
    await session.flush()
    if event.status != "paid":
        payment.status = "failed"
        return None
    return await confirm_payment(session, event.payment_id)


async def make_eligible(engine: BiddingEngine, registration: Registration, lot_status: LotStatus) -> None:
    """A deposit confirmed while the lot is live makes the bidder eligible at once.

    Precondition: the frozen deposit is committed (the engine may only know a deposit
    PostgreSQL has recorded: a rebuild starts from the record)."""
    if (
        lot_status in (LotStatus.LIVE, *HALTED_STATUSES)
        and registration.deposit_status is DepositStatus.FROZEN
        and registration.ineligible_reason is None
    ):
        await engine.register(
            registration.lot_id, registration.id, registration.bidder_code, registration.priority_rank
        )


async def _lot_status(session: AsyncSession, lot_id: int) -> LotStatus:
    status = await session.scalar(sa.select(Lot.status).where(Lot.id == lot_id))
    assert status is not None
    return status


async def confirm_deposit(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, payment_id: str, *, payer: User
) -> Registration:
    """The payer's deposit paid (the sandbox simulator): frozen and committed, then eligible."""
    async with sessions.begin() as session:
        registration = await confirm_payment(session, payment_id, payer=payer)
        lot_status = await _lot_status(session, registration.lot_id)
    await make_eligible(engine, registration, lot_status)
    return registration


async def apply_payment_event(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, provider: str, event: ProviderEvent
) -> Registration | None:
    """A verified provider notification, applied once and committed, then the bidder eligible;
    None when it changed nothing (a replay, a failed payment)."""
    async with sessions.begin() as session:
        registration = await record_webhook(session, provider, event)
        lot_status = await _lot_status(session, registration.lot_id) if registration else None
    if registration is not None and lot_status is not None:
        await make_eligible(engine, registration, lot_status)
    return registration


async def register_and_enable(
    sessions: async_sessionmaker[AsyncSession],
    engine: BiddingEngine,
    user_id: int,
    lot_id: int,
    provider: str,
    *,
    undertaking: bool = False,
) -> tuple[Registration, Payment | None]:
    """Register and commit; a creditor's registration needs no payment, so it is made eligible
    in the engine at once when the lot is live (after the commit, as every enabling is)."""
    async with sessions.begin() as session:
        user = await session.get(User, user_id)
        assert user is not None
        registration, payment = await register(session, user, lot_id, provider, undertaking=undertaking)
        lot_status = await _lot_status(session, lot_id)
    await make_eligible(engine, registration, lot_status)
    return registration, payment
