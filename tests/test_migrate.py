"""The alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import models  # noqa: F401
from app.db import db


def test_migrations_match_the_models(db_url):
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(db_url):
    from app import migrate

    migrate.upgrade(db_url)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("select version_num from alembic_version")).scalar() == "0008"
    finally:
        engine.dispose()
