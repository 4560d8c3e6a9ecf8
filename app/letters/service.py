"""Which letter a step sends, what case data it needs, and storing it with the case.

A process owner marks the element that sends a letter in the diagram (property ``brief`` on the task,
e.g. ``ontvangstbevestiging``); when a step completes that element, ``make_letters`` renders the letter
to HTML and adds it to the step's transaction, so a letter exists exactly when its step was stored. Its
PDF is rendered from that HTML a moment later, outside the step (``letters.pdfs``). A stored letter is
never changed (see ``models.Document``): a correction is a new letter.

Each letter declares the fields it needs; a missing one raises ``LetterError`` naming it, and the step
stores nothing: no half-filled letter, no step without its letter.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import forms
from ..engine import clock
from ..db import db
from ..models import Document
from .render import LetterError, render_html
from timers.termijnen import einde_termijn, parse_duur


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
    "uitnodiging_gesprek": Letter(
        "uitnodiging_gesprek", "Uitnodiging voor het gesprek over uw hulpvraag", "uitnodiging_gesprek.html",
        # gesprek_vorm (gesprek_plek in Alkmaar) the template demands itself; gesprek_tijd and mee_te_nemen are
        # optional: without them the letter leaves that part out.
        ("naam", "adres", "gesprek_datum"),
    ),
    "verslag": Letter(
        "verslag", "Verslag van het gesprek over uw hulpvraag", "verslag.html",
        # The answers of the gesprek (behoefte, eigen mogelijkheden, ...) are optional: a gesprek that was skipped
        # (the resident agreed) has none, and the letter then says so.
        ("naam", "adres", "samenvatting", "voorstel", "verslag_opgesteld_op"),
    ),
    "beschikking_toekenning_zin": Letter(
        "beschikking_toekenning_zin", "Besluit: u krijgt hulp (zorg in natura)", "beschikking_toekenning_zin.html",
        ("naam", "adres", "beschikking_verzonden_op", "soort_hulp", "voorziening", "omvang", "ingangsdatum",
         "einddatum", "motivering", "eigen_bijdrage_per_maand", "bezwaar_uiterlijk"),
    ),
    # Seed 001 "Inhoud besluit" pt 3 (pgb), 4 (geld), 5 (eigen bijdrage); Awb 3:46 (motivering), 3:45 (bezwaar).
    # doel and beoogd_resultaat are optional: without them the motivering says what the hulp is for.
    "beschikking_toekenning_pgb": Letter(
        "beschikking_toekenning_pgb", "Besluit: u krijgt een persoonsgebonden budget (pgb)",
        "beschikking_toekenning_pgb.html",
        ("naam", "adres", "beschikking_verzonden_op", "soort_hulp", "voorziening", "omvang", "ingangsdatum",
         "einddatum", "motivering", "pgb_bedrag", "pgb_berekening", "eigen_bijdrage_per_maand", "bezwaar_uiterlijk"),
    ),
    "beschikking_toekenning_geld": Letter(
        "beschikking_toekenning_geld", "Besluit: u krijgt geld voor uw hulp (financiële tegemoetkoming)",
        "beschikking_toekenning_geld.html",
        # geld_voorwaarden is optional: the letter always states the standing conditions (purpose, receipts, terugvordering).
        ("naam", "adres", "beschikking_verzonden_op", "soort_hulp", "voorziening", "ingangsdatum", "einddatum",
         "motivering", "geld_bedrag", "geld_frequentie", "eigen_bijdrage_per_maand", "bezwaar_uiterlijk"),
    ),
    "beschikking_afwijzing": Letter(
        "beschikking_afwijzing", "Besluit: u krijgt deze hulp niet", "beschikking_afwijzing.html",
        # afwijzingsgrond and rechtsgrond: the afwijzingsgronden DMN's advice, as the beslisser confirmed or changed it.
        ("naam", "adres", "beschikking_verzonden_op", "afwijzingsgrond", "rechtsgrond", "motivering",
         "bezwaar_uiterlijk"),
    ),
    "verdagingsbrief": Letter(
        "verdagingsbrief", "Wij hebben meer tijd nodig voor ons besluit", "verdagingsbrief.html",
        # Awb 4:14: once, by letter, naming the new term; the reden comes from the verdaging event (required there).
        ("naam", "adres", "verdaging_verzonden_op", "verdaging_weken", "verdaging_reden", "beslistermijn_uiterlijk"),
    ),
    "herindicatie": Letter(
        "herindicatie", "Uw hulp stopt binnenkort: verlenging", "herindicatie.html",
        # voorziening and zorgaanbieder are optional: without them the letter names the hulp in general words.
        ("naam", "adres", "herindicatie_gestart_op", "einddatum", "herindicatie_initiatief"),
    ),
    "bezwaar_ontvangstbevestiging": Letter(
        "bezwaar_ontvangstbevestiging", "Wij hebben uw bezwaar ontvangen", "bezwaar_ontvangstbevestiging.html",
        # The decision dates (Awb 7:10, from the end of the bezwaartermijn) are optional: a bezwaar without a known
        # beschikking date still gets the letter, with the terms in weeks only.
        ("naam", "adres", "bezwaar_ingediend_op", "vandaag"),
    ),
    # Alkmaar (seed 000). Stap 4: the overzicht of the keukentafelgesprek with the advies; the resident decides whether
    # to agree and whether to apply. The gesprek's answers (wat goed gaat, wat minder lukt, ...) are optional there.
    "advies": Letter(
        "advies", "Overzicht van uw gesprek en ons advies", "advies.html",
        ("naam", "adres", "samenvatting", "voorstel", "advies_soort", "verslag_opgesteld_op"),
    ),
    # Alkmaar: the eigen netwerk or an organisation solved it and the resident withdrew the melding (receipt and
    # withdrawal in one letter); verwezen_naar is optional.
    "melding_ingetrokken": Letter(
        "melding_ingetrokken", "Uw melding is ingetrokken", "melding_ingetrokken.html",
        ("naam", "adres", "ontvangen_op", "hulpvraag", "oplossing", "melding_ingetrokken_op"),
    ),
    # Alkmaar (seed 000, stap 7): the 4 to 8 weeks' wait for zorg in natura, as dates from the toewijzing.
    "wachttijd": Letter(
        "wachttijd", "Wanneer uw hulp begint", "wachttijd.html",
        ("naam", "adres", "zorgaanbieder", "toewijzing_verzonden_op", "wachttijd_vanaf", "wachttijd_tot"),
    ),
    # Almere (seed 002): the vervolggesprek on the Stadhuis about pgb-vaardigheid; vervolggesprek_tijd is optional.
    "uitnodiging_vervolggesprek": Letter(
        "uitnodiging_vervolggesprek", "Uitnodiging voor een vervolggesprek over uw pgb", "uitnodiging_vervolggesprek.html",
        ("naam", "adres", "vervolggesprek_datum", "uitnodiging_verzonden_op"),
    ),
    # Almere (seed 002): the resident uses the Wlz, so the Wlz pays; the written outcome of the onderzoek (Wmo 2.3.2
    # lid 8, 2.3.5 lid 6). The gesprek's other answers are optional then.
    "verwijzing_wlz": Letter(
        "verwijzing_wlz", "Uw hulp komt uit de Wet langdurige zorg (Wlz)", "verwijzing_wlz.html",
        ("naam", "adres", "gesprek_gevoerd_op", "verslag_opgesteld_op"),
    ),
}

# What a diagram's ``brief`` may name: a letter above, or "beschikking", which letter_for picks by the besluit.
KINDS = frozenset(LETTERS) | {"beschikking"}


def letter_for(brief: str | None, data: dict) -> Letter | None:
    """The letter an element marked ``brief`` sends for this case data; None when there is none (yet)."""
    if brief == "beschikking":
        if data.get("besluit") == "afwijzen":
            return LETTERS["beschikking_afwijzing"]
        if data.get("besluit") == "toekennen" and data.get("leveringsvorm") in ("zin", "pgb", "geld"):
            return LETTERS[f"beschikking_toekenning_{data['leveringsvorm']}"]
        return None
    if brief == "uitnodiging_gesprek" and data.get("gesprek_nodig") is False:
        return None  # no gesprek (the resident agreed to skip it): nothing to invite to
    return LETTERS.get(brief or "")


def make_letters(case, route, step, terms, audit_event, actor) -> list[Document]:
    """Render (to HTML) and add, not commit, the letters of the elements ``step`` completed; LetterError if data is missing."""
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
        document = Document(
            case_id=case.id, kind=letter.kind, title=letter.title,
            html=render_html(route.gemeente.naam, letter.template, context),
            created_by=actor.username, audit_event_id=audit_event.id, element=element,
        )  # its PDF follows (letters.pdfs)
        db.session.add(document)
        made.append(document)
    return made


def addressee(case, gemeente) -> dict:
    """What every letter of a case starts with: the case number, the resident's name and address, the letterhead, today."""
    adres = case.adres or {}
    street = " ".join(str(adres[k]).strip() for k in ("straat", "huisnummer", "toevoeging") if adres.get(k))
    place = " ".join(str(adres[k]).strip() for k in ("postcode", "woonplaats") if adres.get(k))
    return {
        "zaak": case.id,
        "naam": case.naam,
        "adres": [line for line in (street, place) if line],
        "briefhoofd": gemeente.briefhoofd or {"naam": gemeente.titel},
        "gemeente_titel": (gemeente.briefhoofd or {}).get("naam") or gemeente.titel,
        "vandaag": clock.today_iso(),
    }


