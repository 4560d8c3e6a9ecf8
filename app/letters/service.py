"""Which letter a step sends, what case data it needs, and storing it with the case.

A process owner marks the element that sends a letter in the diagram (property ``brief`` on the task,
e.g. ``ontvangstbevestiging``); when a step completes that element, ``make_letters`` renders the letter
and adds it to the step's transaction, so a letter exists exactly when its step was stored. A stored
letter is never changed (see ``models.Document``): a correction is a new letter.

Each letter declares the fields it needs; a missing one raises ``LetterError`` naming it, and the step
stores nothing: no half-filled letter, no step without its letter.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from .. import forms
from ..db import db
from ..models import Document
from .render import LetterError, render_html, render_pdf


@dataclass(frozen=True)
class Letter:
    """One kind of letter: its template, its title and the context fields it cannot do without."""

    kind: str
    title: str
    template: str
    required: tuple[str, ...]


LETTERS = {
    "ontvangstbevestiging": Letter(
        "ontvangstbevestiging", "Ontvangstbevestiging van uw melding", "ontvangstbevestiging.html",
        # persoonlijk_plan_uiterlijk is not required: a melding that is at once the aanvraag (zwartewaterland) has no
        # onderzoek, so no persoonlijk plan term, and the letter leaves that paragraph out.
        ("naam", "adres", "ontvangen_op", "hulpvraag", "ontvangstbevestiging_verzonden_op"),
    ),
    "beschikking_toekenning_zin": Letter(
        "beschikking_toekenning_zin", "Besluit: u krijgt hulp (zorg in natura)", "beschikking_toekenning_zin.html",
        ("naam", "adres", "beschikking_verzonden_op", "soort_hulp", "voorziening", "omvang", "ingangsdatum",
         "einddatum", "motivering", "eigen_bijdrage_per_maand", "bezwaar_uiterlijk"),
    ),
}


def letter_for(brief: str | None, data: dict) -> Letter | None:
    """The letter an element marked ``brief`` sends for this case data; None when there is none (yet)."""
    if brief == "beschikking":
        # The other forms (pgb, geld, afwijzing) follow in issue 6; until then the step sends no stored letter.
        if data.get("besluit") == "toekennen" and data.get("leveringsvorm") == "zin":
            return LETTERS["beschikking_toekenning_zin"]
        return None
    return LETTERS.get(brief or "")


def make_letters(case, route, step, terms, audit_event, actor) -> list[Document]:
    """Render and add (not commit) the letters of the elements ``step`` completed; LetterError if data is missing."""
    made = []
    for element in step.completed:
        letter = letter_for(route.definition.letters.get(element), case.data or {})
        if letter is None:
            continue
        context = _context(case, route, terms)
        missing = [name for name in letter.required if context.get(name) in (None, "", [], {})]
        if missing:
            raise LetterError(
                f"de brief '{letter.title}' kan niet worden gemaakt: {', '.join(missing)} ontbreekt in de zaak",
                {name: f"nodig voor de brief {letter.kind}" for name in missing},
            )
        html = render_html(route.gemeente.naam, letter.template, context)
        pdf = render_pdf(html)
        document = Document(
            case_id=case.id, kind=letter.kind, title=letter.title, html=html, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), created_by=actor.username, audit_event_id=audit_event.id,
            element=element,
        )
        db.session.add(document)
        made.append(document)
    return made


def documents_of(case_id: int) -> list[dict]:
    """A case's letters, oldest first, without their content: id, kind, title, created_at."""
    rows = db.session.execute(select(Document.id, Document.kind, Document.title, Document.created_at)
                              .where(Document.case_id == case_id).order_by(Document.id))
    return [dict(row._mapping) for row in rows]


def document_of(case_id: int, document_id: int) -> Document | None:
    """One letter of a case; None when the case has no letter with that id."""
    found = db.session.get(Document, document_id)
    return found if found is not None and found.case_id == case_id else None


def _context(case, route, terms) -> dict:
    """What a letter may use: the case data, the resident, the letterhead, the terms' last days, labels."""
    data = dict(case.data or {})
    gemeente = route.gemeente
    due = {t.name: t.due for t in terms}
    adres = case.adres or {}
    street = " ".join(str(adres[k]).strip() for k in ("straat", "huisnummer", "toevoeging") if adres.get(k))
    place = " ".join(str(adres[k]).strip() for k in ("postcode", "woonplaats") if adres.get(k))
    labels = _labels(gemeente)
    return {
        **data,
        "zaak": case.id,
        "naam": case.naam,
        "adres": [line for line in (street, place) if line],
        "briefhoofd": gemeente.briefhoofd or {"naam": gemeente.titel},
        "gemeente_titel": (gemeente.briefhoofd or {}).get("naam") or gemeente.titel,
        "persoonlijk_plan_uiterlijk": due.get("persoonlijk_plan"),
        "bezwaar_uiterlijk": due.get("bezwaartermijn"),
        "soort_hulp_titel": labels.get(("soort_hulp", data.get("soort_hulp")), data.get("soort_hulp")),
    }


def _labels(gemeente) -> dict:
    """The titles of the besluit form's choices ((field, value) -> title), as the caseworker saw them."""
    try:
        schema = forms.find(gemeente.form_dirs, "besluit_nemen.json")
    except Exception:  # a route without that form: the letter shows the values
        return {}
    found = {}
    for name, prop in schema.get("properties", {}).items():
        for value, title in zip(prop.get("enum", []), prop.get("x-enum-titles", [])):
            found[(name, value)] = title
    return found
