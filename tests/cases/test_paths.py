"""Every path of the route, walked through the services on SQLite and on PostgreSQL."""
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from app.cases import queries, service
from app.demo import create_case, event, task, time_to, walk
from app.engine import clock
from app.models import AuditEvent, Case, Task, Timer
from app.auth.service import Actor

MELDING = date(2026, 11, 2)  # a Monday
READER = Actor("lezer", frozenset({"teamleider"}))


def open_tasks(case_id):
    from app.db import db

    return [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]


def detail(settings, case_id, on=date(2026, 11, 20)):
    with clock.at(datetime.combine(on, time(12), tzinfo=clock.AMSTERDAM)):
        return queries.case_detail(settings, service.get_case(case_id), READER)


def deadline(view, name):
    return next(d for d in view["deadlines"] if d["name"] == name)


INTAKE = [
    task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
    event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="Zelf koken, hulp bij schoonmaken."),
]


def aanvraag(leveringsvorm="zin"):
    return INTAKE + [
        time_to(date(2026, 11, 12)),
        task("gesprek_voeren", leveringsvorm=leveringsvorm, pgb_motivatie="Ik wil mijn eigen hulp kiezen."),
        task("verslag_opstellen", verslag_opgesteld_op="2026-11-16"),
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True, ondertekend_ontvangen_op="2026-11-19"),
    ]


BEOORDELEN = task("aanvraag_beoordelen")


def toekennen(leveringsvorm="zin", **values):
    return task("besluit_nemen", **{"besluit": "toekennen", "leveringsvorm": leveringsvorm, "ingangsdatum": "2026-12-07",
                                    "einddatum": "2027-12-05", "beschikking_verzonden_op": "2026-11-30", **values})


AFWIJZEN = task("besluit_nemen", besluit="afwijzen", afwijzingsgrond="Gebruikelijke hulp door de partner.",
                rechtsgrond="artikel 2.3.5 lid 3 Wmo 2015", beschikking_verzonden_op="2026-11-30")


def start(settings, steps):
    case_id = create_case(settings, "999990019", MELDING)
    walk(settings, case_id, steps, MELDING)
    return case_id


def test_zin_path_to_hulp(settings):
    case_id = start(settings, aanvraag() + [BEOORDELEN, toekennen(), task("zorgaanbieder_toewijzen"),
                                            event("zorg_gestart", startdatum="2026-12-07")])
    view = detail(settings, case_id)
    assert view["status"] == "lopend" and view["open_tasks"] == []
    assert "wijziging_aangevraagd" in view["waiting_for_events"] and "overlijden" in view["waiting_for_events"]
    data = view["data"]
    assert data["zorg_gestart_op"] == "2026-12-07" and data["cak_gemeld_op"]
    assert data["eigen_bijdrage_per_maand"] == 21.00  # CAK abonnementstarief for a start in 2026
    assert data["beschikking"]["leveringsvorm"] == "zin"
    # The terms, each from the date that legally starts it:
    assert deadline(view, "onderzoek") == {"name": "onderzoek", "start": "2026-11-02", "due": "2026-12-14",
                                           "status": "met", "met_on": "2026-11-16"}
    assert deadline(view, "persoonlijk_plan")["status"] == "met"
    assert deadline(view, "beslistermijn")["due"] == "2026-12-03"  # 2 weeks after Thu 19 Nov
    assert deadline(view, "bezwaartermijn")["due"] == "2027-01-11"  # 6 weeks after Mon 30 Nov
    assert deadline(view, "herindicatie")["due"] == "2027-10-10"  # 8 weeks before the einddatum
    history = [(h["kind"], h["name"]) for h in view["history"]]
    assert history[0] == ("melding", "melding") and ("gebeurtenis", "zorg_gestart") in history


def test_pgb_accepted(settings):
    case_id = start(settings, aanvraag("pgb") + [
        task("pgb_vaardigheid_toetsen", pgb_vaardig=True), BEOORDELEN, toekennen("pgb", pgb_bedrag=6400)])
    assert open_tasks(case_id) == ["pgb_budget_regelen"]
    walk(settings, case_id, [task("pgb_budget_regelen", budget_per_jaar=6400)], date(2026, 12, 1))
    data = detail(settings, case_id)["data"]
    assert data["leveringsvorm"] == "pgb" and data["pgb_geweigerd"] is False and data["cak_gemeld_op"]


