"""Alembic environment: runs on the connection the Store hands over (no ini file needed)."""

from __future__ import annotations

from alembic import context

from genguard.store.db import Base, import_models

import_models()
target_metadata = Base.metadata

connection = context.config.attributes.get("connection")
if connection is None:  # invoked from the alembic CLI: build an engine from the default URL
    from genguard.store.db import Store

    connection = Store().engine.connect()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
