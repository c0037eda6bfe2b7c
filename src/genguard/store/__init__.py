"""Persistence: one SQLAlchemy metadata, SQLite by default, PostgreSQL by URL, Alembic migrations.

Each module keeps its tables in its own ``models.py`` on :class:`Base` and its migrations in
``store/migrations/versions`` on an Alembic branch labelled with the module name, so modules
evolve their schemas independently; ``upgrade heads`` brings every branch up to date.
"""

from genguard.store.db import Base, Store, default_url, open_store, utcnow

__all__ = ["Base", "Store", "default_url", "open_store", "utcnow"]
