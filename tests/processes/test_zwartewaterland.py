"""The Zwartewaterland variant (seed 001, "Indienen hulpvraag Wmo"): cases run through it, and where its route and
terms differ from the national route.

Zwartewaterland replaces one process (wmo_onderzoek), adds one decision table (melding_en_aanvraag) and three forms
(melding, gesprek_plannen, events/verdaging); [gemeenten.zwartewaterland] gives the gesprek term (10 werkdagen), the
beslistermijn (2 weeks, at most 8), the letterhead and the roles. Tests run a case on "zwartewaterland" and, where that
shows the difference, the same steps on "base" beside it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app, processes
from app.auth.service import Actor
from app.cases import queries, service
from app.config import load_settings
from app.demo import create_case, event, task, time_to, walk
from app.engine import clock
from app.errors import Conflict, InvalidInput
from app.models import Task

ROOT = Path(__file__).resolve().parents[2]
VARIANT = ROOT / "processes" / "zwartewaterland"
MELDING = date(2026, 11, 2)  # a Monday
READER = Actor("lezer", frozenset({"teamleider"}))
PLANNEN = {"gesprek_nodig": True, "gesprek_vorm": "huisbezoek", "gesprek_datum": "2026-11-12"}
TOEKENNEN = {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": "2026-12-01", "einddatum": "2027-11-30"}


def _app(settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def settings(db_url, monkeypatch):
    """Settings whose gemeente is Zwartewaterland, with the app on a fresh database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("WMO_DATABASE_URL", db_url)
    zwartewaterland = load_settings(ROOT / "config.toml")
    zwartewaterland.gemeente = "zwartewaterland"
    with _app(zwartewaterland).app_context():
        yield zwartewaterland
        from app.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def base(settings):
    """Settings of the national route on the same database, for a case beside the Zwartewaterland one."""
    national = load_settings(ROOT / "config.toml")
    national.gemeente = "base"
    return national


def open_tasks(case_id) -> list[str]:
    from app.db import db

    return [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]


def open_task(case_id, name) -> Task:
    from app.db import db

    return db.session.scalar(select(Task).where(Task.case_id == case_id, Task.name == name, Task.closed_at.is_(None)))


def deadlines(settings, case_id, on=date(2026, 11, 20)) -> dict:
    with clock.at(datetime.combine(on, time(12), tzinfo=clock.AMSTERDAM)):
        view = queries.case_detail(settings, service.get_case(case_id), READER)
    return {d["name"]: d for d in view["deadlines"]}


def test_the_variant_replaces_only_the_onderzoek_and_adds_a_decision_table(settings):
    gemeente = settings.gemeente_config()
    assert processes.replaced(gemeente) == {"melding_en_aanvraag.dmn": "", "wmo_onderzoek.bpmn": "wmo_onderzoek.bpmn"}
    definition = processes.check(gemeente, processes.read_files(gemeente))
    assert {"gesprek_plannen", "gesprek_voeren", "verslag_opstellen", "verslag_ondertekenen"} <= set(definition.user_tasks)
    assert {p.name for p in (ROOT / "forms" / "zwartewaterland").rglob("*.json")} == {
        "melding.json", "gesprek_plannen.json", "verdaging.json"}


def test_config_terms_letterhead_and_roles(settings, base):
    gemeente = settings.gemeente_config()
    assert gemeente.titel == "Gemeente Zwartewaterland"
    gesprek = gemeente.termijnen["gesprek"]
    assert (gesprek.duur.aantal, gesprek.duur.eenheid, gesprek.vanaf, gesprek.voldaan, gesprek.atw) == (
        10, "werkdagen", "onderzoek_vanaf", "gesprek_gevoerd_op", False)
    assert gemeente.termijnen["beslistermijn"].max_verlenging == 6  # 2 weeks, "in ieder geval binnen 8 weken"
    assert "gesprek" not in base.gemeente_config().termijnen and base.gemeente_config().termijnen["beslistermijn"].max_verlenging == 2
    assert gemeente.briefhoofd == {"naam": "Gemeente Zwartewaterland, Centrale Toegang"}  # the seed gives nothing more
    assert gemeente.lane_roles["klantmanager"] == {"klantmanager"} and gemeente.roles == base.gemeente_config().roles


