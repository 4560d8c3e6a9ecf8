"""Inbox queries and claims. They read and change only the task projection, never a workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from .. import processes
from ..auth.service import LANE_ROLES, Actor
from ..cases.ids import MAX_ID
from ..config import Settings
from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..engine import clock
from ..models import Case, ProcessVersion, Task, User

PER_PAGE = 25
MAX_PAGINA = MAX_ID // PER_PAGE  # beyond it the offset would not fit the database's integer
MAX_COUNT = 1000  # counts stop here ("meer dan 1.000"), so a page costs the same with 100,000 open tasks
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
    def parse(cls, args, lanes=None) -> "Filters":
        """Read the filters from query ``args``; ``team`` must be one of ``lanes`` (default: the national lanes)."""
        lanes = list(LANE_ROLES if lanes is None else lanes)
        fields = {}
        signaal = args.get("signaal") or None
        if signaal is not None and signaal not in SIGNALEN:
            fields["signaal"] = f"kies uit {', '.join(SIGNALEN)}"
        vervalt = args.get("vervalt") or None
        if vervalt is not None and vervalt not in VERVALT:
            fields["vervalt"] = f"kies uit {', '.join(VERVALT)}"
        team = args.get("team") or None
        if team is not None and team not in lanes:
            fields["team"] = f"kies uit {', '.join(lanes)}"
        try:
            pagina = int(args.get("pagina") or 1)
            if not 1 <= pagina <= MAX_PAGINA:
                raise ValueError
        except ValueError:
            fields["pagina"] = f"moet een geheel getal van 1 tot en met {MAX_PAGINA} zijn"
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


def lanes_of(actor: Actor, lane_roles=None) -> list[str]:
    """The lanes whose tasks the actor may do (in ``lane_roles``, default the actor's gemeente)."""
    mapping = actor.lane_roles if lane_roles is None else lane_roles
    return [lane for lane, roles in mapping.items() if actor.roles & roles]


def inbox(settings: Settings, actor: Actor, filters: Filters) -> dict:
    """Return one page of the actor's open tasks, by due date (undated last), with the resident's name."""
    lanes = lanes_of(actor, settings.gemeente_config().lane_roles)
    if not lanes:
        raise Forbidden("uw rol heeft geen werkvoorraad")
    return _page(settings, lanes, filters, actor)


def team(settings: Settings, actor: Actor, filters: Filters) -> dict:
    """The teamleider's view: every open task of every lane, with who has it and whom it may go to."""
    actor.require({"teamleider"}, "het werk van het team bekijken")
    lane_roles = settings.gemeente_config().lane_roles
    result = _page(settings, list(lane_roles), filters, actor)
    result["teams"] = list(lane_roles)
    result["medewerkers"] = {lane: eligible(lane, lane_roles) for lane in lane_roles}
    result["per_medewerker"] = _claimed_counts()
    return result


def _page(settings: Settings, lanes: list[str], filters: Filters, actor: Actor) -> dict:
    """One page in due order (undated last), read so that 100,000 open tasks cost about what 1,000 do.

    Dated and undated tasks are read as two index walks (``ix_task_open_due``) rather than one sort,
    because SQLite and PostgreSQL put NULLs at opposite ends; the counts come from the task table alone
    unless a filter needs the case row, and stop at MAX_COUNT.
    """
    if filters.team:
        lanes = [lane for lane in lanes if lane == filters.team]
    conditions = [Task.closed_at.is_(None), Task.lane.in_(lanes)]
    if filters.taak:
        conditions.append(Task.name == filters.taak)
    if filters.signaal:
        conditions.append(Task.signaal == filters.signaal)
    if filters.vervalt:
        today = clock.now().astimezone(clock.AMSTERDAM).date()
        days = VERVALT[filters.vervalt]
        conditions.append(Task.due < today if days is None else Task.due <= today + timedelta(days=days))
    if filters.alleen_mijn:
        conditions.append(Task.claimed_by == actor.username)
    if filters.medewerker == NIET_OPGEPAKT:
        conditions.append(Task.claimed_by.is_(None))
    elif filters.medewerker:
        conditions.append(Task.claimed_by == filters.medewerker)
    if filters.gemeente:
        conditions.append(Task.case_id.in_(select(Case.id).where(Case.gemeente == filters.gemeente)))

    def count(cap: int, *extra) -> int:
        # Task.lane, a column of every task index: the count can be read from an index alone.
        capped = select(Task.lane).where(*conditions, *extra).limit(cap).subquery()
        return db.session.scalar(select(func.count()).select_from(capped))

    offset = (filters.pagina - 1) * PER_PAGE
    total = count(max(MAX_COUNT, offset + PER_PAGE) + 1)
    # Where the undated tasks start matters only when this page reaches them, and then the count is exact.
    dated = count(offset + PER_PAGE + 1, Task.due.is_not(None))
    rows = []
    if offset < dated:
        rows += _rows(conditions + [Task.due.is_not(None)], [Task.due, Task.opened_at, Task.id], offset)
    if len(rows) < PER_PAGE:
        rows += _rows(conditions + [Task.due.is_(None)], [Task.opened_at, Task.id], max(0, offset - dated),
                      PER_PAGE - len(rows))
    capped = total > max(MAX_COUNT, offset + PER_PAGE)
    # Gemeenten with a deployed route (a small table), not a scan of every case.
    gemeenten = db.session.scalars(select(ProcessVersion.gemeente).distinct().order_by(ProcessVersion.gemeente)).all()
    return {
        "taken": rows,
        "totaal": MAX_COUNT if capped else total,
        "meer": capped,  # "meer dan 1.000 taken": the pages go on past the count
        "pagina": filters.pagina,
        "paginas": max(1, -(-(total - 1 if capped else total) // PER_PAGE)),
        "soorten": _kinds(settings, lanes),
        "teams": mine if len(mine := lanes_of(actor, settings.gemeente_config().lane_roles)) > 1 else [],
        "gemeenten": gemeenten if len(gemeenten) > 1 else [],
    }


def _rows(conditions, order, offset: int, limit: int = PER_PAGE) -> list[dict]:
    """The page's task ids from ``ix_task_open_due`` alone (every filtered column is in it), then those tasks.

    The index walk passes over the tasks the filters leave out without reading their rows; it is taken when the
    planner has statistics (timers.ticker.refresh_statistics on SQLite, autovacuum on PostgreSQL).
    """
    ids = db.session.scalars(select(Task.id).where(*conditions).order_by(*order).limit(limit).offset(offset)).all()
    if not ids:
        return []
    found = {task.id: (task, naam, gemeente) for task, naam, gemeente in db.session.execute(
        select(Task, Case.naam, Case.gemeente).join(Case, Case.id == Task.case_id).where(Task.id.in_(ids))
    )}
    # A task removed between the two reads is left out (one closed in between still shows, as the first read saw it).
    return [{"task": t, "naam": n, "gemeente": g} for t, n, g in (found[i] for i in ids if i in found)]


def _kinds(settings: Settings, lanes: list[str]) -> list[dict]:
    """The task types of these lanes in the route new cases run on (from the definition, not from the rows)."""
    definition = processes.definition(processes.current(settings.gemeente_config()))
    kinds = {info.bpmn_id: info.title for info in definition.user_tasks.values() if info.lane in lanes}
    return [{"name": n, "title": t} for n, t in sorted(kinds.items(), key=lambda kv: kv[1])]


def eligible(lane: str, lane_roles=None) -> list[str]:
    """The usernames whose roles may do tasks of ``lane`` (in ``lane_roles``, default the national lanes)."""
    roles = (LANE_ROLES if lane_roles is None else lane_roles).get(lane, frozenset())
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return [u.username for u in users if roles & set(u.roles)]


def _claimed_counts() -> list[dict]:
    """Open tasks per colleague (claimed tasks are few: one index range), and the unclaimed ones up to MAX_COUNT."""
    rows = db.session.execute(
        select(Task.claimed_by, func.count()).where(Task.closed_at.is_(None), Task.claimed_by.is_not(None))
        .group_by(Task.claimed_by).order_by(Task.claimed_by)
    ).all()
    unclaimed = select(Task.id).where(Task.closed_at.is_(None), Task.claimed_by.is_(None)).limit(MAX_COUNT + 1).subquery()
    count = db.session.scalar(select(func.count()).select_from(unclaimed))
    result = [{"medewerker": who, "open": str(n)} for who, n in rows]
    if count:
        result.append({"medewerker": None, "open": f"meer dan {MAX_COUNT:,}".replace(",", ".") if count > MAX_COUNT else str(count)})
    return result


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
    if username and username not in eligible(task.lane, actor.lane_roles):
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
