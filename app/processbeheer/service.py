"""Use cases of the process owner: which versions each gemeente has, and how many cases run on each.

Only a procesbeheerder may use them; every function checks the actor's role itself, so the
refusal holds whatever page or command calls it.
"""
from __future__ import annotations

from sqlalchemy import func, select

from .. import processes
from ..auth.service import Actor
from ..db import db
from ..engine import clock
from ..engine.definitions import MAIN_PROCESS
from ..errors import NotFound
from ..models import Case, ProcessVersion
from . import diff

OWNER = frozenset({"procesbeheerder"})


def require_owner(actor: Actor, what: str = "procesdefinities beheren") -> None:
    """Refuse (403, logged) anyone who is not a procesbeheerder."""
    actor.require(OWNER, what)


def gemeenten(settings) -> list[str]:
    """The gemeente in use, then every configured gemeente that has a deployed version."""
    deployed = set(db.session.scalars(select(ProcessVersion.gemeente).distinct()))
    names = [settings.gemeente]
    for naam in settings.raw.get("gemeenten", {}):
        if naam != settings.gemeente and naam in deployed:
            names.append(naam)
    return names


def overview(settings, actor: Actor) -> list[dict]:
    """Per gemeente its versions, newest first, with how many cases run on each and in all."""
    require_owner(actor)
    counts = _case_counts()
    result = []
    for naam in gemeenten(settings):
        versions = db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.gemeente == naam).order_by(ProcessVersion.id.desc())
        ).all()
        titel = settings.raw.get("gemeenten", {}).get(naam, {}).get("naam", naam)
        result.append({
            "naam": naam,
            "titel": titel,
            "in_gebruik": naam == settings.gemeente,
            "versies": [{**_version_row(v, counts, current=i == 0),
                         "gewijzigd": changed_files(versions[i + 1] if i + 1 < len(versions) else None, v)}
                        for i, v in enumerate(versions)],
        })
    return result


def changed_files(before: ProcessVersion | None, version: ProcessVersion) -> list[str] | None:
    """The files a version changed, added or removed against the one before it (None: the first version)."""
    if before is None:
        return None
    return sorted(n for n in set(before.files) | set(version.files) if before.files.get(n) != version.files.get(n))


def _case_counts() -> dict[int, dict[str, int]]:
    rows = db.session.execute(
        select(Case.process_version_id, Case.status, func.count()).group_by(Case.process_version_id, Case.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for version_id, status, number in rows:
        entry = counts.setdefault(version_id, {"lopend": 0, "totaal": 0})
        entry["totaal"] += number
        if status == "lopend":
            entry["lopend"] += number
    return counts


def _version_row(version: ProcessVersion, counts: dict, current: bool) -> dict:
    number = counts.get(version.id, {"lopend": 0, "totaal": 0})
    return {
        "id": version.id,
        "hash": version.hash,
        "kort": version.hash[:10],
        "deployed_at": format_instant(version.deployed_at),
        "deployed_at_iso": version.deployed_at.isoformat(),
        "deployed_by": version.deployed_by,
        "lopend": number["lopend"],
        "totaal": number["totaal"],
        "huidig": current,
        "bestanden": sorted(version.files),
    }


def format_instant(value) -> str:
    """An instant as the Netherlands reads it: 01-12-2026 14:05 (Europe/Amsterdam)."""
    return value.astimezone(clock.AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def gemeente(settings, naam: str):
    """The configuration of gemeente ``naam``; NotFound when it is not configured."""
    from ..config import ConfigError

    if naam != settings.gemeente and naam not in settings.raw.get("gemeenten", {}):
        raise NotFound(f"gemeente {naam} is hier niet ingesteld")
    try:
        return settings.gemeente_config(naam)
    except ConfigError as error:
        raise NotFound(f"gemeente {naam} is hier niet ingesteld: {error}") from None


def get_version(naam: str, version_id) -> ProcessVersion:
    """A stored version of gemeente ``naam``; NotFound for another gemeente's or an unknown id."""
    return processes.version_of(naam, version_id)


def newest(naam: str) -> ProcessVersion | None:
    """The version new cases of gemeente ``naam`` start on, or None before the first deploy."""
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.gemeente == naam).order_by(ProcessVersion.id.desc()).limit(1)
    )


def version_page(settings, naam: str, version_id: int, shown: str | None, actor: Actor) -> dict:
    """A version: its files with the processes or decisions in each, and the file to show."""
    require_owner(actor)
    config = gemeente(settings, naam)
    version = get_version(naam, version_id)
    counts = _case_counts()
    latest = newest(naam)
    files = []
    for name in sorted(version.files):
        files.append({"naam": name, "bpmn": name.endswith(".bpmn"), **diff.contents(name, version.files[name])})
    if shown not in version.files:
        shown = next((f["naam"] for f in files if f["naam"] == f"{MAIN_PROCESS}.bpmn"),
                     files[0]["naam"] if files else None)
    others = db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.gemeente == naam, ProcessVersion.id != version.id)
        .order_by(ProcessVersion.id.desc())
    ).all()
    older = next((v for v in others if v.id < version.id), None)
    return {
        "gemeente": {"naam": config.naam, "titel": config.titel},
        "versie": _version_row(version, counts, current=latest is not None and latest.id == version.id),
        "vorige": {"id": older.id, "gewijzigd": changed_files(older, version)} if older else None,
        "bestanden": files,
        "getoond": shown,
        "beslistabellen": diff.decision_tables(version.files[shown]) if shown and shown.endswith(".dmn") else [],
        "andere_versies": [{"id": v.id, "kort": v.hash[:10]} for v in others],
        "vergelijk": _compare_with(version, others),
    }


