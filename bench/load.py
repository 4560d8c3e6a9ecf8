"""Benchmark: sustained task completions per second through the JSON API, on PostgreSQL.

Run with `make bench` or `python bench/load.py [--url postgresql+psycopg://...] [--users 16] [--seconds 60]`.
Starts, in a PostgreSQL schema of its own (dropped afterwards), 2 gunicorn web workers (``app.wsgi:app``) and 2 timer
workers (``wmo timers run``), then drives them with locust, headless (``bench/locustfile.py``): caseworkers register
meldingen and step their cases through the API with an API token. Prints completions per second (from locust and from
the audit trail), p50 and p95 per request kind, and the error count; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import conditions, PG_DEFAULT, ROOT, database, make_app

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=PG_DEFAULT, help="PostgreSQL URL (a schema of its own is made in it)")
    parser.add_argument("--users", type=int, default=16, help="locust users (caseworkers stepping cases)")
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with database(args.url) as url:
        app = make_app(url)
        with app.app_context():
            from app import processes
            from app.auth.service import add_user
            from app.db import db

            processes.current(app.extensions["wmo"].gemeente_config())
            _, token = add_user("bench-load", ["klantmanager", "pgb-consulent", "beslisser", "teamleider"])
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        run(url, token, args)


def run(url: str, token: str, args) -> None:
    import sqlalchemy as sa

    port = _free_port()
    env = {**os.environ, "WMO_DATABASE_URL": url, "WMO_SECRET_KEY": "bench-load-secret-key-0123456789",
           "WMO_BENCH_TOKEN": token, "PYTHONPATH": str(ROOT)}
    logs = Path(tempfile.mkdtemp())
    started = []
    try:
        web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                "app.wsgi:app"], cwd=ROOT, env=env, stdout=open(logs / "web.log", "w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
        started.append(web)
        for i in range(2):
            started.append(subprocess.Popen([str(BIN / "wmo"), "timers", "run"], cwd=ROOT, env=env, stdout=open(logs / f"timers{i}.log", "w"),
                                            stderr=subprocess.STDOUT, start_new_session=True))
        host = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{host}/api/v1/openapi.json", timeout=2)
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not come up; see {logs / 'web.log'}")
        locust = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
                  "-r", str(args.users), "--host", host, "--only-summary", "--loglevel", "WARNING"]
        # Warm-up: each web worker parses the route and loads the letters' fonts on its first requests.
        subprocess.run([*locust, "-t", "10s"], cwd=ROOT, env=env, check=False, stdout=open(logs / "warmup.log", "w"),
                       stderr=subprocess.STDOUT)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            before = conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE kind = 'taak'")).scalar()
        prefix = logs / "locust"
        began = time.perf_counter()
        subprocess.run([*locust, "-t", f"{args.seconds}s", "--csv", str(prefix)], cwd=ROOT, env=env, check=False,
                       stdout=open(logs / "locust.log", "w"), stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - began
        with engine.connect() as conn:
            after = conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE kind = 'taak'")).scalar()
            cases = conn.execute(sa.text("SELECT count(*) FROM wmo_case")).scalar()
            letters = conn.execute(sa.text("SELECT count(*) FROM document")).scalar()
            backlog = conn.execute(sa.text("SELECT count(*) FROM document WHERE pdf IS NULL")).scalar()
        # The timer workers render the letters' PDFs after the steps: a rate that leaves them a growing backlog is not
        # sustained, so the time they need to catch up after the load counts too.
        drain_began, left = time.perf_counter(), backlog
        while left and time.perf_counter() - drain_began < 600:
            time.sleep(1)
            with engine.connect() as conn:
                left = conn.execute(sa.text("SELECT count(*) FROM document WHERE pdf IS NULL")).scalar()
        drained = time.perf_counter() - drain_began if backlog else 0.0
        engine.dispose()
        report(prefix, args, elapsed, after - before, cases, letters, logs, (backlog, left, drained))
    finally:
        for process in reversed(started):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)


def report(prefix: Path, args, elapsed: float, completed: int, cases: int, letters: int, logs: Path, pdfs) -> None:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv"))) if Path(f"{prefix}_failures.csv").exists() else []
    print(f"\nload on postgresql: 2 gunicorn web workers, 2 timer workers, {args.users} locust users, {args.seconds} s "
          f"({conditions()}; logs in {logs})")
    print("| request | count | failures | per second | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
              f"| {row['50%']} | {row['95%']} |")
    complete = next((r for r in rows if r["Name"] == "complete"), None)
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    per_second = completed / args.seconds
    print(f"task completions: {completed} in the audit trail, {per_second:.1f}/s over {args.seconds} s "
          f"(locust: {float(complete['Requests/s']) if complete else 0:.1f}/s, p50 {complete['50%'] if complete else '-'} ms, "
          f"p95 {complete['95%'] if complete else '-'} ms); {cases} cases, {letters} letters made; "
          f"errors: {total['Failure Count'] if total else '?'}")
    for failure in failures[:5]:
        print(f"  error: {failure.get('Name')} x{failure.get('Occurrences')}: {failure.get('Error', '')[:160]}")
    backlog, left, drained = pdfs
    with_pdfs = completed / (args.seconds + drained)
    print(f"letters' PDFs: {backlog} of {letters} still to render when the load stopped; the timer workers rendered them in "
          f"{drained:.0f} s{f' ({left} left after 600 s)' if left else ''}; completions/s counting that time: {with_pdfs:.1f}")
    print(f"target: at least 200 completions/s: {'met' if per_second >= 200 else 'missed'} ({per_second:.1f}/s; "
          f"{with_pdfs:.1f}/s with the PDFs caught up)")


if __name__ == "__main__":
    main()
