"""Telling every gateway worker that sign-ins ended (a sign-out, a deactivated account), so a
socket opened with that session stops bidding at once instead of at its next handshake.

The announcement is best effort (pub/sub delivers at most once): the gateway also checks its
connections' sessions again every few seconds, which bounds what a missed message can cost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import msgspec

from core.redis import AnyRedis, is_redis_failure, ready, refresh_topology
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)


class SessionEnded(msgspec.Struct, frozen=True):
    token_hash: str | None = None  # one session (sign-out)
    user_id: int | None = None  # every session of the account (deactivated)


_decoder = msgspec.json.Decoder(SessionEnded)


def channel(namespace: str) -> str:
    return f"{namespace}:{{sessions}}:ended"


async def announce(redis: AnyRedis, namespace: str, ended: SessionEnded) -> None:
    try:
        await redis.publish(channel(namespace), msgspec.json.encode(ended))
    except Exception as exc:
        if not is_redis_failure(exc):
            raise
        # The revocation is committed; the gateways' periodic check catches up within seconds.
        log.warning("session end not announced (the gateways' own check will see it): %s", exc)


async def listen(redis: AnyRedis, namespace: str, on_end: Callable[[SessionEnded], None]) -> None:
    """Call `on_end` for every announcement, until cancelled; reconnects after a Redis failure."""
    pubsub = redis.pubsub()
    try:
        while True:
            stop_if_cancelled()
            try:
                if not pubsub.subscribed:
                    await ready(redis)
                    await pubsub.subscribe(channel(namespace))
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except Exception as exc:
                if not is_redis_failure(exc):
                    raise
                log.warning("session-end subscription lost, reconnecting: %s", exc)
                await asyncio.sleep(0.5)
                # Made anew: on a cluster the node it was on may be gone for good (a failover),
                # and a new one subscribes wherever the cluster now serves the channel. (PUBLISH
                # reaches every node of a cluster, so any node will do.)
                try:
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                    await refresh_topology(redis)
                except Exception as again:
                    if not is_redis_failure(again):
                        raise
                pubsub = redis.pubsub()
                continue
            if message is None or message["type"] != "message":
                continue
            try:
                ended = _decoder.decode(message["data"])
            except msgspec.DecodeError:
                log.error("undecodable session-end announcement: %r", message["data"][:200])
                continue
            on_end(ended)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
