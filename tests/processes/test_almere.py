"""The Almere variant (seed 002, "Individuele begeleiding"): cases run through it, and where its route and terms
differ from the national route.

Each test runs a case on gemeente "almere" (processes/almere/ over processes/base/, forms/almere/ over forms/base/,
[gemeenten.almere] in config.toml); a few run the same steps on base beside it to show the difference.
"""
from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from app import create_app, processes
from app.auth.service import Actor
from app.cases import queries, service
from app.config import load_settings
from app.demo import create_case, event, task, time_to, walk
from app.engine import clock
from app.errors import Conflict, Forbidden, InvalidInput
from app.models import Task

ROOT = Path(__file__).resolve().parents[2]
ALMERE = ROOT / "processes" / "almere"
FORMS = ROOT / "forms" / "almere"
BPMN_FILES = sorted(ALMERE.glob("*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
MELDING = date(2026, 11, 2)  # a Monday
READER = Actor("lezer", frozenset({"teamleider"}))
WIJKTEAM = Actor("wijkteam-1", frozenset({"wijkteammedewerker"}))
KLANTMANAGER = Actor("consulent-1", frozenset({"klantmanager"}))


@pytest.fixture
def settings(db_url, monkeypatch):
    """Settings whose gemeente is Almere, with the app on a fresh database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("WMO_DATABASE_URL", db_url)
    almere = load_settings(ROOT / "config.toml")
    almere.gemeente = "almere"
    app = create_app(almere)
    app.config["TESTING"] = True
    with app.app_context():
        yield almere
        from app.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def base(settings, monkeypatch):
    """Settings of the national route on the same database, for a case beside the Almere one."""
    national = load_settings(ROOT / "config.toml")
    national.gemeente = "base"
    return national


def open_tasks(case_id):
    from app.db import db

    return [(t.name, t.lane) for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]


def open_task(case_id, name) -> Task:
    from app.db import db

    return db.session.scalar(select(Task).where(Task.case_id == case_id, Task.name == name, Task.closed_at.is_(None)))


def detail(settings, case_id, on=date(2026, 11, 20)):
    with clock.at(datetime.combine(on, time(12), tzinfo=clock.AMSTERDAM)):
        return queries.case_detail(settings, service.get_case(case_id), READER)


def deadline(view, name):
    return next(d for d in view["deadlines"] if d["name"] == name)


BEVESTIGEN = task("ontvangstbevestiging_versturen", verzonden_per="email", emailadres="inwoner@example.org",
                  ontvangstbevestiging_verzonden_op="2026-11-04")
INTAKE = [
    BEVESTIGEN,
    task("gesprek_plannen", gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
    event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="Zelf koken, hulp bij mijn administratie."),
    time_to(date(2026, 11, 12)),
]


def gesprek(leveringsvorm="zin", wlz=False):
    return task("gesprek_voeren", gebruikt_wlz=wlz, leveringsvorm=leveringsvorm, soort_hulp="begeleiding",
                pgb_motivatie="Ik wil mijn eigen begeleider kiezen.")


def aanvraag(leveringsvorm="zin"):
    return INTAKE + [
        gesprek(leveringsvorm),
        task("verslag_opstellen", professionele_begeleiding_nodig=True,
             zorgindicatie="Individuele begeleiding, 3 uur per week, 12 maanden", verslag_opgesteld_op="2026-11-16"),
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2026-11-19"),
    ]


def toekennen(leveringsvorm="zin", **values):
    return task("besluit_nemen", **{"besluit": "toekennen", "leveringsvorm": leveringsvorm, "ingangsdatum": "2026-12-07",
                                    "einddatum": "2027-12-05", "beschikking_verzonden_op": "2026-11-30",
                                    "soort_hulp": "begeleiding", "omvang": "3 uur per week", **values})


def start(settings, steps, bsn="999990019"):
    case_id = create_case(settings, bsn, MELDING, hulpvraag="Ik krijg mijn dagindeling en administratie niet op orde.")
    walk(settings, case_id, steps, MELDING)
    return case_id


# --- the files ---------------------------------------------------------------------------------------------------


def test_the_variant_replaces_base_processes_by_id_and_loads():
    gemeente = load_settings(ROOT / "config.toml").gemeente_config("almere")
    ids = {p.name: etree.parse(str(p)).getroot().find("bpmn:process", NS).get("id") for p in BPMN_FILES}
    assert ids == {"wmo_melding.bpmn": "wmo_melding", "wmo_onderzoek.bpmn": "wmo_onderzoek",
                   "wmo_beoordeling.bpmn": "wmo_beoordeling", "wmo_levering.bpmn": "wmo_levering", "wmo_hulp.bpmn": "wmo_hulp"}
    base_ids = {etree.parse(str(p)).getroot().find("bpmn:process", NS).get("id") for p in (ROOT / "processes" / "base").glob("*.bpmn")}
    assert set(ids.values()) <= base_ids  # only replacements, no new call activity targets
    definition = processes.check(gemeente, processes.read_files(gemeente))
    new = {"ontvangstbevestiging_versturen", "vervolggesprek_plannen", "pgb_documenten_ontvangen"}
    assert new <= set(definition.user_tasks)
    assert definition.user_tasks["gesprek_voeren"].lane == "wijkteam"
    assert definition.user_tasks["verslag_opstellen"].lane == "klantmanager"
    assert "begeleidingsplan_gedeeld" in definition.messages


def test_bpmnlint_and_bpmn_moddle_accept_the_variant():
    lint = subprocess.run([ROOT / "node_modules" / ".bin" / "bpmnlint", *map(str, BPMN_FILES)], cwd=ROOT,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    drawn = subprocess.run(["node", str(ROOT / "tests" / "processes" / "diagram_check.mjs"), *map(str, BPMN_FILES)],
                           cwd=ROOT, capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stdout + drawn.stderr


def test_wmo_processes_check_passes_for_almere():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "wmo"), "processes", "check", "--gemeente", "almere"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_user_task_has_a_lane_almere_maps_and_a_form(path):
    gemeente = load_settings(ROOT / "config.toml").gemeente_config("almere")
    root = etree.parse(str(path))
    lanes = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    for user_task in root.iterfind(".//bpmn:userTask", NS):
        task_id = user_task.get("id")
        assert lanes.get(task_id) in gemeente.lane_roles, task_id
        [form] = [p.get("value") for p in user_task.iterfind(".//spiff:property", NS) if p.get("name") == "formJsonSchemaFilename"]
        assert form == f"{task_id}.json" and any((d / form).is_file() for d in gemeente.form_dirs), task_id


@pytest.mark.parametrize("path", sorted(FORMS.rglob("*.json")), ids=lambda p: p.name)
def test_forms_are_valid_schemas_with_dutch_titles(path):
    from jsonschema import Draft202012Validator

    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False and schema["title"] and schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), f"{path.name}: {name} has no title"


def test_config_section():
    gemeente = load_settings(ROOT / "config.toml").gemeente_config("almere")
    assert gemeente.titel == "Gemeente Almere"
    assert gemeente.lane_roles["wijkteam"] == frozenset({"wijkteammedewerker"})
    assert gemeente.briefhoofd == {"naam": "Gemeente Almere", "telefoon": "14 036"}  # the seed gives no address
    terms = {name: str(t.duur) for name, t in gemeente.termijnen.items()}
    assert terms["ontvangstbevestiging"] == "5 werkdagen" and terms["onderzoek"] == "6 weken"
    assert terms["beslistermijn"] == "2 weken" and gemeente.termijnen["beslistermijn"].max_verlenging == 2
    # Almere pins its own terms: the section names them, whatever the national defaults become.
    section = load_settings(ROOT / "config.toml").raw["gemeenten"]["almere"]["termijnen"]
    assert {k: v["duur"] for k, v in section.items()} == {"ontvangstbevestiging": "5 werkdagen", "onderzoek": "6 weken",
                                                          "beslistermijn": "2 weken", "wijziging": "8 weken"}
    assert "wijziging" not in load_settings(ROOT / "config.toml").gemeente_config("base").termijnen


# --- melding: the wijkteam confirms within 5 werkdagen -------------------------------------------------------------


def test_the_wijkteam_confirms_the_melding_by_email_within_5_werkdagen(settings, base):
    case_id = create_case(settings, "999990019", MELDING)
    assert open_tasks(case_id) == [("ontvangstbevestiging_versturen", "wijkteam")]
    confirm = open_task(case_id, "ontvangstbevestiging_versturen")
    assert confirm.due == date(2026, 11, 9)  # 5 werkdagen after Monday 2 November
    view = detail(settings, case_id, date(2026, 11, 3))
    assert deadline(view, "ontvangstbevestiging") == {"name": "ontvangstbevestiging", "start": "2026-11-02",
                                                      "due": "2026-11-09", "status": "open", "met_on": None}
    # Base sends the confirmation at once, as a script, and the first task is planning the gesprek.
    national = create_case(base, "999990020", MELDING)
    assert open_tasks(national) == [("gesprek_plannen", "klantmanager")]
    assert deadline(detail(base, national, date(2026, 11, 3)), "ontvangstbevestiging")["status"] == "met"
    # Late: the term is overdue after Monday 9 November.
    assert deadline(detail(settings, case_id, date(2026, 11, 10)), "ontvangstbevestiging")["status"] == "overdue"
    walk(settings, case_id, [BEVESTIGEN], date(2026, 11, 4))
    view = detail(settings, case_id, date(2026, 11, 10))
    assert deadline(view, "ontvangstbevestiging")["status"] == "met" and view["data"]["verzonden_per"] == "email"
    assert open_tasks(case_id) == [("gesprek_plannen", "wijkteam")]


def test_wijkteam_tasks_are_done_by_the_role_the_config_maps(settings):
    case_id = create_case(settings, "999990019", MELDING)
    row = open_task(case_id, "ontvangstbevestiging_versturen")
    answers = {"verzonden_per": "email", "emailadres": "inwoner@example.org"}
    gemeente = settings.gemeente_config()
    with clock.at(datetime.combine(MELDING, time(12), tzinfo=clock.AMSTERDAM)):
        with pytest.raises(Forbidden):
            service.complete_task(settings, row.id, answers, Actor("km", frozenset({"klantmanager"}), lane_roles=gemeente.lane_roles))
        service.complete_task(settings, row.id, answers,
                              Actor("wt", frozenset({"wijkteammedewerker"}), lane_roles=gemeente.lane_roles))
    walk(settings, case_id, INTAKE[1:] + [gesprek()], MELDING)
    # The Wmo-consulent (klantmanager) writes the verslag; the wijkteam may not.
    row = open_task(case_id, "verslag_opstellen")
    assert row.lane == "klantmanager"
    verslag = {"professionele_begeleiding_nodig": True, "zorgindicatie": "Begeleiding, 2 uur per week",
               "samenvatting": "Begeleiding nodig.", "voorstel": "Individuele begeleiding."}
    with clock.at(datetime.combine(date(2026, 11, 13), time(12), tzinfo=clock.AMSTERDAM)):
        with pytest.raises(Forbidden):
            service.complete_task(settings, row.id, verslag, Actor("wt", frozenset({"wijkteammedewerker"}), lane_roles=gemeente.lane_roles))
        service.complete_task(settings, row.id, verslag, Actor("km", frozenset({"klantmanager"}), lane_roles=gemeente.lane_roles))
    assert open_tasks(case_id) == [("verslag_ondertekenen", "inwoner")]


# --- onderzoek: 6 weeks, the Wlz check ---------------------------------------------------------------------------


def test_onderzoek_term_is_6_weeks_and_the_gesprek_is_the_wijkteams(settings):
    case_id = start(settings, INTAKE)
    assert open_tasks(case_id) == [("gesprek_voeren", "wijkteam")]
    view = detail(settings, case_id)
    assert deadline(view, "onderzoek") == {"name": "onderzoek", "start": "2026-11-02", "due": "2026-12-14",
                                           "status": "open", "met_on": None}
    assert open_task(case_id, "gesprek_voeren").due == date(2026, 12, 14)
    # After 6 weeks without a verslag the teamleider is told (the resident may now apply directly).
    assert service.fire_due(settings, datetime(2026, 12, 15, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert ("onderzoektermijn_bewaken", "teamleider") in open_tasks(case_id)


def test_a_resident_in_the_wlz_leaves_the_wmo_route_after_the_gesprek(settings):
    case_id = start(settings, INTAKE + [gesprek(wlz=True)])
    case = service.get_case(case_id)
    assert case.status == "afgehandeld" and open_tasks(case_id) == []
    assert case.data["naar_wlz_verwezen"] is True and case.data["aanvraag_ingediend"] is False
    view = detail(settings, case_id)
    assert deadline(view, "onderzoek")["status"] == "met"  # the Wlz letter is the onderzoek's written outcome
    assert not any(d["name"] == "beslistermijn" for d in view["deadlines"])  # no aanvraag, so no beslistermijn
    history = [h["name"] for h in view["history"]]
    assert "verslag_opstellen" not in history


def test_the_gesprek_form_asks_about_the_wlz():
    schema = json.loads((FORMS / "gesprek_voeren.json").read_text())
    assert schema["properties"]["gebruikt_wlz"]["type"] == "boolean" and "gebruikt_wlz" in schema["required"]
    assert schema["properties"]["leveringsvorm"]["enum"] == ["zin", "pgb", "geld"]  # the contract of wmo_beoordeling


# --- zorg in natura: intake and begeleidingsplan ------------------------------------------------------------------


def test_zorg_in_natura_waits_for_the_zorgaanbieders_begeleidingsplan(settings):
    case_id = start(settings, aanvraag() + [task("aanvraag_beoordelen"), toekennen(),
                                            task("zorgaanbieder_toewijzen", al_bij_zorgaanbieder=False, zorgaanbieder="Zorg Almere",
                                                 informatie_verstuurd=True, toewijzing_verzonden_op="2026-12-01")])
    view = detail(settings, case_id, date(2026, 12, 2))
    assert deadline(view, "beslistermijn")["due"] == "2026-12-03"  # 2 weeks after Thursday 19 November
    assert deadline(view, "beslistermijn")["status"] == "met"
    assert view["waiting_for_events"] == ["begeleidingsplan_gedeeld", "bezwaar_ingediend"]
    # The start of the zorg is not taken before the intake and the plan.
    with pytest.raises(Conflict):
        walk(settings, case_id, [event("zorg_gestart", startdatum="2026-12-07")], date(2026, 12, 7))
    walk(settings, case_id, [event("begeleidingsplan_gedeeld", intake_op="2026-12-04", ontvangen_op="2026-12-08",
                                   zorgaanbieder="Zorg Almere", doelen="Dagindeling en administratie weer zelf doen.")],
         date(2026, 12, 8))
    data = service.get_case(case_id).data
    assert data["intake_gevoerd_op"] == "2026-12-04" and data["begeleidingsplan_ontvangen_op"] == "2026-12-08"
    assert detail(settings, case_id, date(2026, 12, 8))["waiting_for_events"] == ["bezwaar_ingediend", "zorg_gestart"]
    walk(settings, case_id, [event("zorg_gestart", startdatum="2026-12-09")], date(2026, 12, 9))
    view = detail(settings, case_id, date(2026, 12, 10))
    assert view["status"] == "lopend" and view["data"]["cak_gemeld_op"] and view["data"]["zorg_gestart_op"] == "2026-12-09"
    assert deadline(view, "levering")["status"] == "met"


def test_a_bezwaar_while_waiting_for_the_plan_returns_to_that_wait(settings):
    case_id = start(settings, aanvraag() + [task("aanvraag_beoordelen"), toekennen(), task("zorgaanbieder_toewijzen"),
                                            event("bezwaar_ingediend", ontvangen_op="2026-12-02", gronden="Te weinig uren."),
                                            task("bezwaar_behandelen", bezwaar_uitkomst="ongegrond")])
    assert detail(settings, case_id, date(2026, 12, 3))["waiting_for_events"] == ["begeleidingsplan_gedeeld", "bezwaar_ingediend"]
    walk(settings, case_id, [event("begeleidingsplan_gedeeld", intake_op="2026-12-04"),
                             event("bezwaar_ingediend", gronden="Nog steeds te weinig."),
                             task("bezwaar_behandelen", bezwaar_uitkomst="ongegrond")], date(2026, 12, 8))
    assert detail(settings, case_id, date(2026, 12, 9))["waiting_for_events"] == ["bezwaar_ingediend", "zorg_gestart"]


# --- pgb: the vervolggesprek on pgb-vaardigheid -------------------------------------------------------------------


def test_pgb_goes_through_a_vervolggesprek_at_the_stadhuis(settings, base):
    case_id = start(settings, aanvraag("pgb"))
    assert open_tasks(case_id) == [("vervolggesprek_plannen", "pgb-consulent")]
    assert open_task(case_id, "vervolggesprek_plannen").due == date(2026, 12, 3)  # inside the beslistermijn
    walk(settings, case_id, [task("vervolggesprek_plannen", vervolggesprek_datum="2026-11-24", vervolggesprek_tijd="10:00"),
                             task("pgb_vaardigheid_toetsen", pgb_vaardig=True, vervolggesprek_gevoerd_op="2026-11-24")],
         date(2026, 11, 20))
    assert open_tasks(case_id) == [("pgb_documenten_ontvangen", "pgb-consulent")]
    walk(settings, case_id, [task("pgb_documenten_ontvangen", documenten="Budgetplan"), task("aanvraag_beoordelen"),
                             toekennen("pgb", pgb_bedrag=6400)], date(2026, 11, 26))
    assert open_tasks(case_id) == [("pgb_budget_regelen", "pgb-consulent")]
    data = service.get_case(case_id).data
    assert data["vervolggesprek_gevoerd_op"] == "2026-11-24" and data["pgb_documenten_ontvangen_op"] == "2026-11-26"
    # Base: the pgb-vaardigheid is tested straight after the signature, without a vervolggesprek or documents.
    national = create_case(base, "999990020", MELDING)
    walk(base, national, [task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
                          event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="-"),
                          task("gesprek_voeren", leveringsvorm="pgb", pgb_motivatie="Eigen begeleider."),
                          task("verslag_opstellen"), task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True)], MELDING)
    assert open_tasks(national) == [("pgb_vaardigheid_toetsen", "pgb-consulent")]


def test_not_pgb_vaardig_keeps_zorg_in_natura_without_documents(settings):
    case_id = start(settings, aanvraag("pgb") + [
        task("vervolggesprek_plannen", vervolggesprek_datum="2026-11-24", vervolggesprek_tijd="10:00"),
        task("pgb_vaardigheid_toetsen", pgb_vaardig=False, taken_beheersbaar=False, pgb_toelichting="Kan het niet beheren.")])
    data = service.get_case(case_id).data
    assert data["pgb_geweigerd"] is True and data["leveringsvorm"] == "zin"
    assert open_tasks(case_id) == [("aanvraag_beoordelen", "klantmanager")]


def test_the_vervolggesprek_form_needs_the_date_of_the_gesprek():
    schema = json.loads((FORMS / "pgb_vaardigheid_toetsen.json").read_text())
    assert "vervolggesprek_gevoerd_op" in schema["required"] and schema["properties"]["pgb_vaardig"]["type"] == "boolean"


# --- beslistermijn: 2 weeks, verdaging at most 2 weeks, as base ----------------------------------------------------


def test_beslistermijn_is_2_weeks_and_a_verdaging_adds_at_most_2(settings):
    case_id = start(settings, aanvraag() + [event("verdaging", verzonden_op="2026-11-30", weken=2, reden="Advies nodig.")])
    view = detail(settings, case_id, date(2026, 12, 1))
    assert deadline(view, "beslistermijn")["start"] == "2026-11-19"
    assert deadline(view, "beslistermijn")["due"] == "2026-12-17"  # 2 weeks + 2 weeks verdaging
    with pytest.raises((InvalidInput, Conflict)):  # once, and at most 2 weeks (Awb 4:14; seed 002)
        walk(settings, case_id, [event("verdaging", verzonden_op="2026-12-01", weken=3, reden="Nog meer tijd.")], date(2026, 12, 1))


# --- veranderen: a verwerkingstijd of 8 weeks ---------------------------------------------------------------------


def lopend(settings):
    return start(settings, aanvraag() + [task("aanvraag_beoordelen"), toekennen(), task("zorgaanbieder_toewijzen"),
                                         event("begeleidingsplan_gedeeld", intake_op="2026-12-04"),
                                         event("zorg_gestart", startdatum="2026-12-07")])


def test_a_wijziging_has_a_verwerkingstijd_of_8_weeks(settings):
    case_id = lopend(settings)
    walk(settings, case_id, [event("wijziging_aangevraagd", soort="andere_aanbieder", ontvangen_op="2027-02-01")], date(2027, 2, 1))
    assert open_tasks(case_id) == [("wijziging_beoordelen", "klantmanager")]
    assert open_task(case_id, "wijziging_beoordelen").due == date(2027, 3, 29)  # 8 weeks after Monday 1 February
    view = detail(settings, case_id, date(2027, 2, 2))
    assert deadline(view, "wijziging") == {"name": "wijziging", "start": "2027-02-01", "due": "2027-03-29",
                                           "status": "open", "met_on": None}
    walk(settings, case_id, [task("wijziging_beoordelen", wijziging_besluit="andere_aanbieder", wijziging_verwerkt_op="2027-02-10")],
         date(2027, 2, 10))
    assert open_tasks(case_id) == [("zorgaanbieder_toewijzen", "klantmanager")]
    assert deadline(detail(settings, case_id, date(2027, 2, 11)), "wijziging")["status"] == "met"
    # Another zorgaanbieder makes a new intake and begeleidingsplan: the old plan does not count.
    walk(settings, case_id, [task("zorgaanbieder_toewijzen", zorgaanbieder="Andere aanbieder")], date(2027, 2, 11))
    assert detail(settings, case_id, date(2027, 2, 12))["waiting_for_events"] == ["begeleidingsplan_gedeeld", "bezwaar_ingediend"]


def test_through_the_api_a_wijkteammedewerker_does_the_wijkteam_task_and_a_klantmanager_may_not(settings):
    from flask import current_app

    from app.auth.service import add_user
    from app.db import db

    roles = settings.gemeente_config().roles
    assert "wijkteammedewerker" in roles
    _, wijkteam = add_user("wijkteam-1", ["wijkteammedewerker"], roles)
    _, klantmanager = add_user("consulent-1", ["klantmanager"], roles)
    db.session.commit()
    client = current_app.test_client()
    case_id = create_case(settings, "999990019", MELDING)
    db.session.commit()
    listed = client.get("/api/v1/tasks?role=wijkteam", headers={"Authorization": f"Bearer {wijkteam}"}).get_json()["tasks"]
    assert [(t["name"], t["case_id"]) for t in listed] == [("ontvangstbevestiging_versturen", case_id)]
    task_id = listed[0]["id"]
    body = {"verzonden_per": "email", "emailadres": "inwoner@example.org"}
    refused = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers={"Authorization": f"Bearer {klantmanager}"})
    assert refused.status_code == 403
    done = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers={"Authorization": f"Bearer {wijkteam}"})
    assert done.status_code == 200, done.get_json()
    assert [t["name"] for t in done.get_json()["open_tasks"]] == ["gesprek_plannen"]


def test_a_persoonlijk_plan_sent_before_the_confirmation_is_kept_for_the_onderzoek(settings):
    # The 7 days of Wmo 2.3.2 lid 2 run from the melding, so the plan may arrive while the confirmation is still to go.
    case_id = create_case(settings, "999990019", MELDING)
    walk(settings, case_id, [event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-03", plan="Hulp bij mijn post.")],
         date(2026, 11, 3))
    assert open_tasks(case_id) == [("ontvangstbevestiging_versturen", "wijkteam")]
    walk(settings, case_id, [BEVESTIGEN, task("gesprek_plannen", gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek")],
         date(2026, 11, 4))
    # No wait for a plan that is already there: straight on to the gesprek.
    assert open_tasks(case_id) == [("gesprek_voeren", "wijkteam")]
    view = detail(settings, case_id, date(2026, 11, 5))
    assert deadline(view, "persoonlijk_plan")["status"] == "met" and view["data"]["persoonlijk_plan_ontvangen_op"] == "2026-11-03"


def test_a_herindicatie_starts_a_new_wijkteam_onderzoek_without_the_old_plan(settings):
    case_id = lopend(settings)
    # Herindicatie 8 weeks before the einddatum (Sun 5 Dec 2027); zorg in natura: the zorgaanbieder reports (seed 002).
    assert service.fire_due(settings, datetime(2027, 10, 10, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert service.get_case(case_id).data["herindicatie_initiatief"] == "zorgaanbieder"
    walk(settings, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 12))
    assert open_tasks(case_id) == [("gesprek_plannen", "wijkteam")]
    data = service.get_case(case_id).data
    assert data["persoonlijk_plan_ontvangen_op"] is None and data["onderzoek_vanaf"] == "2027-10-10"
