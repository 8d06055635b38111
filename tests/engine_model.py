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

    def _kind(self, registration: int, amount: int) -> str | None:
        """The kind of bid `amount` would be for `registration` now, or None if they could not
        make it (the same amount rules as a manual bid)."""
        if self.price == 0:
            ok = amount >= self.start and (amount - self.start) % self.increment == 0
            return "proxy" if ok else None
        if amount == self.price:
            return "priority" if self.regs[registration][1] < self.leader_class() else None
        ok = amount >= self.price + self.increment and (amount - self.price) % self.increment == 0
        return "proxy" if ok else None

    def _step(self, registration: int | None, amount: int) -> bool:
        if registration is None or registration == self.leader:
            return False
        kind = self._kind(registration, amount)
        if kind is None:
            return False
        self._accept(registration, amount, kind)
        return True

    def _contenders(self) -> list[tuple[int, int, int, int | None]]:
        """(reach, class, order, registration) of every proxy that can bid now, plus the leader
        (registration None: a leader without a proxy), strongest first."""
        inc, price = self.increment, self.price
        opening = price == 0
        base = self.start if opening else price
        needed = self.start if opening else price + inc
        ranked: list[tuple[int, int, int, int | None]] = []
        for registration, proxy in self.proxies.items():
            if registration not in self.regs or registration == self.leader:
                continue
            cls = self.regs[registration][1]
            reach = self._reach(base, proxy.max_amount) if proxy.max_amount >= base else base - inc
            matches = not opening and cls < self.leader_class() and proxy.max_amount >= price
            if reach >= needed or matches:
                ranked.append((max(reach, price), cls, proxy.order, registration))
        if ranked and self.leader is not None:
            own = self.proxies.get(self.leader)
            if own is not None:
                reach = self._reach(price, own.max_amount) if own.max_amount >= price else price
                ranked.append((max(price, reach), self.leader_class(), own.order, self.leader))
            else:
                ranked.append((price, self.leader_class(), -1, None))
        return sorted(ranked, key=lambda e: (-e[0], e[1], e[2]))

    def _resolve_proxies(self) -> None:
        """Every automatic step a bid its bidder could make. The winner pays the runner-up's
        reach when it can match it, else that reach plus an increment within its own maximum;
        a runner-up that is the leader is answered by a pre-step of the winner, or the winner
        jumps to the smallest amount the leader's proxy cannot answer."""
        ranked = self._contenders()
        if not ranked:
            return
        inc, price = self.increment, self.price
        needed = self.start if price == 0 else price + inc
        winner = ranked[0]
        if len(ranked) == 1:
            self._step(winner[3], needed)
            return
        runner = ranked[1]
        matching = winner[1] < runner[1]
        if matching:
            final = runner_last = runner[0]
        elif winner[0] == runner[0]:
            final, runner_last = winner[0], winner[0] - inc
        else:
            final = min(winner[0], runner[0] + inc)
            runner_last = final - inc
        if winner[3] == self.leader:
            if self._step(runner[3], runner_last):
                self._step(winner[3], final)
        elif runner[3] is None or runner[3] == self.leader:
            self._answer_the_leader(winner, runner, final, runner_last, matching)
        else:
            self._step(runner[3], runner_last)
            self._step(winner[3], final)

    def _answer_the_leader(
        self,
        winner: tuple[int, int, int, int | None],
        runner: tuple[int, int, int, int | None],
        final: int,
        runner_last: int,
        matching: bool,
    ) -> None:
        inc, price = self.increment, self.price
        needed = price + inc
        pre = runner_last - inc
        if runner[3] is not None and runner_last > price and needed <= pre <= winner[0]:
            self._step(winner[3], pre)
            self._step(runner[3], runner_last)
            self._step(winner[3], final)
            return
        if matching and not (runner[3] is not None and price + inc <= runner[0]):
            jump = price
        elif runner[1] < winner[1]:
            jump = runner[0] + inc
        else:
            jump = max(needed, runner[0])
        self._step(winner[3], min(jump, winner[0]))

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


def illegal_steps(
    bids: list[tuple[int, str, int, str]], classes: dict[str, int], start: int, increment: int
) -> list[str]:
    """Every bid of a log (seq, bidder code, amount, kind) that its bidder could not have made
    by the rules of a manual bid, given the bids before it: the leader raising itself, an
    amount off the grid or too low, a match by someone who does not rank above the leader.
    Written from the rules alone, not from how proxies resolve."""
    problems: list[str] = []
    price, leader = 0, None
    for seq, code, amount, kind in bids:
        cls = classes.get(code, ORDINARY)
        if code == leader:
            problems.append(f"#{seq} {code} raises itself")
        elif price == 0:
            if amount < start or (amount - start) % increment:
                problems.append(f"#{seq} {code} {amount}: not a first bid")
        elif amount == price:
            if kind != "priority" or cls >= classes.get(leader or "", ORDINARY):
                problems.append(f"#{seq} {code} {amount}: a match it may not make")
        elif amount < price + increment or (amount - price) % increment:
            problems.append(f"#{seq} {code} {amount}: not price + whole increments")
        price, leader = amount, code
    return problems
