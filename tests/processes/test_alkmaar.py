"""The Alkmaar variant (seed 000, "Aanmeldpunt Wmo"): cases walked through it, and where it differs from the base route.

Each test of a difference names the seed's sentence it checks. The variant runs with settings whose gemeente is
"alkmaar", read from the real config.toml, on a fresh SQLite database (two tests also on PostgreSQL); the base
fixture runs the same steps on the national route where the difference needs showing.
"""
import json
from datetime import date, datetime, time

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from sqlalchemy import select

from app import create_app, variants
from app.auth.service import Actor, resident
from app.cases import queries, service
from app.config import load_settings
from app.demo import create_case, event, task, time_to, walk
from app.engine import clock
from app.errors import Forbidden
from app.inbox import service as inbox
from app.models import Task
from tests.conftest import ROOT

MELDING = date(2026, 11, 2)  # a Monday
PROCESSES = ROOT / "processes" / "alkmaar"
FORMS = ROOT / "forms" / "alkmaar"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
READER = Actor("lezer", frozenset({"teamleider"}))


def _app(url, monkeypatch, gemeente):
    monkeypatch.setenv("WMO_DATABASE_URL", url)
    settings = load_settings(ROOT / "config.toml")
    settings.gemeente = gemeente
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def alkmaar_app(sqlite_url, monkeypatch):
    app = _app(sqlite_url, monkeypatch, "alkmaar")
    with app.app_context():
        yield app
        from app.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def alkmaar(alkmaar_app):
    return alkmaar_app.extensions["wmo"]


@pytest.fixture
def alkmaar_on_both(db_url, monkeypatch):
    """The variant on SQLite and on PostgreSQL."""
    app = _app(db_url, monkeypatch, "alkmaar")
    with app.app_context():
        yield app.extensions["wmo"]
        from app.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def base(sqlite_url, monkeypatch):
    app = _app(sqlite_url, monkeypatch, "base")
    with app.app_context():
        yield app.extensions["wmo"]
        from app.db import db

        db.session.remove()
        db.engine.dispose()


def open_tasks(case_id):
    from app.db import db

    return [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]


def detail(settings, case_id, on=date(2026, 11, 20)):
    with clock.at(datetime.combine(on, time(12), tzinfo=clock.AMSTERDAM)):
        return queries.case_detail(settings, service.get_case(case_id), READER)


def deadline(view, name):
    return next((d for d in view["deadlines"] if d["name"] == name), None)


def start(settings, steps, on=MELDING):
    case_id = create_case(settings, "999990019", on)
    walk(settings, case_id, steps, on)
    return case_id


GEEN_OPLOSSING = task("eigen_netwerk_nagaan", netwerk_gevraagd=True, organisaties_gevraagd=True,
                      eigen_netwerk_uitkomst="geen_oplossing")
UITNODIGING = [GEEN_OPLOSSING,
               task("gesprek_plannen", uitnodiging_verzonden_op="2026-11-04", gesprek_datum="2026-11-12", gesprek_plek="thuis"),
               event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="Zelf koken, hulp bij schoonmaken.")]
ADVIES = UITNODIGING + [time_to(date(2026, 11, 12)), task("gesprek_voeren"),
                        task("verslag_opstellen", advies_soort="wmo_voorziening", verslag_opgesteld_op="2026-11-16")]


def aanvraag(**onderzoek):
    return ADVIES + [
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2026-11-19"),
        task("aanvraag_onderzoeken", **{"soort_hulp": "huishoudelijke_hulp", "leveringsvorm": "zin", **onderzoek}),
    ]


def toekennen(**values):
    return task("besluit_nemen", **{"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": "2026-12-07",
                                    "einddatum": "2027-12-05", "beschikking_verzonden_op": "2026-11-30", **values})


