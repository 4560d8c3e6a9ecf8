"""Inbox queries and claims. They read and change only the task projection, never a workflow."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..auth.service import LANE_ROLES, Actor
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Case, Task

PER_PAGE = 25
SIGNALEN = ("nadert", "verstreken")


@dataclass(frozen=True)
class Filters:
    """What the inbox shows: task type, term signal, only my claimed tasks, page."""

    taak: str | None = None
    signaal: str | None = None
    alleen_mijn: bool = False
    pagina: int = 1

    @classmethod
    def parse(cls, args) -> "Filters":
        fields = {}
        signaal = args.get("signaal") or None
        if signaal is not None and signaal not in SIGNALEN:
            fields["signaal"] = f"kies uit {', '.join(SIGNALEN)}"
        try:
            pagina = int(args.get("pagina") or 1)
            if pagina < 1:
                raise ValueError
        except ValueError:
            fields["pagina"] = "moet een positief geheel getal zijn"
            pagina = 1
        if fields:
            raise InvalidInput("ongeldige filter", fields)
        return cls(taak=args.get("taak") or None, signaal=signaal, alleen_mijn=args.get("mijn") == "1", pagina=pagina)


def lanes_of(actor: Actor) -> list[str]:
    """The lanes whose tasks the actor may do."""
    return [lane for lane, roles in LANE_ROLES.items() if actor.roles & roles]


def inbox(actor: Actor, filters: Filters) -> dict:
    """Return one page of the actor's open tasks, by due date (undated last), with the resident's name."""
    lanes = lanes_of(actor)
    if not lanes:
        raise Forbidden("uw rol heeft geen werkvoorraad")
    query = select(Task, Case.naam).join(Case, Case.id == Task.case_id).where(Task.closed_at.is_(None), Task.lane.in_(lanes))
    if filters.taak:
        query = query.where(Task.name == filters.taak)
    if filters.signaal:
        query = query.where(Task.signaal == filters.signaal)
    if filters.alleen_mijn:
        query = query.where(Task.claimed_by == actor.username)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(Task.due.is_(None), Task.due, Task.opened_at, Task.id)
        .limit(PER_PAGE).offset((filters.pagina - 1) * PER_PAGE)
    ).all()
    kinds = db.session.execute(
        select(Task.name, Task.title).where(Task.closed_at.is_(None), Task.lane.in_(lanes)).distinct().order_by(Task.title)
    ).all()
    return {
        "taken": [{"task": task, "naam": naam} for task, naam in rows],
        "totaal": total,
        "pagina": filters.pagina,
        "paginas": max(1, -(-total // PER_PAGE)),
        "soorten": [{"name": n, "title": t} for n, t in kinds],
    }


def claim(task_id: str, actor: Actor) -> Task:
    """Assign an open task to the actor; Conflict when someone else has it."""
    task = _open_task(task_id, actor)
    if task.claimed_by not in (None, actor.username):
        raise Conflict(f"taak is al opgepakt door {task.claimed_by}")
    task.claimed_by = actor.username
    db.session.commit()
    return task


def release(task_id: str, actor: Actor) -> Task:
    """Give a claimed task back to the team (the claimer, or a teamleider)."""
    task = _open_task(task_id, actor, teamleider_too=True)
    if task.claimed_by not in (None, actor.username) and "teamleider" not in actor.roles:
        raise Forbidden("alleen wie de taak oppakte of een teamleider kan haar vrijgeven")
    task.claimed_by = None
    db.session.commit()
    return task


def _open_task(task_id: str, actor: Actor, teamleider_too: bool = False) -> Task:
    task = db.session.scalar(select(Task).where(Task.id == str(task_id)).with_for_update())
    if task is None:
        raise NotFound(f"taak {task_id} bestaat niet")
    if task.closed_at is not None:
        raise Conflict("taak is al afgerond")
    if not actor.may_complete(task.lane) and not (teamleider_too and "teamleider" in actor.roles):
        raise Forbidden(f"uw rol mag taken van {task.lane} niet oppakken")
    return task
