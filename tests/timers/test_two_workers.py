"""Two timer workers against one PostgreSQL database: every due timer fires exactly once."""
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func, select

from app import create_app, migrate
from app.config import load_settings
from app.db import db
from app.demo import create_case, demo_bsns, task, walk
from app.models import AuditEvent, Timer

from ..conftest import PG_URL, ROOT

WMO = Path(sys.executable).parent / "wmo"
CASES = 30


def test_two_workers_fire_each_timer_once(monkeypatch):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        migrate.upgrade(url)
        monkeypatch.setenv("WMO_DATABASE_URL", url)
        app = create_app(load_settings(ROOT / "config.toml"))
        with app.app_context():
            settings = app.extensions["wmo"]
            for bsn in demo_bsns(CASES):
                case_id = create_case(settings, bsn, date(2026, 11, 2))
                walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 11, 3))
            # each case waits on its persoonlijk-plan window (due 10 Nov) and its onderzoek term (due 15 Dec)
            assert db.session.scalar(select(func.count()).select_from(Timer)) == 2 * CASES
            db.session.remove()
            env = {**os.environ, "WMO_DATABASE_URL": url}
            command = [str(WMO), "timers", "fire", "--now", "2026-11-10T00:00:00+01:00"]
            workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                       for _ in range(2)]
            outputs = [worker.communicate(timeout=300) for worker in workers]
            assert all(worker.returncode == 0 for worker in workers), outputs
            counts = [int(out.split()[0]) for out, _ in outputs]
            assert sum(counts) == CASES, counts
            assert db.session.scalar(select(func.count()).select_from(Timer)) == CASES  # the onderzoek terms, not yet due
            per_case = db.session.execute(
                select(AuditEvent.case_id, func.count()).where(AuditEvent.kind == "timer").group_by(AuditEvent.case_id)).all()
            assert len(per_case) == CASES and all(n == 1 for _, n in per_case)
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
