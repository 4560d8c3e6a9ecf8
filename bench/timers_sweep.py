"""Benchmark: one timer sweep with 100,000 timers waiting, with 1,000 due and with none due.

Run with `make bench` (SQLite in a temporary file) or `python bench/timers_sweep.py --url postgresql+psycopg://...`.
Prints the figures; asserts nothing. The 1,000 due timers belong to real cases walked through the route; to keep set-up short, the
other 99,000 waiting timers belong to bare case rows (never loaded: their timers lie in 2031).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--compare-batch", action="store_true",
                        help="fire the first half of the due timers one case per transaction (batch=1, as before) and the rest "
                             "in batches, and print both (same run, same machine load)")
    args = parser.parse_args()
    import sqlalchemy as sa

    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    schema = None
    if url.startswith("postgresql"):  # a schema of its own, dropped afterwards
        schema = f"bench_{os.getpid()}"
        with sa.create_engine(url).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        admin_url, url = url, f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    os.environ["WMO_DATABASE_URL"] = url
    try:
        run(url, args)
    finally:
        if schema:
            with sa.create_engine(admin_url).begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def run(url: str, args) -> None:
    import sqlalchemy as sa

    from app import create_app, migrate
    from app.cases import service
    from app.config import load_settings
    from app.db import db
    from app.demo import create_case, demo_bsns, task, walk
    from app.models import Case, Timer

    migrate.upgrade(url)
    app = create_app(load_settings(ROOT / "config.toml"))
    import logging

    logging.getLogger("app.cases.service").setLevel(logging.WARNING)  # one line per fired timer would drown the figures
    with app.app_context():
        settings = app.extensions["wmo"]
        started = time.perf_counter()
        # Cases due in the sweep: each waits for its persoonlijk-plan window (due 10 Nov 2026).
        for bsn in demo_bsns(args.due):
            case_id = create_case(settings, bsn, date(2026, 11, 2))
            walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 11, 3))
        template = db.session.get(Case, case_id)
        far = datetime(2031, 1, 1, tzinfo=timezone.utc)
        rows, batch = args.waiting - args.due, 5_000
        columns = {c: getattr(template, c) for c in ("gemeente", "process_version_id", "status", "bsn", "naam",
                                                     "geboortedatum", "adres", "version")}
        columns.update(data={}, state="{}")  # never restored: their timers lie in 2031
        next_id = case_id + 1
        while rows > 0:
            n = min(batch, rows)
            db.session.execute(sa.insert(Case), [{**columns, "id": next_id + i} for i in range(n)])
            db.session.execute(sa.insert(Timer), [{"case_id": next_id + i, "task_id": f"bench-{next_id + i}",
                                                   "name": "wacht_op_plan", "due_at": far + timedelta(minutes=i)}
                                                  for i in range(n)])
            db.session.commit()
            next_id += n
            rows -= n
        waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Timer))
        print(f"set-up: {waiting} waiting timers, {args.due} of them due, in {time.perf_counter() - started:.1f} s")

        nothing_due = datetime(2026, 11, 5, tzinfo=timezone.utc)
        empty = []
        for _ in range(50):
            t0 = time.perf_counter()
            assert service.fire_due(settings, nothing_due) == 0
            empty.append(time.perf_counter() - t0)
        backend = url.split(":", 1)[0]
        due_at = datetime(2026, 11, 10, 12, tzinfo=timezone.utc)
        if args.compare_batch:
            t0 = time.perf_counter()
            single = service.fire_due(settings, due_at, limit=args.due // 2, batch=1)
            one_each = time.perf_counter() - t0
            t0 = time.perf_counter()
            batched = service.fire_due(settings, due_at, limit=args.due)
            in_batches = time.perf_counter() - t0
            print(f"{backend}: one case per transaction: {single} timers in {one_each:.2f} s, "
                  f"{one_each / max(single, 1) * 1000:.2f} ms per timer; in batches of {service.FIRE_BATCH}: {batched} timers "
                  f"in {in_batches:.2f} s, {in_batches / max(batched, 1) * 1000:.2f} ms per timer (load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            return
        t0 = time.perf_counter()
        fired = service.fire_due(settings, due_at, limit=args.due)
        full = time.perf_counter() - t0
        print(f"{backend}: sweep with none due: median {statistics.median(empty) * 1000:.2f} ms, "
              f"p95 {sorted(empty)[int(len(empty) * 0.95) - 1] * 1000:.2f} ms (target < 10 ms)")
        print(f"{backend}: sweep with {fired} due: {full:.2f} s, {full / max(fired, 1) * 1000:.2f} ms per timer (target < 2 s)")
        print(f"{backend}: ratio sweep(1000 due) / sweep(none due): {full / statistics.median(empty):.0f}x")


if __name__ == "__main__":
    main()
