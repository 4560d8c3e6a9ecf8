"""The letters of the terms: verdaging (Awb 4:14), herindicatie, and the acknowledgement of a bezwaar (Awb 6, 7)."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases import service
from app.db import db
from app.demo import create_case, demo_bsns, event, task, time_to, walk
from app.engine import clock
from app.letters import LETTERS, render
from app.models import Document
from tests.cases.test_paths import AFWIJZEN, BEOORDELEN, aanvraag, lopend, start, toekennen
from tests.cases.test_termijnen import deliver
from tests.letters.test_letters import pdf_text

AMS = clock.AMSTERDAM


def letters(case_id, kind):
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id, Document.kind == kind)))


def assert_contains(text, *elements):
    for element in elements:
        assert element in text, element


# --- verdagingsbrief -------------------------------------------------------------------------------------------------

def test_a_verdaging_sends_the_verdagingsbrief_once_with_weeks_reason_new_day_and_what_to_do(settings):
    case_id = start(settings, aanvraag())  # aanvraag Thu 19 Nov 2026: the beslistermijn ends Thu 3 Dec
    assert letters(case_id, "verdagingsbrief") == []
    deliver(settings, case_id, "verdaging", date(2026, 12, 1), weken=2, reden="Wij wachten op een medisch advies.",
            verzonden_op="2026-12-01")
    [letter] = letters(case_id, "verdagingsbrief")
    assert letter.element == "verdaging_vastleggen"
    text = pdf_text(letter)
    assert_contains(
        text,
        "Wij hebben meer tijd nodig voor ons besluit",
        "1 december 2026",  # the letter's date
        "met 2 weken", "één keer",  # by how much, once
        "Wij wachten op een medisch advies.",  # why
        "uiterlijk op 17 december 2026",  # the new last day
        "ingebrekestelling", "dwangsom", "2 weken om te beslissen",  # what the resident can do when we are late
        "Landelijke route (Wmo 2015)",
    )
    assert "{{" not in letter.html and "None" not in text
    # A second verdaging is refused, so there is no second letter.
    with pytest.raises(Exception):
        deliver(settings, case_id, "verdaging", date(2026, 12, 2), weken=1, reden="Nog een keer", verzonden_op="2026-12-02")
    assert len(letters(case_id, "verdagingsbrief")) == 1


def test_one_week_of_verdaging_says_week():
    html = render.render_html("base", "verdagingsbrief.html", {
        **_layout(), "verdaging_verzonden_op": "2026-12-01", "verdaging_weken": 1, "verdaging_reden": "Advies",
        "beslistermijn_uiterlijk": date(2026, 12, 10)})
    assert "met <strong>1 week</strong>" in html and "10 december 2026" in html


# --- herindicatie ----------------------------------------------------------------------------------------------------

def _fire_herindicatie(settings):
    assert service.fire_due(settings, datetime(2027, 10, 10, 0, 0, tzinfo=AMS)) == 1


def test_herindicatie_zin_says_the_zorgaanbieder_reports(settings):
    case_id = lopend(settings)
    assert letters(case_id, "herindicatie") == []
    _fire_herindicatie(settings)
    [letter] = letters(case_id, "herindicatie")
    assert letter.element == "herindicatie_starten"
    text = pdf_text(letter)
    assert_contains(
        text,
        "Uw hulp stopt binnenkort",
        "10 oktober 2027",  # the letter's date: 8 weeks before the einddatum
        "stopt op 5 december 2027",  # the einddatum
        "zorg in natura", "De zorgaanbieder (Toelichting bij zorgaanbieder) neemt contact met u op", "U hoeft daarvoor zelf niets aan te vragen",
        "ruim vóór 5 december 2027",  # by when to act
        "moet u dat aan ons doorgeven",
    )
    assert "U moet zelf verlenging aanvragen" not in text and "None" not in text
    walk(settings, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 12))
    assert len(letters(case_id, "herindicatie")) == 1  # made once


def test_herindicatie_pgb_says_the_resident_applies_and_by_when(settings):
    case_id = start(settings, aanvraag("pgb") + [
        task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN, toekennen("pgb", pgb_bedrag=6400)])
    walk(settings, case_id, [task("pgb_budget_regelen", budget_per_jaar=6400)], date(2026, 12, 1))
    _fire_herindicatie(settings)
    [letter] = letters(case_id, "herindicatie")
    text = pdf_text(letter)
    assert_contains(text, "U moet zelf verlenging aanvragen", "in ieder geval vóór 5 december 2027", "8 weken",
                    "stopt op 5 december 2027")
    assert "neemt contact met u op" not in text


def test_herindicatie_without_voorziening_or_zorgaanbieder_is_complete():
    html = render.render_html("base", "herindicatie.html", {
        **_layout(), "herindicatie_gestart_op": "2027-10-10", "einddatum": "2027-12-05",
        "herindicatie_initiatief": "zorgaanbieder"})
    assert "U krijgt hulp van de gemeente." in html and "De zorgaanbieder neemt contact" in html and "()" not in html


# --- bezwaar ---------------------------------------------------------------------------------------------------------

def test_a_bezwaar_sends_its_acknowledgement_with_date_term_hoorzitting_and_contact(settings):
    case_id = start(settings, aanvraag() + [BEOORDELEN, AFWIJZEN])
    assert letters(case_id, "bezwaar_ontvangstbevestiging") == []
    # Delivered as the API does, without the optional ingediend_door (the demo walker would fill it in).
    deliver(settings, case_id, "bezwaar_ingediend", date(2026, 12, 11), ontvangen_op="2026-12-10",
            gronden="Mijn partner werkt.")
    [letter] = letters(case_id, "bezwaar_ontvangstbevestiging")
    assert letter.element == "bezwaar_registreren"
    text = pdf_text(letter)
    assert_contains(
        text,
        "Wij hebben uw bezwaar ontvangen",
        "ontvangen op 10 december 2026",
        "11 december 2026",  # the letter's date
        "Wat gebeurt er nu?",
        "binnen 6 weken na het einde van de termijn voor bezwaar", "uiterlijk op 22 februari 2027",  # Awb 7:10
        "12 weken", "5 april 2027",  # with an adviescommissie
        "hoorzitting",
        "Neem dan contact met ons op", "zaaknummer",
    )
    assert "ingediend door" not in text and "None" not in text  # ingediend_door absent: left out
    walk(settings, case_id, [task("bezwaar_behandelen", bezwaar_uitkomst="ongegrond")], date(2026, 12, 20))
    assert len(letters(case_id, "bezwaar_ontvangstbevestiging")) == 1


def test_a_bezwaar_by_someone_else_names_them():
    html = render.render_html("base", "bezwaar_ontvangstbevestiging.html", {
        **_layout(), "bezwaar_ingediend_op": "2026-12-10", "vandaag": "2026-12-11",
        "bezwaar_ingediend": {"ingediend_door": "J. de Vries (dochter)"},
        "bezwaar_beslissing_uiterlijk": None, "bezwaar_beslissing_commissie_uiterlijk": None})
    assert "ingediend door J. de Vries (dochter)" in html
    assert "binnen 6 weken na het einde van de termijn voor bezwaar." in html and "12 weken." in html


# --- required fields, optional ones ----------------------------------------------------------------------------------

def _layout():
    return {"naam": "A. Jansen", "adres": ["Dorpsstraat 1", "1234 AB Dorp"], "zaak": 7,
            "briefhoofd": {"naam": "Gemeente"}, "gemeente_titel": "Gemeente"}


EXTRA = {  # optional values the templates test with `if`, given as absent (None) the way _context gives them
    "bezwaar_ontvangstbevestiging": {"bezwaar_beslissing_uiterlijk": None, "bezwaar_beslissing_commissie_uiterlijk": None},
}
VALUES = {"verdaging_verzonden_op": "2026-12-01", "verdaging_weken": 2, "verdaging_reden": "Advies",
          "beslistermijn_uiterlijk": "2026-12-17", "herindicatie_gestart_op": "2027-10-10", "einddatum": "2027-12-05",
          "herindicatie_initiatief": "inwoner", "bezwaar_ingediend_op": "2026-12-10", "vandaag": "2026-12-11"}


@pytest.mark.parametrize("kind", ["verdagingsbrief", "herindicatie", "bezwaar_ontvangstbevestiging"])
def test_the_declared_fields_are_all_a_letter_needs(kind):
    letter = LETTERS[kind]
    context = {**_layout(), **EXTRA.get(kind, {}), **{name: VALUES[name] for name in letter.required if name in VALUES}}
    html = render.render_html("base", letter.template, context)  # nothing else needed: optional parts left out
    assert "None" not in html


def test_a_missing_required_field_fails_the_step_naming_it(settings, monkeypatch):
    from app.letters import LetterError, service as letter_service

    case_id = start(settings, aanvraag())
    original = letter_service._context
    monkeypatch.setattr(letter_service, "_context", lambda *a: {**original(*a), "verdaging_reden": None})
    with pytest.raises(LetterError) as raised:
        deliver(settings, case_id, "verdaging", date(2026, 12, 1), weken=2, reden="x", verzonden_op="2026-12-01")
    assert "verdaging_reden" in raised.value.fields
    assert letters(case_id, "verdagingsbrief") == []
    assert "verdaging_weken" not in service.get_case(case_id).data  # the step was not stored


# --- every shipped variant: the same elements exist there (verdaging_vastleggen, herindicatie_starten,
# bezwaar_registreren), and the letter carries that gemeente's letterhead ---------------------------------------------

LETTERHEADS = {
    "alkmaar": ("Gemeente Alkmaar", "14 072", "wmo@alkmaar.nl"),
    "almere": ("Gemeente Almere", "14 036"),
    "zwartewaterland": ("Gemeente Zwartewaterland, Centrale Toegang",),
}


@pytest.fixture(params=sorted(LETTERHEADS))
def variant(request, sqlite_url, monkeypatch):
    from tests.letters.test_uitnodiging_verslag import gemeente

    with gemeente(request.param, sqlite_url, monkeypatch) as settings:
        yield settings


def _aanvraag(settings):
    """A case of the variant whose aanvraag is in (beslistermijn running), and the new last day after 2 weeks' verdaging."""
    name = settings.gemeente
    if name == "almere":
        from tests.processes import test_almere as v
        return v.start(settings, v.aanvraag()), date(2026, 11, 30), "17 december 2026"
    if name == "alkmaar":
        from tests.processes import test_alkmaar as v
        return v.start(settings, v.aanvraag()[:-1]), date(2026, 11, 25), "17 december 2026"
    from tests.processes import test_zwartewaterland as v
    case_id = create_case(settings, "999990019", date(2026, 11, 2))
    walk(settings, case_id, [task("gesprek_plannen", **v.PLANNEN), event("persoonlijk_plan_ontvangen", plan="Zelf koken."),
                             task("gesprek_voeren", leveringsvorm="zin"), task("verslag_opstellen"),
                             task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True)], date(2026, 11, 3))
    return case_id, date(2026, 11, 10), "1 december 2026"  # aanvraag Tue 3 Nov: 2 + 2 weeks


