"""The database handle: a request whose database goes away before the request ends keeps the response it made."""
from pathlib import Path

from sqlalchemy import text

from app import create_app, migrate
from app.config import load_settings
from app.db import db
from tests.production.live import Proxy, pg_schema, schema_url

ROOT = Path(__file__).resolve().parents[1]


def test_a_request_whose_database_went_away_keeps_its_answer_and_the_next_one_reconnects(monkeypatch, caplog):
    proxy = Proxy()
    try:
        with pg_schema() as schema:
            migrate.upgrade(schema_url(schema))
            monkeypatch.setenv("WMO_DATABASE_URL", schema_url(schema, proxy.port))
            app = create_app(load_settings(ROOT / "config.toml"))

            @app.get("/_test/lezen")
            def read_then_lose_the_database():
                db.session.execute(text("select 1"))  # a transaction is open on the connection
                if app.config.get("CUT"):
                    proxy.cut()  # PostgreSQL restarts before the request has ended: its rollback cannot reach it
                return "gelezen"

            client = app.test_client()
            app.config["CUT"] = True
            response = client.get("/_test/lezen")  # before: the teardown's failed rollback made it a bare 500
            assert response.status_code == 200 and response.data == b"gelezen"
            assert "ending the request's session failed (OperationalError)" in caplog.text

            proxy.restore()
            app.config["CUT"] = False
            assert client.get("/_test/lezen").data == b"gelezen"  # a new connection, nothing restarted
            with app.app_context():
                db.engine.dispose()
    finally:
        proxy.close()
