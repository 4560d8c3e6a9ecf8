"""Benchmark: stored bytes per case at several points of the route, and the spec stored once per version.

Run with `make bench` or `python bench/storage.py [--url postgresql+psycopg://...]`. Prints, per point of the route,
the bytes a case holds in every table (the values as stored: text and JSON by their UTF-8 length, binary by its
length, other columns by their fixed width), what dominates, and the growth of the whole database per case (tables and
indexes: PostgreSQL's ``pg_total_relation_size``, SQLite's pages); asserts nothing. The cases are walked through the
services as the demo does (``app.demo``), letters included.
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date, datetime

from common import backend, database, make_app

# Points of the route, by the demo scenario that stops there.
POINTS = ("nieuwe melding", "gesprek te voeren", "aanvraag te beoordelen", "besluit te nemen", "hulp loopt (natura)")
TABLES = ("wmo_case", "task", "timer", "deadline", "wait", "audit_event", "document", "task_draft", "access_log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--cases", type=int, default=6, help="cases per point of the route")
    args = parser.parse_args()
    with database(args.url) as url:
        app = make_app(url)
        with app.app_context():
            run(app, url, args.cases)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, (dict, list)):
        return len(json.dumps(value, ensure_ascii=False).encode())
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float, datetime)):
        return 8
    if isinstance(value, date):
        return 4
    return len(str(value).encode())


def case_bytes(db, case_id: int) -> dict[str, int]:
    """Bytes a case holds, by table and, for the case row, its state and data apart."""
    import sqlalchemy as sa

    sizes: dict[str, int] = defaultdict(int)
    metadata = db.metadata
    for name in TABLES:
        table = metadata.tables[name]
        if name == "wmo_case":
            where = table.c.id == case_id
        elif name == "task_draft":
            tasks = metadata.tables["task"]
            where = table.c.task_id.in_(sa.select(tasks.c.id).where(tasks.c.case_id == case_id))
        else:
            where = table.c.case_id == case_id
        for row in db.session.execute(sa.select(table).where(where)).mappings():
            for column, value in row.items():
                width = _width(value)
                if name == "wmo_case" and column in ("state", "data"):
                    sizes[f"wmo_case.{column}"] += width
                elif name == "document" and column == "pdf":
                    sizes["document.pdf"] += width
                elif name == "document" and column == "html":
                    sizes["document.html"] += width
                else:
                    sizes[name] += width
    return dict(sizes)


def database_bytes(db) -> int:
    """Bytes of all tables with their indexes (PostgreSQL) or of the database file (SQLite, after a checkpoint)."""
    import sqlalchemy as sa

    if db.engine.dialect.name == "postgresql":
        return int(db.session.scalar(sa.text(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'")))
    db.session.commit()
    db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    pages = db.session.scalar(sa.text("PRAGMA page_count")) - db.session.scalar(sa.text("PRAGMA freelist_count"))
    return int(pages * db.session.scalar(sa.text("PRAGMA page_size")))


def run(app, url: str, per_point: int) -> None:
    import sqlalchemy as sa

    from app import processes
    from app.db import db
    from app.demo import _scenarios, _spread, create_case, demo_bsns, walk
    from app.engine import clock
    from app.engine.serializer import as_json
    from app.letters.pdfs import render_pending
    from app.models import Case, ProcessVersion

    settings = app.extensions["wmo"]
    processes.current(settings.gemeente_config())
    db.session.commit()
    today = clock.now().astimezone(clock.AMSTERDAM).date()
    scenarios = {title: (start, steps, melding) for title, start, steps, melding in _scenarios(today)}
    bsns = iter(demo_bsns(per_point * len(POINTS) + 1))
    warm = create_case(settings, next(bsns), today)  # parses the route, loads fonts and templates
    db.session.commit()
    rows = []
    for point in POINTS:
        start, steps, melding = scenarios[point]
        before = database_bytes(db)
        ids = []
        for _ in range(per_point):
            case_id = create_case(settings, next(bsns), start, **melding)
            walk(settings, case_id, _spread(steps, start, today), start)
            ids.append(case_id)
        db.session.commit()
        render_pending()  # the letters' PDFs, as the timer worker adds them
        grown = (database_bytes(db) - before) / per_point
        per_case = [case_bytes(db, case_id) for case_id in ids]
        keys = sorted({k for sizes in per_case for k in sizes})
        mean = {k: sum(s.get(k, 0) for s in per_case) / len(per_case) for k in keys}
        texts = [as_json(db.session.get(Case, case_id).state) for case_id in ids]
        has_spec = any("spec" in s or "subprocess_specs" in s for s in map(json.loads, texts))
        mean["state_json"] = sum(len(t.encode()) for t in texts) / len(texts)
        rows.append((point, mean, grown, has_spec))
        db.session.rollback()
    versions = db.session.scalar(sa.select(sa.func.count()).select_from(ProcessVersion))
    cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    spec_bytes = sum(_width(v.files) for v in db.session.scalars(sa.select(ProcessVersion)))
    name = backend(url)
    print(f"\nstored bytes per case on {name} (mean of {per_point} cases per point; KB = 1,000 bytes)")
    print("| point of the route | total | without letters | case state (workflow JSON) | case data | audit | tasks, timers, "
          "deadlines, waits | letters (HTML + PDF) | database growth per case (with indexes) | spec in the state? |")
    print("| --- |" + " --- |" * 9)
    for point, mean, grown, has_spec in rows:
        state_json = mean.pop("state_json")
        total = sum(mean.values())
        letters = mean.get("document.html", 0) + mean.get("document.pdf", 0) + mean.get("document", 0)
        projections = sum(mean.get(k, 0) for k in ("task", "timer", "deadline", "wait"))
        print(f"| {point} | {total / 1000:.1f} KB | {(total - letters) / 1000:.1f} KB | {mean.get('wmo_case.state', 0) / 1000:.1f} KB "
              f"({state_json / 1000:.1f} KB as JSON) "
              f"| {mean.get('wmo_case.data', 0) / 1000:.1f} KB | {mean.get('audit_event', 0) / 1000:.1f} KB | {projections / 1000:.1f} KB "
              f"| {letters / 1000:.1f} KB (PDF {mean.get('document.pdf', 0) / 1000:.1f}) | {grown / 1000:.1f} KB | {'yes' if has_spec else 'no'} |")
    print(f"spec: {versions} process version row(s) for {cases} cases, {spec_bytes / 1000:.0f} KB of route files stored once; "
          f"no case state holds a spec: {'no, some do' if any(r[3] for r in rows) else 'yes'}")
    print("target: under 20 KB per case — " + ", ".join(
        f"{p}: {'met' if sum(m.values()) < 20_000 else 'missed'} ({sum(m.values()) / 1000:.0f} KB)" for p, m, _, _ in rows))


if __name__ == "__main__":
    main()