def _toegewezen(settings):
    """A case of the variant with zorg in natura granted and a zorgaanbieder assigned; its einddatum."""
    name = settings.gemeente
    if name == "almere":
        from tests.processes import test_almere as v
        return v.start(settings, v.aanvraag() + [task("aanvraag_beoordelen"), v.toekennen(),
                                                 task("zorgaanbieder_toewijzen")]), date(2027, 12, 5)
    if name == "alkmaar":
        from tests.processes import test_alkmaar as v
        return v.toegewezen(settings), date(2027, 12, 5)
    from tests.processes import test_zwartewaterland as v
    case_id, _, _ = _aanvraag(settings)
    walk(settings, case_id, [task("aanvraag_beoordelen"), task("besluit_nemen", **v.TOEKENNEN, beschikking_verzonden_op="2026-11-16"),
                             task("zorgaanbieder_toewijzen")], date(2026, 11, 16))
    return case_id, date(2027, 11, 30)


def _letterhead(text, gemeente):
    assert_contains(text, *LETTERHEADS[gemeente])
    assert "Landelijke route" not in text


def test_variant_verdagingsbrief(variant):
    case_id, on, new_day = _aanvraag(variant)
    deliver(variant, case_id, "verdaging", on, weken=2, reden="Wij wachten op een medisch advies.",
            verzonden_op=on.isoformat())
    [letter] = letters(case_id, "verdagingsbrief")
    text = pdf_text(letter)
    assert_contains(text, "met 2 weken", "Wij wachten op een medisch advies.", f"uiterlijk op {new_day}",
                    "ingebrekestelling", "dwangsom")
    _letterhead(text, variant.gemeente)


