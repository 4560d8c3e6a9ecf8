"""The beschikkingen for pgb, geld and afwijzing: made by the besluit, with every element seed 001 requires for the form
of hulp, the eigen bijdrage (CAK) and the bezwaarclausule; complete without optional data; in every variant's letterhead."""
import pytest
from sqlalchemy import select

from app import create_app
from app.config import load_settings
from app.db import db
from app.demo import create_case, demo_bsns, event, task, time_to, walk
from app.letters import LETTERS, LetterError, letter_for
from app.models import Case
from tests.cases.test_paths import AFWIJZEN, BEOORDELEN, MELDING, aanvraag, toekennen
from tests.conftest import ROOT
from tests.letters.test_letters import documents, pdf_text

BEZWAAR = ("bezwaar maken", "binnen 6 weken", "uiterlijk op 11 januari 2027", "college van burgemeester en wethouders",
           "zaaknummer")
PGB = dict(voorziening="Hulp bij het schoonmaken van uw huis", omvang="3 uur per week", pgb_bedrag=6400,
           pgb_berekening="3 uur per week, 52 weken, tegen het pgb-tarief van 41,03 euro per uur.",
           motivering="U kunt zelf niet meer schoonmaken en wilt uw eigen hulp kiezen.")
GELD = dict(voorziening="Een scootmobiel die u zelf koopt", soort_hulp="vervoer", geld_bedrag=1250,
            geld_frequentie="eenmalig", motivering="Met een scootmobiel kunt u zelf boodschappen doen.")


def walked(settings, steps, leveringsvorm="zin"):
    [bsn] = demo_bsns(1)
    case_id = create_case(settings, bsn, MELDING)
    walk(settings, case_id, aanvraag(leveringsvorm) + steps, MELDING)
    return documents(case_id)


def beschikking(letters):
    [found] = [d for d in letters if d.kind.startswith("beschikking")]
    return found


def assert_in(text, elements):
    for element in elements:
        assert element in text, element


def test_the_besluit_chooses_the_beschikking():
    assert letter_for("beschikking", {"besluit": "toekennen", "leveringsvorm": "zin"}).kind == "beschikking_toekenning_zin"
    assert letter_for("beschikking", {"besluit": "toekennen", "leveringsvorm": "pgb"}).kind == "beschikking_toekenning_pgb"
    assert letter_for("beschikking", {"besluit": "toekennen", "leveringsvorm": "geld"}).kind == "beschikking_toekenning_geld"
    assert letter_for("beschikking", {"besluit": "afwijzen", "leveringsvorm": "pgb"}).kind == "beschikking_afwijzing"
    assert letter_for("beschikking", {"besluit": "toekennen", "leveringsvorm": None}) is None


def test_a_pgb_toekenning_states_every_element(settings):
    letters = walked(settings, [task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN,
                                toekennen("pgb", doel="U kunt thuis blijven wonen in een schoon huis.", **PGB)], "pgb")
    letter = beschikking(letters)
    assert letter.kind == "beschikking_toekenning_pgb" and letter.element == "beschikking_versturen"
    text = pdf_text(letter)
    assert_in(text, (
        "u krijgt een pgb", "persoonsgebonden budget",
        "Het pgb is voor: Hulp bij het schoonmaken van uw huis (Hulp bij het huishouden)",  # what it is for
        "U kunt thuis blijven wonen in een schoon huis.", "Hoeveel hulp: 3 uur per week",
        "veilig",  "zorgovereenkomst", "artikel 2.3.6",  # the quality demands
        "€ 6.400,00 per jaar",  # the amount
        "41,03 euro per uur",  # how it was computed
        "begint op 7 december 2026", "stopt na 5 december 2027",  # start and end
        "Sociale Verzekeringsbank (SVB)", "Bewaar uw afspraken en rekeningen", "terugvragen",  # accounting, the SVB
        "moet u dat aan ons doorgeven",  # the duty to report changes
        "Andere hulp",  # other voorzieningen
        "€ 21,00 per maand", "CAK",  # eigen bijdrage
        *BEZWAAR,
    ))


def test_a_geld_toekenning_states_every_element(settings):
    letters = walked(settings, [BEOORDELEN, toekennen("geld", geld_voorwaarden="U koopt de scootmobiel binnen 3 maanden.",
                                                      **GELD)], "geld")
    letter = beschikking(letters)
    assert letter.kind == "beschikking_toekenning_geld"
    text = pdf_text(letter)
    assert_in(text, (
        "u krijgt geld", "financiële tegemoetkoming",
        "Het geld is voor: Een scootmobiel die u zelf koopt (Vervoersvoorziening)",  # purpose
        "€ 1.250,00", "Wij betalen het bedrag één keer.",  # how often
        "voor het eerst vanaf 7 december 2026", "bankrekening",  # when
        "alleen gebruiken voor het doel", "Bewaar de bonnen", "terugvragen",  # conditions and obligations
        "U koopt de scootmobiel binnen 3 maanden.",
        "moet u dat aan ons doorgeven", "CAK", *BEZWAAR,
    ))
    assert "De laatste betaling" not in text  # paid once


