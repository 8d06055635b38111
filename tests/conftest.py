"""Test infrastructure shared by every folder.

- Markers come from the folder (unit, integration, e2e); a test elsewhere is an error.
- Services: `DATABASE_URL` / `REDIS_URL` when set (CI uses the machine's own), embedded
  services in a temporary folder otherwise, exactly as the app does.
- PostgreSQL: one fresh database per session, created and migrated here and dropped at the
  end (we never drop what we did not create); each `session` test runs in a transaction
  that is rolled back.
- Redis: every key and channel lives under a per-session namespace, deleted at the end, so
  a shared Redis is never flushed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from auction.migrations import upgrade
from core.db import async_url, create_engine
from core.embedded import EmbeddedServices
from core.redis import connect
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FOLDER_MARKERS = {"unit", "integration", "e2e"}
TEST_SECRET = "test-secret-key-" + "x" * 32


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if folder not in FOLDER_MARKERS:
            raise pytest.UsageError(
                f"{item.nodeid}: tests live in tests/unit, tests/integration or tests/e2e"
            )
        item.add_marker(getattr(pytest.mark, folder))


@pytest.fixture(scope="session")
def service_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    data_dir = tmp_path_factory.mktemp("services")
    with EmbeddedServices(data_dir, postgres=not database_url, redis=not redis_url) as services:
        yield (
            database_url or (services.postgres.url if services.postgres else ""),
            redis_url or (services.redis.url if services.redis else ""),
        )


@pytest.fixture(scope="session")
def redis_url(service_urls: tuple[str, str]) -> str:
    return service_urls[1]


@pytest.fixture(scope="session")
def redis_namespace() -> str:
    return f"test-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
async def database_url(service_urls: tuple[str, str]) -> AsyncIterator[str]:
    """A fresh, migrated database for this session on the configured server."""
    server_url = async_url(service_urls[0])
    name = f"auction_test_{secrets.token_hex(4)}"
    admin = create_engine(
        server_url.set(database="postgres").render_as_string(hide_password=False), pool_size=1
    )
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, pool_size=1)
    await upgrade(engine)
    await engine.dispose()
    try:
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(db_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits become savepoints of an outer transaction rolled back at the end."""
    async with db_engine.connect() as connection:
        transaction = await connection.begin()
        async with AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as db_session:
            yield db_session
        await transaction.rollback()


@pytest.fixture(scope="session")
async def redis(redis_url: str, redis_namespace: str) -> AsyncIterator[Redis]:
    client = connect(redis_url)
    yield client
    async for key in client.scan_iter(match=f"{redis_namespace}:*", count=1000):
        await client.unlink(key)
    await client.aclose()


@pytest.fixture
def settings(database_url: str, redis_url: str, redis_namespace: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "AUCTION_RULES": "sandbox",
            "AUCTION_OBJECTION_SECONDS": "1",
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_NAMESPACE": redis_namespace,
            "DATA_DIR": str(tmp_path / "data"),
        }
    )


def database_name(url: str) -> str:
    return make_url(url).database or ""
