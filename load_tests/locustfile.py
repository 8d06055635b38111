"""Locust users that speak docs/realtime.md (HTTP and the /ws WebSocket).

Run by `make loadtest` (load_tests/run_loadtest.py), which starts the server, seeds the lots and
writes LOADTEST_SEED, a JSON file naming the lots and the bidders' tokens. Every WebSocket
message is reported through locust's request events, so the statistics show them:

- `WS bid_ack`: a bid sent over the socket until its `bid_result`;
- `WS event_latency`: a bid event's engine time (`at_ms`) until the watcher received it;
- `WS lost_event`: a failure for every gap in a lot's seq a watcher saw (there must be none).
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import time
import uuid
from typing import Any

import websocket
from gevent.socket import wait_read
from locust import FastHttpUser, HttpUser, User, between, constant, constant_throughput, events, task
from locust.exception import StopUser

SEED: dict[str, Any] = {}
_seat_numbers: dict[str, itertools.count[int]] = collections.defaultdict(itertools.count)


@events.init.add_listener
def load_seed(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOADTEST_SEED")
    if path:
        SEED.update(json.loads(open(path, encoding="utf-8").read()))  # noqa: SIM115


def ws_url(host: str) -> str:
    return SEED.get("ws_url") or host.replace("http", "ws", 1).rsplit(":", 1)[0] + ":8001/ws"


class SocketClient:
    """A small blocking WebSocket client (gevent makes it cooperative) that reports to locust."""

    def __init__(self, environment: Any, url: str, token: str | None = None) -> None:
        self.environment = environment
        headers = [f"Authorization: Bearer {token}"] if token else []
        started = time.perf_counter()
        self.ws = websocket.create_connection(url, header=headers, timeout=30, enable_multithread=False)
        self.report("connect", (time.perf_counter() - started) * 1000)

    def report(self, name: str, ms: float, exception: Exception | None = None, length: int = 0) -> None:
        self.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=ms,
            response_length=length,
            exception=exception,
            context={},
        )

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def receive(self) -> dict[str, Any]:
        return dict(json.loads(self.ws.recv()))

    def receive_within(self, seconds: float) -> dict[str, Any] | None:
        """A message if one comes within `seconds`. Reading is what answers the gateway's pings:
        a socket nobody reads for 40 s is closed as dead, as a browser's would not be."""
        try:  # gevent's wait, not select(): a load of sockets has descriptors past select's 1024
            wait_read(self.ws.sock.fileno(), timeout=seconds)
        except TimeoutError:
            return None
        # One frame, a ping too (answered by the library): recv() would wait past a ping for
        # the next message, for as long as the lot stays quiet.
        opcode, frame = self.ws.recv_data_frame(True)
        return dict(json.loads(frame.data)) if opcode == websocket.ABNF.OPCODE_TEXT else None

    def close(self) -> None:
        self.ws.close()


class Browser(FastHttpUser):
    """A visitor: the home page, a search, lot pages, announcements. Each visitor makes 8
    requests a second at most (an open load, not a closed loop that only measures queueing)."""

    wait_time = constant_throughput(8)

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="page /")

    @task(4)
    def lot_page(self) -> None:
        lot_id = random.choice(SEED["browse_lot_ids"])
        self.client.get(f"/lots/{lot_id}", name="page /lots/{id}")  # the HTML lot page a browser loads

    @task(1)
    def search(self) -> None:
        self.client.get("/?q=" + random.choice(["压测", "住宅", "车"]), name="search /?q=")

    @task(1)
    def announcements(self) -> None:
        self.client.get("/announcements", name="page /announcements")


class Watcher(User):
    """Holds one subscription and times every bid event from its engine time."""

    wait_time = constant(0)
    fixed_count = int(os.environ.get("LOADTEST_WATCHERS", "0"))

    def on_start(self) -> None:
        self.lot_id = random.choice(SEED["lots"])["id"]
        self.socket = SocketClient(self.environment, ws_url(self.host))
        self.socket.send({"type": "subscribe", "lot_id": self.lot_id})
        snapshot = self.socket.receive()
        self.last_seq = int(snapshot.get("seq") or 0)

    @task
    def listen(self) -> None:
        try:
            message = self.socket.receive()
        except websocket.WebSocketTimeoutException:
            return
        if message.get("type") != "bid":
            return
        self.socket.report("event_latency", time.time() * 1000 - message["at_ms"])
        if message["seq"] != self.last_seq + 1:
            self.socket.report(
                "lost_event", 0, RuntimeError(f"lot {self.lot_id}: seq {self.last_seq} → {message['seq']}")
            )
        self.last_seq = message["seq"]

    def on_stop(self) -> None:
        self.socket.close()


