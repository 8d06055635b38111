"""The public bid log's hash chain: `hash = sha256(prev_hash ‖ canonical bid)`.

Pure functions. The canonical form uses only what the public bid history shows (lot, seq,
bidder code, amount, kind, engine time in ms), so anyone holding the published log can
recompute the chain and compare its head with the one announced at the close.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainLink:
    lot_id: int
    seq: int
    bidder_code: str
    amount: int
    kind: str
    at_ms: int


def canonical(link: ChainLink) -> bytes:
    """Sorted keys, no spaces, integers as integers: one byte string per bid."""
    body = {
        "amount": link.amount,
        "at_ms": link.at_ms,
        "bidder_code": link.bidder_code,
        "kind": link.kind,
        "lot_id": link.lot_id,
        "seq": link.seq,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def link_hash(prev_hash: str, link: ChainLink) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(link)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainCheck:
    valid: bool
    head: str  # the hash of the last link, or GENESIS_HASH for an empty log
    count: int
    first_broken_seq: int | None = None
    reason: str | None = None


def verify(rows: Iterable[tuple[ChainLink, str, str]]) -> ChainCheck:
    """Check (link, prev_hash, hash) rows in seq order: numbering 1, 2, 3 … without gaps,
    each prev_hash the hash before it, each hash recomputed from the link."""
    expected_prev, count = GENESIS_HASH, 0
    for link, prev_hash, stored_hash in rows:
        count += 1
        if link.seq != count:
            return ChainCheck(False, expected_prev, count - 1, link.seq, "gap_in_seq")
        if prev_hash != expected_prev:
            return ChainCheck(False, expected_prev, count - 1, link.seq, "prev_hash_mismatch")
        if link_hash(prev_hash, link) != stored_hash:
            return ChainCheck(False, expected_prev, count - 1, link.seq, "hash_mismatch")
        expected_prev = stored_hash
    return ChainCheck(True, expected_prev, count)
