"""Benchmark: the task page and task completion at 1,000 and at 100,000 open cases.

Run with `make bench` or `python bench/tasks.py [--url postgresql+psycopg://...]`. Prints p50 and p95 and the ratio
100,000 / 1,000; asserts nothing. The steps are taken on real cases (a melding walked through the services to
``gesprek_voeren``); the other open cases are bare rows bulk-inserted as a running case leaves them: the case row, an
open task, two timers, a deadline, two audit entries and a wait (their workflows are never loaded).

- task page: GET /taken/<id> through the Flask test client, logged in as a klantmanager (the form beside the case,
  the earlier answers from the audit trail, the access-log line the page writes).
- task completion: ``cases.service.complete_task`` (``gesprek_voeren``: lock, check, restore, step, store, commit).
"""
from __future__ import annotations

import argparse
import re
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from common import LANES, NAMES, conditions, answers_for, backend, case_at_gesprek_voeren, database, make_app, open_task, p50_p95, settle



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--cases", type=int, default=30, help="real cases stepped at each size")
    args = parser.parse_args()
    with database(args.url) as url:
        app = make_app(url)
        with app.app_context():
            run(app, url, [int(n) for n in args.sizes.split(",")], args.cases)


def fill(db, version_id: int, process_hash: str, first_id: int, count: int) -> None:
    """Bulk-insert ``count`` bare open cases with the rows a running case has, ids from ``first_id``."""
    from app.models import AuditEvent, Case, Deadline, Task, Timer, Wait

    now = datetime.now(timezone.utc)
    far = datetime(2031, 1, 1, tzinfo=timezone.utc)
    for chunk in range(first_id, first_id + count, 5000):
        ids = range(chunk, min(chunk + 5000, first_id + count))
        cases, tasks, timers, deadlines, audits, waits = [], [], [], [], [], []
        for i in ids:
            lane = LANES[i % len(LANES)]
            name, title = NAMES[lane]
            task_id = str(uuid.uuid4())
            cases.append({"id": i, "gemeente": "base", "process_version_id": version_id, "status": "lopend", "bsn": "111222333",
                          "naam": f"Inwoner {i}", "geboortedatum": date(1950, 1, 1), "adres": {}, "data": {}, "state": "{}",
                          "version": 1, "created_at": now, "updated_at": now})
            tasks.append({"id": task_id, "case_id": i, "name": name, "title": title, "lane": lane,
                          "due": date(2027, 1, 1) + timedelta(days=i % 90), "opened_at": now,
                          "signaal": "nadert" if i % 17 == 0 else None})
            timers += [{"case_id": i, "task_id": str(uuid.uuid4()), "name": "onderzoektermijn", "due_at": far + timedelta(minutes=i % 50000)},
                       {"case_id": i, "task_id": str(uuid.uuid4()), "name": "beslistermijn", "due_at": far + timedelta(days=1, minutes=i % 50000)}]
            deadlines.append({"case_id": i, "name": "onderzoek", "start": date(2026, 11, 2), "due": date(2026, 12, 14) + timedelta(days=i % 60)})
            audits += [{"case_id": i, "at": now, "actor": "bench", "kind": "melding", "name": "melding", "task_id": None,
                        "changes": {"hulpvraag": "Hulp bij het huishouden", "kanaal": "telefonisch"}, "process_hash": process_hash},
                       {"case_id": i, "at": now, "actor": "bench", "kind": "taak", "name": "gesprek_plannen", "task_id": str(uuid.uuid4()),
                        "changes": {"gesprek_nodig": True}, "process_hash": process_hash}]
            waits.append({"case_id": i, "task_id": str(uuid.uuid4()), "process_id": "wmo_route", "name": "wmo_onderzoek",
                          "kind": "deelproces", "since": now})
        for model, rows in ((Case, cases), (Task, tasks), (Timer, timers), (Deadline, deadlines), (AuditEvent, audits), (Wait, waits)):
            db.session.execute(db.insert(model), rows)
        db.session.commit()
    settle(db, ("wmo_case", "task", "timer", "deadline", "audit_event", "wait"))


def run(app, url: str, sizes: list[int], per_size: int) -> None:
    import sqlalchemy as sa

    from app.auth.service import add_user, set_password
    from app.cases import service
    from app.db import db
    from app.demo import _doer, demo_bsns
    from app.engine import clock
    from app.models import Case, ProcessVersion

    settings = app.extensions["wmo"]
    actor = _doer(settings.gemeente_config(), "klantmanager")
    add_user("bench-km", ["klantmanager"])
    set_password("bench-km", "bench-wachtwoord-1")
    db.session.commit()
    real = [case_at_gesprek_voeren(settings, bsn) for bsn in demo_bsns(per_size * len(sizes) + 2)]
    version = db.session.scalar(sa.select(ProcessVersion).limit(1))
    client = app.test_client()
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/inloggen").data).group(1).decode()
    response = client.post("/inloggen", data={"gebruikersnaam": "bench-km", "wachtwoord": "bench-wachtwoord-1", "csrf_token": token})
    assert response.status_code == 302, response.status_code
    next_id = db.session.scalar(sa.select(sa.func.max(Case.id))) + 1000
    filled = len(real)
    results = {"task page (GET /taken/<id>)": {}, "task completion (service)": {}}
    pending = list(real)
    # warm: the parsed definition, templates, forms
    warm = pending.pop()
    client.get(f"/taken/{open_task(warm, 'gesprek_voeren').id}")
    for size in sizes:
        fill(db, version.id, version.hash, next_id, size - filled)
        next_id += size - filled
        filled = size
        batch, pending = pending[:per_size], pending[per_size:]
        pages, steps = [], []
        for case_id in batch:
            task_id = open_task(case_id, "gesprek_voeren").id
            db.session.rollback()
            started = time.perf_counter()
            response = client.get(f"/taken/{task_id}")
            pages.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        for case_id in batch:
            task_id = open_task(case_id, "gesprek_voeren").id
            answers = answers_for(settings, case_id, "gesprek_voeren")
            db.session.rollback()
            with clock.at(datetime(2026, 11, 4, 12, tzinfo=clock.AMSTERDAM)):
                started = time.perf_counter()
                service.complete_task(settings, task_id, answers, actor)
                steps.append((time.perf_counter() - started) * 1000)
        open_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == "lopend"))
        results["task page (GET /taken/<id>)"][size] = p50_p95(pages)
        results["task completion (service)"][size] = p50_p95(steps)
        print(f"{backend(url)}: {open_cases:,} open cases measured", flush=True)
    print(f"\ntask page and completion on {backend(url)} (open cases; p50 / p95 in ms of {per_size} each; {conditions()})")
    print("| what | " + " | ".join(f"{n:,} open" for n in sizes) + f" | ratio {sizes[-1]:,} / {sizes[0]:,} (p50) |")
    print("| --- |" + " --- |" * (len(sizes) + 1))
    for name, by_size in results.items():
        cells = " | ".join(f"{by_size[n][0]:.1f} / {by_size[n][1]:.1f}" for n in sizes)
        print(f"| {name} | {cells} | {by_size[sizes[-1]][0] / by_size[sizes[0]][0]:.2f}x |")


if __name__ == "__main__":
    main()