def test_the_variant_is_the_base_route_with_alkmaars_processes(alkmaar):
    from app import processes

    gemeente = alkmaar.gemeente_config()
    assert gemeente.naam == "alkmaar" and gemeente.titel == "Gemeente Alkmaar"
    files = processes.read_files(gemeente)
    own = {p.name for p in (ROOT / "processes" / "alkmaar").glob("*.bpmn")}
    assert own and all(files[name] == (ROOT / "processes" / "alkmaar" / name).read_bytes() for name in own)
    assert files["wmo_bezwaar.bpmn"] == (ROOT / "processes" / "base" / "wmo_bezwaar.bpmn").read_bytes()


def test_eigen_netwerk_solves_it_and_the_route_ends(alkmaar):
    """Stap 1-3: 'U heeft stap 1 en stap 2 gedaan maar er is geen oplossing gekomen. Dan kunt u hulp aanvragen'."""
    case_id = start(alkmaar, [])
    assert open_tasks(case_id) == ["eigen_netwerk_nagaan"]
    walk(alkmaar, case_id, [task("eigen_netwerk_nagaan", netwerk_gevraagd=False, organisaties_gevraagd=True,
                                 eigen_netwerk_uitkomst="opgelost", inwoner_trekt_melding_in=True,
                                 oplossing="De buurvrouw doet de boodschappen; het wijkcentrum helpt met schoonmaken.")],
         MELDING)
    view = detail(alkmaar, case_id, MELDING)
    assert view["status"] == "afgehandeld" and view["open_tasks"] == []
    assert view["data"]["melding_ingetrokken_op"] == "2026-11-02"
    # The receipt is confirmed (Wmo 2.3.2 lid 1); the onderzoek and the persoonlijk plan lapse with the melding.
    assert deadline(view, "ontvangstbevestiging")["status"] == "met"
    assert deadline(view, "onderzoek") is None and deadline(view, "persoonlijk_plan") is None
    assert "aanvraag_ontvangen_op" not in view["data"] and "besluit" not in view["data"]


def test_base_has_no_eigen_netwerk_step(base):
    case_id = start(base, [])
    assert open_tasks(case_id) == ["gesprek_plannen"]


def test_invitation_term_is_eight_weeks(alkmaar):
    """Stap 2: 'Wij proberen binnen 8 weken contact met u op te nemen voor de uitnodiging voor een gesprek.'"""
    assert alkmaar.gemeente_config().termijnen["uitnodiging"].duur.aantal == 8
    assert alkmaar.gemeente_config().termijnen["uitnodiging"].duur.eenheid == "weken"
    case_id = start(alkmaar, [GEEN_OPLOSSING])
    assert open_tasks(case_id) == ["gesprek_plannen"]
    view = detail(alkmaar, case_id, MELDING)
    assert deadline(view, "uitnodiging") == {"name": "uitnodiging", "start": "2026-11-02", "due": "2026-12-28",
                                             "status": "open", "met_on": None}
    # The statutory onderzoek (6 weeks) is shorter and stays the task's term.
    assert deadline(view, "onderzoek")["due"] == "2026-12-14"
    walk(alkmaar, case_id, UITNODIGING[1:], MELDING)
    view = detail(alkmaar, case_id)
    assert deadline(view, "uitnodiging")["status"] == "met" and deadline(view, "uitnodiging")["met_on"] == "2026-11-04"


def test_base_has_no_invitation_term(base):
    assert "uitnodiging" not in base.gemeente_config().termijnen


def test_advies_then_no_aanvraag_ends_without_a_besluit(alkmaar):
    """Stap 4: 'U bepaalt zelf of u het eens bent met het advies. Daarna beslist u of u een aanvraag doet'."""
    case_id = start(alkmaar, ADVIES)
    assert open_tasks(case_id) == ["verslag_ondertekenen"]
    walk(alkmaar, case_id, [task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=False)], date(2026, 11, 18))
    view = detail(alkmaar, case_id)
    assert view["status"] == "afgehandeld" and view["data"]["aanvraag_ingediend"] is False
    assert "besluit" not in view["data"] and deadline(view, "beslistermijn") is None
    assert deadline(view, "onderzoek")["status"] == "met"  # the overzicht met the statutory onderzoek


