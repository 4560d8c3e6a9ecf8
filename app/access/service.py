"""Record who looked at which case's personal data, and who was refused; show it per case.

Health data under the AVG (art. 9) asks for a record of every access: who, when, what.
A view is logged in a transaction of its own, after the page or answer was built, so a
failing log line never changes what a step stored.
"""
from __future__ import annotations

from sqlalchemy import select

from ..auth.service import Actor
from ..cases.ids import row_id
from ..db import db
from ..models import AccessLog

VIEWED = "inzage"
REFUSED = "geweigerd"


def record_view(actor: Actor, case_id: int | None, what: str, path: str = "") -> None:
    """Log that ``actor`` saw personal data of a case (``what``: "dossier", "taak gesprek_plannen", ...)."""
    _record(actor.username, case_id, VIEWED, what, path)


def record_refusal(username: str, case_id: int | None, what: str, path: str = "") -> None:
    """Log that someone was refused: a role that may not, a resident's link to another case."""
    _record(username, case_id, REFUSED, what, path)


def _record(username: str, case_id, kind: str, what: str, path: str) -> None:
    case_id = row_id(case_id)
    if case_id is not None:
        from ..models import Case

        if db.session.get(Case, case_id) is None:
            case_id = None  # a refusal for a case that does not exist: keep the line, not the link
    db.session.add(AccessLog(case_id=case_id, actor=username[:64], kind=kind, what=what[:200], path=path[:500]))
    db.session.commit()


def case_log(case_id: int, actor: Actor) -> list[dict]:
    """The access log of one case, newest first; only a teamleider may read it (and that read is logged too)."""
    actor.require({"teamleider"}, "het inzagelogboek van een zaak lezen")
    if row_id(case_id) is None:
        return []  # no such case; the caller finds that out
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.case_id == case_id).order_by(AccessLog.id.desc())
    ).all()
    return [{"at": r.at, "actor": r.actor, "kind": r.kind, "what": r.what, "path": r.path} for r in rows]


def mask_bsn(bsn: str | None) -> str:
    """Show a BSN as ``*****6782``: enough to tell two residents apart, not enough to use it."""
    if not bsn:
        return "–"
    return "*" * (len(bsn) - 4) + bsn[-4:]
