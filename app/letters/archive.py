"""A case's stored letters as their readers get them: listed with what corrects what, and read one at a time.

Who may read them: a caseworker (the roles that read the dossier), or the resident through the personal
link of that very case. Any other reader, and a resident asking for a letter of another case, is
refused here, in the service, whichever page or API call asked. The callers log each read.
"""
from __future__ import annotations

from sqlalchemy import select

from ..auth.service import CASEWORKERS, Actor
from ..cases.service import get_case
from ..db import db
from ..errors import Forbidden, NotFound
from ..models import Document

NOT_YOURS = "Deze brief hoort niet bij uw link."
MAX_ID = 2**31 - 1  # an INTEGER key on PostgreSQL; a larger id is no letter, not an error


def require_reader(actor: Actor, case_id) -> None:
    """Refuse who may not read the letters of ``case_id`` (a resident only those of the own case)."""
    if actor.is_resident:
        if not actor.owns(case_id):
            raise Forbidden(NOT_YOURS)
        return
    actor.require(CASEWORKERS, "de documenten van een zaak inzien")


def documents(case_id, actor: Actor) -> list[dict]:
    """The letters of a case, oldest first, for a reader; each says which letter it corrects and which replaced it."""
    require_reader(actor, case_id)
    return listing(get_case(case_id).id)


def document(case_id, document_id, actor: Actor) -> Document:
    """One letter of a case for a reader; NotFound when the case has no such letter (a resident: Forbidden)."""
    require_reader(actor, case_id)
    case = get_case(case_id)
    found = find(document_id)
    if found is None or found.case_id != case.id:
        if actor.is_resident:  # a resident learns nothing about other cases' letters, and the try is logged
            raise Forbidden(NOT_YOURS)
        raise NotFound(f"document {document_id} bestaat niet bij zaak {case.id}")
    return found


def find(document_id) -> Document | None:
    """The letter with that id, of any case; None for an id no letter can have (not a number, out of range)."""
    try:
        number = int(document_id)
    except (TypeError, ValueError):
        return None
    return db.session.get(Document, number) if 0 < number <= MAX_ID else None


def listing(case_id: int) -> list[dict]:
    """A case's letters without their content: id, kind, title, created_at, created_by, corrects_id, replaced_by."""
    rows = db.session.execute(
        select(Document.id, Document.kind, Document.title, Document.created_at, Document.created_by,
               Document.corrects_id).where(Document.case_id == case_id).order_by(Document.id))
    found = [{**row._mapping, "replaced_by": None} for row in rows]
    by_id = {d["id"]: d for d in found}
    for item in found:
        if item["corrects_id"] in by_id:
            by_id[item["corrects_id"]]["replaced_by"] = item["id"]
    return found
