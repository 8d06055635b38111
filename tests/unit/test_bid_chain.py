from __future__ import annotations

import dataclasses
import hashlib

from auction.lots.bid_chain import GENESIS_HASH, ChainLink, canonical, link_hash, verify


def chain(n: int) -> list[tuple[ChainLink, str, str]]:
    rows, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        link = ChainLink(7, seq, "K1001", 100_000 + seq * 1_000, "manual", 1_795_000_000_000 + seq)
        digest = link_hash(prev, link)
        rows.append((link, prev, digest))
        prev = digest
    return rows


def test_canonical_form_is_stable_and_documented() -> None:
    link = ChainLink(7, 1, "K1001", 100_000, "manual", 1_795_000_000_000)
    assert canonical(link) == (
        b'{"amount":100000,"at_ms":1795000000000,"bidder_code":"K1001","kind":"manual","lot_id":7,"seq":1}'
    )
    assert (
        link_hash(GENESIS_HASH, link) == hashlib.sha256(GENESIS_HASH.encode() + canonical(link)).hexdigest()
    )


def test_an_intact_chain_verifies() -> None:
    rows = chain(5)
    check = verify(rows)
    assert check.valid and check.count == 5 and check.head == rows[-1][2]
    assert verify([]).head == GENESIS_HASH and verify([]).valid


def test_an_altered_amount_is_found_at_its_seq() -> None:
    rows = chain(5)
    link, prev, digest = rows[2]
    rows[2] = (dataclasses.replace(link, amount=link.amount + 1), prev, digest)
    check = verify(rows)
    assert (check.valid, check.first_broken_seq, check.reason) == (False, 3, "hash_mismatch")


def test_a_removed_row_is_found() -> None:
    rows = chain(5)
    del rows[1]
    assert verify(rows).first_broken_seq == 3 and verify(rows).reason == "gap_in_seq"


def test_a_rehashed_row_breaks_the_next_link() -> None:
    rows = chain(5)
    link, prev, _ = rows[1]
    forged = dataclasses.replace(link, amount=1)
    rows[1] = (forged, prev, link_hash(prev, forged))
    check = verify(rows)
    assert (check.first_broken_seq, check.reason) == (3, "prev_hash_mismatch")
