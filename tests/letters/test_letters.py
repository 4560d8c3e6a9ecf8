"""The letters the route sends: made in the step that sends them, stored, listed, downloadable, never changed."""
import hashlib
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.db import db
from app.demo import create_case, demo_bsns, task, walk
from app.engine import clock
from app.letters import LETTERS, Letter, LetterError, pdfs
from app.models import AuditEvent, Case, Document
from tests.cases.test_paths import BEOORDELEN, MELDING, aanvraag, toekennen
from tests.processes.test_zwartewaterland import designated  # noqa: F401 (a fixture: Zwartewaterland with hulpmiddel designated)

NOV_20 = datetime(2026, 11, 20, 12, tzinfo=clock.AMSTERDAM)


def pdf_text(document) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs.pdf_of(document))).pages)
    return re.sub(r"\s+", " ", text)


def new_case(settings) -> int:
    [bsn] = demo_bsns(1)
    return create_case(settings, bsn, MELDING)


def documents(case_id):
    return list(db.session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def test_a_melding_sends_one_ontvangstbevestiging(settings):
    case_id = new_case(settings)
    [letter] = documents(case_id)
    assert letter.kind == "ontvangstbevestiging" and letter.element == "ontvangstbevestiging_versturen"
    step = db.session.get(AuditEvent, letter.audit_event_id)
    assert step.case_id == case_id and step.kind == "melding"
    html = letter.html
    assert 'class="briefhoofd"' in html and "Landelijke route (Wmo 2015)" in html  # no briefhoofd: the gemeente's naam
    assert "9 november 2026" in html  # the persoonlijk plan: 7 days after Mon 2 Nov
    assert "cliëntondersteuner" in html and "gratis" in html
    assert letter.pdf is None and letter.sha256 is None  # the step stores the letter; its PDF follows
    text = pdf_text(letter)
    db.session.refresh(letter)
    assert letter.pdf.startswith(b"%PDF")
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()
    assert "Wij hebben uw melding ontvangen" in text
    assert "uiterlijk op 9 november 2026" in text
    assert "Cliëntondersteuning is gratis" in text


def test_a_zin_toekenning_sends_the_beschikking_with_every_element(settings):
    case_id = new_case(settings)
    walk(settings, case_id, aanvraag() + [BEOORDELEN, toekennen(
        voorziening="Hulp bij het schoonmaken van uw huis", doel="U kunt thuis blijven wonen in een schoon huis.",
        beoogd_resultaat="Een schoon en leefbaar huis.", motivering="U kunt zelf niet meer schoonmaken.")], MELDING)
    letters = documents(case_id)
    assert [d.kind for d in letters] == ["ontvangstbevestiging", "uitnodiging_gesprek", "verslag",
                                         "beschikking_toekenning_zin"]
    text = pdf_text(letters[-1])
    for element in (
        "u krijgt hulp",
        "U krijgt: Hulp bij het schoonmaken van uw huis (Hulp bij het huishouden)",  # what the hulp is
        "U kunt thuis blijven wonen in een schoon huis.",  # what it is for
        "Een schoon en leefbaar huis.",  # beoogd resultaat
        "Hoeveel hulp: 3 uur per week",  # omvang
        "De hulp begint op 7 december 2026",  # when it starts
        "tot en met 5 december 2027",  # how long
        "zorg in natura",  # how and by whom
        "zorgaanbieder",
        "moet u dat aan ons doorgeven",  # the duty to report changes
        "Andere hulp",  # other relevant voorzieningen (seed 001)
        "€ 21,00 per maand", "CAK",  # eigen bijdrage
        "binnen 6 weken", "uiterlijk op 11 januari 2027",  # bezwaar, and by when
        "college van burgemeester en wethouders",  # to whom
    ):
        assert element in text, element


def test_rendering_the_pdf_fetches_nothing(settings, caplog):
    new_case(settings)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelname == "ERROR"] == []


def test_a_missing_field_names_it_and_stores_nothing(settings, monkeypatch):
    needs_more = Letter("ontvangstbevestiging", "Ontvangstbevestiging", "ontvangstbevestiging.html",
                        (*LETTERS["ontvangstbevestiging"].required, "telefoonnummer"))
    monkeypatch.setitem(LETTERS, "ontvangstbevestiging", needs_more)
    with pytest.raises(LetterError) as raised:
        new_case(settings)
    assert "telefoonnummer" in raised.value.message and "telefoonnummer" in raised.value.fields
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_template_that_uses_absent_data_fails_instead_of_leaving_a_gap():
    from app.letters import render

    context = {"naam": "A", "adres": [], "zaak": 1, "briefhoofd": {"naam": "Gemeente"}, "gemeente_titel": "Gemeente"}
    with pytest.raises(LetterError) as raised:
        render.render_html("base", "ontvangstbevestiging.html", context)
    assert "ontvangstbevestiging_verzonden_op ontbreekt" in raised.value.message
    assert list(raised.value.fields) == ["ontvangstbevestiging_verzonden_op"]


