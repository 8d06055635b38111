"""Parity: random sequences of bids, proxies, priority matches, court actions and clock steps
give the same result, step by step, from the Lua engine and from the pure model."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import LotNotOpen
from bidding_engine.results import EligibleRegistration
from tests.engine_model import ORDINARY, LotModel, illegal_steps
from tests.integration.conftest import advance_clock, open_lot

TICK = 1_000  # ms; real time within one example stays far below TICK / 2
START, INCREMENT, EXTENSION = 10_000, 1_000, 5 * TICK
# Remaining time sits half a tick off every whole-tick boundary the rules compare against.
INITIAL_REMAINING = 8 * TICK + TICK // 2

REGISTRATIONS = {
    1: ("K0001", None),
    2: ("K0002", None),
    3: ("K0003", None),
    4: ("P0004", 1),
    5: ("P0005", 2),
}
LATE = 6, ("K0006", None)  # registers mid-auction

bidder = st.sampled_from([*REGISTRATIONS, LATE[0]])
manual_bid = st.tuples(
    st.just("bid"), bidder, st.integers(-1, 4), st.booleans(), st.sampled_from(["a", "b", "c", "d", "e", "f"])
)
operation = st.one_of(
    manual_bid,
    manual_bid,
    manual_bid,
    manual_bid,
    st.tuples(st.just("priority"), st.sampled_from([4, 5]), st.sampled_from(["p", "q", "r"])),
    st.tuples(st.just("priority"), st.sampled_from([4, 5]), st.sampled_from(["s", "t", "u"])),
    # Absolute maxima on a small grid, so that equal maxima (and equal reach) happen often.
    st.tuples(st.just("proxy"), bidder, st.integers(0, 15), st.booleans()),
    st.tuples(st.just("proxy"), bidder, st.integers(3, 6), st.just(False)),
    st.tuples(st.just("step"), st.integers(0, 4)),
    st.tuples(st.just("control"), st.sampled_from(["suspend", "resume", "suspend", "resume", "cancel"])),
    st.tuples(st.just("register")),
    st.tuples(st.just("close")),
    st.tuples(st.just("raw"), bidder, st.sampled_from([0, -1_000, 10**16, 1.5, True])),
)


def amount_for(model: LotModel, steps: int, half: bool) -> int:
    base = model.price or model.start
    return base + steps * INCREMENT + (INCREMENT // 2 if half else 0)


async def apply(engine: BiddingEngine, lot: int, model: LotModel, op: tuple) -> None:
    kind = op[0]
    if kind == "bid" or kind == "raw" or kind == "priority":
        if kind == "bid":
            _, who, steps, half, cbid = op
            amount: object = amount_for(model, steps, half)
        elif kind == "priority":
            _, who, cbid = op
            amount = model.price or model.start
        else:
            _, who, amount = op
            cbid = "raw"
        got = await engine.bid(lot, who, amount, f"{cbid}-{who}")
        want = model.bid(who, amount, f"{cbid}-{who}")
        assert (got.accepted, got.code if not got.accepted else got.seq) == want[:2], op
        if got.accepted:
            assert got.price == want[2], op
    elif kind == "proxy":
        _, who, steps, half = op
        max_amount = START + steps * INCREMENT + (INCREMENT // 2 if half else 0)
        got_proxy = await engine.set_proxy(lot, who, max_amount)
        want = model.set_proxy(who, max_amount)
        assert (
            got_proxy.accepted,
            got_proxy.code if not got_proxy.accepted else got_proxy.max_amount,
        ) == want[:2]
        if got_proxy.accepted:
            assert (got_proxy.price or 0) == want[2], op
    elif kind == "step":
        await advance_clock(engine, lot, op[1] * TICK)
        model.advance(op[1] * TICK)
    elif kind == "control":
        got_control = await getattr(engine, op[1])(lot)
        want = model.control(op[1])
        assert (got_control.accepted, got_control.code or got_control.status) == want, op
    elif kind == "register":
        registration, (code, rank) = LATE
        expected = model.register(registration, code, rank)
        try:
            await engine.register(lot, registration, code, rank)
            assert expected, op
        except LotNotOpen:
            assert not expected, op
    else:
        got_close = await engine.close(lot)
        assert (got_close.status, got_close.outcome) == model.close(), op


@pytest.mark.parametrize("engine", ["standalone"], indirect=True)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=5, max_size=60))
async def test_lua_and_model_agree(engine: BiddingEngine, operations: list[tuple]) -> None:
    registrations = [EligibleRegistration(n, code, rank) for n, (code, rank) in REGISTRATIONS.items()]
    lot = await open_lot(
        engine,
        *registrations,
        starting_price=START,
        increment=INCREMENT,
        remaining_ms=INITIAL_REMAINING,
        extension_ms=EXTENSION,
    )
    model = LotModel(
        START,
        INCREMENT,
        EXTENSION,
        INITIAL_REMAINING,
        {n: (code, rank or ORDINARY) for n, (code, rank) in REGISTRATIONS.items()},
    )
    for op in operations:
        await apply(engine, lot, model, op)

    snapshot = await engine.snapshot(lot)
    assert snapshot is not None
    assert (snapshot.price or 0, snapshot.seq) == (model.price, model.seq)
    assert snapshot.leader_registration_id == model.leader
    assert snapshot.status.value == model.status
    recorded = await engine.bids_since(lot, 0)
    assert [(b.seq, b.bidder_code, b.amount, b.kind.value) for b in recorded] == [
        (b.seq, b.code, b.amount, b.kind) for b in model.bids
    ]
    for got, want in zip(recorded, model.bids, strict=True):
        assert abs((got.end_ms - got.at_ms) - want.remaining_after) < TICK // 2
    classes = {code: rank or ORDINARY for code, rank in [*REGISTRATIONS.values(), LATE[1]]}
    log = [(b.seq, b.bidder_code, b.amount, b.kind.value) for b in recorded]
    assert illegal_steps(log, classes, START, INCREMENT) == [], log