def test_variant_herindicatie(variant):
    if variant.gemeente == "almere":  # Almere waits for the zorgaanbieder's begeleidingsplan first
        from tests.processes import test_almere as v
        case_id, einddatum = v.lopend(variant), date(2027, 12, 5)
    else:
        case_id, einddatum = _toegewezen(variant)
        walk(variant, case_id, [event("zorg_gestart", startdatum="2026-12-20")], date(2026, 12, 20))
    herindicatie = einddatum - timedelta(weeks=8)  # [termijnen.herindicatie]: 8 weeks before the einddatum
    assert service.fire_due(variant, datetime(herindicatie.year, herindicatie.month, herindicatie.day, tzinfo=AMS)) == 1
    [letter] = letters(case_id, "herindicatie")
    text = pdf_text(letter)
    assert_contains(text, f"stopt op {render.datum(einddatum)}", "neemt contact met u op")
    _letterhead(text, variant.gemeente)


def test_variant_bezwaar_ontvangstbevestiging(variant):
    case_id, _ = _toegewezen(variant)
    deliver(variant, case_id, "bezwaar_ingediend", date(2026, 12, 10), ontvangen_op="2026-12-10", gronden="Te weinig uren.")
    [letter] = letters(case_id, "bezwaar_ontvangstbevestiging")
    text = pdf_text(letter)
    assert_contains(text, "ontvangen op 10 december 2026", "hoorzitting", "binnen 6 weken", "12 weken")
    _letterhead(text, variant.gemeente)
