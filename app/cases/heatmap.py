"""Where the cases of a process version are: per element, how many cases stand there now and how long cases stay.

Read from the projections only, never from a workflow: user tasks from ``task`` (open while
``closed_at`` is null), events and call activities from ``wait`` (open while ``left_at`` is
null). A visit lasts from ``opened_at``/``since`` to its close, or to now while it is open.
Per element: ``nu`` (cases there now), ``gemiddeld_nu`` (their average time there so far),
``afgerond`` and ``gemiddeld_afgerond`` (visits that ended, and how long those lasted) and
``gemiddeld`` over all visits. Times are in seconds. Only a procesbeheerder may read it; no
resident data is in it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case as when, func, literal, select

from .. import engine, processes
from ..auth.service import Actor
from ..db import UTCDateTime, db, utcnow
from ..errors import NotFound
from ..models import Case, Task, Wait

OWNER = frozenset({"procesbeheerder"})
KINDS = {"user_task": "taak", "timer": "termijn", "message": "wacht op gebeurtenis", "wacht": "wacht",
         "deelproces": "deelproces"}


def heatmap(settings, gemeente: str, version_id, actor: Actor, now: datetime | None = None) -> dict:
    """Return, per element of the version's route, the cases there now and the average time spent there."""
    actor.require(OWNER, "zien waar de zaken van een procesversie staan")
    version = processes.version_of(gemeente, version_id)
    definition = processes.definition(version)
    now = now or utcnow()
    names = engine.element_names(definition)
    elements: dict[tuple[str, str], dict] = {}
    for name, count, open_count, total, closed_total, open_total in _task_rows(version, now):
        info = definition.user_tasks.get(name)
        process_id = info.process_id if info else ""
        elements[(process_id, name)] = _figures(process_id, name, names.get(name, name), "user_task",
                                                count, open_count, total, closed_total, open_total)
    for process_id, name, kind, count, open_count, total, closed_total, open_total in _wait_rows(version, now):
        elements[(process_id, name)] = _figures(process_id, name, names.get(name, name), kind, count, open_count,
                                                total, closed_total, open_total)
    order = {p: i for i, (p, _, _) in enumerate(engine.route_processes(definition))}
    rows = sorted(elements.values(), key=lambda e: (order.get(e["process_id"], len(order)), -e["nu"], e["id"]))
    running = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.process_version_id == version.id, Case.status == "lopend")
    )
    return {
        "versie": {"id": version.id, "hash": version.hash, "kort": version.hash[:10], "gemeente": version.gemeente},
        "lopend": running,
        "processen": [{"id": p, "name": name, "file": file} for p, name, file in engine.route_processes(definition)],
        "elementen": rows,
        "nu": now.isoformat(),
    }


def diagram_xml(gemeente: str, version_id, process_id: str, actor: Actor) -> str:
    """Return the BPMN XML of one process of a version's route, for the heatmap's diagram."""
    actor.require(OWNER, "zien waar de zaken van een procesversie staan")
    version = processes.version_of(gemeente, version_id)
    files = {p: file for p, _, file in engine.route_processes(processes.definition(version))}
    text = version.files.get(files.get(process_id) or "")
    if text is None:
        raise NotFound(f"proces {process_id!r} hoort niet bij versie {version.id}")
    return text


def duration(seconds: float | None) -> str:
    """A duration as a process owner reads it: '3 d 4 u', '5 u 10 min', '12 min', '–'."""
    if seconds is None:
        return "–"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} u" if hours else f"{days} d"
    if hours:
        return f"{hours} u {minutes} min" if minutes else f"{hours} u"
    return f"{minutes} min"


def _figures(process_id, name, title, kind, count, open_count, total, closed_total, open_total) -> dict:
    closed = count - open_count
    return {
        "process_id": process_id, "id": name, "name": title, "soort_code": kind, "soort": KINDS.get(kind, kind),
        "bezoeken": count, "nu": open_count, "afgerond": closed,
        "gemiddeld": _mean(total, count), "gemiddeld_nu": _mean(open_total, open_count),
        "gemiddeld_afgerond": _mean(closed_total, closed),
        "gemiddeld_tekst": duration(_mean(total, count)), "gemiddeld_nu_tekst": duration(_mean(open_total, open_count)),
        "gemiddeld_afgerond_tekst": duration(_mean(closed_total, closed)),
    }


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 1) if count else None


def _task_rows(version, now):
    end = func.coalesce(Task.closed_at, literal(now, UTCDateTime()))
    spent = _seconds(Task.opened_at, end)
    query = (
        select(
            Task.name, func.count(), func.count().filter(Task.closed_at.is_(None)),
            func.coalesce(func.sum(spent), 0),
            func.coalesce(func.sum(when((Task.closed_at.is_not(None), spent), else_=0)), 0),
            func.coalesce(func.sum(when((Task.closed_at.is_(None), spent), else_=0)), 0),
        )
        .join(Case, Case.id == Task.case_id)
        .where(Case.process_version_id == version.id)
        .group_by(Task.name)
    )
    return [(r[0], r[1], r[2], float(r[3]), float(r[4]), float(r[5])) for r in db.session.execute(query)]


def _wait_rows(version, now):
    end = func.coalesce(Wait.left_at, literal(now, UTCDateTime()))
    spent = _seconds(Wait.since, end)
    query = (
        select(
            Wait.process_id, Wait.name, func.max(Wait.kind), func.count(), func.count().filter(Wait.left_at.is_(None)),
            func.coalesce(func.sum(spent), 0),
            func.coalesce(func.sum(when((Wait.left_at.is_not(None), spent), else_=0)), 0),
            func.coalesce(func.sum(when((Wait.left_at.is_(None), spent), else_=0)), 0),
        )
        .join(Case, Case.id == Wait.case_id)
        .where(Case.process_version_id == version.id)
        .group_by(Wait.process_id, Wait.name)
    )
    return [(r[0], r[1], r[2], r[3], r[4], float(r[5]), float(r[6]), float(r[7])) for r in db.session.execute(query)]


def _seconds(start, end):
    """Seconds from ``start`` to ``end`` as SQL, on SQLite and on PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)

