"""Every bidding rule, through the engine's API, on a standalone Redis and on a cluster."""

from __future__ import annotations

import asyncio
import json

import pytest

from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import InvalidRequest, LotNotOpen
from bidding_engine.feed import event_feed
from bidding_engine.results import ORDINARY_CLASS, BidKind, EligibleRegistration, EngineStatus, LotOpening
from tests.engine_model import illegal_steps
from tests.integration.conftest import advance_clock, new_lot_id, open_lot

A, B, C = (EligibleRegistration(n, code) for n, code in ((1, "K1001"), (2, "K1002"), (3, "K1003")))
RANK1, RANK2, RANK2B = (
    EligibleRegistration(11, "P0011", 1),
    EligibleRegistration(12, "P0012", 2),
    EligibleRegistration(13, "P0013", 2),
)


async def test_the_issue_vectors(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B)
    assert (await engine.bid(lot, A.registration_id, 100_000, "a1")).accepted
    late = await engine.bid(lot, B.registration_id, 100_500, "b1")
    assert not late.accepted and late.code in {"too_low", "invalid_amount"}
    second = await engine.bid(lot, B.registration_id, 101_000, "b2")
    assert second.accepted and second.seq == 2 and second.price == 101_000
    again = await engine.bid(lot, B.registration_id, 102_000, "b3")
    assert (again.accepted, again.code) == (False, "already_leading")


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (99_000, "too_low"),
        (100_500, "invalid_amount"),
        (0, "invalid_amount"),
        (-5, "invalid_amount"),
        (1.5, "invalid_amount"),
        (True, "invalid_amount"),
        ("100000", "invalid_amount"),
        (10**16, "invalid_amount"),
    ],
)
async def test_first_bid_amounts(engine: BiddingEngine, amount: object, code: str) -> None:
    lot = await open_lot(engine, A)
    result = await engine.bid(lot, A.registration_id, amount, "x")
    assert (result.accepted, result.code) == (False, code)
    snapshot = await engine.snapshot(lot)
    assert snapshot is not None and snapshot.seq == 0 and snapshot.price is None


