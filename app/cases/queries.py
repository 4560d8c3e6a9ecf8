"""The read side: what the API and the dossier show of cases and tasks, as plain dicts.

Lists read the projections (task, deadline, audit_event), never a workflow.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import engine, forms, processes
from ..auth.service import CASEWORKERS, Actor, gemeente_roles
from ..config import Settings
from ..db import db
from ..engine import clock
from ..errors import Forbidden, InvalidInput, NotFound
from ..models import AuditEvent, Case, Deadline, ProcessVersion, Task
from . import deadlines, dwangsom
from .ids import MAX_ID, row_id
from .service import get_case

MAX_PAGE = 500


def case_detail(settings: Settings, case: Case, actor: Actor, workflow=None) -> dict:
    """Return everything the API shows of a case (``workflow``: the case's restored workflow, if the caller has it)."""
    _require_reader(actor)
    version = db.session.get(ProcessVersion, case.process_version_id)
    today = clock.now().astimezone(clock.AMSTERDAM).date()
    terms = db.session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due)).all()
    open_tasks = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.closed_at.is_(None)).order_by(Task.opened_at)
    ).all()
    history = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    waiting = []
    if case.status == "lopend":
        if workflow is None:
            workflow = processes.route_of(settings, case).restore(case.state)
        waiting = engine.waiting_messages(workflow)
    return {
        "id": case.id,
        "status": case.status,
        "gemeente": case.gemeente,
        "process_version": {"id": version.id, "hash": version.hash, "deployed_at": version.deployed_at.isoformat()},
        "inwoner": {
            "bsn": case.bsn, "naam": case.naam, "geboortedatum": case.geboortedatum.isoformat(), "adres": case.adres,
        },
        "open_tasks": [task_summary(t) for t in open_tasks],
        "waiting_for_events": waiting,
        "deadlines": [
            {"name": d.name, "start": d.start.isoformat(), "due": d.due.isoformat(),
             "status": deadlines.status(d.due, d.met_on, today), "met_on": d.met_on.isoformat() if d.met_on else None}
            for d in terms
        ],
        "dwangsom": _dwangsom(settings, case, terms, today),
        "data": case.data,
        "history": [
            {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "name": e.name, "task_id": e.task_id,
             "changes": e.changes}
            for e in history
        ],
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
    }


def _dwangsom(settings: Settings, case: Case, terms, today) -> dict | None:
    config = settings.raw.get("dwangsom", {})
    term = next((t for t in terms if t.name == config.get("termijn", "beslistermijn")), None)
    if term is None:
        return None
    data = case.data or {}
    ingebrekestelling = deadlines.parse_date(data.get(config.get("ingebrekestelling", "ingebrekestelling_ontvangen_op")))
    besluit = term.met_on or deadlines.parse_date(data.get(config.get("besluit", "beschikking_verzonden_op")))
    if ingebrekestelling is not None and ingebrekestelling < term.start:
        return None  # a notice from an earlier round
    return dwangsom.compute(term.due, ingebrekestelling, besluit, today, dwangsom.Tarief.from_config(config))


def task_summary(task: Task) -> dict:
    """Return a task as lists show it."""
    return {
        "id": task.id, "name": task.name, "title": task.title, "case_id": task.case_id, "lane": task.lane,
        "due": task.due.isoformat() if task.due else None, "signaal": task.signaal, "claimed_by": task.claimed_by,
    }


def list_tasks(actor: Actor, role: str | None = None, case_id=None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Return open tasks, filtered by lane role and case; by due date, undated last."""
    _require_reader(actor)
    fields = {}
    if role is not None and role not in actor.lane_roles:
        fields["role"] = f"onbekende rol; kies uit {', '.join(actor.lane_roles)}"
    if case_id is not None and row_id(case_id) is None:
        fields["case_id"] = "moet een zaaknummer (geheel getal) zijn"
    if not 1 <= limit <= MAX_PAGE:
        fields["limit"] = f"moet tussen 1 en {MAX_PAGE} liggen"
    if offset < 0:
        fields["offset"] = "mag niet negatief zijn"
    elif offset > MAX_ID:
        fields["offset"] = f"mag niet groter zijn dan {MAX_ID}"
    if fields:
        raise InvalidInput("ongeldige zoekvraag", fields)
    query = select(Task).where(Task.closed_at.is_(None))
    if role is not None:
        query = query.where(Task.lane == role)
    if case_id is not None:
        query = query.where(Task.case_id == int(case_id))
    query = query.order_by(Task.due.is_(None), Task.due, Task.opened_at, Task.id).limit(limit).offset(offset)
    return [task_summary(t) for t in db.session.scalars(query)]


def task_detail(settings: Settings, task_id: str, actor: Actor) -> dict:
    """Return one task with its form (JSON Schema) and whether the actor may complete it."""
    _require_reader(actor)
    task = db.session.get(Task, str(task_id))
    if task is None:
        raise NotFound(f"taak {task_id} bestaat niet")
    case = get_case(task.case_id)
    route = processes.route_of(settings, case)
    info = route.definition.user_tasks.get(task.name)
    detail = task_summary(task)
    detail.update(
        status="open" if task.closed_at is None else "gesloten",
        form=forms.find(route.gemeente.form_dirs, info.form),
        may_complete=actor.may_complete(task.lane, lane_roles=route.gemeente.lane_roles),
        case_status=case.status,
    )
    return detail


def _require_reader(actor: Actor) -> None:
    if not actor.roles & (CASEWORKERS | {"procesbeheerder"} | gemeente_roles(actor.lane_roles)):
        raise Forbidden("uw rol mag zaken niet inzien via de API")