def test_onderzoek_follows_the_aanvraag_and_leads_to_the_besluit(alkmaar):
    """Stap 5: 'De gemeente start dan een onderzoek. [...] Na het onderzoek volgt het besluit.'"""
    case_id = start(alkmaar, aanvraag()[:-1])
    assert open_tasks(case_id) == ["aanvraag_onderzoeken"]
    view = detail(alkmaar, case_id)
    # The aanvraag started the beslistermijn; the onderzoek runs inside it.
    assert deadline(view, "beslistermijn")["start"] == "2026-11-19"
    [row] = [t for t in view["open_tasks"] if t["name"] == "aanvraag_onderzoeken"]
    assert row["due"] == "2026-12-03"
    walk(alkmaar, case_id, aanvraag()[-1:], date(2026, 11, 20))
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]
    walk(alkmaar, case_id, [task("aanvraag_beoordelen"), toekennen()], date(2026, 11, 24))
    assert open_tasks(case_id) == ["zorgaanbieder_toewijzen"]
    assert service.get_case(case_id).data["beschikking"]["leveringsvorm"] == "zin"


def toegewezen(settings):
    case_id = start(settings, aanvraag() + [task("aanvraag_beoordelen"), toekennen()])
    walk(settings, case_id, [task("zorgaanbieder_toewijzen", zorgaanbieder="Thuiszorg Alkmaar",
                                  toewijzing_verzonden_op="2026-12-01")], date(2026, 12, 1))
    return case_id


