"""The use cases of a case: melding, complete a task, deliver an event, fire timers.

Every step has the same shape: lock the case row, check, restore the workflow, step it,
then store state, projections (task, timer, deadline), the audit entry and the letters the
step sent (``app.letters``) in one commit.
A step that fails anywhere stores nothing.
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from stdnum.nl import bsn as stdnum_bsn

from .. import engine, forms, letters, processes
from ..auth.service import CASEWORKERS, RESIDENT_EVENTS, Actor
from ..config import Settings
from ..db import db, utcnow
from ..engine import clock
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessError
from ..models import AuditEvent, Case, Deadline, Task, TaskDraft, Timer
from . import deadlines, waits
from .ids import row_id

log = logging.getLogger(__name__)
MELDING_FORM = "melding.json"
# Resident data stays in the case row; the workflow gets only what the route needs: these fields, and every
# other field a gemeente's melding form adds (forms/<gemeente>/melding.json), absent ones as None.
WORKFLOW_FIELDS = ("hulpvraag", "kanaal", "ontvangen_op", "ingediend_door", "vertegenwoordiger", "geboortedatum")
RESIDENT_FIELDS = frozenset({"bsn", "naam", "adres"})


def create_melding(settings: Settings, payload, actor: Actor) -> Case:
    """Register a melding and start its route; return the new case."""
    actor.require(CASEWORKERS, "een melding registreren")
    gemeente = settings.gemeente_config()
    schema = forms.find(gemeente.form_dirs, MELDING_FORM)
    answers = forms.validate(schema, payload)
    answers["bsn"] = _check_bsn(answers["bsn"])
    answers["ontvangen_op"] = answers["ontvangen_op"][:10]
    answers.setdefault("ingediend_door", "inwoner")
    version = processes.current(gemeente)
    route = processes.Route(gemeente, version, processes.definition(version))
    case = Case(
        gemeente=gemeente.naam, process_version_id=version.id, bsn=answers["bsn"], naam=answers["naam"],
        geboortedatum=date.fromisoformat(answers["geboortedatum"]), adres=answers["adres"], data={}, state="",
    )
    db.session.add(case)
    db.session.flush()
    fields = [*WORKFLOW_FIELDS, *(k for k in schema.get("properties", {}) if k not in RESIDENT_FIELDS and k not in WORKFLOW_FIELDS)]
    start_data = {k: answers.get(k) for k in fields}
    start_data.update(case_id=case.id, gemeente=gemeente.naam)
    try:
        workflow, step = engine.start(route.definition, processes.script_engine(gemeente), start_data)
    except engine.StepFailed as error:
        raise ProcessError(f"de route kon niet starten: {error}") from None
    step.changes = {**start_data, **step.changes}
    _save(case, workflow, route, step, actor, "melding", "melding", None)
    return case


def complete_task(settings: Settings, task_id: str, answers, actor: Actor) -> Case:
    """Complete an open task with the form ``answers``; return its case."""
    task = db.session.get(Task, str(task_id))
    if task is None:
        raise NotFound(f"taak {task_id} bestaat niet")
    case = _lock(task.case_id)
    db.session.refresh(task)
    route = processes.route_of(settings, case)
    if not actor.may_complete(task.lane, task.case_id, route.gemeente.lane_roles):
        raise Forbidden(f"uw rol mag de taak '{task.title}' ({task.lane}) niet uitvoeren")
    if task.closed_at is not None:
        raise Conflict(f"taak '{task.title}' is al afgerond of vervallen")
    info = route.definition.user_tasks.get(task.name)
    schema = forms.find(route.gemeente.form_dirs, info.form)
    cleaned = forms.validate(schema, _resident_dates(schema, answers, actor))
    workflow = route.restore(case.state)
    step = _engine_step(lambda: engine.complete(workflow, task.id, cleaned), task.title)
    _save(case, workflow, route, step, actor, "taak", task.name, task.id)
    return case


def deliver_event(settings: Settings, case_id: int, name: str, payload, actor: Actor) -> Case:
    """Deliver the outside event ``name`` to a case; Conflict when the case does not wait for it."""
    if actor.is_resident:
        if name not in RESIDENT_EVENTS or not actor.owns(case_id):
            raise Forbidden(f"u mag de gebeurtenis {name!r} niet melden voor deze zaak")
    else:
        actor.require(CASEWORKERS, "een gebeurtenis melden")
    case = _lock(case_id)
    route = processes.route_of(settings, case)
    if name not in route.definition.messages:
        raise NotFound(f"gebeurtenis {name!r} bestaat niet in deze route")
    schema = forms.find(route.gemeente.form_dirs, f"events/{name}.json")
    cleaned = forms.validate(schema, _resident_dates(schema, payload, actor))
    _check_preconditions(schema, case, route.gemeente, cleaned)
    workflow = route.restore(case.state)
    try:
        step = _engine_step(lambda: engine.send_event(workflow, name, cleaned), name)
    except engine.NotWaiting as error:
        raise Conflict(str(error)) from None
    _save(case, workflow, route, step, actor, "gebeurtenis", name, None)
    return case


def _resident_dates(schema: dict, answers, actor: Actor):
    """A resident cannot choose the dates that start a term (``x-default-now``): they are today."""
    if not actor.is_resident or not isinstance(answers, dict):
        return answers
    now = {name for name, prop in schema.get("properties", {}).items() if prop.get("x-default-now")}
    return {**{k: v for k, v in answers.items() if k not in now}, **{k: clock.today_iso() for k in now}}


def _check_preconditions(schema: dict, case: Case, gemeente, payload: dict) -> None:
    """Refuse an event whose form's ``x-voorwaarden`` do not hold for this case (Conflict, nothing stored).

    Each condition is ``{"als": expression, "anders": message}``; the expression sees the case data
    (also as ``zaak``), the payload as ``gebeurtenis`` and the route's helpers.
    """
    data = {**(case.data or {}), "gebeurtenis": payload}
    for condition in schema.get("x-voorwaarden", []):
        try:
            holds = engine.evaluate(processes.script_engine(gemeente), condition["als"], data)
        except Exception:  # a name the case does not have yet: the condition does not hold
            holds = False
        if not holds:
            raise Conflict(condition.get("anders", "de zaak voldoet niet aan de voorwaarde van deze gebeurtenis"))


FIRE_BATCH = 20  # cases fired per transaction: one commit for many, each case in a savepoint of its own


def fire_due(settings: Settings, now: datetime, limit: int | None = None, batch: int = FIRE_BATCH,
             after_batch=None) -> int:
    """Fire every timer due at or before ``now`` (at most about ``limit``); return how many fired.

    Workers claim cases, not timer rows: ``FOR UPDATE SKIP LOCKED`` on the case rows, so two workers
    never take the same case and never wait on each other (PostgreSQL; SQLite has one writer anyway
    and the version check refuses a stale step). Up to ``batch`` claimed cases are fired in one
    transaction, each in a savepoint: a case whose step fails rolls back alone and is left for a later
    sweep, the others commit together. A timer fires once because its row goes in the same commit as
    the case's new state. ``after_batch`` (the worker's heartbeat) is called after each batch's commit.
    """
    fired, skipped = 0, set()
    while limit is None or fired < limit:
        # Candidates from the timer index alone (cost grows with the number due), then claim the cases.
        due_cases = select(Timer.case_id).where(Timer.due_at <= now)
        if skipped:
            due_cases = due_cases.where(Timer.case_id.not_in(skipped))
        candidates = set(db.session.scalars(due_cases.order_by(Timer.due_at).limit(max(50, batch * 2))))
        if not candidates:
            break
        claimed = db.session.scalars(
            select(Case).where(Case.id.in_(candidates)).order_by(Case.id).limit(batch).with_for_update(skip_locked=True)
        ).all()
        if not claimed:  # all of them are being fired by another worker
            skipped.update(candidates)
            db.session.rollback()
            continue
        try:
            for case in claimed:
                case_id = case.id
                savepoint = db.session.begin_nested()
                try:
                    count = _fire_case(settings, case, now)
                    savepoint.commit()
                except (Conflict, StaleDataError, IntegrityError):
                    savepoint.rollback()  # another worker had it: it fires there
                    count = 0
                except DBAPIError:
                    savepoint.rollback()
                    raise  # the database is away: the cases fired before this one are still committed (below)
                except Exception:
                    # Its diagram or a letter failed (or a bug): this case alone stays as it was, and is named in the
                    # log at every sweep until it is mended; it must not hold up the other cases' timers.
                    savepoint.rollback()
                    log.exception("timer on case %s could not fire; the case is left as it was", case_id,
                                  extra={"case_id": case_id})
                    count = 0
                if count == 0:
                    skipped.add(case_id)
                fired += count
        finally:
            db.session.commit()
        if after_batch is not None:
            after_batch()
    db.session.rollback()
    return fired


def _fire_case(settings: Settings, case: Case, now: datetime) -> int:
    """Fire a locked case's due timers and write (not commit) the step; return how many fired."""
    due = db.session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.due_at <= now)).all()
    if not due:
        return 0
    route = processes.route_of(settings, case)
    with clock.at(now):
        workflow = route.restore(case.state)
        step = _engine_step(lambda: engine.fire_timers(workflow), "timer")
        waiting = engine.waiting_timers(workflow)
        still = {t.task_id for t in waiting if t.due <= now}
        fired = [t for t in due if t.task_id not in still]
        if not fired:  # the timer table disagreed with the workflow: correct the table, record no step
            _rebuild_timers(case, workflow, waiting)
            return 0
        names = ", ".join(sorted({t.name for t in fired}))
        _write(case, workflow, route, step, Actor("timer", frozenset()), "timer", names, None, waiting)
        db.session.flush()
        log.info("timer fired on case %s: %s", case.id, names, extra={"case_id": case.id, "timers": names})
    return len(fired)