def test_pgb_refused_keeps_zorg_in_natura(settings):
    case_id = start(settings, aanvraag("pgb") + [task("pgb_vaardigheid_toetsen", pgb_vaardig=False, taken_beheersbaar=False)])
    data = detail(settings, case_id)["data"]
    assert data["pgb_geweigerd"] is True and data["leveringsvorm"] == "zin"
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]


def test_afwijzing_ends_after_the_bezwaartermijn(settings):
    case_id = start(settings, aanvraag() + [task("aanvraag_beoordelen", eigen_oplossing_toereikend=True), AFWIJZEN])
    view = detail(settings, case_id)
    assert view["data"]["advies"] == "afwijzen" and "gebruikelijke hulp" in view["data"]["afwijzingsgrond"].lower()
    assert view["waiting_for_events"] == ["bezwaar_ingediend"]
    # The bezwaartermijn ends Mon 11 Jan 2027; on that day the case still waits, the day after it is closed.
    assert service.fire_due(settings, datetime(2027, 1, 11, 12, tzinfo=clock.AMSTERDAM)) == 0
    assert service.fire_due(settings, datetime(2027, 1, 12, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert service.get_case(case_id).status == "afgehandeld"


def test_bezwaar_gegrond_leads_to_a_new_besluit(settings):
    case_id = start(settings, aanvraag() + [BEOORDELEN, AFWIJZEN,
                                            event("bezwaar_ingediend", ontvangen_op="2026-12-10", gronden="Mijn partner werkt.")])
    assert open_tasks(case_id) == ["bezwaar_behandelen"]
    walk(settings, case_id, [task("bezwaar_behandelen", bezwaar_uitkomst="gegrond")], date(2026, 12, 20))
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]
    view = detail(settings, case_id, date(2026, 12, 20))
    assert deadline(view, "bezwaartermijn")["status"] == "met"


def test_bezwaar_ongegrond_closes_the_case(settings):
    case_id = start(settings, aanvraag() + [BEOORDELEN, AFWIJZEN, event("bezwaar_ingediend", gronden="Oneens."),
                                            task("bezwaar_behandelen", bezwaar_uitkomst="ongegrond")])
    assert service.get_case(case_id).status == "afgehandeld"


def lopend(settings):
    return start(settings, aanvraag() + [BEOORDELEN, toekennen(), task("zorgaanbieder_toewijzen"), event("zorg_gestart")])


def test_herindicatie_starts_a_new_onderzoek(settings):
    case_id = lopend(settings)
    # Herindicatie 8 weeks before the einddatum (Sun 5 Dec 2027): Sun 10 Oct 2027, at 00:00 Amsterdam.
    assert service.fire_due(settings, datetime(2027, 10, 9, 23, 0, tzinfo=clock.AMSTERDAM)) == 0
    assert service.fire_due(settings, datetime(2027, 10, 10, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert open_tasks(case_id) == ["herindicatie_beoordelen"]
    # Zorg in natura: the zorgaanbieder is asked to report (seed 002); with a pgb the resident must act.
    assert service.get_case(case_id).data["herindicatie_initiatief"] == "zorgaanbieder"
    walk(settings, case_id, [task("herindicatie_beoordelen", verlengen=True)], date(2027, 10, 12))
    assert open_tasks(case_id) == ["gesprek_plannen"]
    view = detail(settings, case_id, date(2027, 10, 12))
    assert deadline(view, "onderzoek")["start"] == "2027-10-10" and deadline(view, "onderzoek")["status"] == "open"
    assert deadline(view, "herindicatie")["status"] == "met"


def test_no_verlenging_ends_the_hulp_at_the_einddatum(settings):
    case_id = lopend(settings)
    walk(settings, case_id, [time_to(date(2027, 10, 10)), task("herindicatie_beoordelen", verlengen=False)], date(2027, 10, 10))
    assert service.fire_due(settings, datetime(2027, 12, 6, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert open_tasks(case_id) == ["beeindiging_verwerken"]
    walk(settings, case_id, [task("beeindiging_verwerken", reden="einde_indicatie", beeindigd_op="2027-12-05")], date(2027, 12, 6))
    assert service.get_case(case_id).status == "afgehandeld"


def test_wijziging_zin_to_pgb_goes_through_pgb_vaardigheid(settings):
    case_id = lopend(settings)
    walk(settings, case_id, [event("wijziging_aangevraagd", soort="leveringsvorm_wijzigen", gewenste_leveringsvorm="pgb",
                                   ontvangen_op="2027-02-01"),
                             task("wijziging_beoordelen", wijziging_besluit="nieuw_besluit")], date(2027, 2, 1))
    assert open_tasks(case_id) == ["pgb_vaardigheid_toetsen"]
    view = detail(settings, case_id, date(2027, 2, 2))
    assert deadline(view, "beslistermijn") == {"name": "beslistermijn", "start": "2027-02-01", "due": "2027-02-15",
                                               "status": "open", "met_on": None}


def test_wijziging_andere_aanbieder(settings):
    case_id = lopend(settings)
    walk(settings, case_id, [event("wijziging_aangevraagd", soort="andere_aanbieder"),
                             task("wijziging_beoordelen", wijziging_besluit="andere_aanbieder")], date(2027, 2, 1))
    assert open_tasks(case_id) == ["zorgaanbieder_toewijzen"]


@pytest.mark.parametrize("name,payload,reden", [("overlijden", {"datum": "2027-03-01"}, "overlijden"),
                                                ("verhuizing", {"datum": "2027-03-01", "nieuwe_gemeente": "Zwolle"}, "verhuizing"),
                                                ("wlz_indicatie", {"datum": "2027-03-01"}, "wlz")])
def test_beeindiging(settings, name, payload, reden):
    case_id = lopend(settings)
    walk(settings, case_id, [event(name, **payload)], date(2027, 3, 2))
    assert open_tasks(case_id) == ["beeindiging_verwerken"]
    walk(settings, case_id, [task("beeindiging_verwerken", reden=reden, beeindigd_op="2027-03-01")], date(2027, 3, 2))
    case = service.get_case(case_id)
    assert case.status == "afgehandeld" and case.data["hulp_uitkomst"] == "beeindigd"
    from app.db import db

    assert db.session.scalars(select(Timer).where(Timer.case_id == case_id)).all() == []


def test_gesprek_skipped_with_consent(settings):
    case_id = start(settings, [task("gesprek_plannen", gesprek_nodig=False, leveringsvorm="zin", soort_hulp="hulpmiddel",
                                    reden_geen_gesprek="Alleen een douchestoel.")])
    assert open_tasks(case_id) == ["verslag_opstellen"]


def test_no_aanvraag_when_the_resident_does_not_ask(settings):
    steps = aanvraag()[:-1] + [task("verslag_ondertekenen", akkoord=False, opmerkingen="Ik red me wel.", hulp_aanvragen=False)]
    case_id = start(settings, steps)
    case = service.get_case(case_id)
    assert case.status == "afgehandeld" and case.data["aanvraag_ingediend"] is False


def test_persoonlijk_plan_window_closes_after_seven_days(settings):
    case_id = start(settings, INTAKE[:1])
    assert detail(settings, case_id, MELDING)["waiting_for_events"] == ["persoonlijk_plan_ontvangen"]
    # 7 days from Mon 2 Nov 2026: Mon 9 Nov; the window closes at 00:00 on Tue 10 Nov.
    assert service.fire_due(settings, datetime(2026, 11, 9, 23, 59, tzinfo=clock.AMSTERDAM)) == 0
    assert service.fire_due(settings, datetime(2026, 11, 10, 0, 0, tzinfo=clock.AMSTERDAM)) == 1
    assert open_tasks(case_id) == ["gesprek_voeren"]
    view = detail(settings, case_id)
    assert deadline(view, "persoonlijk_plan")["status"] == "overdue"


def test_every_step_is_audited_with_its_changes(settings):
    case_id = start(settings, INTAKE)
    from app.db import db

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)).all()
    assert [(e.kind, e.name, e.actor) for e in events] == [
        ("melding", "melding", "demo-klantmanager"), ("taak", "gesprek_plannen", "demo-klantmanager"),
        ("gebeurtenis", "persoonlijk_plan_ontvangen", "demo-klantmanager")]
    assert events[1].changes["gesprek_nodig"] is True and events[1].task_id
    assert events[2].changes["persoonlijk_plan_ontvangen_op"] == "2026-11-05"
    assert len({e.process_hash for e in events}) == 1 and len(events[0].process_hash) == 64
