"""Inbox queries and claims. They read and change only the task projection, never a workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ..auth.service import LANE_ROLES, Actor
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..engine import clock
from ..models import Case, Task, User

PER_PAGE = 25
SIGNALEN = ("nadert", "verstreken")
# "Vervalt": overdue, or due within this many days (and overdue); the term itself is counted in the route.
VERVALT = {"verlopen": None, "7": 7, "14": 14}
NIET_OPGEPAKT = "-"


@dataclass(frozen=True)
class Filters:
    """What the inbox shows: task type, term signal, due, team (lane), gemeente, claimed by, page."""

    taak: str | None = None
    signaal: str | None = None
    vervalt: str | None = None
    team: str | None = None
    gemeente: str | None = None
    medewerker: str | None = None  # team view: a username, or NIET_OPGEPAKT
    alleen_mijn: bool = False
    pagina: int = 1

    @classmethod
    def parse(cls, args) -> "Filters":
        fields = {}
        signaal = args.get("signaal") or None
        if signaal is not None and signaal not in SIGNALEN:
            fields["signaal"] = f"kies uit {', '.join(SIGNALEN)}"
        vervalt = args.get("vervalt") or None
        if vervalt is not None and vervalt not in VERVALT:
            fields["vervalt"] = f"kies uit {', '.join(VERVALT)}"
        team = args.get("team") or None
        if team is not None and team not in LANE_ROLES:
            fields["team"] = f"kies uit {', '.join(LANE_ROLES)}"
        try:
            pagina = int(args.get("pagina") or 1)
            if pagina < 1:
                raise ValueError
        except ValueError:
            fields["pagina"] = "moet een positief geheel getal zijn"
            pagina = 1
        if fields:
            raise InvalidInput("ongeldige filter", fields)
        return cls(taak=args.get("taak") or None, signaal=signaal, vervalt=vervalt, team=team,
                   gemeente=args.get("gemeente") or None, medewerker=args.get("medewerker") or None,
                   alleen_mijn=args.get("mijn") == "1", pagina=pagina)

    def args(self, **changes) -> dict:
        """The query arguments of these filters (for paging links), with ``changes`` applied."""
        values = {"taak": self.taak, "signaal": self.signaal, "vervalt": self.vervalt, "team": self.team,
                  "gemeente": self.gemeente, "medewerker": self.medewerker,
                  "mijn": "1" if self.alleen_mijn else None, "pagina": self.pagina}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def lanes_of(actor: Actor) -> list[str]:
    """The lanes whose tasks the actor may do."""
    return [lane for lane, roles in LANE_ROLES.items() if actor.roles & roles]


def inbox(actor: Actor, filters: Filters) -> dict:
    """Return one page of the actor's open tasks, by due date (undated last), with the resident's name."""
    lanes = lanes_of(actor)
    if not lanes:
        raise Forbidden("uw rol heeft geen werkvoorraad")
    return _page(lanes, filters, actor)


def team(actor: Actor, filters: Filters) -> dict:
    """The teamleider's view: every open task of every lane, with who has it and whom it may go to."""
    actor.require({"teamleider"}, "het werk van het team bekijken")
    result = _page(list(LANE_ROLES), filters, actor)
    result["teams"] = list(LANE_ROLES)
    result["medewerkers"] = {lane: eligible(lane) for lane in LANE_ROLES}
    result["per_medewerker"] = _claimed_counts()
    return result


def _page(lanes: list[str], filters: Filters, actor: Actor) -> dict:
    if filters.team:
        lanes = [lane for lane in lanes if lane == filters.team]
    base = select(Task, Case.naam, Case.gemeente).join(Case, Case.id == Task.case_id).where(
        Task.closed_at.is_(None), Task.lane.in_(lanes)
    )
    query = base
    if filters.taak:
        query = query.where(Task.name == filters.taak)
    if filters.signaal:
        query = query.where(Task.signaal == filters.signaal)
    if filters.vervalt:
        today = clock.now().astimezone(clock.AMSTERDAM).date()
        days = VERVALT[filters.vervalt]
        query = query.where(Task.due < today) if days is None else query.where(Task.due <= today + timedelta(days=days))
    if filters.gemeente:
        query = query.where(Case.gemeente == filters.gemeente)
    if filters.alleen_mijn:
        query = query.where(Task.claimed_by == actor.username)
    if filters.medewerker == NIET_OPGEPAKT:
        query = query.where(Task.claimed_by.is_(None))
    elif filters.medewerker:
        query = query.where(Task.claimed_by == filters.medewerker)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(Task.due.is_(None), Task.due, Task.opened_at, Task.id)
        .limit(PER_PAGE).offset((filters.pagina - 1) * PER_PAGE)
    ).all()
    kinds = db.session.execute(
        select(Task.name, Task.title).where(Task.closed_at.is_(None), Task.lane.in_(lanes)).distinct().order_by(Task.title)
    ).all()
    gemeenten = db.session.scalars(select(Case.gemeente).distinct().order_by(Case.gemeente)).all()
    return {
        "taken": [{"task": task, "naam": naam, "gemeente": gemeente} for task, naam, gemeente in rows],
        "totaal": total,
        "pagina": filters.pagina,
        "paginas": max(1, -(-total // PER_PAGE)),
        "soorten": [{"name": n, "title": t} for n, t in kinds],
        "teams": lanes_of(actor) if len(lanes_of(actor)) > 1 else [],
        "gemeenten": gemeenten if len(gemeenten) > 1 else [],
    }


def eligible(lane: str) -> list[str]:
    """The usernames whose roles may do tasks of ``lane``."""
    roles = LANE_ROLES.get(lane, frozenset())
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return [u.username for u in users if roles & set(u.roles)]


def _claimed_counts() -> list[dict]:
    rows = db.session.execute(
        select(Task.claimed_by, func.count()).where(Task.closed_at.is_(None))
        .group_by(Task.claimed_by).order_by(Task.claimed_by.is_(None), Task.claimed_by)
    ).all()
    return [{"medewerker": who, "open": count} for who, count in rows]


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


def reassign(task_id: str, username: str, actor: Actor) -> Task:
    """The teamleider gives an open task to a colleague whose role may do it (or back to the team: "")."""
    actor.require({"teamleider"}, "taken toewijzen")
    task = _open_task(task_id, actor, teamleider_too=True)
    username = (username or "").strip()
    if username and username not in eligible(task.lane):
        raise InvalidInput("ongeldige toewijzing", {"medewerker": f"{username or '(leeg)'} mag taken van {task.lane} niet doen"})
    task.claimed_by = username or None
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
