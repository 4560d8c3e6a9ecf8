"""The ``wait`` projection: where a case stands besides its user tasks, rebuilt after every step."""
from __future__ import annotations

from sqlalchemy import select

from ..db import db, utcnow
from ..engine.positions import positions
from ..models import Wait


def rebuild_waits(case, workflow) -> None:
    """Close the rows the case no longer stands at, open one for each new position; keep the rest (and their since)."""
    now_at = {(p.task_id, p.bpmn_id): p for p in positions(workflow)}
    now = utcnow()
    for row in db.session.scalars(select(Wait).where(Wait.case_id == case.id, Wait.left_at.is_(None))):
        if now_at.pop((row.task_id, row.name), None) is None:
            row.left_at = now
    for p in now_at.values():
        db.session.add(Wait(case_id=case.id, task_id=p.task_id, process_id=p.process_id, name=p.bpmn_id,
                            kind=p.kind, since=now))