def get_case(case_id) -> Case:
    """Return the case or raise NotFound."""
    number = row_id(case_id)
    case = db.session.get(Case, number) if number is not None else None
    if case is None:
        raise NotFound(f"zaak {case_id} bestaat niet")
    return case


def lock_case(case_id: int) -> Case:
    """Begin a step on a case: lock its row (FOR UPDATE; SQLite has one writer) and return it."""
    return _lock(case_id)


def save_step(case, workflow, route, step, actor: Actor, kind: str, name: str, task_id=None) -> None:
    """Store a step a use case elsewhere took on a locked case: state, projections, audit, one commit.

    ``route`` is the version the case runs on after the step; Conflict when another step came first.
    """
    _save(case, workflow, route, step, actor, kind, name, task_id)


def _lock(case_id: int) -> Case:
    case = db.session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise NotFound(f"zaak {case_id} bestaat niet")
    return case


def _engine_step(act, what: str):
    try:
        return act()
    except engine.TaskNotReady as error:
        raise Conflict(str(error)) from None
    except engine.StepFailed as error:
        raise ProcessError(f"de stap '{what}' is mislukt in het procesmodel: {error}") from None


def _save(case, workflow, route, step, actor: Actor, kind, name, task_id) -> None:
    try:
        _write(case, workflow, route, step, actor, kind, name, task_id)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # Another worker stored a step of this case first (SQLite has no row lock; the version check catches it).
        db.session.rollback()
        raise Conflict("de zaak is intussen door iemand anders gewijzigd; probeer het opnieuw") from None
    except Exception:  # e.g. a letter missing a field: the step, its letters and its projections all go
        db.session.rollback()
        raise


