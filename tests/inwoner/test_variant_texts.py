"""A variant's own words on the resident's page: "x-inwoner" in the form of the open task or of the event the case
waits for (forms/<gemeente>/), else the national text of app/inwoner/texts.py."""
import json
from datetime import date, datetime, time
from pathlib import Path

import pytest
from flask import current_app

from app import create_app
from app.auth.service import resident
from app.cases import service as cases_service
from app.config import load_settings
from app.demo import create_case, event, task, walk
from app.engine import clock
from app.inwoner import links, service, texts
from tests.processes import test_alkmaar as alkmaar_route
from tests.processes import test_almere as almere_route

ROOT = Path(__file__).resolve().parents[2]
MELDING = date(2026, 11, 2)


@pytest.fixture
def gemeente(sqlite_url, monkeypatch):
    """settings_for("alkmaar"): settings of that gemeente on a fresh SQLite database, inside its app."""
    contexts = []

    def settings_for(naam):
        monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
        settings = load_settings(ROOT / "config.toml")
        settings.gemeente = naam
        app = create_app(settings)
        app.config["TESTING"] = True
        context = app.app_context()
        context.push()
        contexts.append(context)
        return settings

    yield settings_for
    from app.db import db

    db.session.remove()
    db.engine.dispose()
    for context in reversed(contexts):
        context.pop()


def stand_of(settings, case_id, on=MELDING):
    with clock.at(datetime.combine(on, time(12), tzinfo=clock.AMSTERDAM)):
        return service.page(settings, resident(case_id)).stand


def form_text(gemeente, name):
    own = json.loads((ROOT / "forms" / gemeente / f"{name}.json").read_text(encoding="utf-8"))["x-inwoner"]
    return texts.Stand(own["titel"], own["tekst"])


def test_an_alkmaar_resident_reads_alkmaars_words_for_its_own_tasks(gemeente):
    settings = gemeente("alkmaar")
    case_id = create_case(settings, "999990019", MELDING)
    netwerk = stand_of(settings, case_id)
    assert netwerk == form_text("alkmaar", "eigen_netwerk_nagaan") and netwerk != texts.BEZIG
    assert "mensen die u kent" in netwerk.tekst
    walk(settings, case_id, alkmaar_route.ADVIES[:-1], MELDING)  # up to the overzicht en advies
    advies = stand_of(settings, case_id, date(2026, 11, 12))
    assert advies.titel == "Wij schrijven een overzicht en een advies" and "verslag" not in advies.tekst
    # The page itself shows it.
    with clock.at(datetime.combine(date(2026, 11, 12), time(12), tzinfo=clock.AMSTERDAM)):
        page = current_app.test_client().get(f"/inwoner/{links.make(settings, case_id).token}")
    assert page.status_code == 200 and advies.titel in page.data.decode()


def test_an_alkmaar_resident_waiting_for_the_hulp_hears_of_the_4_to_8_weeks_and_then_of_the_navraag(gemeente):
    settings = gemeente("alkmaar")
    case_id = alkmaar_route.toegewezen(settings)
    wacht = stand_of(settings, case_id, date(2026, 12, 2))
    assert wacht == form_text("alkmaar", "events/zorg_gestart") and "4 tot 8 weken" in wacht.tekst
    cases_service.fire_due(settings, datetime(2027, 1, 27, 0, 0, tzinfo=clock.AMSTERDAM))
    assert stand_of(settings, case_id, date(2027, 1, 27)) == form_text("alkmaar", "wachttijd_navragen")


def test_a_task_whose_form_has_no_x_inwoner_keeps_the_national_text(gemeente):
    settings = gemeente("alkmaar")
    case_id = create_case(settings, "999990019", MELDING)
    walk(settings, case_id, alkmaar_route.aanvraag(), MELDING)
    # aanvraag_beoordelen uses forms/base/aanvraag_beoordelen.json, which has no "x-inwoner".
    assert stand_of(settings, case_id, date(2026, 11, 20)) == texts.STAND["aanvraag_beoordelen"]


def test_an_almere_resident_reads_almeres_words_for_tasks_and_waits(gemeente):
    settings = gemeente("almere")
    case_id = create_case(settings, "999990019", MELDING)
    bevestiging = stand_of(settings, case_id)
    assert bevestiging == form_text("almere", "ontvangstbevestiging_versturen") and "5 werkdagen" in bevestiging.tekst
    walk(settings, case_id, [almere_route.BEVESTIGEN], MELDING)
    plannen = stand_of(settings, case_id, date(2026, 11, 4))
    assert "wijkteam" in plannen.tekst and "consulent van de gemeente" not in plannen.tekst
    assert plannen != texts.STAND["gesprek_plannen"]
    walk(settings, case_id, almere_route.aanvraag()[1:] + [
        task("aanvraag_beoordelen"), almere_route.toekennen(),
        task("zorgaanbieder_toewijzen", al_bij_zorgaanbieder=False, zorgaanbieder="Zorg Almere", informatie_verstuurd=True,
             toewijzing_verzonden_op="2026-12-01")], MELDING)
    # Waiting for the begeleidingsplan (and for a bezwaar): Almere's own wait wins over the national bezwaar text.
    assert stand_of(settings, case_id, date(2026, 12, 2)) == form_text("almere", "events/begeleidingsplan_gedeeld")
    walk(settings, case_id, [event("begeleidingsplan_gedeeld", intake_op="2026-12-04", ontvangen_op="2026-12-08",
                                   zorgaanbieder="Zorg Almere")], date(2026, 12, 8))
    assert stand_of(settings, case_id, date(2026, 12, 8)) == texts.WACHT["zorg_gestart"]  # base form, national text


def test_a_base_case_reads_the_national_texts(gemeente):
    settings = gemeente("base")
    case_id = create_case(settings, "999990019", MELDING)
    assert stand_of(settings, case_id) == texts.STAND["gesprek_plannen"]

