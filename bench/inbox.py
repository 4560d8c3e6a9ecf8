"""Benchmark: the inbox ("Mijn werkvoorraad") and the team view at 1,000 and at 100,000 open tasks.

Run with `make bench` (SQLite in a temporary file, then PostgreSQL) or `python bench/inbox.py --url postgresql+psycopg://...`.
Prints p50 and p95 of each query and the ratio 100,000 / 1,000; asserts nothing. The inbox reads only the task
projection joined to the case row, so the open tasks are bare rows (cases are never loaded into the engine).
"""
from __future__ import annotations

import argparse
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from common import LANES, NAMES, backend, database, make_app, p50_p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with database(args.url) as url:
        run(url, [int(n) for n in args.sizes.split(",")], args.repeat)


def _fill(db, count: int, start: int) -> None:
    from app.models import Case, ProcessVersion, Task

    version = db.session.scalar(db.select(ProcessVersion.id).limit(1))
    now = datetime.now(timezone.utc)
    cases, tasks = [], []
    for i in range(start, start + count):
        cases.append({"id": i + 1, "gemeente": "base", "process_version_id": version, "status": "lopend", "bsn": "111222333",
                      "naam": f"Inwoner {i}", "geboortedatum": date(1950, 1, 1), "adres": {}, "data": {}, "state": "",
                      "version": 1, "created_at": now, "updated_at": now})
        lane = LANES[i % len(LANES)]
        name, title = NAMES[lane]
        tasks.append({"id": str(uuid.uuid4()), "case_id": i + 1, "name": name, "title": title, "lane": lane,
                      "due": date(2027, 1, 1) + timedelta(days=i % 90), "opened_at": now,
                      "signaal": "nadert" if i % 17 == 0 else None})
    for chunk in range(0, count, 5000):
        db.session.execute(db.insert(Case), cases[chunk:chunk + 5000])
        db.session.execute(db.insert(Task), tasks[chunk:chunk + 5000])
    db.session.commit()
    # What autovacuum (PostgreSQL) or the timer worker's hourly ANALYZE (SQLite) does after a load.
    db.session.execute(db.text("ANALYZE task"))
    db.session.execute(db.text("ANALYZE wmo_case"))
    db.session.commit()


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return p50_p95(samples)


def run(url: str, sizes: list[int], repeat: int) -> None:
    from app import processes
    from app.auth.service import Actor
    from app.db import db
    from app.inbox import service as inbox

    app = make_app(url)
    settings = app.extensions["wmo"]
    km = Actor("km", frozenset({"klantmanager"}))
    tl = Actor("tl", frozenset({"teamleider"}))
    queries = {
        "inbox, first page": lambda: inbox.inbox(settings, km, inbox.Filters()),
        "inbox, task type filter": lambda: inbox.inbox(settings, km, inbox.Filters(taak="gesprek_plannen")),
        "inbox, term signal filter": lambda: inbox.inbox(settings, km, inbox.Filters(signaal="nadert")),
        "inbox, page 20": lambda: inbox.inbox(settings, km, inbox.Filters(pagina=20)),
        "team view, first page": lambda: inbox.team(settings, tl, inbox.Filters()),
    }
    results: dict[str, dict[int, tuple[float, float]]] = {q: {} for q in queries}
    with app.app_context():
        processes.current(settings.gemeente_config())  # deploys the route: the cases need a version row
        filled = 0
        for size in sizes:
            _fill(db, size - filled, filled)
            filled = size
            for name, fn in queries.items():
                results[name][size] = _time(lambda: (fn(), db.session.rollback()), repeat)
    print(f"\ninbox benchmark on {backend(url)} (open tasks, median / p95 in ms of {repeat} runs)")
    header = " | ".join(f"{n:,} open" for n in sizes)
    print(f"| query | {header} | ratio {sizes[-1]:,} / {sizes[0]:,} (p50) |")
    print("| --- |" + " --- |" * (len(sizes) + 1))
    for name, by_size in results.items():
        cells = " | ".join(f"{by_size[n][0]:.1f} / {by_size[n][1]:.1f}" for n in sizes)
        ratio = by_size[sizes[-1]][0] / by_size[sizes[0]][0]
        print(f"| {name} | {cells} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
