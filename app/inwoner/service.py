"""The resident's side of a case: the personal link, the state in plain words, signing the verslag, the plan.

Everything a resident does runs as ``auth.service.resident(case_id)`` through the case services,
which allow that actor only the "inwoner" lane's tasks and the resident's events of its own case.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import engine, forms, processes
from ..auth.service import RESIDENT, Actor, resident
from ..cases import deadlines
from ..cases.service import complete_task, deliver_event, get_case
from ..config import Settings
from ..db import db
from ..engine import clock
from ..errors import Conflict, Forbidden, InvalidInput
from ..letters import archive
from ..models import AuditEvent, Case, Deadline, ProcessVersion, Task
from . import links, texts

SIGN_TASK = "verslag_ondertekenen"
PLAN_EVENT = "persoonlijk_plan_ontvangen"
MAX_TEXT = 5000
CHANGED = "Dat lukte nu niet, want uw zaak is net veranderd. Open uw link opnieuw en kijk wat er nu kan."


def issue_link(settings: Settings, case_id, actor: Actor) -> links.Link:
    """Make a personal link for the resident of a case and record in its audit trail who made it."""
    actor.require({"klantmanager"}, "een persoonlijke link voor de inwoner maken")
    case = get_case(case_id)
    link = links.make(settings, case.id)
    version = db.session.get(ProcessVersion, case.process_version_id)
    db.session.add(AuditEvent(
        case_id=case.id, actor=actor.username, kind="inwonerlink", name="inwonerlink", task_id=None,
        changes={"geldig_tot": link.valid_until.isoformat()}, process_hash=version.hash,
    ))
    db.session.commit()
    return link


def open_link(settings: Settings, token: str) -> Actor:
    """Return the resident actor of a valid link; LinkRefused when it is altered, expired or its case is gone."""
    case_id = links.verify(settings, token)
    if db.session.get(Case, case_id) is None:
        raise links.LinkRefused("Deze link hoort niet bij een zaak.", "onbekende zaak")
    return resident(case_id)


@dataclass
class Page:
    """What the resident's page shows (plain values, no workflow objects)."""

    case_id: int
    afgerond: bool
    stand: texts.Stand
    termijnen: list[texts.Uitleg]
    verslag: list[tuple[str, str]] | None  # (title, text) when the verslag waits for the resident
    sign_task_id: str | None
    plan_tot: str | None  # the last day to hand in a persoonlijk plan, while that is possible
    brieven: list["Brief"]


@dataclass
class Brief:
    """One letter of the resident's case, as the page lists it."""

    id: int
    titel: str
    datum: str
    uitleg: str | None  # that it replaces an earlier letter, or was replaced by a newer one