async def test_a_first_bid_above_the_start_is_on_the_increment_grid(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    assert (await engine.bid(lot, A.registration_id, 105_000, "x")).accepted


async def test_later_bids_are_whole_multiples_of_the_increment(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B)
    await engine.bid(lot, A.registration_id, 100_000, "a")
    assert (await engine.bid(lot, B.registration_id, 100_000, "b1")).code == "too_low"
    assert (await engine.bid(lot, B.registration_id, 102_500, "b2")).code == "invalid_amount"
    jump = await engine.bid(lot, B.registration_id, 105_000, "b3")
    assert jump.accepted and jump.price == 105_000


@pytest.mark.parametrize(
    ("leader", "matcher", "accepted"),
    [
        (A, RANK2, True),  # a holder matching a non-holder leads
        (RANK2, RANK1, True),  # rank 1 matching rank 2 leads
        (RANK1, RANK2, False),  # rank 2 matching rank 1 does not
        (RANK2, RANK2B, False),  # equal rank does not
        (A, B, False),  # an ordinary bidder can never match
    ],
)
async def test_priority_holders_may_match_the_current_price(
    engine: BiddingEngine, leader: EligibleRegistration, matcher: EligibleRegistration, accepted: bool
) -> None:
    lot = await open_lot(engine, leader, matcher)
    assert (await engine.bid(lot, leader.registration_id, 100_000, "l")).accepted
    result = await engine.bid(lot, matcher.registration_id, 100_000, "m")
    assert result.accepted is accepted
    snapshot = await engine.snapshot(lot)
    assert snapshot is not None
    assert snapshot.leader_code == (matcher if accepted else leader).bidder_code
    if accepted:
        assert (await engine.bids_since(lot, 1))[0].kind is BidKind.PRIORITY
    else:
        assert result.code == "too_low"


async def test_proxy_vectors(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, C, starting_price=3_000)
    await engine.bid(lot, C.registration_id, 3_000, "c")  # current 3 000
    a = await engine.set_proxy(lot, A.registration_id, 6_000)
    assert a.accepted and (a.price, a.leader_code) == (4_000, A.bidder_code)
    b = await engine.set_proxy(lot, B.registration_id, 7_000)
    assert b.accepted and (b.price, b.leader_code) == (7_000, B.bidder_code)
    steps = [(bid.bidder_code, bid.amount, bid.kind) for bid in await engine.bids_since(lot, 1)]
    # A leads at 4 000, so A cannot raise itself to its maximum: B bids first and A's proxy
    # answers (this test once expected A 6 000 straight after A 4 000, a bid A could not make).
    assert steps == [
        (A.bidder_code, 4_000, BidKind.PROXY),
        (B.bidder_code, 5_000, BidKind.PROXY),  # the winner's step that the leader's proxy answers
        (A.bidder_code, 6_000, BidKind.PROXY),  # the loser's last step, its maximum
        (B.bidder_code, 7_000, BidKind.PROXY),  # loser's max + increment, capped by the winner's
    ]


async def test_equal_maxima_the_earlier_proxy_leads(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, C, starting_price=3_000)
    await engine.bid(lot, C.registration_id, 3_000, "c")
    await engine.set_proxy(lot, A.registration_id, 6_000)
    later = await engine.set_proxy(lot, B.registration_id, 6_000)
    assert (later.price, later.leader_code) == (6_000, A.bidder_code)


async def test_a_manual_bid_is_answered_by_the_proxy_at_the_smallest_winning_amount(
    engine: BiddingEngine,
) -> None:
    lot = await open_lot(engine, A, B)
    await engine.set_proxy(lot, A.registration_id, 150_000)
    assert (await engine.snapshot(lot)).price == 100_000  # type: ignore[union-attr]
    result = await engine.bid(lot, B.registration_id, 120_000, "b")
    assert result.accepted and result.price == 121_000
    snapshot = await engine.snapshot(lot)
    assert snapshot is not None and snapshot.leader_code == A.bidder_code
    over = await engine.bid(lot, B.registration_id, 160_000, "b2")
    assert over.accepted and over.price == 160_000  # beyond the maximum: the proxy gives up


async def test_a_proxy_war_costs_three_bids_whatever_the_distance(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, starting_price=1, increment=1)
    await engine.set_proxy(lot, A.registration_id, 10**14)
    await engine.set_proxy(lot, B.registration_id, 10**14 + 7)
    bids = await engine.bids_since(lot, 0)
    # A's opening bid, then B's step, A's answer at its maximum and B's winning bid: three
    # automatic bids, not two, since the leading A may not raise itself (it once took two).
    assert len(bids) == 4
    assert (bids[-1].bidder_code, bids[-1].amount) == (B.bidder_code, 10**14 + 1)


async def test_proxy_refusals(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B)
    assert (await engine.set_proxy(lot, A.registration_id, 99_999)).code == "too_low"
    assert (await engine.set_proxy(lot, A.registration_id, 0)).code == "invalid_amount"
    assert (await engine.set_proxy(lot, 99, 200_000)).code == "not_registered"
    await engine.bid(lot, A.registration_id, 100_000, "a")
    assert (await engine.set_proxy(lot, B.registration_id, 100_500)).code == "too_low"


async def test_a_retry_returns_the_first_result_and_places_nothing(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B)
    first = await engine.bid(lot, A.registration_id, 100_000, "same-id")
    await engine.bid(lot, B.registration_id, 101_000, "b")
    retry = await engine.bid(lot, A.registration_id, 100_000, "same-id")
    assert retry == first
    assert len(await engine.bids_since(lot)) == 2
    rejected = await engine.bid(lot, A.registration_id, 101_500, "bad")
    assert await engine.bid(lot, A.registration_id, 102_000, "bad") == rejected  # the first result stands
    # The same id from another bidder is another bid.
    assert (await engine.bid(lot, A.registration_id, 102_000, "b")).accepted


async def test_client_bid_ids_are_checked(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    for bad in ("", "x" * 65, "has space", "ünïcode"):
        with pytest.raises(InvalidRequest):
            await engine.bid(lot, A.registration_id, 100_000, bad)


async def test_only_eligible_registrations_bid(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    assert (await engine.bid(lot, B.registration_id, 100_000, "b")).code == "not_registered"
    await engine.register(lot, B.registration_id, B.bidder_code, None)  # deposit confirmed mid-auction
    assert (await engine.bid(lot, B.registration_id, 100_000, "b2")).accepted
    await engine.unregister(lot, A.registration_id)
    assert (await engine.bid(lot, A.registration_id, 101_000, "a")).code == "not_registered"


async def test_unknown_lot_is_not_live(engine: BiddingEngine) -> None:
    assert (await engine.bid(987_654_321, 1, 100_000, "x")).code == "not_live"
    assert await engine.snapshot(987_654_321) is None
    with pytest.raises(LotNotOpen):
        await engine.register(987_654_321, 1, "K1", None)


async def test_a_lot_the_engine_does_not_hold_gets_no_key(engine: BiddingEngine) -> None:
    """Bids for an unknown (or expired) lot leave nothing behind: a key made for it would have
    no TTL and stay for good."""
    lot = new_lot_id()
    for n in range(3):
        assert (await engine.bid(lot, 1, 100_000, f"x{n}")).code == "not_live"
        assert (await engine.set_proxy(lot, 1, 200_000)).code == "not_live"
    for key in engine.keys(lot).all:
        assert await engine.redis.exists(key) == 0, key


async def test_soft_close_extends_only_accepted_late_bids(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, remaining_ms=600_000, extension_ms=300_000)
    early = await engine.bid(lot, A.registration_id, 100_000, "early")
    before = (await engine.snapshot(lot)).end_ms  # type: ignore[union-attr]
    assert early.end_ms == before  # 10 minutes left: no extension

    await advance_clock(engine, lot, 420_000)  # 3 minutes left
    rejected = await engine.bid(lot, B.registration_id, 100_500, "bad")
    assert not rejected.accepted
    assert (await engine.snapshot(lot)).end_ms == before - 420_000  # type: ignore[union-attr]
    late = await engine.bid(lot, B.registration_id, 101_000, "late")
    at_ms = (await engine.bids_since(lot, 1))[0].at_ms
    assert late.end_ms == at_ms + 300_000  # arrival + 5 minutes


async def test_a_bid_after_the_end_is_ended(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, remaining_ms=60_000)
    await advance_clock(engine, lot, 60_000)
    assert (await engine.bid(lot, A.registration_id, 100_000, "x")).code == "ended"


async def test_suspend_keeps_the_remaining_time(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, remaining_ms=600_000)
    suspended = await engine.suspend(lot)
    assert suspended.status is EngineStatus.SUSPENDED
    assert (await engine.bid(lot, A.registration_id, 100_000, "x")).code == "not_live"
    assert (await engine.set_proxy(lot, A.registration_id, 200_000)).code == "not_live"
    assert (await engine.close(lot)).status == "suspended"
    await asyncio.sleep(0.2)
    resumed = await engine.resume(lot)
    assert resumed.status is EngineStatus.LIVE and resumed.end_ms is not None
    remaining = resumed.end_ms - (await engine.snapshot(lot)).now_ms  # type: ignore[union-attr]
    assert 599_000 <= remaining <= 600_000
    assert (await engine.resume(lot)).code == "not_suspended"


async def test_cancel_stops_everything(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    assert (await engine.cancel(lot)).status is EngineStatus.CANCELLED
    assert (await engine.bid(lot, A.registration_id, 100_000, "x")).code == "not_live"
    assert (await engine.close(lot)).status == "cancelled"


async def test_close_before_the_end_does_nothing(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    result = await engine.close(lot)
    assert (result.status, result.closed_now) == ("live", False)


async def test_close_sold_and_failed(engine: BiddingEngine) -> None:
    sold = await open_lot(engine, A, B)
    await engine.bid(sold, A.registration_id, 100_000, "a")
    await engine.bid(sold, B.registration_id, 101_000, "b")
    await advance_clock(engine, sold, 600_000)
    result = await engine.close(sold)
    assert (result.status, result.outcome, result.price, result.winner_code) == (
        "ended",
        "sold",
        101_000,
        "K1002",
    )
    assert result.winner_registration_id == B.registration_id and result.closed_now

    failed = await open_lot(engine, A)
    await advance_clock(engine, failed, 600_000)
    assert (await engine.close(failed)).outcome == "failed"


async def test_many_concurrent_closes_close_once(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    await engine.bid(lot, A.registration_id, 100_000, "a")
    await advance_clock(engine, lot, 600_000)
    results = await asyncio.gather(*(engine.close(lot) for _ in range(20)))
    assert sum(result.closed_now for result in results) == 1
    assert {result.outcome for result in results} == {"sold"}
    assert (await engine.bid(lot, A.registration_id, 101_000, "late")).code == "ended"


async def test_a_lot_extended_a_thousand_times_closes_once_at_its_end(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, starting_price=1, increment=1, remaining_ms=1_000, extension_ms=60_000)
    for n in range(1_000):
        bidder = (A, B)[n % 2]
        result = await engine.bid(lot, bidder.registration_id, n + 1, f"x{n}")
        assert result.accepted
        assert (await engine.close(lot)).status == "live"
    last = (await engine.bids_since(lot, 999))[0]
    assert last.end_ms == last.at_ms + 60_000
    await advance_clock(engine, lot, 60_000)
    closes = [await engine.close(lot) for _ in range(3)]
    assert [c.closed_now for c in closes] == [True, False, False]
    assert closes[0].price == 1_000 and closes[0].end_ms == last.at_ms


async def test_bids_since_is_gapless_and_ordered(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B)
    for n in range(10):
        await engine.bid(lot, (A, B)[n % 2].registration_id, 100_000 + n * 1_000, f"b{n}")
    assert [bid.seq for bid in await engine.bids_since(lot, 0)] == list(range(1, 11))
    assert [bid.seq for bid in await engine.bids_since(lot, 7)] == [8, 9, 10]
    assert await engine.bids_since(lot, 10) == []
    assert [bid.seq for bid in await engine.bids_since(lot, 2, limit=3)] == [3, 4, 5]


async def test_every_accepted_bid_is_published(engine: BiddingEngine) -> None:
    """Through the feed the gateway reads: pub/sub on one server, sharded pub/sub on a cluster."""
    lot = await open_lot(engine, A, B)
    feed = event_feed(engine.redis, engine.namespace)
    await feed.subscribe(lot)
    await engine.bid(lot, A.registration_id, 100_000, "a")
    await engine.bid(lot, B.registration_id, 100_000, "rejected")
    await engine.set_proxy(lot, B.registration_id, 130_000)
    messages = []
    while (item := await feed.next_event(timeout_s=0.5)) is not None:
        assert isinstance(item, tuple) and item[0] == lot
        messages.append(item[1].decode())
    await feed.close()

    events = [json.loads(m) for m in messages]
    assert [(e["type"], e["seq"], e["bidder_code"], e["amount"], e["kind"]) for e in events] == [
        ("bid", 1, "K1001", 100_000, "manual"),
        ("bid", 2, "K1002", 101_000, "proxy"),
    ]
    assert all(
        set(e) == {"type", "lot_id", "seq", "bidder_code", "amount", "kind", "at_ms", "end_ms"}
        for e in events
    )


@pytest.mark.parametrize("engine", ["standalone"], indirect=True)
async def test_scripts_reload_after_redis_forgets_them(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A, B, C)
    await engine.redis.script_flush()  # what a restart or failover does
    assert (await engine.bid(lot, A.registration_id, 100_000, "alone")).accepted
    await engine.redis.script_flush()
    batched = await asyncio.gather(
        engine.bid(lot, B.registration_id, 101_000, "b"),
        engine.bid(lot, C.registration_id, 101_000, "c"),
        engine.snapshot(lot),
    )
    assert sorted(result.accepted for result in batched[:2]) == [False, True]  # type: ignore[union-attr]


async def test_an_error_reply_in_a_batch_reaches_only_its_caller(engine: BiddingEngine) -> None:
    lot = await open_lot(engine, A)
    results = await asyncio.gather(
        engine.register(987_654_322, 1, "K1", None),  # an error reply from register.lua
        engine.bid(lot, A.registration_id, 100_000, "x"),
        return_exceptions=True,
    )
    assert isinstance(results[0], LotNotOpen)
    assert results[1].accepted  # type: ignore[union-attr]


async def test_the_fixed_price_sales_first_offer_opens_its_window(engine: BiddingEngine) -> None:
    lot_id = new_lot_id()
    now = await engine.now_ms()
    sixty_days, day = 60 * 86_400_000, 86_400_000
    await engine.open(
        LotOpening(lot_id, 100_000, 1_000, now + sixty_days, 300_000, (A, B), first_bid_window_ms=day)
    )
    first = await engine.bid(lot_id, A.registration_id, 100_000, "a")
    at_ms = (await engine.bids_since(lot_id))[0].at_ms
    assert first.end_ms == at_ms + day
    second = await engine.bid(lot_id, B.registration_id, 101_000, "b")
    assert second.end_ms == first.end_ms  # later offers only extend inside the last 5 minutes


def _log(bids: list) -> list[tuple[int, str, int, str]]:
    return [(b.seq, b.bidder_code, b.amount, b.kind.value) for b in bids]


async def test_no_proxy_step_is_a_bid_its_bidder_could_not_make(engine: BiddingEngine) -> None:
    """The leader never raises itself: equal maxima one increment above the price, a challenger
    whose runner-up is the leader itself, and a war of maxima a step apart."""
    classes = {A.bidder_code: ORDINARY_CLASS, B.bidder_code: ORDINARY_CLASS, C.bidder_code: ORDINARY_CLASS}
    scenarios = [
        [("bid", A, 100_000), ("proxy", A, 101_000), ("proxy", B, 101_000)],  # equal, one step up
        [("proxy", A, 150_000), ("bid", C, 110_000), ("proxy", B, 151_000)],  # the runner-up leads
        [("bid", C, 100_000), ("proxy", A, 102_000), ("proxy", B, 102_000)],  # equal, the leader's
        [("bid", C, 100_000), ("proxy", A, 101_000), ("proxy", B, 103_000)],
    ]
    for scenario in scenarios:
        lot = await open_lot(engine, A, B, C)
        for n, (action, who, amount) in enumerate(scenario):
            if action == "bid":
                assert (await engine.bid(lot, who.registration_id, amount, f"s{n}")).accepted
            else:
                assert (await engine.set_proxy(lot, who.registration_id, amount)).accepted
        log = _log(await engine.bids_since(lot, 0))
        assert illegal_steps(log, classes, 100_000, 1_000) == [], (scenario, log)


async def test_a_priority_holders_proxy_matches_like_the_holder_would(engine: BiddingEngine) -> None:
    holder = EligibleRegistration(77, "Y0077", 1)
    lot = await open_lot(engine, A, holder)
    await engine.set_proxy(lot, holder.registration_id, 120_000)
    assert (await engine.bid(lot, A.registration_id, 110_000, "a")).accepted
    log = _log(await engine.bids_since(lot, 0))
    # The holder's proxy matches A's 110 000 (a priority bid) rather than raising to 111 000.
    assert log[-1][1:] == ("Y0077", 110_000, "priority")
    over = await engine.bid(lot, A.registration_id, 121_000, "a2")
    assert over.accepted and over.price == 121_000  # beyond the holder's maximum: A leads
    classes = {A.bidder_code: ORDINARY_CLASS, "Y0077": 1}
    assert illegal_steps(_log(await engine.bids_since(lot, 0)), classes, 100_000, 1_000) == []