def _context(case, route, terms) -> dict:
    """What a letter may use: the case data, the resident, the letterhead, the terms' last days, labels."""
    data = dict(case.data or {})
    gemeente = route.gemeente
    due = {t.name: t.due for t in terms}
    labels = _labels(gemeente)
    return {
        **data,
        **addressee(case, gemeente),
        "persoonlijk_plan_uiterlijk": due.get("persoonlijk_plan"),
        "bezwaar_uiterlijk": due.get("bezwaartermijn"),
        "beslistermijn_uiterlijk": due.get("beslistermijn"),  # with a verdaging: the new last day
        "onderzoek_uiterlijk": due.get("onderzoek"),  # None when there is no onderzoek (melding at once the aanvraag)
        "onderzoek_duur": _duur(gemeente, "onderzoek"),
        "verdaging_reden": (data.get("verdaging") or {}).get("reden"),
        # Awb 7:10: the beslissing op bezwaar within 6 weeks, 12 with an adviescommissie, after the bezwaartermijn ends
        "bezwaar_beslissing_uiterlijk": _weken_na(due.get("bezwaartermijn"), "6 weken", gemeente),
        "bezwaar_beslissing_commissie_uiterlijk": _weken_na(due.get("bezwaartermijn"), "12 weken", gemeente),
        "beslistermijn_duur": _duur(gemeente, "beslistermijn"),
        "soort_hulp_titel": labels.get(("soort_hulp", data.get("soort_hulp")), data.get("soort_hulp")),
    }


def _duur(gemeente, name: str) -> str | None:
    """A term's length as a letter writes it (2 weken); None when the route has no such term."""
    term = (gemeente.termijnen or {}).get(name)
    return f"{term.duur.aantal} {term.duur.eenheid}" if term is not None else None


def _weken_na(start, duur: str, gemeente):
    """The last day of a statutory term of ``duur`` from ``start`` (Atw applies); None without a start."""
    if start is None:
        return None
    return einde_termijn(start, parse_duur(duur), gemeente.kalender, atw=True)


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
