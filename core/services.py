"""Resolve the settings' service URLs, starting embedded services for the ones left unset."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from core.embedded import EmbeddedServices
from core.settings import Settings


@contextlib.contextmanager
def resolved_services(settings: Settings) -> Iterator[Settings]:
    """Yield settings whose URLs are all set; embedded services started here stop on exit.

    Production and the embedded default take the same path from here on: only the URLs differ.
    """
    services = EmbeddedServices(
        settings.data_dir, postgres=settings.database_url is None, redis=settings.redis_url is None
    )
    with services:
        yield settings.replace(
            database_url=settings.database_url or (services.postgres.url if services.postgres else None),
            redis_url=settings.redis_url or (services.redis.url if services.redis else None),
        )