def test_a_case_runs_through_zwartewaterland_and_the_gesprek_is_due_in_10_werkdagen(settings, base):
    case_id = create_case(settings, "999990019", MELDING)
    national = create_case(base, "999990020", MELDING)
    # Zwartewaterland: the gesprek within 10 werkdagen of the melding (Mon 2 Nov -> Mon 16 Nov) governs the planning task;
    # the national route has no such term, so the task is due with the onderzoek (6 weeks, Atw).
    assert open_task(case_id, "gesprek_plannen").due == date(2026, 11, 16)
    assert open_task(national, "gesprek_plannen").due == date(2026, 12, 14)
    assert deadlines(settings, case_id)["gesprek"]["due"] == "2026-11-16"
    assert "gesprek" not in deadlines(base, national)

    walk(settings, case_id, [task("gesprek_plannen", **PLANNEN), event("persoonlijk_plan_ontvangen", plan="Zelf koken."),
                             task("gesprek_voeren", gesprek_gevoerd_op="2026-11-12", leveringsvorm="zin")], date(2026, 11, 3))
    terms = deadlines(settings, case_id)
    assert terms["gesprek"]["status"] == "met" and terms["gesprek"]["met_on"] == "2026-11-12"
    walk(settings, case_id, [task("verslag_opstellen"), task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True),
                             task("aanvraag_beoordelen"), task("besluit_nemen", **TOEKENNEN)], date(2026, 11, 16))
    assert open_tasks(case_id) == ["zorgaanbieder_toewijzen"]
    assert deadlines(settings, case_id, date(2026, 11, 17))["beslistermijn"]["status"] == "met"


def test_when_10_werkdagen_pass_without_a_gesprek_the_open_gesprek_task_is_signalled(settings, base):
    case_id = create_case(settings, "999990019", MELDING)
    national = create_case(base, "999990020", MELDING)
    walk(settings, case_id, [time_to(date(2026, 11, 16))], MELDING)
    assert open_task(case_id, "gesprek_plannen").signaal is None  # the last of the 10 werkdagen
    walk(settings, case_id, [time_to(date(2026, 11, 17))], MELDING)
    assert open_task(case_id, "gesprek_plannen").signaal == "verstreken"
    assert open_task(national, "gesprek_plannen").signaal is None
    # Planned too late: the signal stays on the gesprek itself until it is held.
    walk(settings, case_id, [task("gesprek_plannen", **{**PLANNEN, "gesprek_datum": "2026-11-19"})], date(2026, 11, 17))
    assert open_task(case_id, "gesprek_voeren").signaal == "verstreken"
    assert deadlines(settings, case_id)["gesprek"]["status"] == "overdue"
    walk(settings, case_id, [task("gesprek_voeren", leveringsvorm="zin")], date(2026, 11, 19))
    assert deadlines(settings, case_id)["gesprek"]["met_on"] == "2026-11-19" and open_tasks(case_id) == ["verslag_opstellen"]


def test_a_telephone_gesprek_only_when_that_suffices(settings, base):
    case_id = create_case(settings, "999990019", MELDING)
    national = create_case(base, "999990020", MELDING)
    phone = {**PLANNEN, "gesprek_vorm": "telefonisch"}
    with pytest.raises(InvalidInput) as refused:
        walk(settings, case_id, [task("gesprek_plannen", **phone, telefonisch_voldoende=False)], date(2026, 11, 3))
    assert "telefonisch_voldoende" in str(refused.value.fields)
    from app.db import db

    db.session.rollback()
    walk(settings, case_id, [task("gesprek_plannen", **phone, telefonisch_voldoende=True)], date(2026, 11, 3))
    walk(base, national, [task("gesprek_plannen", **phone)], date(2026, 11, 3))  # the national form does not ask
    assert service.get_case(case_id).data["telefonisch_voldoende"] is True


def test_no_gesprek_when_it_is_not_needed_and_the_resident_agrees(settings):
    case_id = create_case(settings, "999990019", MELDING)
    skip = {"gesprek_nodig": False, "reden_geen_gesprek": "Alleen een douchestoel nodig.", "leveringsvorm": "zin",
            "soort_hulp": "hulpmiddel"}
    with pytest.raises(InvalidInput):
        walk(settings, case_id, [task("gesprek_plannen", **skip, inwoner_stemt_in=False)], date(2026, 11, 3))
    from app.db import db

    db.session.rollback()
    walk(settings, case_id, [task("gesprek_plannen", **skip, inwoner_stemt_in=True)], date(2026, 11, 3))
    assert open_tasks(case_id) == ["verslag_opstellen"]
    assert deadlines(settings, case_id)["gesprek"]["status"] == "met"  # skipping meets the term: no signal later
    walk(settings, case_id, [time_to(date(2026, 11, 18))], date(2026, 11, 3))
    assert open_task(case_id, "verslag_opstellen").signaal is None


