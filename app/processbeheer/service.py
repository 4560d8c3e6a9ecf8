"""Use cases of the process owner: which versions each gemeente has, and how many cases run on each.

Only a procesbeheerder may use them; every function checks the actor's role itself, so the
refusal holds whatever page or command calls it.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..auth.service import Actor
from ..db import db
from ..engine import clock
from ..models import Case, ProcessVersion

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
            "versies": [_version_row(v, counts, current=i == 0) for i, v in enumerate(versions)],
        })
    return result


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
