"""Backup and restore as the README's "Productie" section tells them: a restored database reads every case back
identically, letters (PDF) included."""
import hashlib
import json
import os
import subprocess
import uuid
from urllib.parse import urlsplit

import sqlalchemy as sa

from ..conftest import PG_URL
from .live import cases_waiting_on_timers, pg_schema, schema_url, wmo


def _read_back(env, case_ids, url):
    assert wmo(env, "letters", "render").strip().endswith("pdf('s) gemaakt")  # the PDFs the timer worker would make
    shown = {case_id: json.loads(wmo(env, "cases", "show", str(case_id))) for case_id in case_ids}
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            letters = conn.execute(sa.text("SELECT case_id, kind, sha256, pdf FROM document ORDER BY id")).all()
    finally:
        engine.dispose()
    assert letters and all(hashlib.sha256(pdf).hexdigest() == sha for _, _, sha, pdf in letters)
    return shown, [(case_id, kind, sha) for case_id, kind, sha, _ in letters]


def test_pg_dump_and_pg_restore_into_a_fresh_database(tmp_path):
    parts = urlsplit(PG_URL.replace("postgresql+psycopg", "postgresql"))
    connection = ["-h", parts.hostname, "-p", str(parts.port or 5432), "-U", parts.username]
    fresh = f"wmo_herstel_{uuid.uuid4().hex[:8]}"
    with pg_schema() as schema:
        env = {**os.environ, "WMO_DATABASE_URL": schema_url(schema)}
        wmo(env, "db", "upgrade")
        case_ids = cases_waiting_on_timers(schema_url(schema), 1)
        wmo(env, "timers", "fire", "--now", "2026-12-01T09:00:00+01:00")  # a timer step in the audit trail too
        before = _read_back(env, case_ids, schema_url(schema))
        dump = tmp_path / "wmo.dump"
        # The README's backup, limited to this test's schema (-n) because the test database is shared.
        subprocess.run(["pg_dump", *connection, "-Fc", "-n", schema, "-f", str(dump), parts.path.lstrip("/")], check=True)
    subprocess.run(["createdb", *connection, fresh], check=True)
    try:
        subprocess.run(["pg_restore", *connection, "--no-owner", "-d", fresh, str(dump)], check=True)
        restored_url = PG_URL.rsplit("/", 1)[0] + f"/{fresh}?options=-csearch_path%3D{schema}"
        restored = {**os.environ, "WMO_DATABASE_URL": restored_url}
        assert _read_back(restored, case_ids, restored_url) == before
        wmo(restored, "db", "upgrade")  # the restored database is at the newest version already: nothing to do
    finally:
        subprocess.run(["dropdb", *connection, "--force", fresh], check=True)


def test_sqlite_backup_reads_back_identically(tmp_path):
    url = f"sqlite:///{tmp_path / 'wmo.db'}"
    env = {**os.environ, "WMO_DATABASE_URL": url}
    wmo(env, "db", "upgrade")
    case_ids = cases_waiting_on_timers(url, 1)
    before = _read_back(env, case_ids, url)
    copy = tmp_path / "wmo-backup.db"
    subprocess.run(["sqlite3", str(tmp_path / "wmo.db"), f".backup '{copy}'"], check=True)
    for lost in ("wmo.db", "wmo.db-wal", "wmo.db-shm"):  # the original is lost; the backup goes back in its place
        (tmp_path / lost).unlink(missing_ok=True)
    copy.rename(tmp_path / "wmo.db")
    assert _read_back(env, case_ids, url) == before
