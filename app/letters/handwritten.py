"""Letters a caseworker writes by hand, and corrections of a stored letter.

A caseworker who does the klantmanager's or the beslisser's work (the gemeente's lanes say which roles)
writes a subject and a plain text; paragraphs are separated by an empty line. The letter is rendered
with the same letterhead as the route's letters (``brieven/handgeschreven.html`` over ``_brief.html``)
and stored as HTML with an audit entry of its own, in one transaction; its PDF follows, as a route letter's
does (``letters.pdfs``).

A correction is such a letter that names the letter it replaces: that letter stays stored as it was
(``models.Document`` refuses every update), the new one points at it (``corrects_id``) and says in its
first paragraph that it replaces the letter of that date. A letter is corrected once; to correct again,
correct the correction.
"""
from __future__ import annotations

import html
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import processes
from ..auth.service import Actor
from ..cases.service import lock_case
from ..config import Settings
from ..db import db
from ..engine import clock
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..forms import CONTROL_CHARACTERS
from ..models import AuditEvent, Document
from . import archive
from .render import datum, render_html
from .service import addressee

LETTER = "brief"  # the kind of a letter written by hand
CORRECTION = "correctie"  # the kind of a hand-written letter that replaces another
ELEMENT = "handmatig"  # no element of the route sent it
AUDIT_KIND = "brief"
TEMPLATE = "handgeschreven.html"
WRITER_LANES = ("klantmanager", "beslisser")
MAX_ONDERWERP = 200
MAX_TEKST = 20_000
FIELDS = ("onderwerp", "tekst")
LETTER_DATE = re.compile(r"<dt>Datum</dt>\s*<dd>([^<]+)</dd>")  # the kenmerk of _brief.html
# The form the web page renders (app/web/formulier.py) and the API documents.
SCHEMA = {
    "type": "object",
    "required": ["onderwerp", "tekst"],
    "properties": {
        "onderwerp": {"type": "string", "title": "Onderwerp", "maxLength": MAX_ONDERWERP,
                      "description": "Staat boven de brief en in de lijst met documenten."},
        "tekst": {"type": "string", "title": "Tekst van de brief", "maxLength": MAX_TEKST, "x-widget": "textarea",
                  "description": "Gewone tekst. Laat een regel leeg om een nieuwe alinea te beginnen. Het briefhoofd, "
                                 "de aanhef (Beste ...) en de groet komen er vanzelf bij."},
    },
}


def may_write(actor: Actor) -> bool:
    """Whether ``actor`` may write letters: a role that does the klantmanager's or the beslisser's lane."""
    return not actor.is_resident and any(actor.may_complete(lane) for lane in WRITER_LANES)


def require_writer(actor: Actor) -> None:
    if not may_write(actor):
        raise Forbidden("uw rol mag niet: een brief schrijven of corrigeren")


def check(payload) -> dict:
    """Return the cleaned subject and text; InvalidInput names every field that is missing, too long or no text."""
    if not isinstance(payload, dict):
        raise InvalidInput("de gegevens moeten een JSON-object zijn", {"_": "geen object"})
    fields, cleaned = {}, {}
    for name in payload:
        if name not in FIELDS and name != "corrigeert":
            fields[name] = "is geen veld van dit formulier"
    for name, limit in (("onderwerp", MAX_ONDERWERP), ("tekst", MAX_TEKST)):
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            fields[name] = "moet tekst zijn"
            continue
        value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if name == "onderwerp":
            value = " ".join(value.split())  # one line
        if not value:
            fields[name] = "is verplicht"
        elif CONTROL_CHARACTERS.search(value):  # a carriage return is a line break by now
            fields[name] = "bevat tekens die geen tekst zijn (stuurtekens)"
        elif len(value) > limit:
            fields[name] = f"is te lang (hoogstens {limit} tekens)"
        cleaned[name] = value
    if fields:
        raise InvalidInput("de brief is niet gemaakt: " + ", ".join(fields), fields)
    return cleaned


def paragraphs(tekst: str) -> list[list[str]]:
    """The text's paragraphs (split at empty lines), each as its lines."""
    return [[line.rstrip() for line in block.strip("\n").split("\n")]
            for block in re.split(r"\n[ \t]*\n", tekst) if block.strip()]


def correctable(case_id, document_id, actor: Actor) -> Document:
    """The letter a caseworker is about to correct; NotFound when the case has none, Conflict when it was replaced."""
    require_writer(actor)
    found = _document(int(case_id), document_id)
    _not_replaced(found)
    return found


def write(settings: Settings, case_id, payload, actor: Actor, corrects=None) -> Document:
    """Render and store a hand-written letter (``corrects``: the id of the letter it replaces); return it."""
    require_writer(actor)
    cleaned = check(payload)
    try:
        case = lock_case(int(case_id))
        old = _document(case.id, corrects) if corrects is not None else None
        if old is not None:
            _not_replaced(old)
        route = processes.route_of(settings, case)
        page = render_html(route.gemeente.naam, TEMPLATE, _context(case, route, cleaned, old))
        audit = AuditEvent(
            case_id=case.id, actor=actor.username, kind=AUDIT_KIND, name=CORRECTION if old else "handgeschreven",
            task_id=None, changes={"onderwerp": cleaned["onderwerp"], **({"corrigeert": old.id} if old else {})},
            process_hash=route.version.hash,
        )
        db.session.add(audit)
        db.session.flush()
        document = Document(
            case_id=case.id, kind=CORRECTION if old else LETTER, title=cleaned["onderwerp"], html=page,
            created_by=actor.username, audit_event_id=audit.id,
            element=ELEMENT, corrects_id=old.id if old else None,
        )
        db.session.add(document)
        db.session.commit()
        return document
    except IntegrityError:  # someone else corrected the same letter a moment ago (corrects_id is unique)
        db.session.rollback()
        raise Conflict("deze brief is intussen al door iemand anders gecorrigeerd", {"corrigeert": "is al vervangen"}) from None
    except Exception:
        db.session.rollback()  # release the case lock; nothing of this letter is kept
        raise


def _document(case_id: int, document_id) -> Document:
    if isinstance(document_id, bool) or not isinstance(document_id, int):
        raise InvalidInput("ongeldig document", {"corrigeert": "moet een documentnummer (geheel getal) zijn"})
    found = archive.find(document_id)
    if found is None or found.case_id != case_id:
        raise NotFound(f"document {document_id} bestaat niet bij zaak {case_id}",
                       {"corrigeert": f"zaak {case_id} heeft geen document {document_id}"})
    return found


def _not_replaced(document: Document) -> None:
    newer = db.session.scalar(select(Document.id).where(Document.corrects_id == document.id))
    if newer is not None:
        raise Conflict(f"deze brief is al vervangen door document {newer}; corrigeer dat document",
                       {"corrigeert": f"is al vervangen door document {newer}"})


def _context(case, route, cleaned: dict, old: Document | None) -> dict:
    return {
        **addressee(case, route.gemeente),
        "onderwerp": cleaned["onderwerp"],
        "alineas": paragraphs(cleaned["tekst"]),
        "vervangt": {"titel": old.title, "datum": letter_date(old)} if old else None,
    }


def letter_date(document: Document) -> str:
    """The date a stored letter bears (its kenmerk "Datum", as the resident read it); else the day it was stored."""
    found = LETTER_DATE.search(document.html)
    return html.unescape(found.group(1)).strip() if found else datum(document.created_at.astimezone(clock.AMSTERDAM).date())
