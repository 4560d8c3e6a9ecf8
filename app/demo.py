"""Demo data: one user per role and about 20 cases standing at different steps of the route.

The cases are walked through the real services, as caseworkers would: answers are made from
each task's form, with the choices a scenario needs (``leveringsvorm``, ``besluit``, ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from .auth.service import Actor, add_user
from .cases import service
from .config import Settings
from .db import db
from .engine import clock
from .errors import InvalidInput
from .models import Case, Task, User

DEMO_ROLES = ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder")


_PATTERNED = {"postcode": "1234 AB", "gesprek_tijd": "10:00", "agb_code": "12345678", "iban": "NL91ABNA0417164300"}
# Choices a caseworker makes on an ordinary case, unless a scenario says otherwise.
DEFAULTS = {
    "aanvraag_beoordelen": {
        "wlz_recht": False, "eigen_oplossing_toereikend": False, "algemene_voorziening_toereikend": False,
        "voorliggende_voorziening": False, "algemeen_gebruikelijk": False, "kosten_al_gemaakt": False,
        "partner_onder_aow_leeftijd": False, "betaalt_wlz_of_bw_bijdrage": False, "laag_inkomen_regeling": False,
    },
    "besluit_nemen": {"soort_hulp": "huishoudelijke_hulp", "omvang": "3 uur per week"},
    "gesprek_voeren": {"soort_hulp": "huishoudelijke_hulp"},
}


def example_value(name: str, prop: dict, today: str):
    """Return a plausible value for one form field."""
    kind = prop.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in prop:
        return next((v for v in prop["enum"] if v is not None), None)
    if "const" in prop:
        return prop["const"]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(prop.get("minimum", 1), 1)
    if kind == "array":
        return []
    if kind == "object":
        return {k: example_value(k, p, today) for k, p in prop.get("properties", {}).items()}
    if prop.get("format") == "date":
        return today
    if name in _PATTERNED:
        return _PATTERNED[name]
    return f"Toelichting bij {prop.get('title', name).lower()}"


def example_answers(schema: dict, overrides: dict, today: str) -> dict:
    """Fill every field of ``schema`` with a plausible value, then apply ``overrides``."""
    answers = {name: example_value(name, prop, today) for name, prop in schema.get("properties", {}).items()}
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None or k in overrides}


@dataclass
class Step:
    """One step of a scenario: complete a task, deliver an event, or let time pass to a date."""

    kind: str  # "task" | "event" | "time"
    name: str = ""
    values: dict = field(default_factory=dict)
    on: date | None = None


def task(name: str, **values) -> Step:
    return Step("task", name, values)


def event(name: str, **values) -> Step:
    return Step("event", name, values)


def time_to(day: date) -> Step:
    return Step("time", on=day)


ACTORS = {role: Actor(f"demo-{role}", frozenset({role})) for role in DEMO_ROLES}


def walk(settings: Settings, case_id: int, steps: list[Step], start: date) -> date:
    """Run ``steps`` on a case, each on the current scenario date; return the date reached."""
    from . import forms, processes
    from .models import ProcessVersion

    current = start
    for step in steps:
        if step.kind == "time":
            current = step.on
            service.fire_due(settings, datetime.combine(current, time(12), tzinfo=clock.AMSTERDAM))
            continue
        with clock.at(datetime.combine(current, time(12), tzinfo=clock.AMSTERDAM)):
            case = db.session.get(Case, case_id)
            gemeente = settings.gemeente_config(case.gemeente)
            today = current.isoformat()
            if step.kind == "event":
                schema = forms.find(gemeente.form_dirs, f"events/{step.name}.json")
                payload = example_answers(schema, step.values, today)
                service.deliver_event(settings, case_id, step.name, payload, ACTORS["klantmanager"])
                continue
            row = db.session.scalar(select(Task).where(
                Task.case_id == case_id, Task.name == step.name, Task.closed_at.is_(None)))
            if row is None:
                open_tasks = [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]
                raise LookupError(f"zaak {case_id}: taak {step.name} is niet open (open: {open_tasks})")
            version = db.session.get(ProcessVersion, case.process_version_id)
            info = processes.definition(version).user_tasks[step.name]
            schema = forms.find(gemeente.form_dirs, info.form)
            answers = example_answers(schema, {**DEFAULTS.get(step.name, {}), **step.values}, today)
            actor = next(a for a in ACTORS.values() if a.may_complete(row.lane))
            service.complete_task(settings, row.id, answers, actor)
    return current


MELDING = {
    "naam": "J. de Vries", "geboortedatum": "1948-03-14", "hulpvraag": "Ik kan mijn huis niet meer schoonhouden.",
    "kanaal": "telefonisch",
    "adres": {"straat": "Dorpsstraat", "huisnummer": "12", "postcode": "1234 AB", "woonplaats": "Ergenshuizen"},
}


def create_case(settings: Settings, bsn: str, ontvangen_op: date, **melding) -> int:
    """Register a demo melding received on ``ontvangen_op``."""
    payload = {**MELDING, **melding, "bsn": bsn, "ontvangen_op": ontvangen_op.isoformat()}
    with clock.at(datetime.combine(ontvangen_op, time(10), tzinfo=clock.AMSTERDAM)):
        return service.create_melding(settings, payload, ACTORS["klantmanager"]).id