def _write(case, workflow, route, step, actor: Actor, kind, name, task_id, timers=None) -> None:
    before = case.data or {}
    changes = {k: v for k, v in step.changes.items() if before.get(k) != v}
    case.data = {**before, **step.changes}
    case.state = engine.dumps(workflow)
    case.status = "afgehandeld" if engine.is_finished(workflow) else "lopend"
    case.updated_at = utcnow()
    db.session.flush()  # the version check happens here, before any projection is touched
    terms = deadlines.compute(case.data, route.gemeente)
    _rebuild_deadlines(case, terms)
    _rebuild_tasks(case, workflow, route.definition, terms, actor, task_id)
    _rebuild_timers(case, workflow, timers)
    waits.rebuild_waits(case, workflow)
    audit = AuditEvent(
        case_id=case.id, actor=actor.username, kind=kind, name=name, task_id=task_id,
        changes=changes, process_hash=route.version.hash,
    )
    db.session.add(audit)
    if any(element in route.definition.letters for element in step.completed):
        db.session.flush()  # the letter names the step that sent it
        letters.make_letters(case, route, step, terms, audit, actor)


def _rebuild_deadlines(case, terms) -> None:
    existing = {d.name: d for d in db.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    for term in terms:
        row = existing.pop(term.name, None) or Deadline(case_id=case.id, name=term.name)
        row.start, row.due, row.met_on = term.start, term.due, term.met_on
        db.session.add(row)
    for row in existing.values():
        db.session.delete(row)


def _rebuild_tasks(case, workflow, definition, terms, actor: Actor, completed_id) -> None:
    due_by_term = {t.name: t.due for t in terms}
    data = case.data or {}

    def governing(name):
        info = definition.user_tasks.get(name)
        return next((n for n in (info.termijnen if info else ()) if n in due_by_term), None)

    ready = {t.id: t for t in engine.ready_tasks(workflow)}
    now = utcnow()
    for row in db.session.scalars(select(Task).where(Task.case_id == case.id, Task.closed_at.is_(None))):
        if row.id not in ready:
            row.closed_at = now
            row.closed_by = actor.username if row.id == completed_id else "vervallen"
            db.session.execute(delete(TaskDraft).where(TaskDraft.task_id == row.id))  # a concept ends with its task
            continue
        found = ready.pop(row.id)
        row.title, row.lane = found.title, found.lane  # a newer version may rename a task or move it to another lane
        term = governing(row.name)
        row.due = due_by_term.get(term)  # a verdaging moves the term, and the task with it
        row.signaal = data.get(f"{term}_signaal") if term else None
    for task in ready.values():
        term = governing(task.bpmn_id)
        db.session.add(Task(id=task.id, case_id=case.id, name=task.bpmn_id, title=task.title, lane=task.lane,
                            due=due_by_term.get(term), signaal=data.get(f"{term}_signaal") if term else None))


def _rebuild_timers(case, workflow, timers=None) -> None:
    """Replace the case's timer rows; ``timers`` are the workflow's waiting timers when the caller has them already."""
    db.session.execute(delete(Timer).where(Timer.case_id == case.id))
    for timer in engine.waiting_timers(workflow) if timers is None else timers:
        db.session.add(Timer(case_id=case.id, task_id=timer.task_id, name=timer.bpmn_id, due_at=timer.due))


def _check_bsn(value: str) -> str:
    try:
        return stdnum_bsn.validate(value)
    except Exception:  # stdnum raises its own ValidationError subclasses
        raise InvalidInput("het formulier bevat fouten", {"bsn": "geen geldig BSN (elfproef)"}) from None
