"""Charts drawn as SVG geometry on the server: pure functions of the numbers they show.

The templates turn the geometry into <svg> elements, so a chart needs no script, no CDN and
no inline style (the CSP forbids both), and reads the same when printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 600, 200, 8


def price_points(amounts: Sequence[int], width: int = WIDTH, height: int = HEIGHT) -> str:
    """The polyline of the price after each bid, from the first bid (left) to the last (right)."""
    if not amounts:
        return ""
    low, high = min(amounts), max(amounts)
    span = high - low or 1
    step = (width - 2 * PAD) / max(len(amounts) - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{height - PAD - (amount - low) * (height - 2 * PAD) / span:.1f}"
        for i, amount in enumerate(amounts)
    )


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    amount: int  # fen
    start: int  # fen already allocated before this bar: the waterfall's floating base
    x: float
    width: float
    kind: str  # the css class: cost, priority, secured, ordinary, remainder


WATERFALL_LABELS = 260  # the left part of the width holds the labels, the rest the bars


def waterfall(steps: Sequence[tuple[str, str, int]], width: int = WIDTH) -> list[Bar]:
    """Horizontal waterfall bars: each step starts where the previous ended; the bars' full
    width is the proceeds. `steps` are (label, kind, amount) in the order the money is paid out."""
    total = sum(amount for _, _, amount in steps) or 1
    scale = (width - WATERFALL_LABELS - PAD) / total
    bars, start = [], 0
    for label, kind, amount in steps:
        x = WATERFALL_LABELS + start * scale
        bars.append(Bar(label, amount, start, x, max(amount * scale, 1.0), kind))
        start += amount
    return bars
