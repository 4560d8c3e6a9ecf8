"""What the benchmarks share: a database of their own (a temporary SQLite file, or a PostgreSQL schema dropped
afterwards), the app on it, real cases walked to a task, and percentiles."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The bare open tasks the inbox and task benchmarks bulk-insert: lanes in this mix, one task type per lane.
LANES = ("klantmanager", "klantmanager", "klantmanager", "pgb-consulent", "beslisser", "inwoner")
NAMES = {"klantmanager": ("gesprek_plannen", "Gesprek plannen"), "pgb-consulent": ("pgb_vaardigheid_toetsen", "Pgb-vaardigheid toetsen"),
         "beslisser": ("besluit_nemen", "Besluit nemen"), "inwoner": ("verslag_ondertekenen", "Verslag ondertekenen")}
# A real case's steps up to ``gesprek_voeren`` (the step the benchmarks take: it sends no letter).
TO_GESPREK_VOEREN = (("task", "gesprek_plannen", {"gesprek_nodig": True, "gesprek_vorm": "huisbezoek"}),
                     ("event", "persoonlijk_plan_ontvangen", {"plan": "Hulp bij schoonmaken."}))


@contextmanager
def database(url: str | None, tag: str = ""):
    """Yield a database URL of the benchmark's own: ``url``'s database in a new schema (PostgreSQL), or a new SQLite file.

    ``tag`` tells apart two such databases of one run."""
    import sqlalchemy as sa

    url = url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    schema = None
    if url.startswith("postgresql"):
        schema = f"bench_{os.getpid()}{tag}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        own = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    else:
        own = url
    os.environ["WMO_DATABASE_URL"] = own
    try:
        yield own
    finally:
        if schema:
            from app.db import db

            try:
                db.session.remove()
                db.engine.dispose()
            except Exception:  # no app context (the app was never made)
                pass
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def make_app(url: str):
    """Upgrade the database and make the app on it (its per-request log lines silenced: they would drown the figures)."""
    import logging

    from app import create_app, migrate
    from app.config import load_settings

    logging.getLogger("alembic").setLevel(logging.WARNING)  # a second database's upgrade would log every revision
    migrate.upgrade(url)
    os.environ["WMO_DATABASE_URL"] = url  # the app's database (a run may have several)
    app = create_app(load_settings(ROOT / "config.toml"))
    for name in ("app.request", "app.cases.service", "timers.ticker"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return app


def settle(db, tables) -> None:
    """After a bulk load, what runs on its own in production: autovacuum on PostgreSQL (VACUUM ANALYZE: statistics, and
    the visibility map that lets a query read an index alone), the timer worker's hourly ANALYZE on SQLite."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        for table in tables:
            db.session.execute(db.text(f"ANALYZE {table}"))
        db.session.commit()


def backend(url: str) -> str:
    return url.split(":", 1)[0].split("+")[0]


def case_at_gesprek_voeren(settings, bsn: str) -> int:
    """A real case (melding and its steps through the services) with ``gesprek_voeren`` open; return its id."""
    from app.demo import create_case, event, task, walk

    case_id = create_case(settings, bsn, date(2026, 11, 2))
    steps = [task(n, **v) if kind == "task" else event(n, **v) for kind, n, v in TO_GESPREK_VOEREN]
    walk(settings, case_id, steps, date(2026, 11, 3))
    return case_id


def open_task(case_id: int, name: str):
    from sqlalchemy import select

    from app.db import db
    from app.models import Task

    return db.session.scalar(select(Task).where(Task.case_id == case_id, Task.name == name, Task.closed_at.is_(None)))


def answers_for(settings, case_id: int, name: str, **overrides) -> dict:
    """The demo answers for task ``name`` of a case (what a caseworker would type)."""
    from app import forms, processes
    from app.db import db
    from app.demo import DEFAULTS, example_answers
    from app.models import Case

    route = processes.route_of(settings, db.session.get(Case, case_id))
    schema = forms.find(route.gemeente.form_dirs, route.definition.user_tasks[name].form)
    return example_answers(schema, {**DEFAULTS.get(name, {}), "leveringsvorm": "zin", **overrides}, "2026-11-04")


def p50_p95(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    return statistics.median(ordered), ordered[max(0, int(round(len(ordered) * 0.95)) - 1)]


def conditions() -> str:
    """How busy the machine was: the figures are only comparable within one run on a shared machine."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"
