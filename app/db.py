"""The SQLAlchemy handle and the column types every table shares."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
log = logging.getLogger(__name__)


def init_app(app) -> None:
    """Bind ``db`` to the app, and end each request's session without failing the request when the database is gone."""
    db.init_app(app)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them last-registered first).
    @app.teardown_appcontext
    def _remove_session(error):
        try:
            db.session.remove()
        except Exception as failure:
            # The database went away during the request, so its connection cannot even roll back. The response is
            # made already, and there is nothing to undo (the server rolls back a transaction whose connection
            # broke): the connections are dropped and the request keeps its answer.
            log.warning("ending the request's session failed (%s); its connections are dropped",
                        type(getattr(failure, "orig", failure)).__name__)
            try:
                db.session.registry().invalidate()
            finally:
                db.session.registry.clear()


class UTCDateTime(TypeDecorator):
    """An instant stored as naive UTC on every database and returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants must be timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def utcnow() -> datetime:
    """Return the real current instant (audit times are wall-clock, never the engine clock)."""
    return datetime.now(timezone.utc)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, write-ahead log, wait for locks instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
