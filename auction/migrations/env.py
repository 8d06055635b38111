"""Alembic environment: runs on the connection `auction.migrations` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import auction.models  # noqa: F401  (registers the tables)
import settlement.models  # noqa: F401
from core.db import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `auction migrate`, which provides the connection")

context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
