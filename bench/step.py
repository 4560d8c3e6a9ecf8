"""Benchmark: one user step through the engine layer with persistence, against the raw SpiffWorkflow step.

Run with `make bench` or `python bench/step.py [--url postgresql+psycopg://...]`. Prints p50 and p95 and the ratios,
measured in the same run on the same diagram and the same case state; asserts nothing.

- raw: SpiffWorkflow alone, in memory: the workflow stands at ``gesprek_voeren`` (restored untimed from a real case's
  state, with the route's spec and script engine); timed are ``task.data.update(answers)``, ``task.run()`` and
  ``do_engine_steps()``.
- engine layer in memory: ``engine.restore`` + ``engine.complete`` + ``engine.dumps`` (what a step does besides the
  database).
- service: ``cases.service.complete_task`` on a real case: lock the row, check role and form, restore, step, store
  state, projections and the audit entry, commit.
- service with a letter: ``gesprek_plannen``, whose step also renders the uitnodiging to HTML and PDF (WeasyPrint).
"""
from __future__ import annotations

import argparse
import time

from common import conditions, answers_for, backend, case_at_gesprek_voeren, database, make_app, open_task, p50_p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--cases", type=int, default=60, help="real cases, one service step each")
    parser.add_argument("--raw", type=int, default=300, help="raw in-memory steps")
    args = parser.parse_args()
    with database(args.url) as url:
        app = make_app(url)
        with app.app_context():
            run(app, url, args)


def run(app, url: str, args) -> None:
    from SpiffWorkflow.util.task import TaskState

    from app import engine, processes
    from app.cases import service
    from app.db import db
    from app.demo import _doer, create_case, demo_bsns, event, walk
    from app.models import Case

    settings = app.extensions["wmo"]
    gemeente = settings.gemeente_config()
    actor = _doer(gemeente, "klantmanager")
    # Set-up: real cases at gesprek_plannen; its step (with a letter) is timed on the way to gesprek_voeren.
    with_letter, case_ids = [], []
    from datetime import date, datetime

    from app.engine import clock

    for i, bsn in enumerate(demo_bsns(args.cases + 2)):
        case_id = create_case(settings, bsn, date(2026, 11, 2))
        row = open_task(case_id, "gesprek_plannen")
        answers = answers_for(settings, case_id, "gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek")
        db.session.rollback()
        with clock.at(datetime(2026, 11, 3, 12, tzinfo=clock.AMSTERDAM)):
            started = time.perf_counter()
            service.complete_task(settings, row.id, answers, actor)
        if i >= 2:  # the first ones warm caches (parsed definition, templates, fonts)
            with_letter.append((time.perf_counter() - started) * 1000)
        walk(settings, case_id, [event("persoonlijk_plan_ontvangen", plan="Hulp bij schoonmaken.")], date(2026, 11, 3))
        case_ids.append(case_id)

    # The letters' PDFs, as the timer worker renders them after the step (one letter at a time, each stored).
    from app.letters import pdfs

    rendering = []
    while True:
        started = time.perf_counter()
        if not pdfs.render_pending(limit=1):
            break
        rendering.append((time.perf_counter() - started) * 1000)
    rendering = rendering[2:]  # the first ones load the fonts

    route = processes.route_of(settings, db.session.get(Case, case_ids[0]))
    state = db.session.get(Case, case_ids[0]).state
    answers = answers_for(settings, case_ids[0], "gesprek_voeren")
    script_engine = processes.script_engine(gemeente)

    # Raw SpiffWorkflow: the in-memory step alone.
    raw = []
    for i in range(args.raw + 20):
        workflow = engine.restore(route.definition, script_engine, state)
        task = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "gesprek_voeren")
        started = time.perf_counter()
        task.data.update(answers)
        task.run()
        workflow.do_engine_steps()
        if i >= 20:
            raw.append((time.perf_counter() - started) * 1000)

    # The engine layer in memory: restore, complete (with the step's bookkeeping), serialize.
    layer = []
    for i in range(args.raw + 20):
        workflow = engine.restore(route.definition, script_engine, state)
        task_id = next(t.id for t in engine.ready_tasks(workflow) if t.bpmn_id == "gesprek_voeren")
        started = time.perf_counter()
        workflow = engine.restore(route.definition, script_engine, state)
        engine.complete(workflow, task_id, answers)
        engine.dumps(workflow)
        if i >= 20:
            layer.append((time.perf_counter() - started) * 1000)

    # The service step with persistence, one per real case.
    steps = []
    for i, case_id in enumerate(case_ids):
        row = open_task(case_id, "gesprek_voeren")
        task_id = row.id
        case_answers = answers_for(settings, case_id, "gesprek_voeren")
        db.session.rollback()
        with clock.at(datetime(2026, 11, 4, 12, tzinfo=clock.AMSTERDAM)):
            started = time.perf_counter()
            service.complete_task(settings, task_id, case_answers, actor)
        if i >= 2:
            steps.append((time.perf_counter() - started) * 1000)
        db.session.rollback()

    name = backend(url)
    r50, r95 = p50_p95(raw)
    l50, l95 = p50_p95(layer)
    s50, s95 = p50_p95(steps)
    w50, w95 = p50_p95(with_letter)
    p50, p95 = p50_p95(rendering)
    print(f"\nuser step benchmark on {name} (gesprek_voeren; p50 / p95 in ms; {conditions()})")
    print("| what | p50 | p95 | ratio to raw (p50) | samples |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| raw SpiffWorkflow step (in memory) | {r50:.2f} | {r95:.2f} | 1.0x | {len(raw)} |")
    print(f"| engine layer in memory (restore, complete, serialize) | {l50:.2f} | {l95:.2f} | {l50 / r50:.1f}x | {len(layer)} |")
    print(f"| service step with persistence ({name}) | {s50:.2f} | {s95:.2f} | {s50 / r50:.1f}x | {len(steps)} |")
    print(f"| service step with a letter (gesprek_plannen, {name}; its HTML) | {w50:.2f} | {w95:.2f} | {w50 / r50:.1f}x | {len(with_letter)} |")
    print(f"| that letter's PDF, rendered and stored after the step (timer worker) | {p50:.2f} | {p95:.2f} | {p50 / r50:.1f}x | {len(rendering)} |")
    print(f"targets: service within 3x raw: {'met' if s50 <= 3 * r50 else 'missed'} ({s50 / r50:.1f}x); "
          f"p95 under 50 ms: {'met' if s95 < 50 else 'missed'} ({s95:.1f} ms)")


if __name__ == "__main__":
    main()
