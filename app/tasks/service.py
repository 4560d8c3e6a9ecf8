"""The task page's use cases: show a task with its case, save a concept, complete it.

Who may see a task: a role that may complete its lane sees the form; a teamleider may look
without acting; anyone else is refused. What the page shows comes back as plain dicts.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import forms, processes
from ..auth.service import Actor
from ..cases import dossier
from ..cases import service as cases
from ..config import Settings
from ..db import db, utcnow
from ..engine import clock
from ..letters import archive
from ..errors import AppError, Conflict, Forbidden, InvalidInput, NotFound
from ..models import AuditEvent, Case, Task, TaskDraft

READER = "teamleider"
# Shown in their own section of the page, not among the earlier answers.
OWN_SECTIONS = frozenset({"bsn", "naam", "geboortedatum", "adres", "hulpvraag", "persoonlijk_plan_ontvangen"})


def task_page(settings: Settings, task_id: str, actor: Actor) -> dict:
    """Return what the task page shows; Forbidden for a role that may neither do nor oversee it."""
    task, case, route = _load(settings, task_id)
    may_complete = actor.may_complete(task.lane, lane_roles=route.gemeente.lane_roles)
    if not may_complete and READER not in actor.roles:
        raise Forbidden(f"uw rol mag de taak '{task.title}' niet inzien")
    info = route.definition.user_tasks.get(task.name)
    schema = forms.find(route.gemeente.form_dirs, info.form)
    draft = db.session.get(TaskDraft, task.id)
    closed = task.closed_at is not None
    return {
        "task": {
            "id": task.id, "name": task.name, "title": task.title, "lane": task.lane, "case_id": task.case_id,
            "due": task.due, "signaal": task.signaal, "claimed_by": task.claimed_by,
            "closed_at": _local(task.closed_at) if closed else None,
            "closed_by": task.closed_by, "vervallen": task.closed_by == "vervallen",
        },
        "mode": "gesloten" if closed else ("invullen" if may_complete else "inzien"),
        "schema": schema,
        "draft": None if draft is None or closed else {
            "answers": draft.answers or {}, "saved_by": draft.saved_by, "saved_at": _local(draft.saved_at),
        },
        "given": _given(task, schema) if closed else [],
        "case": case_context(settings, case, route, bsn_nodig=bool(schema.get("x-bsn-nodig")), actor=actor),
    }


def save_draft(task_id: str, answers: dict, actor: Actor) -> None:
    """Keep ``answers`` as the task's concept (one per task), unchecked for completeness."""
    task = db.session.get(Task, str(task_id))
    if task is None:
        raise NotFound(f"taak {task_id} bestaat niet")
    _require_doer(task, actor)
    if task.closed_at is not None:
        raise Conflict(f"taak '{task.title}' is niet meer open")
    bad = forms.control_characters(answers)  # unchecked for completeness, but it must be text a person typed
    if bad:
        raise InvalidInput("het concept bevat fouten", bad)
    draft = db.session.get(TaskDraft, task.id) or TaskDraft(task_id=task.id)
    draft.answers, draft.saved_by, draft.saved_at = answers, actor.username, utcnow()
    db.session.add(draft)
    db.session.commit()


def complete(settings: Settings, task_id: str, answers: dict, parse_errors: dict[str, str], actor: Actor) -> Case:
    """Complete the task with ``answers``; InvalidInput names every bad field and nothing is stored.

    ``parse_errors`` are fields whose posted text did not fit their type; they are reported together
    with what the form's schema finds in the rest.
    """
    try:
        task, case, route = _load(settings, task_id)
        _require_doer(task, actor)
        if task.closed_at is not None:
            raise Conflict(f"taak '{task.title}' is al afgerond of vervallen")
        if parse_errors:
            schema = forms.find(route.gemeente.form_dirs, route.definition.user_tasks[task.name].form)
            raise InvalidInput("het formulier bevat fouten", {**_schema_errors(schema, answers), **parse_errors})
        # Step in a fresh transaction: the page was read in this one, and the case row must be read under its lock.
        db.session.rollback()
        # The concept is deleted with the step itself (cases.service drops drafts of closed tasks).
        return cases.complete_task(settings, task_id, answers, actor)
    except AppError:
        db.session.rollback()  # release the case lock; nothing of this step is kept
        raise