def _compare_with(version: ProcessVersion, others: list[ProcessVersion]) -> dict | None:
    """The natural comparison for a version: with the one before it, or else with the newest."""
    older = [v for v in others if v.id < version.id]
    if older:
        return {"van": older[0].id, "naar": version.id, "met": older[0].id}
    if others:
        return {"van": version.id, "naar": others[0].id, "met": others[0].id}
    return None


def version_file(naam: str, version_id: int, file: str, actor: Actor) -> str:
    """The XML of one file of a stored version (the process model holds no personal data)."""
    require_owner(actor)
    version = get_version(naam, version_id)
    if file not in version.files:
        raise NotFound(f"versie {version_id} heeft geen bestand {file}")
    return version.files[file]


def comparison(settings, naam: str, van: int, naar: int, file: str | None, actor: Actor) -> dict:
    """Two versions of one file side by side: what was added, removed, changed or only moved."""
    require_owner(actor)
    config = gemeente(settings, naam)
    old, new = get_version(naam, van), get_version(naam, naar)
    names = sorted(set(old.files) | set(new.files))
    changed_files = [n for n in names if old.files.get(n) != new.files.get(n)]
    if file not in names:
        file = changed_files[0] if changed_files else (names[0] if names else None)
    if file is None:
        raise NotFound("deze versies hebben geen bestanden")
    before, after = old.files.get(file), new.files.get(file)
    if before is not None and after is not None:
        changes = diff.compare(before, after)
    else:
        changes = []
    return {
        "gemeente": {"naam": config.naam, "titel": config.titel},
        "van": _version_row(old, {}, current=False),
        "naar": _version_row(new, {}, current=False),
        "bestand": file,
        "bpmn": file.endswith(".bpmn"),
        "bestanden": [{"naam": n, "gewijzigd": n in changed_files, "alleen_in": _only_in(n, old, new)} for n in names],
        "in_beide": before is not None and after is not None,
        "wijzigingen": changes,
        "versies": [{"id": v.id, "kort": v.hash[:10]} for v in db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.gemeente == naam).order_by(ProcessVersion.id.desc()))],
    }


def _only_in(name: str, old: ProcessVersion, new: ProcessVersion) -> str | None:
    if name not in old.files:
        return "nieuw"
    if name not in new.files:
        return "verwijderd"
    return None