def page(settings: Settings, actor: Actor) -> Page:
    """What the resident of ``actor``'s case sees now."""
    case = _own_case(actor)
    today = _today()
    data = case.data or {}
    open_tasks = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.closed_at.is_(None)).order_by(Task.opened_at)
    ).all()
    sign = next((t for t in open_tasks if t.name == SIGN_TASK and t.lane == RESIDENT), None)
    terms = {d.name: d for d in db.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    waiting = _waiting(settings, case)
    plan = _plan_window(terms, waiting, today)
    return Page(
        case_id=case.id,
        afgerond=case.status == "afgehandeld",
        stand=texts.stand(case.status, [t.name for t in open_tasks], waiting, data, _own_texts(settings, case)),
        termijnen=texts.termijnen(terms, data, today),
        verslag=texts.verslag(data) if sign else None,
        sign_task_id=sign.id if sign else None,
        plan_tot=texts.datum(plan.due) if plan else None,
        brieven=letters(actor),
    )


def letters(actor: Actor) -> list[Brief]:
    """The letters of the resident's own case, newest first, each with its date in words."""
    found = archive.documents(actor.case_id, actor)
    day = {d["id"]: texts.datum(d["created_at"].astimezone(clock.AMSTERDAM).date()) for d in found}
    return [Brief(d["id"], d["title"], day[d["id"]], texts.brief_uitleg(day.get(d["corrects_id"]), day.get(d["replaced_by"])))
            for d in reversed(found)]


def letter(actor: Actor, document_id: int):
    """One letter of the resident's own case; Forbidden (logged) for any other."""
    return archive.document(actor.case_id, document_id, actor)


def sign_verslag(settings: Settings, actor: Actor, task_id: str, form) -> Case:
    """Sign the verslag (agree or not, ask for the hulp or not); the signed verslag is the aanvraag."""
    fields = {}
    akkoord = _yes_no(form.get("akkoord"))
    hulp = _yes_no(form.get("hulp_aanvragen"))
    opmerkingen = (form.get("opmerkingen") or "").strip()
    if akkoord is None:
        fields["akkoord"] = "Kies of u het eens bent met het verslag."
    if akkoord is False and not opmerkingen:
        fields["opmerkingen"] = "U bent het niet eens met het verslag. Schrijf op waarmee niet."
    if len(opmerkingen) > MAX_TEXT:
        fields["opmerkingen"] = f"Uw tekst is te lang. Gebruik hoogstens {MAX_TEXT} tekens."
    if hulp is None:
        fields["hulp_aanvragen"] = "Kies of u de hulp aanvraagt."
    if fields:
        raise InvalidInput("Er ontbreekt iets in het formulier.", fields)
    answers = {"akkoord": akkoord, "hulp_aanvragen": hulp}
    if opmerkingen:
        answers["opmerkingen"] = opmerkingen
    # The date that starts the beslistermijn is today; the case service sets it for a resident.
    db.session.rollback()  # step in a fresh transaction: the case row must be read under its lock
    try:
        return complete_task(settings, task_id, answers, actor)
    except Conflict:
        raise Conflict(CHANGED) from None


def hand_in_plan(settings: Settings, actor: Actor, form) -> Case:
    """Hand in a persoonlijk plan while its term is open and the case waits for it."""
    case = _own_case(actor)
    plan = (form.get("plan") or "").strip()
    if not plan:
        raise InvalidInput("Er ontbreekt iets in het formulier.", {"plan": "Schrijf uw plan op."})
    if len(plan) > MAX_TEXT:
        raise InvalidInput("Uw plan is te lang.", {"plan": f"Uw plan is te lang. Gebruik hoogstens {MAX_TEXT} tekens."})
    terms = {d.name: d for d in db.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    if _plan_window(terms, _waiting(settings, case), _today()) is None:
        raise Conflict("U kunt nu geen persoonlijk plan meer inleveren. De termijn daarvoor is voorbij.")
    case_id = case.id
    db.session.rollback()  # step in a fresh transaction: the case row must be read under its lock
    try:
        return deliver_event(settings, case_id, PLAN_EVENT, {"plan": plan}, actor)
    except Conflict:
        raise Conflict(CHANGED) from None


def check_task(actor: Actor, task_id: str) -> None:
    """Refuse a task of another case or lane before any form is read (the case service refuses it too),
    and say so plainly when the resident sends the form again."""
    task = db.session.get(Task, str(task_id))
    if task is None or not actor.may_complete(task.lane, task.case_id):
        raise Forbidden("Deze taak hoort niet bij uw link.")
    if task.closed_at is not None:
        raise Conflict("Dit formulier is al verstuurd of niet meer nodig. U hoeft niets meer te doen.")


def _own_case(actor: Actor) -> Case:
    if not actor.is_resident or actor.case_id is None:
        raise Forbidden("alleen met een persoonlijke link")
    return get_case(actor.case_id)


def _own_texts(settings: Settings, case: Case):
    """The gemeente's own resident texts: ``x-inwoner`` in the form of a task or of an event (a wait)."""
    route = processes.route_of(settings, case)

    def eigen(name: str) -> texts.Stand | None:
        if name.startswith("events/"):
            form = f"{name}.json"
        else:
            info = route.definition.user_tasks.get(name)
            form = info.form if info else None
        if not form or not forms.exists(route.gemeente.form_dirs, form):
            return None
        return texts.eigen_tekst(forms.find(route.gemeente.form_dirs, form))

    return eigen


def _today():
    return clock.now().astimezone(clock.AMSTERDAM).date()


def _waiting(settings: Settings, case: Case) -> list[str]:
    if case.status != "lopend":
        return []
    return engine.waiting_messages(processes.route_of(settings, case).restore(case.state))


def _plan_window(terms: dict, waiting: list[str], today):
    term = terms.get("persoonlijk_plan")
    if term is None or PLAN_EVENT not in waiting or deadlines.status(term.due, term.met_on, today) != "open":
        return None
    return term


def _yes_no(value) -> bool | None:
    return {"ja": True, "nee": False}.get((value or "").strip())