def _schema_errors(schema: dict, answers: dict) -> dict[str, str]:
    try:
        forms.validate(schema, answers)
    except InvalidInput as error:
        return error.fields
    return {}


def _load(settings: Settings, task_id: str):
    task = db.session.get(Task, str(task_id))
    if task is None:
        raise NotFound(f"taak {task_id} bestaat niet")
    case = db.session.get(Case, task.case_id)
    return task, case, processes.route_of(settings, case)


def _require_doer(task: Task, actor: Actor) -> None:
    if not actor.may_complete(task.lane):
        raise Forbidden(f"uw rol mag de taak '{task.title}' ({task.lane}) niet uitvoeren")


def case_context(settings: Settings, case: Case, route, bsn_nodig: bool, actor: Actor) -> dict:
    """The case beside a form: resident, hulpvraag, earlier answers by form, persoonlijk plan, documents.

    The documents are listed as the dossier lists them, for a reader the dossier's rules allow (``letters.archive``).
    """
    data = case.data or {}
    plan = data.get("persoonlijk_plan_ontvangen")
    return {
        "id": case.id,
        "status": case.status,
        "inwoner": {
            "naam": case.naam, "bsn": case.bsn, "bsn_nodig": bsn_nodig,
            "geboortedatum": case.geboortedatum.strftime("%d-%m-%Y"), "adres": case.adres or {},
        },
        "hulpvraag": data.get("hulpvraag"),
        "antwoorden": earlier_answers(case, route),
        "persoonlijk_plan": {"ontvangen_op": _show({"format": "date"}, plan.get("ontvangen_op")),
                             "plan": plan.get("plan")} if isinstance(plan, dict) else None,
        "documenten": dossier.documents(archive.documents(case.id, actor)),
    }


def earlier_answers(case: Case, route) -> list[dict]:
    """The case data that came from forms, grouped by the form that last set it, with its field titles.

    Which form a value came from is read from the audit trail; values the route computed itself
    (terms, signals) belong to no form and are left out.
    """
    data = case.data or {}
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    source: dict[str, tuple[str, dict]] = {}  # data key -> (form file, property)
    schemas: dict[str, dict] = {}
    for event in events:
        form = _form_of(event, route)
        if form is None:
            continue
        if form not in schemas:
            try:
                schemas[form] = forms.find(route.gemeente.form_dirs, form)
            except NotFound:
                continue
        properties = schemas[form].get("properties", {})
        for key in (event.changes or {}):
            if key in properties and key not in OWN_SECTIONS:
                source[key] = (form, properties[key])
    groups: dict[str, dict] = {}
    for key, (form, prop) in source.items():
        value = data.get(key)
        if value is None or value == "" or value == {}:
            continue
        group = groups.setdefault(form, {"title": schemas[form].get("title", form), "rows": [], "order": len(groups)})
        group["rows"].append((prop.get("title", key), _show(prop, value)))
    return sorted(groups.values(), key=lambda g: g["order"])


def _form_of(event: AuditEvent, route) -> str | None:
    if event.kind == "melding":
        return cases.MELDING_FORM
    if event.kind == "taak":
        info = route.definition.user_tasks.get(event.name)
        return info.form if info else None
    return None


def _given(task: Task, schema: dict) -> list[tuple[str, str]]:
    """The answers a closed task gave, from its audit entry (what it changed)."""
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.task_id == task.id, AuditEvent.kind == "taak").order_by(AuditEvent.id.desc())
    )
    if event is None:
        return []
    properties = schema.get("properties", {})
    return [(properties[k].get("title", k), _show(properties[k], v)) for k, v in (event.changes or {}).items()
            if k in properties and v not in (None, "")]


def _show(prop: dict, value) -> str:
    """One answer as text: ja/nee, the choice's title, a Dutch date, an address on one line."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        sub = prop.get("properties", {})
        return "; ".join(f"{sub.get(k, {}).get('title', k)}: {_show(sub.get(k, {}), v)}" for k, v in value.items()
                         if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_show(prop.get("items", {}), v) for v in value)
    if "enum" in prop and value in prop["enum"]:
        titles = prop.get("x-enum-titles") or []
        index = [v for v in prop["enum"] if v is not None].index(value)
        return titles[index] if index < len(titles) else str(value).replace("_", " ").capitalize()
    if prop.get("format") == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return str(value)


def _local(moment) -> str:
    return moment.astimezone(clock.AMSTERDAM).strftime("%d-%m-%Y %H:%M")