def test_the_shipped_table_designates_no_kind_of_hulp_so_a_melding_with_an_aanvraag_gets_an_onderzoek(settings):
    case_id = create_case(settings, "999990019", MELDING, aanvraag_bij_melding=True, soort_hulp="hulpmiddel",
                          leveringsvorm="zin")
    assert open_tasks(case_id) == ["gesprek_plannen"]
    assert "aanvraag_ontvangen_op" not in deadlines(settings, case_id) and "beslistermijn" not in deadlines(settings, case_id)


def test_an_aanvraag_needs_the_kind_of_hulp(settings):
    with pytest.raises(InvalidInput) as refused:
        create_case(settings, "999990019", MELDING, aanvraag_bij_melding=True)
    assert {"soort_hulp", "leveringsvorm"} <= set(refused.value.fields)


@pytest.fixture
def designated(tmp_path, sqlite_url, monkeypatch):
    """Zwartewaterland after the process owner designates "hulpmiddel" in melding_en_aanvraag.dmn (a copy in tmp_path)."""
    shutil.copytree(ROOT / "processes" / "base", tmp_path / "processes" / "base")
    shutil.copytree(VARIANT, tmp_path / "processes" / "zwartewaterland")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    table = tmp_path / "processes" / "zwartewaterland" / "melding_en_aanvraag.dmn"
    text = table.read_text()
    rule = '''      <rule id="Rule_melding_en_aanvraag_hulpmiddel">
        <description>Hulpmiddelen (voorbeeld van een aangewezen vorm van hulp)</description>
        <inputEntry id="InputEntry_melding_en_aanvraag_hulpmiddel_0">
          <text>"hulpmiddel"</text>
        </inputEntry>
        <outputEntry id="OutputEntry_melding_en_aanvraag_hulpmiddel_0">
          <text>True</text>
        </outputEntry>
      </rule>
'''
    table.write_text(text.replace('      <rule id="Rule_melding_en_aanvraag_anders">', rule + '      <rule id="Rule_melding_en_aanvraag_anders">'))
    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    settings = load_settings(tmp_path / "config.toml")
    settings.gemeente = "zwartewaterland"
    with _app(settings).app_context():
        yield settings
        from app.db import db

        db.session.remove()
        db.engine.dispose()


def test_melding_and_aanvraag_at_once_skip_onderzoek_gesprek_and_the_signed_verslag(designated):
    case_id = create_case(designated, "999990019", MELDING, aanvraag_bij_melding=True, soort_hulp="hulpmiddel",
                          leveringsvorm="zin")
    # No gesprek, no verslag to sign: the melding is the aanvraag and the beslistermijn runs from its receipt.
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]
    assert open_task(case_id, "aanvraag_beoordelen").due == date(2026, 11, 16)
    terms = deadlines(designated, case_id)
    assert terms["beslistermijn"]["start"] == "2026-11-02" and terms["beslistermijn"]["due"] == "2026-11-16"
    assert not {"gesprek", "onderzoek", "persoonlijk_plan", "verslag"} & set(terms)
    data = service.get_case(case_id).data
    assert data["melding_en_aanvraag"] is True and data["aanvraag_ontvangen_op"] == "2026-11-02"
    walk(designated, case_id, [task("aanvraag_beoordelen"), task("besluit_nemen", **{**TOEKENNEN, "soort_hulp": "hulpmiddel"})],
         date(2026, 11, 9))
    assert open_tasks(case_id) == ["zorgaanbieder_toewijzen"]
    # Another kind of hulp, or no aanvraag with the melding: the national order (gesprek, verslag = aanvraag).
    other = create_case(designated, "999990020", MELDING, aanvraag_bij_melding=True, soort_hulp="begeleiding",
                        leveringsvorm="zin")
    plain = create_case(designated, "999990032", MELDING, soort_hulp="hulpmiddel")
    assert open_tasks(other) == ["gesprek_plannen"] and open_tasks(plain) == ["gesprek_plannen"]


