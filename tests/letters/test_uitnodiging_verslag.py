"""The uitnodiging for the gesprek and the verslag: made at their step, complete, once, with each gemeente's letterhead."""
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import demo, processes
from app.db import db
from app.demo import create_case, demo_bsns, event, task, time_to, walk
from app.letters import LETTERS, LetterError, make_letters
from app.models import Case, Document
from tests.cases.test_paths import MELDING
from tests.letters.test_letters import documents, pdf_text

PLANNEN = {"gesprek_nodig": True, "gesprek_datum": "2026-11-12", "gesprek_tijd": "10:30", "gesprek_vorm": "huisbezoek",
           "mee_te_nemen": "Uw medicijnlijst en de brief van uw huisarts."}
GESPREK = task("gesprek_voeren", gesprek_gevoerd_op="2026-11-12", leveringsvorm="zin",
               behoefte="Hulp bij het schoonmaken van het huis.", persoonlijke_situatie="Woont alleen, slecht ter been.",
               eigen_mogelijkheden="Kan zelf koken en de was doen.", sociaal_netwerk="Dochter doet de boodschappen.",
               voorzieningen="Geen algemene voorziening die schoonmaakt.", gewenst_effect="Schoon en veilig thuis wonen.")
VERSLAG = task("verslag_opstellen", verslag_opgesteld_op="2026-11-16", samenvatting="U hebt hulp nodig bij het schoonmaken.",
               voorstel="Hulp bij het huishouden, zorg in natura.", omvang="3 uur per week",
               beoogd_resultaat="Een schoon en leefbaar huis.")
ONDERTEKENEN = task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2026-11-19")


def new_case(settings) -> int:
    return create_case(settings, demo_bsns(1)[0], MELDING)


def of_kind(case_id, kind):
    return [d for d in documents(case_id) if d.kind == kind]


def without(monkeypatch, *names):
    """Let the demo's caseworker leave ``names`` empty in every form (they otherwise get an example value)."""
    real = demo.example_answers
    monkeypatch.setattr(demo, "example_answers",
                        lambda schema, overrides, today: {k: v for k, v in real(schema, overrides, today).items()
                                                          if k not in names})


def test_planning_the_gesprek_sends_the_uitnodiging_with_every_element(settings):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", **PLANNEN)], date(2026, 11, 3))
    [letter] = of_kind(case_id, "uitnodiging_gesprek")
    assert letter.element == "gesprek_plannen"
    text = pdf_text(letter)
    for element in (
        "Uitnodiging voor een gesprek over uw hulpvraag",
        "3 november 2026",  # the letter's date: the day it was planned
        "Het gesprek is op 12 november 2026 om 10:30 uur",  # when
        "Wij komen bij u thuis", "Dorpsstraat 12, 1234 AB Ergenshuizen",  # where
        "Waar gaat het gesprek over?", "wat u zelf kunt doen", "pgb (persoonsgebonden budget)",  # what about
        "Wat moet u meenemen?", "geldig identiteitsbewijs",  # what to bring
        "Uw medicijnlijst en de brief van uw huisarts.",
        "U mag iemand vragen om bij het gesprek te zijn",  # someone may come along
        "Cliëntondersteuning is gratis",
        "Kunt u niet op deze dag?",
    ):
        assert element in text, element
    assert "None" not in text


@pytest.mark.parametrize("vorm, wording", [("telefonisch", "Het gesprek is telefonisch"),
                                           ("video", "Het gesprek is via videobellen")])
def test_a_telephone_or_video_gesprek_is_worded_for_it(settings, vorm, wording):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", **{**PLANNEN, "gesprek_vorm": vorm})], date(2026, 11, 3))
    text = pdf_text(of_kind(case_id, "uitnodiging_gesprek")[0])
    assert wording in text and "U hoeft nergens heen" in text
    assert "Wat moet u klaarleggen?" in text and "klaar te leggen: Uw medicijnlijst" in text
    assert "Wij komen bij u thuis" not in text and "Wat moet u meenemen?" not in text


def test_without_a_time_or_anything_to_bring_the_uitnodiging_is_still_complete(settings, monkeypatch):
    without(monkeypatch, "gesprek_tijd", "mee_te_nemen", "clientondersteuning_gewenst")
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", **{k: v for k, v in PLANNEN.items()
                                                       if k not in ("gesprek_tijd", "mee_te_nemen")})], date(2026, 11, 3))
    data = db.session.get(Case, case_id).data
    assert "mee_te_nemen" not in data and "gesprek_tijd" not in data
    text = pdf_text(of_kind(case_id, "uitnodiging_gesprek")[0])
    assert "Het gesprek is op 12 november 2026. Wij laten u nog weten hoe laat het gesprek begint. Het gesprek duurt" in text
    assert "Wij vragen u ook" not in text and "None" not in text
    assert "geldig identiteitsbewijs" in text and "Cliëntondersteuning is gratis" in text


