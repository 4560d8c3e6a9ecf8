"""Where a case stands in the real route, per process: the markers the dossier's diagram shows."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app import engine, processes
from app.config import load_settings
from app.engine import clock

ROOT = Path(__file__).resolve().parents[2]
NOV_2 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
MELDING = {"hulpvraag": "Hulp bij het huishouden", "kanaal": "telefonisch", "ontvangen_op": "2026-11-02",
           "ingediend_door": "inwoner", "vertegenwoordiger": None, "geboortedatum": "1948-03-14",
           "case_id": 1, "gemeente": "base"}


@pytest.fixture(scope="module")
def route():
    gemeente = load_settings(ROOT / "config.toml").gemeente_config()
    return engine.load(processes.read_files(gemeente)), processes.script_engine(gemeente)


@pytest.fixture
def at_gesprek_plannen(route):
    definition, script_engine = route
    with clock.at(NOV_2):
        workflow, _ = engine.start(definition, script_engine, dict(MELDING))
    return engine.restore(definition, script_engine, engine.dumps(workflow))  # as the dossier reads it


def _by_id(progress):
    return {p.process_id: p for p in progress.processes}


def test_every_process_of_the_route_is_listed_main_first(route):
    definition, _ = route
    ids = [p for p, _, _ in engine.route_processes(definition)]
    assert ids[:3] == ["wmo_route", "wmo_melding", "wmo_onderzoek"]
    assert set(ids) == {"wmo_route", "wmo_melding", "wmo_onderzoek", "wmo_beoordeling", "wmo_levering", "wmo_hulp",
                        "wmo_bezwaar", "wmo_bezwaar_behandeling"}
    files = {p: f for p, _, f in engine.route_processes(definition)}
    assert files["wmo_onderzoek"] == "wmo_onderzoek.bpmn"


def test_a_case_past_the_melding_stands_at_gesprek_plannen(route, at_gesprek_plannen):
    definition, _ = route
    progress = engine.progress(definition, at_gesprek_plannen)
    assert progress.current == "wmo_onderzoek"
    found = _by_id(progress)
    # The melding process is done, from start to end; nothing of it is active.
    melding = found["wmo_melding"]
    done = {"start_melding", "melding_registreren", "ontvangstbevestiging_versturen", "einde_melding"}
    assert done <= set(melding.completed)
    assert melding.active == [] and melding.watching == []
    # The main process: the melding call activity done, the onderzoek call activity running, its term watched.
    main = found["wmo_route"]
    assert "melding_afhandelen" in main.completed and main.active == ["onderzoek"]
    assert "onderzoektermijn_verstreken" in main.watching
    assert ("melding_ontvangen", "melding_afhandelen") in main.taken
    # In the onderzoek: gesprek_plannen is the current task; what follows it is neither done nor active.
    onderzoek = found["wmo_onderzoek"]
    assert onderzoek.active == ["gesprek_plannen"]
    assert "gesprek_plannen" not in onderzoek.completed and "gw_gesprek_nodig" not in onderzoek.completed
    assert ("merge_plannen", "gesprek_plannen") in onderzoek.taken
    # Processes the case has not reached have no markers.
    assert found["wmo_beoordeling"].completed == found["wmo_beoordeling"].active == []
    assert [(s.process_id, s.bpmn_id, s.name, s.kind) for s in progress.steps] == [
        ("wmo_route", "onderzoek", "Onderzoek, gesprek en verslag", "call_activity"),
        ("wmo_onderzoek", "gesprek_plannen", "Gesprek plannen", "user_task"),
    ]
    assert {s.kind for s in progress.watching} == {"timer", "message"}


def test_the_path_holds_only_the_branch_a_gateway_chose(route, at_gesprek_plannen):
    definition, _ = route
    [task] = engine.ready_tasks(at_gesprek_plannen)
    with clock.at(NOV_2):
        engine.complete(at_gesprek_plannen, task.id, {"gesprek_nodig": False, "leveringsvorm": "zin",
                                                      "soort_hulp": "hulpmiddel", "reden_geen_gesprek": "Douchestoel."})
    onderzoek = _by_id(engine.progress(definition, at_gesprek_plannen))["wmo_onderzoek"]
    assert "gesprek_plannen" in onderzoek.completed and "gesprek_overslaan" in onderzoek.completed
    assert ("gw_gesprek_nodig", "gesprek_overslaan") in onderzoek.taken
    assert not [pair for pair in onderzoek.taken if pair[0] == "gw_gesprek_nodig" and pair[1] != "gesprek_overslaan"]
    assert "gesprek_voeren" not in onderzoek.completed + onderzoek.active


def test_element_names_cover_every_process(route):
    definition, _ = route
    names = engine.element_names(definition)
    assert names["gesprek_plannen"] == "Gesprek plannen"
    assert names["onderzoektermijn_verstreken"] == "Onderzoekstermijn verstreken"