def test_a_stored_letter_cannot_be_changed(settings):
    case_id = new_case(settings)
    [letter] = documents(case_id)
    letter.html = "<p>anders</p>"
    with pytest.raises(ValueError, match="correctie is een nieuwe brief"):
        db.session.flush()
    db.session.rollback()
    assert "anders" not in documents(case_id)[0].html


def test_a_gemeente_template_overrides_the_base_one(tmp_path, monkeypatch):
    from app.letters import render

    (tmp_path / "proefdorp").mkdir()
    (tmp_path / "proefdorp" / "_briefhoofd.html").write_text("<header>Proefdorp eigen briefhoofd</header>")
    (tmp_path / "_briefhoofd.html").write_text("<header>basis</header>")
    (tmp_path / "brief.html").write_text('{% include "_briefhoofd.html" %} {{ naam }}')
    monkeypatch.setattr(render, "BRIEVEN", tmp_path)
    render.environment.cache_clear()
    try:
        assert "Proefdorp eigen briefhoofd" in render.render_html("proefdorp", "brief.html", {"naam": "A"})
        assert "basis" in render.render_html("base", "brief.html", {"naam": "A"})
    finally:
        render.environment.cache_clear()


def test_without_a_persoonlijk_plan_term_the_letter_leaves_that_paragraph_out():
    from app.letters import render

    context = {"naam": "A", "adres": ["Dorpsstraat 1"], "zaak": 1, "briefhoofd": {"naam": "Gemeente Zwartewaterland"},
               "gemeente_titel": "Gemeente Zwartewaterland", "ontvangen_op": "2026-11-02", "hulpvraag": "Hulp",
               "ontvangstbevestiging_verzonden_op": "2026-11-02", "persoonlijk_plan_uiterlijk": None}
    html = render.render_html("base", "ontvangstbevestiging.html", context)
    assert "persoonlijk plan" not in html and "Cliëntondersteuning is gratis" in html
    assert "6 weken" not in html  # no onderzoek term either: the letter promises none


def test_a_melding_that_is_at_once_the_aanvraag_promises_no_onderzoek_but_the_besluit(designated):
    """Zwartewaterland (seed 001): for a designated kind of hulp the melding is the aanvraag, without onderzoek or gesprek."""
    case_id = create_case(designated, "999990019", MELDING, aanvraag_bij_melding=True, soort_hulp="hulpmiddel",
                          leveringsvorm="zin")
    [letter] = documents(case_id)
    text = pdf_text(letter)
    assert "Gemeente Zwartewaterland, Centrale Toegang" in text
    assert "6 weken" not in text and "onderzoek duurt" not in text and "persoonlijk plan" not in text
    assert "een onderzoek en een gesprek niet nodig" in text and "Uw melding is daarom ook uw aanvraag" in text
    assert "binnen 2 weken: uiterlijk op 16 november 2026" in text and "beschikking" in text


def test_the_ontvangstbevestiging_names_the_last_day_of_the_onderzoek(settings):
    [letter] = documents(new_case(settings))
    assert "Het onderzoek duurt niet langer dan 6 weken: het is uiterlijk op 14 december 2026 klaar." in pdf_text(letter)


def test_a_gemeente_letter_carries_its_own_letterhead(sqlite_url, monkeypatch):
    from app import create_app
    from app.config import load_settings
    from tests.conftest import ROOT

    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    settings = load_settings(ROOT / "config.toml")
    settings.gemeente = "almere"
    app = create_app(settings)
    with app.app_context():
        try:
            case_id = create_case(app.extensions["wmo"], demo_bsns(1)[0], MELDING)
            assert documents(case_id) == []  # Almere sends it when the wijkteam completes that task, not at once
            walk(app.extensions["wmo"], case_id, [task("ontvangstbevestiging_versturen", verzonden_per="email", emailadres="inwoner@example.nl")], MELDING)
            [letter] = documents(case_id)
            text = pdf_text(letter)
            assert "Gemeente Almere" in text and "14 036" in text
            assert "Landelijke route" not in letter.html
        finally:
            db.session.remove()
            db.engine.dispose()