def test_the_verslag_is_sent_with_the_onderzoek_the_voorstel_and_how_to_sign(settings):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", **PLANNEN), time_to(date(2026, 11, 12)), GESPREK, VERSLAG],
         date(2026, 11, 3))
    [letter] = of_kind(case_id, "verslag")
    assert letter.element == "verslag_opstellen"
    text = pdf_text(letter)
    for element in (
        "Verslag van het gesprek over uw hulpvraag", "16 november 2026",
        "op 12 november 2026",  # the gesprek
        "Uw hulpvraag: Ik kan mijn huis niet meer schoonhouden.",  # the melding
        "Wat u nodig hebt: Hulp bij het schoonmaken van het huis.",  # the five steps of the onderzoek
        "Uw situatie en wat u belangrijk vindt: Woont alleen, slecht ter been.",
        "Wat u zelf kunt: Kan zelf koken en de was doen.",
        "Dochter doet de boodschappen.",
        "Geen algemene voorziening die schoonmaakt.",
        "Wat u wilt bereiken: Schoon en veilig thuis wonen.",
        "Wat kwam er uit het onderzoek? U hebt hulp nodig bij het schoonmaken.",  # the outcome
        "Hulp bij het huishouden, zorg in natura.", "Hoeveel hulp: 3 uur per week",  # the voorstel
        "Een schoon en leefbaar huis.",
        "Bent u het eens met het verslag? Teken het dan",  # how to sign
        "Het getekende verslag is dan uw aanvraag",
        "Bent u het niet eens met het verslag",  # how to disagree
        "persoonlijke link", "Op papier",
        "binnen 2 weken nadat wij het getekende verslag hebben ontvangen",  # the term
        "Een pgb (persoonsgebonden budget) is geld waarmee u zelf uw hulp regelt en betaalt. Wij hebben met u besproken",
        "Handtekening",
    ):
        assert element in text, element
    assert "None" not in text
    walk(settings, case_id, [ONDERTEKENEN], date(2026, 11, 19))
    assert [d.kind for d in documents(case_id)] == ["ontvangstbevestiging", "uitnodiging_gesprek", "verslag"]  # once each


def test_a_skipped_gesprek_sends_no_uitnodiging_and_a_complete_verslag(settings):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=False, inwoner_stemt_in=True,
                                  reden_geen_gesprek="Alles is al bekend.", leveringsvorm="zin",
                                  soort_hulp="huishoudelijke_hulp"), VERSLAG], date(2026, 11, 3))
    assert [d.kind for d in documents(case_id)] == ["ontvangstbevestiging", "verslag"]
    text = pdf_text(of_kind(case_id, "verslag")[0])
    assert "een gesprek niet nodig is" in text and "Wat u nodig hebt" not in text and "None" not in text
    assert "U hebt hulp nodig bij het schoonmaken." in text and "Het getekende verslag is dan uw aanvraag" in text


@pytest.mark.parametrize("kind, field", [("verslag", "voorstel"), ("uitnodiging_gesprek", "gesprek_datum")])
def test_a_missing_required_field_is_named(settings, kind, field):
    case_id = new_case(settings)
    case = db.session.get(Case, case_id)
    route = processes.route_of(settings, case)
    element = next(e for e, brief in route.definition.letters.items() if brief == kind)
    data = {**(case.data or {}), **PLANNEN, "samenvatting": "x", "voorstel": "y", "verslag_opgesteld_op": "2026-11-16"}
    data.pop(field)
    fake = SimpleNamespace(id=case.id, data=data, naam=case.naam, adres=case.adres)
    with pytest.raises(LetterError) as raised:
        make_letters(fake, route, SimpleNamespace(completed=[element]), [], SimpleNamespace(id=None),
                     SimpleNamespace(username="t"))
    assert field in raised.value.message and list(raised.value.fields) == [field]
    assert field in LETTERS[kind].required


def test_without_a_gesprek_vorm_the_uitnodiging_names_it():
    from app.letters import render

    context = {"naam": "A", "adres": ["Dorpsstraat 1"], "zaak": 1, "briefhoofd": {"naam": "Gemeente"},
               "gemeente_titel": "Gemeente", "gesprek_datum": "2026-11-12", "vandaag": "2026-11-03"}
    with pytest.raises(LetterError) as raised:
        render.render_html("base", "uitnodiging_gesprek.html", context)
    assert list(raised.value.fields) == ["gesprek_vorm"]