def test_waiting_time_for_hulp_is_four_to_eight_weeks(alkmaar):
    """Stap 7: 'Het duurt tussen de 4 – 8 weken tot u hulp krijgt.'"""
    assert str(alkmaar.gemeente_config().termijnen["levering"].duur.aantal) == "8"
    case_id = toegewezen(alkmaar)
    view = detail(alkmaar, case_id, date(2026, 12, 1))
    # The resident hears the window: 4 weeks after the toewijzing at the earliest, the levering term at the latest.
    assert view["data"]["wachttijd_vanaf"] == "2026-12-29" and view["data"]["wachttijd_tot"] == "2027-01-26"
    assert deadline(view, "levering") == {"name": "levering", "start": "2026-12-01", "due": "2027-01-26",
                                          "status": "open", "met_on": None}
    assert open_tasks(case_id) == [] and "zorg_gestart" in view["waiting_for_events"]
    # The day after the last day of the wait the klantmanager asks the zorgaanbieder when the hulp starts.
    assert service.fire_due(alkmaar, datetime(2027, 1, 26, 23, 0, tzinfo=clock.AMSTERDAM)) == 0
    assert service.fire_due(alkmaar, datetime(2027, 1, 27, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert open_tasks(case_id) == ["wachttijd_navragen"]
    [row] = detail(alkmaar, case_id, date(2027, 1, 27))["open_tasks"]
    assert row["due"] == "2027-01-26"
    walk(alkmaar, case_id, [task("wachttijd_navragen", verwachte_startdatum="2027-02-08", inwoner_geinformeerd=True)],
         date(2027, 1, 27))
    assert open_tasks(case_id) == []
    # Not started on the expected day either: the task comes back the day after.
    assert service.fire_due(alkmaar, datetime(2027, 2, 9, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert open_tasks(case_id) == ["wachttijd_navragen"]
    walk(alkmaar, case_id, [task("wachttijd_navragen", verwachte_startdatum="2027-02-15", inwoner_geinformeerd=True),
                            event("zorg_gestart", startdatum="2027-02-15", zorgaanbieder="Thuiszorg Alkmaar")],
         date(2027, 2, 15))
    view = detail(alkmaar, case_id, date(2027, 2, 16))
    assert view["status"] == "lopend" and view["open_tasks"] == []
    assert deadline(view, "levering")["status"] == "met" and view["data"]["cak_gemeld_op"] == "2027-02-15"
    assert "wijziging_aangevraagd" in view["waiting_for_events"]


def test_base_waits_for_the_start_without_asking(base):
    case_id = start(base, [
        task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
        event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="Zelf koken."),
        time_to(date(2026, 11, 12)), task("gesprek_voeren", leveringsvorm="zin"),
        task("verslag_opstellen", verslag_opgesteld_op="2026-11-16"),
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2026-11-19"),
        task("aanvraag_beoordelen"), toekennen(), task("zorgaanbieder_toewijzen", toewijzing_verzonden_op="2026-12-01")])
    assert service.fire_due(base, datetime(2027, 3, 1, 0, 0, tzinfo=clock.AMSTERDAM)) == 0
    assert open_tasks(case_id) == []


def test_wmo_processes_check_passes_for_alkmaar(alkmaar):
    report = variants.check(alkmaar, "alkmaar")
    assert report.checked == ["alkmaar"] and report.problems == [], report.problems


def test_every_alkmaar_user_task_has_a_form_and_a_lane_with_a_role(alkmaar):
    gemeente = alkmaar.gemeente_config()
    for path in sorted(PROCESSES.glob("*.bpmn")):
        root = etree.parse(str(path))
        lanes = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)
                 for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for user_task in root.iterfind(".//bpmn:userTask", NS):
            task_id = user_task.get("id")
            assert gemeente.lane_roles.get(lanes.get(task_id)), (path.name, task_id)
            [form] = [p.get("value") for p in user_task.iterfind(".//spiff:property", NS)
                      if p.get("name") == "formJsonSchemaFilename"]
            assert form == f"{task_id}.json" and any((d / form).is_file() for d in gemeente.form_dirs), task_id


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.json")), ids=lambda p: p.name)
def test_alkmaar_forms_are_valid_schemas_with_dutch_titles(path):
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False and schema["title"] and schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), f"{path.name}: {name} has no title"
        if "x-enum-titles" in prop:
            assert len(prop["x-enum-titles"]) == len(prop["enum"]), f"{path.name}: {name}"


def test_letterhead_holds_only_what_the_seed_gives(alkmaar):
    """'U kunt contact opnemen door een e-mail te sturen naar wmo@alkmaar.nl of door te bellen naar 14 072.'"""
    assert alkmaar.gemeente_config().briefhoofd == {"naam": "Gemeente Alkmaar", "telefoon": "14 072",
                                                    "e-mail": "wmo@alkmaar.nl"}


def test_the_aanmeldpunt_is_a_lane_the_klantmanager_does(alkmaar):
    gemeente = alkmaar.gemeente_config()
    assert gemeente.lane_roles["aanmeldpunt"] == {"klantmanager"}
    case_id = start(alkmaar, [])
    from app.db import db

    row = db.session.scalar(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))
    assert (row.name, row.lane) == ("eigen_netwerk_nagaan", "aanmeldpunt")
    # The bevestiging waits for this step: the task is due when the bevestiging is (5 werkdagen).
    assert row.due == date(2026, 11, 9)
    klantmanager = Actor("km", frozenset({"klantmanager"}), lane_roles=gemeente.lane_roles)
    beslisser = Actor("bs", frozenset({"beslisser"}), lane_roles=gemeente.lane_roles)
    assert "aanmeldpunt" in inbox.lanes_of(klantmanager)
    assert inbox.inbox(alkmaar, klantmanager, inbox.Filters())["totaal"] == 1
    with pytest.raises(Forbidden):
        service.complete_task(alkmaar, row.id, {"netwerk_gevraagd": True, "organisaties_gevraagd": True,
                                                "eigen_netwerk_uitkomst": "geen_oplossing"}, beslisser)


