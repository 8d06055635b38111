"""A pure Python model of the bidding rules (docs/rules.md, "How bidding works"), written
independently of the Lua so that the parity test can hold one against the other.

Time is modelled as the lot's remaining time only: every rule compares the end with the
clock, so advancing the clock by d is the same as moving the end d closer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORDINARY = 10**9
MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class ModelBid:
    seq: int
    code: str
    amount: int
    kind: str
    remaining_after: int


@dataclass
class Proxy:
    max_amount: int
    order: int


@dataclass
class LotModel:
    start: int
    increment: int
    extension: int
    remaining: int
    regs: dict[int, tuple[str, int]]  # registration -> (code, class); class ORDINARY for ordinary bidders
    status: str = "live"
    price: int = 0
    leader: int | None = None
    proxies: dict[int, Proxy] = field(default_factory=dict)
    proxy_order: int = 0
    results: dict[tuple[int, str], tuple] = field(default_factory=dict)
    bids: list[ModelBid] = field(default_factory=list)
    outcome: str | None = None

    @property
    def seq(self) -> int:
        return len(self.bids)

    def leader_class(self) -> int:
        return self.regs[self.leader][1] if self.leader is not None and self.leader in self.regs else 0

    # -- time ------------------------------------------------------------------------

    def advance(self, ms: int) -> None:
        if self.status == "live":
            self.remaining -= ms

    def _availability(self) -> str | None:
        if self.status in ("cancelled", "suspended"):
            return "not_live"
        if self.status == "ended" or self.remaining <= 0:
            return "ended"
        return None

    # -- bidding ---------------------------------------------------------------------

    def _accept(self, registration: int, amount: int, kind: str) -> None:
        self.price, self.leader = amount, registration
        if self.remaining < self.extension:
            self.remaining = self.extension
        self.bids.append(ModelBid(self.seq + 1, self.regs[registration][0], amount, kind, self.remaining))

    def bid(self, registration: int, amount: object, client_bid_id: str) -> tuple:
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
            return (False, "invalid_amount")
        key = (registration, client_bid_id)
        if key not in self.results:
            self.results[key] = self._decide(registration, amount)
        return self.results[key]

    def _decide(self, registration: int, amount: int) -> tuple:
        if (refusal := self._availability()) is not None:
            return (False, refusal)
        if registration not in self.regs:
            return (False, "not_registered")
        if self.leader == registration:
            return (False, "already_leading")
        kind = "manual"
        if self.price == 0:
            if amount < self.start:
                return (False, "too_low")
            if (amount - self.start) % self.increment:
                return (False, "invalid_amount")
        elif amount == self.price:
            if self.regs[registration][1] >= self.leader_class():
                return (False, "too_low")
            kind = "priority"
        elif amount < self.price + self.increment:
            return (False, "too_low")
        elif (amount - self.price) % self.increment:
            return (False, "invalid_amount")
        self._accept(registration, amount, kind)
        own_seq = self.seq
        self._resolve_proxies()
        return (True, own_seq, self.price)

    def set_proxy(self, registration: int, max_amount: object) -> tuple:
        if (
            not isinstance(max_amount, int)
            or isinstance(max_amount, bool)
            or not 0 < max_amount <= MAX_AMOUNT
        ):
            return (False, "invalid_amount")
        if (refusal := self._availability()) is not None:
            return (False, refusal)
        if registration not in self.regs:
            return (False, "not_registered")
        if self.leader == registration:
            floor = self.price
        elif self.price == 0:
            floor = self.start
        else:
            floor = self.price + self.increment
        if max_amount < floor:
            return (False, "too_low")
        existing = self.proxies.get(registration)
        if existing is None or existing.max_amount != max_amount:
            self.proxy_order += 1
            self.proxies[registration] = Proxy(max_amount, self.proxy_order)
        self._resolve_proxies()
        return (True, max_amount, self.price)

    def _reach(self, base: int, max_amount: int) -> int:
        """The highest amount base + k × increment (k ≥ 0) within max_amount."""
        return base + (max_amount - base) // self.increment * self.increment

    def _resolve_proxies(self) -> None:
        """Earlier setting wins at equal reach; the winner pays the runner-up's reach plus one
        increment, within its own maximum; the runner-up's last step is recorded first."""
        opening = self.price == 0
        base = self.start if opening else self.price
        needed = self.start if opening else self.price + self.increment
        ranked: list[tuple[int, int, int | None]] = []  # (reach, order, registration)
        for registration, proxy in self.proxies.items():
            if registration not in self.regs or registration == self.leader or proxy.max_amount < base:
                continue
            reach = self._reach(base, proxy.max_amount)
            if reach >= needed:
                ranked.append((reach, proxy.order, registration))
        if not ranked:
            return
        if self.leader is not None:
            own = self.proxies.get(self.leader)
            if own is not None and own.max_amount >= self.price:
                ranked.append((self._reach(self.price, own.max_amount), own.order, self.leader))
            else:
                ranked.append((self.price, -1, None))  # a leader without a proxy cannot answer
        ranked.sort(key=lambda entry: (-entry[0], entry[1]))
        winner = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        if runner_up is None:
            final = needed
        elif winner[0] == runner_up[0]:
            final = winner[0]
        else:
            final = min(winner[0], runner_up[0] + self.increment)
        if runner_up is not None and runner_up[2] is not None and final - self.increment >= needed:
            self._accept(runner_up[2], final - self.increment, "proxy")
        assert winner[2] is not None
        self._accept(winner[2], final, "proxy")

    # -- the court and the clock -----------------------------------------------------

    def control(self, action: str) -> tuple:
        if self.status == "cancelled":
            return (False, "not_live")
        if self.status == "ended" or (self.status == "live" and self.remaining <= 0):
            return (False, "ended")
        if action == "suspend":
            if self.status != "live":
                return (False, "not_live")
            self.status = "suspended"
        elif action == "resume":
            if self.status != "suspended":
                return (False, "not_suspended")
            self.status = "live"
        else:
            self.status = "cancelled"
        return (True, self.status)

    def close(self) -> tuple:
        if self.status == "live" and self.remaining <= 0:
            self.status = "ended"
            self.outcome = "sold" if self.leader is not None else "failed"
        return (self.status, self.outcome)

    def register(self, registration: int, code: str, priority_rank: int | None) -> bool:
        if self.status in ("ended", "cancelled"):
            return False
        self.regs[registration] = (code, priority_rank or ORDINARY)
        return True