@contextmanager
def gemeente(name, sqlite_url, monkeypatch):
    from app import create_app
    from app.config import load_settings
    from tests.conftest import ROOT

    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    settings = load_settings(ROOT / "config.toml")
    settings.gemeente = name
    app = create_app(settings)
    with app.app_context():
        try:
            yield app.extensions["wmo"]
        finally:
            db.session.remove()
            db.engine.dispose()


def letterhead(letter, *lines):
    text = pdf_text(letter)
    for line in lines:
        assert line in text, line
    assert "Landelijke route" not in letter.html and "None" not in text
    return text


def test_alkmaar_sends_the_uitnodiging_with_its_letterhead_and_has_no_verslag_element(sqlite_url, monkeypatch):
    with gemeente("alkmaar", sqlite_url, monkeypatch) as settings:
        case_id = new_case(settings)
        walk(settings, case_id, [
            task("eigen_netwerk_nagaan", netwerk_gevraagd=True, organisaties_gevraagd=True,
                 eigen_netwerk_uitkomst="geen_oplossing"),
            task("gesprek_plannen", uitnodiging_verzonden_op="2026-11-04", gesprek_datum="2026-11-12",
                 gesprek_plek="thuis", gesprek_samen_met="vriend_of_familie", mee_te_nemen="Uw medicijnlijst."),
        ], MELDING)
        [letter] = of_kind(case_id, "uitnodiging_gesprek")
        text = letterhead(letter, "Gemeente Alkmaar", "14 072", "wmo@alkmaar.nl")
        assert "4 november 2026" in text and "Wij komen bij u thuis" in text and "Uw medicijnlijst." in text
        assert "samen doet met een vriend of familielid" in text and "Cliëntondersteuning is gratis" in text
        # Alkmaar's verslag_opstellen sends its own "advies" (another letter); no element of Alkmaar sends "verslag".
        route = processes.route_of(settings, db.session.get(Case, case_id))
        assert "verslag" not in route.definition.letters.values()


def test_almere_sends_both_letters_with_its_letterhead(sqlite_url, monkeypatch):
    with gemeente("almere", sqlite_url, monkeypatch) as settings:
        case_id = new_case(settings)
        walk(settings, case_id, [
            task("ontvangstbevestiging_versturen", verzonden_per="email", emailadres="inwoner@example.nl",
                 ontvangstbevestiging_verzonden_op="2026-11-04"),
            task("gesprek_plannen", gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
            time_to(date(2026, 11, 12)),
            task("gesprek_voeren", gebruikt_wlz=False, leveringsvorm="zin", soort_hulp="begeleiding",
                 behoefte="Hulp bij het plannen van de week."),
            task("verslag_opstellen", professionele_begeleiding_nodig=True, verslag_opgesteld_op="2026-11-16",
                 samenvatting="U hebt begeleiding nodig.", voorstel="Individuele begeleiding, 3 uur per week."),
        ], MELDING)
        kinds = [d.kind for d in documents(case_id)]
        assert kinds == ["ontvangstbevestiging", "uitnodiging_gesprek", "verslag"]
        letterhead(of_kind(case_id, "uitnodiging_gesprek")[0], "Gemeente Almere", "14 036", "12 november 2026")
        text = letterhead(of_kind(case_id, "verslag")[0], "Gemeente Almere", "14 036", "U hebt begeleiding nodig.",
                          "Individuele begeleiding, 3 uur per week.", "Hulp bij het plannen van de week.")
        assert "Het getekende verslag is dan uw aanvraag" in text


def test_zwartewaterland_sends_both_letters_with_its_letterhead(sqlite_url, monkeypatch):
    with gemeente("zwartewaterland", sqlite_url, monkeypatch) as settings:
        case_id = new_case(settings)
        walk(settings, case_id, [
            task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="telefonisch",
                 telefonisch_voldoende=True),
            time_to(date(2026, 11, 12)), GESPREK, VERSLAG,
        ], date(2026, 11, 3))
        assert [d.kind for d in documents(case_id)] == ["ontvangstbevestiging", "uitnodiging_gesprek", "verslag"]
        text = letterhead(of_kind(case_id, "uitnodiging_gesprek")[0], "Gemeente Zwartewaterland, Centrale Toegang")
        assert "Het gesprek is telefonisch" in text
        letterhead(of_kind(case_id, "verslag")[0], "Gemeente Zwartewaterland, Centrale Toegang",
                   "U hebt hulp nodig bij het schoonmaken.", "binnen 2 weken")
