"""The SVG geometry of the charts: pure functions of the amounts."""

from __future__ import annotations

from web.charts import PAD, WATERFALL_LABELS, WIDTH, price_points, waterfall


def test_price_points_run_left_to_right_and_low_to_high() -> None:
    assert price_points([]) == ""
    points = [tuple(map(float, p.split(","))) for p in price_points([100, 200, 300]).split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert points[0][1] > points[-1][1]  # SVG's y grows downwards: the higher price is higher up
    assert points[0][0] == PAD and points[-1][0] == WIDTH - PAD


def test_waterfall_bars_follow_each_other_and_fill_the_width() -> None:
    bars = waterfall([("costs", "cost", 100), ("ordinary", "ordinary", 300), ("debtor", "remainder", 0)])
    assert [b.start for b in bars] == [0, 100, 400]
    assert bars[0].x == WATERFALL_LABELS
    assert abs(bars[1].x + bars[1].width - (WIDTH - PAD)) < 1e-6
    assert bars[2].width == 1.0  # an empty step is still drawn, as a hairline