def test_the_resident_decides_through_the_personal_link(alkmaar):
    """Stap 4 and 5 by the resident: the page of the national route signs the Alkmaar choice too."""
    from app.inwoner.service import page, sign_verslag

    case_id = start(alkmaar, ADVIES)
    actor = resident(case_id)
    with clock.at(datetime(2026, 11, 18, 12, tzinfo=clock.AMSTERDAM)):
        shown = page(alkmaar, actor)
        assert ("Welke hulp wij voorstellen", "Toelichting bij advies: wat kan de inwoner nu verder doen?") in shown.verslag
        sign_verslag(alkmaar, actor, shown.sign_task_id, {"akkoord": "ja", "hulp_aanvragen": "ja"})
    case = service.get_case(case_id)
    assert case.data["aanvraag_ingediend"] is True and case.data["aanvraag_ontvangen_op"] == "2026-11-18"
    assert open_tasks(case_id) == ["aanvraag_onderzoeken"]


def test_a_herindicatie_starts_at_the_invitation_not_at_the_aanmeldpunt(alkmaar):
    case_id = toegewezen(alkmaar)
    walk(alkmaar, case_id, [event("zorg_gestart", startdatum="2026-12-20")], date(2026, 12, 20))
    # Herindicatie 8 weeks before the einddatum (Sun 5 Dec 2027).
    assert service.fire_due(alkmaar, datetime(2027, 10, 10, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    walk(alkmaar, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 12))
    assert open_tasks(case_id) == ["gesprek_plannen"]
    view = detail(alkmaar, case_id, date(2027, 10, 12))
    assert deadline(view, "uitnodiging") == {"name": "uitnodiging", "start": "2027-10-10", "due": "2027-12-05",
                                             "status": "open", "met_on": None}


def test_a_verdaging_reaches_the_onderzoek_after_the_aanvraag(alkmaar):
    """The onderzoek after the aanvraag lies inside the beslistermijn, so a verdaging (Awb 4:14) may extend it."""
    case_id = start(alkmaar, aanvraag()[:-1])
    walk(alkmaar, case_id, [event("verdaging", verzonden_op="2026-11-25", weken=2, reden="Medisch advies nodig.")],
         date(2026, 11, 25))
    assert open_tasks(case_id) == ["aanvraag_onderzoeken"]
    view = detail(alkmaar, case_id, date(2026, 11, 25))
    assert deadline(view, "beslistermijn")["due"] == "2026-12-17"  # 2 + 2 weeks after Thu 19 Nov


def test_a_late_invitation_passes_the_statutory_onderzoek_before_alkmaars_own_term(alkmaar):
    """Alkmaar's 8 weeks exceed the law's 6: at 6 weeks the teamleider is told, at 8 the invitation term is overdue."""
    case_id = start(alkmaar, [GEEN_OPLOSSING])
    # The onderzoek ends Mon 14 Dec 2026; the next day the teamleider gets the task (Wmo 2.3.2 lid 9).
    service.fire_due(alkmaar, datetime(2026, 12, 15, 0, 0, tzinfo=clock.AMSTERDAM))
    assert sorted(open_tasks(case_id)) == ["gesprek_plannen", "onderzoektermijn_bewaken"]
    view = detail(alkmaar, case_id, date(2026, 12, 15))
    assert deadline(view, "onderzoek")["status"] == "overdue" and deadline(view, "uitnodiging")["status"] == "open"
    view = detail(alkmaar, case_id, date(2026, 12, 29))
    assert deadline(view, "uitnodiging")["status"] == "overdue"


def test_the_aanmeldpunt_step_through_the_task_page(alkmaar_app, alkmaar):
    from app.auth.service import add_user, set_password
    from tests.web.test_routes import csrf, login

    add_user("km", ["klantmanager"])
    set_password("km", "km-wachtwoord-1")
    client = alkmaar_app.test_client()
    case_id = start(alkmaar, [])
    from app.db import db

    task_id = db.session.scalar(select(Task.id).where(Task.case_id == case_id, Task.closed_at.is_(None)))
    login(client, "km")
    page = client.get(f"/taken/{task_id}").data.decode()
    assert "<h1>Eigen netwerk en organisaties in Alkmaar nagaan</h1>" in page
    assert "Opgelost met eigen netwerk of organisaties: de inwoner trekt de melding in" in page
    token = csrf(client.get("/inloggen").data)
    answer = client.post(f"/taken/{task_id}", data={
        "csrf_token": token, "actie": "afronden", "netwerk_gevraagd": "ja", "organisaties_gevraagd": "ja",
        "eigen_netwerk_uitkomst": "opgelost", "inwoner_trekt_melding_in": "ja",
        "oplossing": "Vrijwilligers van het wijkcentrum doen de boodschappen."})
    assert answer.status_code in (302, 303), answer.data.decode()[:500]
    assert service.get_case(case_id).status == "afgehandeld"
    dossier = client.get(f"/zaken/{case_id}")
    assert dossier.status_code == 200 and "Eigen netwerk en organisaties in Alkmaar nagaan" in dossier.data.decode()


def test_a_persoonlijk_plan_at_the_aanmeldpunt_is_kept_for_the_onderzoek(alkmaar):
    """The 7 days of Wmo 2.3.2 lid 2 run from the melding, also while the aanmeldpunt still asks about the netwerk."""
    case_id = start(alkmaar, [event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-03", plan="Hulp bij schoonmaken.")])
    assert open_tasks(case_id) == ["eigen_netwerk_nagaan"]
    walk(alkmaar, case_id, [GEEN_OPLOSSING, task("gesprek_plannen", uitnodiging_verzonden_op="2026-11-04",
                                                 gesprek_datum="2026-11-12", gesprek_plek="stadskantoor")],
         date(2026, 11, 4))
    # The plan is in: no waiting for it, straight to the gesprek.
    assert open_tasks(case_id) == ["gesprek_voeren"]
    view = detail(alkmaar, case_id, date(2026, 11, 4))
    assert deadline(view, "persoonlijk_plan")["status"] == "met" and deadline(view, "persoonlijk_plan")["met_on"] == "2026-11-03"


def test_a_case_from_aanmelding_to_hulp_on_both_databases(alkmaar_on_both):
    settings = alkmaar_on_both
    case_id = toegewezen(settings)
    walk(settings, case_id, [event("zorg_gestart", startdatum="2027-01-11")], date(2027, 1, 11))
    view = detail(settings, case_id, date(2027, 1, 12))
    assert view["status"] == "lopend" and view["open_tasks"] == []
    assert {d["name"]: d["status"] for d in view["deadlines"]} == {
        "ontvangstbevestiging": "met", "persoonlijk_plan": "met", "onderzoek": "met", "uitnodiging": "met",
        "verslag": "met", "beslistermijn": "met", "herindicatie": "open", "levering": "met",
        "bezwaartermijn": "overdue"}  # the resident's 6 weeks ended Mon 11 Jan 2027 without a bezwaar
    history = [h["name"] for h in view["history"] if h["kind"] == "taak"]
    assert history == ["eigen_netwerk_nagaan", "gesprek_plannen", "gesprek_voeren", "verslag_opstellen",
                       "verslag_ondertekenen", "aanvraag_onderzoeken", "aanvraag_beoordelen", "besluit_nemen",
                       "zorgaanbieder_toewijzen"]


def test_a_withdrawn_melding_on_both_databases(alkmaar_on_both):
    case_id = start(alkmaar_on_both, [task("eigen_netwerk_nagaan", netwerk_gevraagd=True, organisaties_gevraagd=True,
                                           eigen_netwerk_uitkomst="opgelost", inwoner_trekt_melding_in=True,
                                           oplossing="Mijn zoon helpt.")])
    assert service.get_case(case_id).status == "afgehandeld"