def test_an_afwijzing_states_the_reason_and_the_rule(settings):
    [bsn] = demo_bsns(1)
    case_id = create_case(settings, bsn, MELDING)
    walk(settings, case_id, aanvraag() + [task("aanvraag_beoordelen", eigen_oplossing_toereikend=True)], MELDING)
    advies = db.session.get(Case, case_id).data  # the afwijzingsgronden DMN's output, as the besluit form shows it
    assert advies["advies"] == "afwijzen" and advies["afwijzingsgrond"] and advies["rechtsgrond"]
    walk(settings, case_id, [task("besluit_nemen", besluit="afwijzen", afwijzingsgrond=advies["afwijzingsgrond"],
                                  rechtsgrond=advies["rechtsgrond"], motivering="Uw partner woont bij u en kan dit doen.",
                                  beschikking_verzonden_op="2026-11-30")], MELDING)
    letter = beschikking(documents(case_id))
    assert letter.kind == "beschikking_afwijzing"
    assert_in(pdf_text(letter), (
        "u krijgt deze hulp niet", advies["afwijzingsgrond"],  # the reason
        f"op grond van {advies['rechtsgrond']}", "Wmo 2015",  # the rule it rests on
        "Uw partner woont bij u en kan dit doen.",  # the beslisser's motivering
        "geen eigen bijdrage", "CAK", *BEZWAAR,
    ))


def test_the_beslissers_own_grond_is_the_letters(settings):
    letter = beschikking(walked(settings, [BEOORDELEN, AFWIJZEN]))
    assert_in(pdf_text(letter), ("Gebruikelijke hulp door de partner.", "artikel 2.3.5 lid 3 Wmo 2015"))


def test_without_optional_data_the_letters_are_complete(settings):
    none = dict(doel="", beoogd_resultaat="", geld_voorwaarden="")  # left empty in the form
    pgb = beschikking(walked(settings, [task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN,
                                        toekennen("pgb", **PGB, **none)], "pgb"))
    geld = beschikking(walked(settings, [BEOORDELEN, toekennen("geld", **{**GELD, "geld_frequentie": "per_maand"}, **none)],
                              "geld"))
    for letter in (pgb, geld):
        text = pdf_text(letter)
        assert_in(text, ("Waarom wij dit besluiten", "CAK", *BEZWAAR))
        assert "None" not in text and "Wat wij samen willen bereiken" not in text and "Ook geldt" not in text
    assert_in(pdf_text(geld), ("€ 1.250,00 per maand", "elke maand", "De laatste betaling is voor 5 december 2027"))


def test_a_pgb_without_its_berekening_names_the_field_and_stores_nothing(settings):
    letters = walked(settings, [task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN], "pgb")
    count = len(letters)
    with pytest.raises(Exception) as raised:  # the form itself demands it for a pgb; so does the letter
        walk(settings, letters[0].case_id, [toekennen("pgb", **{**PGB, "pgb_berekening": None})], MELDING)
    assert "pgb_berekening" in str(getattr(raised.value, "message", raised.value)) + str(getattr(raised.value, "fields", ""))
    db.session.rollback()
    assert len(documents(letters[0].case_id)) == count
    assert "pgb_berekening" in LETTERS["beschikking_toekenning_pgb"].required


def _variant(sqlite_url, monkeypatch, gemeente):
    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    settings = load_settings(ROOT / "config.toml")
    settings.gemeente = gemeente
    return create_app(settings)


def _steps(gemeente):
    from tests.processes import test_alkmaar, test_almere, test_zwartewaterland

    if gemeente == "alkmaar":
        return test_alkmaar.aanvraag(leveringsvorm="geld") + [BEOORDELEN, task("besluit_nemen", besluit="toekennen", **{
            "leveringsvorm": "geld", "ingangsdatum": "2026-12-07", "einddatum": "2027-12-05",
            "beschikking_verzonden_op": "2026-11-30", **GELD})], "beschikking_toekenning_geld", "Gemeente Alkmaar"
    if gemeente == "almere":
        return test_almere.aanvraag() + [BEOORDELEN, AFWIJZEN], "beschikking_afwijzing", "Gemeente Almere"
    return [task("gesprek_plannen", **test_zwartewaterland.PLANNEN), event("persoonlijk_plan_ontvangen", plan="Zelf koken."),
            task("gesprek_voeren", gesprek_gevoerd_op="2026-11-12", leveringsvorm="pgb"), task("verslag_opstellen"),
            task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True),
            task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN,
            toekennen("pgb", **PGB)], "beschikking_toekenning_pgb", "Gemeente Zwartewaterland"


@pytest.mark.parametrize("gemeente", ["alkmaar", "almere", "zwartewaterland"])
def test_every_variant_sends_a_beschikking_in_its_letterhead(sqlite_url, monkeypatch, gemeente):
    app = _variant(sqlite_url, monkeypatch, gemeente)
    steps, kind, letterhead = _steps(gemeente)
    with app.app_context():
        try:
            settings = app.extensions["wmo"]
            case_id = create_case(settings, demo_bsns(1)[0], MELDING)
            walk(settings, case_id, steps, MELDING)
            letter = beschikking(documents(case_id))
            assert letter.kind == kind
            text = pdf_text(letter)
            assert letterhead in text and "Landelijke route" not in letter.html
            assert_in(text, ("CAK", "binnen 6 weken", "college van burgemeester en wethouders"))
        finally:
            db.session.remove()
            db.engine.dispose()
