"""Every Redis key and channel carries a hash tag, so that on a cluster each script, pipeline
and subscription stays within one slot and nothing assumes one node (issue 19.1)."""

from __future__ import annotations

import re

from auction.accounts import session_ends
from bidding_engine.keys import keepalive_channel, lot_keys
from core.throttle import Limit, Throttle

TAG = re.compile(r"\{[^{}]+\}")


def test_every_key_and_channel_has_one_hash_tag() -> None:
    keys = lot_keys("auc", 42)
    names = [*keys.all, keys.events, keys.watchers, keepalive_channel("auc"), session_ends.channel("auc")]
    throttle = Throttle(None, "auc")  # type: ignore[arg-type]  (the key needs no client)
    names += [throttle._key(Limit("sign-in", 5, 60), subject) for subject in ("Alice", "1.2.3.4", "a}b{c")]
    for name in names:
        assert len(TAG.findall(name)) == 1 and name.count("{") == 1, name
    # A lot's keys share one tag; a throttle's tag is whom it counts.
    assert {TAG.search(name).group() for name in [*keys.all, keys.events]} == {"{lot:42}"}  # type: ignore[union-attr]
    assert throttle._key(Limit("sign-in", 5, 60), "Alice").endswith("{alice}")