class SeatedBidder(HttpUser):
    """Registers for its lot and pays the sandbox deposit; tasks come from the subclasses."""

    abstract = True
    last_code: str | None = None
    seats = "bidders"  # the seed's list this class takes its bidders from

    def on_start(self) -> None:
        bidders = SEED.get(self.seats) or SEED["bidders"]
        seat = bidders[next(_seat_numbers[self.seats]) % len(bidders)]  # each seat once, per list
        self.token, self.lot = seat["token"], next(lot for lot in SEED["lots"] if lot["id"] == seat["lot_id"])
        self.headers = {"Authorization": f"Bearer {self.token}"}
        registration = self.client.post(
            f"/api/v1/lots/{self.lot['id']}/registrations",
            headers=self.headers,
            name="register /api/v1/lots/{id}/registrations",
        )
        payment = registration.json()["deposit"]["payment_id"]
        self.client.post(
            f"/api/v1/payments/{payment}/simulate-paid",
            headers=self.headers,
            name="pay /api/v1/payments/{id}/simulate-paid",
        )
        self.price = 0
        self.socket = SocketClient(self.environment, ws_url(self.host), self.token)
        self.socket.send({"type": "subscribe", "lot_id": self.lot["id"]})
        self.price = int(self.socket.receive().get("price") or 0)

    def next_amount(self) -> int:
        if not self.price:
            return int(self.lot["starting_price"])
        return self.price + int(self.lot["increment"]) * random.randint(1, 3)

    def ws_bid(self) -> None:
        client_bid_id = str(uuid.uuid4())
        started = time.perf_counter()
        self.socket.send(
            {
                "type": "bid",
                "lot_id": self.lot["id"],
                "amount": self.next_amount(),
                "client_bid_id": client_bid_id,
            }
        )
        while True:
            message = self.socket.receive()
            if message.get("type") == "bid":
                self.price = max(self.price, int(message["amount"]))
            elif message.get("type") == "bid_result" and message.get("client_bid_id") == client_bid_id:
                break
        elapsed = (time.perf_counter() - started) * 1000
        self.last_code = message.get("code")
        refused = message.get("code") not in (None, "too_low", "already_leading", "ended", "not_live")
        self.socket.report("bid_ack", elapsed, RuntimeError(message["code"]) if refused else None)
        if message.get("accepted"):
            self.price = max(self.price, int(message["price"]))

    def on_stop(self) -> None:
        self.socket.close()


class Bidder(SeatedBidder):
    """Bids mostly over the socket, sometimes over HTTP, sometimes by setting a proxy maximum."""

    wait_time = between(1, 3)
    fixed_count = int(os.environ.get("LOADTEST_BIDDERS", "0"))

    @task(8)
    def bid_over_the_socket(self) -> None:
        self.ws_bid()

    @task(1)
    def bid_over_http(self) -> None:
        with self.client.post(
            f"/api/v1/lots/{self.lot['id']}/bids",
            headers=self.headers,
            catch_response=True,
            json={"amount": self.next_amount(), "client_bid_id": str(uuid.uuid4())},
            name="bid /api/v1/lots/{id}/bids",
        ) as response:
            if response.status_code in (201, 409):  # a rejection is an answer, not a failure
                response.success()

    @task(1)
    def proxy(self) -> None:
        with self.client.put(
            f"/api/v1/lots/{self.lot['id']}/proxy",
            headers=self.headers,
            catch_response=True,
            json={"max_amount": self.next_amount() + int(self.lot["increment"]) * 5},
            name="proxy /api/v1/lots/{id}/proxy",
        ) as response:
            if response.status_code in (200, 409):
                response.success()


class LateBidder(SeatedBidder):
    """The closing rush: waits for the last seconds of its lot, then bids until it closes."""

    wait_time = between(0.3, 1.5)
    seats = "late_bidders"  # when the seed has them apart (bench-scale); else "bidders"

    @task
    def bid_late(self) -> None:
        if self.last_code == "ended":
            raise StopUser()
        remaining_ms = int(self.lot["end_ms"]) - time.time() * 1000
        if remaining_ms > 6_000:
            message = self.socket.receive_within(min(1.0, (remaining_ms - 6_000) / 1000))
            if message is not None and message.get("type") == "bid":
                self.price = max(self.price, int(message["amount"]))
            return
        self.ws_bid()
