"""Benchmark: the inbox ("Mijn werkvoorraad") and the team view at 1,000 and at 100,000 open tasks.

Run with `make bench` (SQLite in a temporary file, then PostgreSQL) or `python bench/inbox.py --url postgresql+psycopg://...`.
Prints p50 and p95 of each query and the ratio 100,000 / 1,000; asserts nothing. Each size has a database of its own,
filled once, and the queries run round-robin over the sizes, so that the machine's drift weighs on both alike. The
inbox reads only the task projection joined to the case row, so the open tasks are bare rows (cases are never loaded
into the engine).
"""
from __future__ import annotations

import argparse
import time
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone

from common import LANES, NAMES, backend, database, make_app, p50_p95, settle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    with ExitStack() as stack:
        urls = [stack.enter_context(database(args.url, f"_{size}")) for size in sizes]
        run(urls, sizes, args.repeat)


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
    settle(db, ("task", "wmo_case"))


def run(urls: list[str], sizes: list[int], repeat: int) -> None:
    from app import processes
    from app.auth.service import Actor
    from app.db import db
    from app.inbox import service as inbox

    apps = []
    for url, size in zip(urls, sizes):  # one database per size, filled once
        app = make_app(url)
        with app.app_context():
            processes.current(app.extensions["wmo"].gemeente_config())  # deploys the route: the cases need a version row
            _fill(db, size, 0)
        apps.append(app)
    km = Actor("km", frozenset({"klantmanager"}))
    tl = Actor("tl", frozenset({"teamleider"}))
    queries = {
        "inbox, first page": lambda settings: inbox.inbox(settings, km, inbox.Filters()),
        "inbox, task type filter": lambda settings: inbox.inbox(settings, km, inbox.Filters(taak="gesprek_plannen")),
        "inbox, term signal filter": lambda settings: inbox.inbox(settings, km, inbox.Filters(signaal="nadert")),
        "inbox, page 20": lambda settings: inbox.inbox(settings, km, inbox.Filters(pagina=20)),
        "team view, first page": lambda settings: inbox.team(settings, tl, inbox.Filters()),
    }
    # Round-robin over the sizes, so that a slower spell of the machine weighs on both sides of a ratio alike.
    samples: dict[str, dict[int, list[float]]] = {q: {size: [] for size in sizes} for q in queries}
    for round_ in range(repeat + 1):  # the first round warms the caches
        for app, size in zip(apps, sizes):
            with app.app_context():
                settings = app.extensions["wmo"]
                for name, fn in queries.items():
                    started = time.perf_counter()
                    fn(settings)
                    db.session.rollback()
                    if round_:
                        samples[name][size].append((time.perf_counter() - started) * 1000)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(f"\ninbox benchmark on {backend(urls[0])} (open tasks, median / p95 in ms of {repeat} runs, sizes interleaved)")
    header = " | ".join(f"{n:,} open" for n in sizes)
    print(f"| query | {header} | ratio {sizes[-1]:,} / {sizes[0]:,} (p50) |")
    print("| --- |" + " --- |" * (len(sizes) + 1))
    for name, by_size in samples.items():
        figures = {n: p50_p95(by_size[n]) for n in sizes}
        cells = " | ".join(f"{figures[n][0]:.1f} / {figures[n][1]:.1f}" for n in sizes)
        print(f"| {name} | {cells} | {figures[sizes[-1]][0] / figures[sizes[0]][0]:.2f}x |")


if __name__ == "__main__":
    main()