def test_a_herindicatie_after_an_aanvraag_with_the_melding_gets_an_onderzoek(designated):
    case_id = create_case(designated, "999990019", MELDING, aanvraag_bij_melding=True, soort_hulp="hulpmiddel",
                          leveringsvorm="zin")
    walk(designated, case_id, [task("aanvraag_beoordelen"), task("besluit_nemen", **{**TOEKENNEN, "soort_hulp": "hulpmiddel"}),
                               task("zorgaanbieder_toewijzen", zorgaanbieder="Hulpmiddelencentrum"), event("zorg_gestart")],
         date(2026, 11, 9))
    assert open_tasks(case_id) == []  # hulp loopt
    walk(designated, case_id, [time_to(date(2027, 10, 5))], date(2026, 12, 1))  # 8 weeks before the einddatum
    walk(designated, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 6))
    assert open_tasks(case_id) == ["gesprek_plannen"]
    data = service.get_case(case_id).data
    assert data["onderzoek_vanaf"] != data["ontvangen_op"] and data["melding_en_aanvraag"] is True


def test_the_beslistermijn_may_be_put_off_to_at_most_8_weeks(settings, base):
    steps = [task("gesprek_plannen", **PLANNEN), event("persoonlijk_plan_ontvangen", plan="Zelf koken."),
             task("gesprek_voeren", leveringsvorm="zin"), task("verslag_opstellen"),
             task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True)]
    case_id = create_case(settings, "999990019", MELDING)
    national = create_case(base, "999990020", MELDING)
    walk(settings, case_id, steps, date(2026, 11, 3))
    walk(base, national, steps, date(2026, 11, 3))
    assert deadlines(settings, case_id)["beslistermijn"]["due"] == "2026-11-17"  # 2 weeks from Tue 3 Nov
    with pytest.raises(InvalidInput):
        walk(base, national, [event("verdaging", weken=6, reden="Gegevens ontbreken.")], date(2026, 11, 10))
    from app.db import db

    db.session.rollback()
    walk(settings, case_id, [event("verdaging", weken=6, reden="De inwoner heeft niet voldoende gegevens verstrekt.")],
         date(2026, 11, 10))
    assert deadlines(settings, case_id)["beslistermijn"]["due"] == "2026-12-29"  # 8 weeks from the aanvraag
    with pytest.raises(Conflict):
        walk(settings, case_id, [event("verdaging", weken=1, reden="Nog eens.")], date(2026, 11, 11))


def test_bpmnlint_and_bpmn_moddle_accept_the_variant():
    files = [str(p) for p in sorted(VARIANT.glob("*.bpmn"))]
    lint = subprocess.run([str(ROOT / "node_modules" / ".bin" / "bpmnlint"), *files], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    layout = subprocess.run(["node", str(ROOT / "tests" / "processes" / "diagram_check.mjs"), *files], cwd=ROOT,
                            capture_output=True, text=True)
    assert layout.returncode == 0, layout.stdout + layout.stderr


def test_the_front_desk_form_offers_the_aanvraag_with_the_melding(settings):
    from flask import current_app

    from app.auth.service import add_user, set_password
    from tests.web.test_routes import csrf, login

    add_user("km", ["klantmanager"])
    set_password("km", "km-wachtwoord-1")
    client = current_app.test_client()
    login(client, "km")
    page = client.get("/meldingen/nieuw").data.decode()
    assert 'name="aanvraag_bij_melding"' in page and 'name="soort_hulp"' in page
    assert "De inwoner dient bij de melding direct een aanvraag in" in page
    fields = {"kanaal": "mondeling", "ontvangen_op": "2026-11-02", "bsn": "999990019", "naam": "A. Bakker",
              "geboortedatum": "1950-06-01", "adres.straat": "Kerkstraat", "adres.huisnummer": "3",
              "adres.postcode": "8061 AB", "adres.woonplaats": "Hasselt", "hulpvraag": "Ik heb een douchestoel nodig.",
              "ingediend_door": "inwoner", "aanvraag_bij_melding": "ja"}
    response = client.post("/meldingen/nieuw", data={"csrf_token": csrf(client.get("/inloggen").data), **fields})
    page = response.data.decode()
    assert response.status_code == 422, page
    assert re.search(r'href="#veld-soort_hulp">[^<]*verplicht', page), re.findall(r'<a href="#veld[^<]*</a>', page)
    fields.update(soort_hulp="hulpmiddel", leveringsvorm="zin")
    response = client.post("/meldingen/nieuw", data={"csrf_token": csrf(client.get("/inloggen").data), **fields})
    assert response.status_code == 302
    case = service.get_case(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (case.data["aanvraag_bij_melding"], case.data["soort_hulp"]) == (True, "hulpmiddel")
    assert open_tasks(case.id) == ["gesprek_plannen"]  # the shipped table designates no kind of hulp
