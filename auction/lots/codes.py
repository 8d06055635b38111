"""Public bidder codes: the only name a bidder has before the lot ends (e.g. `K3827`)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Collection

ORDINARY_PREFIXES = "KMNRTW"
PRIORITY_PREFIX = "Y"  # 优先 (priority purchase right holders bid under a distinct code)


def new_bidder_code(taken: Collection[str], *, priority: bool = False) -> str:
    """A random code unused on this lot; random so that codes say nothing about identity or
    registration order."""
    for _ in range(1000):
        prefix = PRIORITY_PREFIX if priority else secrets.choice(ORDINARY_PREFIXES)
        code = prefix + "".join(secrets.choice(string.digits) for _ in range(4))
        if code not in taken:
            return code
    raise RuntimeError("no free bidder code on this lot")  # 60 000 codes; a lot never has that many
