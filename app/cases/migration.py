"""Move running cases to a newer version of their gemeente's route, where the process owner asks for it.

``plan_migration`` is the dry run: per running case on the old version, whether it can move and,
if not, why (the element ids that are missing or changed). ``migrate_cases`` does it: one case per
transaction, each in the shape of every step (lock the row, check, restore, move, then store the
state, the projections and an audit entry ``migratie`` in one commit). A case that cannot move, or
whose move fails while it is stored, stays exactly as it was and is reported with the reason.

Only a procesbeheerder may do either. The report names cases by number and where they stand, never
by resident: the process owner manages diagrams, not dossiers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from .. import engine, processes
from ..auth.service import Actor
from ..db import db
from ..engine import migration
from ..errors import AppError, Conflict, InvalidInput, NotFound
from ..models import Case, ProcessVersion
from . import service

OWNER = frozenset({"procesbeheerder"})
KIND = "migratie"


@dataclass
class CaseOutcome:
    """One case in a migration report."""

    case_id: int
    current: list[str]  # the element ids it stands at (on the old version)
    can_move: bool
    reasons: list[dict] = field(default_factory=list)  # {"process_id", "element", "reason"}
    moved: bool = False


@dataclass
class Report:
    """What a dry run found or a migration did, for one gemeente, from one version to another."""

    gemeente: str
    from_version: dict
    to_version: dict
    cases: list[CaseOutcome]
    done: bool = False  # False for a dry run

    @property
    def movable(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.can_move]

    @property
    def refused(self) -> list[CaseOutcome]:
        return [c for c in self.cases if not c.can_move]

    @property
    def moved(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.moved]


def targets(gemeente: str, version_id, actor: Actor) -> dict:
    """The version and the newer versions of its gemeente its running cases may move to, newest first."""
    actor.require(OWNER, "zaken naar een andere procesversie verplaatsen")
    version = processes.version_of(gemeente, version_id)
    newer = db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.gemeente == gemeente, ProcessVersion.id > version.id)
        .order_by(ProcessVersion.id.desc())
    )
    running = len(_running(version))
    return {"versie": _version(version), "lopend": running, "doelen": [_version(v) for v in newer]}


def plan_migration(settings, gemeente: str, from_version_id, to_version_id, actor: Actor, case_ids=None) -> Report:
    """Dry run: which running cases on the old version could move to the new one, and why not. Stores nothing."""
    actor.require(OWNER, "zaken naar een andere procesversie verplaatsen")
    old, new = _versions(gemeente, from_version_id, to_version_id)
    new_definition = processes.definition(new)
    script_engine = processes.script_engine(settings.gemeente_config(gemeente))
    outcomes = []
    try:
        for case in _running(old, case_ids):
            workflow = processes.route_of(settings, case).restore(case.state)
            outcomes.append(_outcome(case.id, migration.migrate(workflow, new_definition, script_engine)))
    finally:
        db.session.rollback()  # a dry run holds no locks and writes nothing
    return Report(gemeente, _version(old), _version(new), outcomes)


def migrate_cases(settings, gemeente: str, from_version_id, to_version_id, actor: Actor, case_ids=None) -> Report:
    """Move every running case on the old version (or those in ``case_ids``) that can move; report all of them."""
    actor.require(OWNER, "zaken naar een andere procesversie verplaatsen")
    old, new = _versions(gemeente, from_version_id, to_version_id)
    old_id, new_id, old_hash, new_hash = old.id, new.id, old.hash, new.hash
    ids = [c.id for c in _running(old, case_ids)]
    db.session.rollback()
    outcomes = [_migrate_one(settings, gemeente, case_id, old_id, new_id, old_hash, new_hash, actor) for case_id in ids]
    old, new = db.session.get(ProcessVersion, old_id), db.session.get(ProcessVersion, new_id)
    return Report(gemeente, _version(old), _version(new), outcomes, done=True)


def _migrate_one(settings, gemeente, case_id, old_id, new_id, old_hash, new_hash, actor) -> CaseOutcome:
    """Move one case in its own transaction; on any failure roll back and report it unchanged."""
    try:
        case = service.lock_case(case_id)
        if case.process_version_id != old_id or case.status != "lopend":
            db.session.rollback()
            return CaseOutcome(case_id, [], False, [_why("", "", "de zaak staat intussen niet meer lopend op deze versie")])
        new = db.session.get(ProcessVersion, new_id)
        route = processes.Route(settings.gemeente_config(gemeente), new, processes.definition(new))
        workflow = processes.route_of(settings, case).restore(case.state)
        result = migration.migrate(workflow, route.definition, processes.script_engine(route.gemeente))
        outcome = _outcome(case_id, result)
        if not result.can_move:
            db.session.rollback()
            return outcome
        case.process_version_id = new.id
        step = result.step or engine.Step()
        service.save_step(case, result.workflow, route, step, actor, KIND, f"{old_hash[:12]} → {new_hash[:12]}")
        outcome.moved = True
        return outcome
    except (Conflict, NotFound) as error:
        db.session.rollback()
        return CaseOutcome(case_id, [], False, [_why("", "", error.message)])
    except AppError as error:
        db.session.rollback()
        return CaseOutcome(case_id, [], False, [_why("", "", f"niet verplaatst: {error.message}")])
    except Exception as error:  # noqa: BLE001 - one case's failure must not stop or half-write the others
        db.session.rollback()
        return CaseOutcome(case_id, [], False, [_why("", "", f"niet verplaatst door een fout: {error}")])


def _versions(gemeente: str, from_version_id, to_version_id) -> tuple[ProcessVersion, ProcessVersion]:
    old, new = processes.version_of(gemeente, from_version_id), processes.version_of(gemeente, to_version_id)
    if new.id == old.id:
        raise InvalidInput("kies een andere versie", {"naar": "dit is de versie waar de zaken al op staan"})
    if new.id < old.id:
        raise InvalidInput("kies een nieuwere versie", {"naar": "zaken gaan alleen naar een nieuwere versie"})
    return old, new



def _running(version: ProcessVersion, case_ids=None) -> list[Case]:
    query = select(Case).where(Case.process_version_id == version.id, Case.status == "lopend").order_by(Case.id)
    if case_ids is not None:
        query = query.where(Case.id.in_([int(i) for i in case_ids]))
    return list(db.session.scalars(query))


def _outcome(case_id: int, result: migration.Migration) -> CaseOutcome:
    return CaseOutcome(case_id, list(result.current), result.can_move,
                       [_why(r.process_id, r.element, r.reason) for r in result.reasons])


def _why(process_id: str, element: str, reason: str) -> dict:
    return {"process_id": process_id, "element": element, "reason": reason}


def _version(version: ProcessVersion) -> dict:
    return {"id": version.id, "hash": version.hash, "kort": version.hash[:10], "gemeente": version.gemeente}

