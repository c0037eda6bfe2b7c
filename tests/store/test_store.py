import pytest
from sqlalchemy import inspect

from genguard.errors import StoreError
from genguard.store import open_store
from genguard.store.meta import Meta


def test_migrate_creates_tables_and_is_idempotent(store_url: str) -> None:
    s = open_store(store_url)
    s.migrate()  # second run is a no-op
    assert "genguard_meta" in inspect(s.engine).get_table_names()
    with s.session() as sess:
        sess.add(Meta(key="k", value="v"))
    with s.session() as sess:
        assert sess.get(Meta, "k").value == "v"  # type: ignore[union-attr]
    s.dispose()


def test_unreachable_database_is_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot migrate database"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:9/none")
