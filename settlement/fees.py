"""Fee schedules, pure: integer fen in, integer fen out.

Both schedules are progressive by band: each band's rate applies only to the part of the
amount inside that band. Rates are in basis points; each band's part is computed exactly
(in 1/10 000 fen) and the total is rounded once, to the nearest fen, halves up.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.money import YUAN

BASIS = 10_000


@dataclass(frozen=True, slots=True)
class Band:
    up_to: int | None  # upper bound of the band in fen (None: no bound)
    rate_bp: int


def progressive(amount: int, bands: tuple[Band, ...], *, floor_from: int = 0) -> int:
    """Sum of each band's rate on the part of `amount` above `floor_from` inside that band."""
    if amount < 0:
        raise ValueError("amounts are never negative")
    total_parts, lower = 0, floor_from
    for band in bands:
        upper = amount if band.up_to is None else min(amount, band.up_to)
        if upper > lower:
            total_parts += (upper - lower) * band.rate_bp
        if band.up_to is None or amount <= band.up_to:
            break
        lower = band.up_to
    return (total_parts + BASIS // 2) // BASIS


# State Council Measures on the Payment of Litigation Costs, art. 14: enforcement application fee.
ENFORCEMENT_FLAT_FEE = 50 * YUAN
ENFORCEMENT_FLAT_UP_TO = 10_000 * YUAN
ENFORCEMENT_BANDS = (
    Band(500_000 * YUAN, 150),
    Band(5_000_000 * YUAN, 100),
    Band(10_000_000 * YUAN, 50),
    Band(None, 10),
)


def enforcement_fee(amount_enforced: int) -> int:
    """50 yuan up to 10 000 yuan; above, 50 yuan plus 1.5 % / 1 % / 0.5 % / 0.1 % by band.

    Nothing enforced, no fee.
    """
    if amount_enforced <= 0:
        return 0
    return ENFORCEMENT_FLAT_FEE + progressive(
        amount_enforced, ENFORCEMENT_BANDS, floor_from=ENFORCEMENT_FLAT_UP_TO
    )


# Caps on a court-entrusted auction house's commission (our reading of the SPC's 2009
# provisions on entrusted auctions, art. 8; see docs/rules.md): what "commission saved" compares with.
COMMISSION_BANDS = (
    Band(2_000_000 * YUAN, 500),
    Band(10_000_000 * YUAN, 300),
    Band(50_000_000 * YUAN, 200),
    Band(100_000_000 * YUAN, 100),
    Band(None, 50),
)


def commission_cap(sale_price: int) -> int:
    return progressive(sale_price, COMMISSION_BANDS)


@dataclass(frozen=True, slots=True)
class BandPart:
    lower: int  # fen
    upper: int | None
    rate_bp: int | None  # None for the flat fee
    base: int  # the part of the amount in this band
    fee: int  # this band's share (rounded on its own for display; the total is rounded once)


def enforcement_fee_breakdown(amount_enforced: int) -> list[BandPart]:
    """How the fee is made up, band by band, for the public fee calculator."""
    if amount_enforced <= 0:
        return []
    parts = [
        BandPart(
            0,
            ENFORCEMENT_FLAT_UP_TO,
            None,
            min(amount_enforced, ENFORCEMENT_FLAT_UP_TO),
            ENFORCEMENT_FLAT_FEE,
        )
    ]
    lower = ENFORCEMENT_FLAT_UP_TO
    for band in ENFORCEMENT_BANDS:
        if amount_enforced <= lower:
            break
        upper = amount_enforced if band.up_to is None else min(amount_enforced, band.up_to)
        base = upper - lower
        parts.append(
            BandPart(lower, band.up_to, band.rate_bp, base, (base * band.rate_bp + BASIS // 2) // BASIS)
        )
        if band.up_to is None:
            break
        lower = band.up_to
    return parts
