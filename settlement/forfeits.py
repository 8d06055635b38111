"""What a forfeited deposit pays, in the order of the Provisions art. 24: the costs of the sale
(the re-auction's), then the shortfall of the re-auction's price below the defaulted price,
then the case's debt. Pure.

The money itself is distributed by the plan as every proceeds are (costs first, then the
claims), so the order decides nothing the waterfall does not; it is computed to be shown, so a
creditor and the defaulter can read what the deposit went to. Until the re-auction has sold
its shortfall is not known, and the part beyond the costs is shown as going to the debt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import msgspec


@dataclass(frozen=True, slots=True)
class Forfeit:
    lot_id: int  # the lot whose buyer defaulted
    amount: int  # the deposit forfeited
    defaulted_price: int  # the price the defaulter did not pay
    reauction_price: int | None  # what the re-auction of the property sold for, once it has


class ForfeitUse(msgspec.Struct, frozen=True):
    lot_id: int
    amount: int
    to_costs: int
    to_shortfall: int
    to_debt: int
    shortfall_known: bool  # the re-auction has sold


def forfeit_uses(forfeits: Sequence[Forfeit], costs: int) -> list[ForfeitUse]:
    """Each forfeit in order of its lot, the costs taken from the first ones first."""
    if costs < 0 or any(f.amount < 0 for f in forfeits):
        raise ValueError("amounts are never negative")
    uses = []
    costs_left = costs
    for forfeit in sorted(forfeits, key=lambda f: f.lot_id):
        to_costs = min(forfeit.amount, costs_left)
        costs_left -= to_costs
        left = forfeit.amount - to_costs
        known = forfeit.reauction_price is not None
        gap = max(forfeit.defaulted_price - (forfeit.reauction_price or 0), 0) if known else 0
        to_shortfall = min(left, gap)
        uses.append(
            ForfeitUse(forfeit.lot_id, forfeit.amount, to_costs, to_shortfall, left - to_shortfall, known)
        )
    return uses
