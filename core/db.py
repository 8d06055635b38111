"""The database: one declarative base for every context's tables, engine and session factory.

Every context declares its tables on `Base`, so foreign keys between contexts are plain
table-name strings and `settlement` never has to import `auction`'s classes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import BigInteger, DateTime, MetaData
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

# What the layers above pass around without importing SQLAlchemy themselves (web/ never does):
# a unit of work, the factory of units of work, the connection pool.
DbSession = AsyncSession
DbSessions = async_sessionmaker[AsyncSession]
DbEngine = AsyncEngine
DbConnection = AsyncConnection


@contextlib.asynccontextmanager
async def autocommit(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled connection with no transaction around its statements: each commits on its own
    (for a path of statements each whole by itself, where BEGIN and COMMIT are two round trips)."""
    async with engine.connect() as connection:
        yield await connection.execution_options(isolation_level="AUTOCOMMIT")


# Named constraints make migrations reviewable and errors recognisable (IntegrityError names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012
        int: BigInteger,
        dt.datetime: DateTime(timezone=True),
    }


def async_url(url: str) -> URL:
    """Accept the usual `postgresql://` form and select the asyncpg driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got driver {parsed.drivername!r}")
    return parsed


def create_engine(url: str, *, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    """`pre_ping` tests each connection as it leaves the pool (a round trip) so that a restarted
    database costs no request an error; without it the first use of a dead connection fails and
    the pool is renewed."""
    return create_async_engine(async_url(url), pool_size=pool_size, max_overflow=10, pool_pre_ping=pre_ping)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# What a database that is away, restarting or overloaded raises: a caller that can wait retries.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sa.exc.SQLAlchemyError, OSError)


def database_away(exc: BaseException) -> bool:
    """Whether `exc` says the database could not be used at all (away, restarting, out of
    connections), as opposed to refusing one statement (a value too long, a constraint): the
    first stops every caller alike, the second concerns only the row at hand."""
    if isinstance(exc, OSError | TimeoutError | sa.exc.DisconnectionError | sa.exc.InterfaceError):
        return True
    if isinstance(exc, sa.exc.TimeoutError | sa.exc.OperationalError):  # pool timeout, shutdown
        return True
    return isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated


def like_pattern(text: str) -> str:
    """`%text%` for LIKE/ILIKE with `\\` as the escape: the user's % and _ match themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def ping(engine: AsyncEngine) -> None:
    """One round trip to the database; raises one of DATABASE_ERRORS when it does not answer."""
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def str_enum(kind: type[enum.StrEnum], *, name: str | None = None) -> sa.Enum:
    """A VARCHAR column with a CHECK of the enum's values (no native PG enum: cheaper migrations).

    `name` names the CHECK when one table has two columns of the same enum.
    """
    return sa.Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=32,
        name=name or kind.__name__.lower(),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
