"""Terms watched by the route: signals on tasks, the teamleider's task, verdaging, ingebrekestelling, dwangsom."""
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from app.cases import service
from app.db import db
from app.demo import ACTORS, event, task, walk
from app.engine import clock
from app.errors import Conflict
from app.models import Task

from .test_paths import MELDING, aanvraag, deadline, detail, start, toekennen

AMS = clock.AMSTERDAM


def at(day, hour=0):
    return datetime.combine(day, time(hour), tzinfo=AMS)


def tasks(case_id):
    rows = db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))
    return {t.name: (t.lane, t.signaal, t.due.isoformat() if t.due else None) for t in rows}


def deliver(settings, case_id, name, on, **payload):
    with clock.at(at(on, 12)):
        return service.deliver_event(settings, case_id, name, payload, ACTORS["klantmanager"])


@pytest.fixture
def in_beoordeling(settings):
    """An aanvraag received Thu 19 Nov 2026: the beslistermijn ends Thu 3 Dec 2026."""
    return start(settings, aanvraag())


def test_tasks_are_marked_when_the_beslistermijn_nears_and_the_teamleider_gets_a_task_when_it_passes(settings, in_beoordeling):
    case_id = in_beoordeling
    assert tasks(case_id) == {"aanvraag_beoordelen": ("klantmanager", None, "2026-12-03")}
    # Two werkdagen before Thu 3 Dec: Tue 1 Dec.
    assert service.fire_due(settings, at(date(2026, 11, 30), 23)) == 0
    assert service.fire_due(settings, at(date(2026, 12, 1))) == 1
    assert tasks(case_id) == {"aanvraag_beoordelen": ("klantmanager", "nadert", "2026-12-03")}
    assert service.fire_due(settings, at(date(2026, 12, 4))) == 1
    assert tasks(case_id) == {"aanvraag_beoordelen": ("klantmanager", "verstreken", "2026-12-03"),
                              "beslistermijn_bewaken": ("teamleider", "verstreken", "2026-12-03")}
    assert deadline(detail(settings, case_id, date(2026, 12, 4)), "beslistermijn")["status"] == "overdue"
    # The besluit goes out; the teamleider closes the signal; the route goes on.
    walk(settings, case_id, [task("aanvraag_beoordelen"), toekennen(beschikking_verzonden_op="2026-12-07"),
                             task("beslistermijn_bewaken", bewaken_actie="aangesproken")], date(2026, 12, 7))
    assert set(tasks(case_id)) == {"zorgaanbieder_toewijzen"}
    assert deadline(detail(settings, case_id, date(2026, 12, 8)), "beslistermijn")["status"] == "met"


def test_the_teamleider_is_told_when_the_onderzoek_takes_longer_than_six_weeks(settings):
    case_id = start(settings, [task("gesprek_plannen", gesprek_nodig=True)])
    # Melding Mon 2 Nov: the onderzoek ends Mon 14 Dec.
    service.fire_due(settings, at(date(2026, 12, 15)))
    assert tasks(case_id)["onderzoektermijn_bewaken"][0] == "teamleider"
    assert service.get_case(case_id).data["onderzoek_signaal"] == "verstreken"


def test_verdaging_extends_the_beslistermijn_once_and_only_in_time(settings, in_beoordeling):
    case_id = in_beoordeling
    deliver(settings, case_id, "verdaging", date(2026, 12, 1), weken=2, reden="Medisch advies nodig", verzonden_op="2026-12-01")
    view = detail(settings, case_id, date(2026, 12, 4))
    assert deadline(view, "beslistermijn")["due"] == "2026-12-17" and deadline(view, "beslistermijn")["status"] == "open"
    assert view["data"]["verdaging_weken"] == 2
    assert tasks(case_id)["aanvraag_beoordelen"][2] == "2026-12-17"  # the open task's due date moves with its term
    with pytest.raises(Conflict, match="één keer"):
        deliver(settings, case_id, "verdaging", date(2026, 12, 2), weken=1, reden="Nog een keer")


def test_a_late_verdaging_is_refused_and_nothing_is_stored(settings, in_beoordeling):
    case_id = in_beoordeling
    before = service.get_case(case_id).version
    with pytest.raises(Conflict, match="voordat de beslistermijn"):
        deliver(settings, case_id, "verdaging", date(2026, 12, 4), weken=2, reden="Te laat", verzonden_op="2026-12-04")
    db.session.rollback()
    assert service.get_case(case_id).version == before


def test_ingebrekestelling_and_dwangsom(settings, in_beoordeling):
    case_id = in_beoordeling
    with pytest.raises(Conflict, match="pas als"):
        deliver(settings, case_id, "ingebrekestelling", date(2026, 12, 3), ontvangen_op="2026-12-03")
    db.session.rollback()
    deliver(settings, case_id, "ingebrekestelling", date(2026, 12, 7), ontvangen_op="2026-12-07")
    assert detail(settings, case_id, date(2026, 12, 21))["dwangsom"]["status"] == "nog_niet"
    running = detail(settings, case_id, date(2026, 12, 25))["dwangsom"]
    assert (running["loopt_vanaf"], running["dagen"], running["bedrag"], running["status"]) == ("2026-12-22", 4, 92.0, "loopt")
    walk(settings, case_id, [task("aanvraag_beoordelen"), toekennen(beschikking_verzonden_op="2026-12-28")], date(2026, 12, 28))
    stopped = detail(settings, case_id, date(2027, 3, 1))["dwangsom"]
    assert (stopped["dagen"], stopped["bedrag"], stopped["status"]) == (6, 138.0, "gestopt")
    # After the besluit the case no longer waits for an ingebrekestelling.
    with pytest.raises(Conflict):
        deliver(settings, case_id, "ingebrekestelling", date(2027, 1, 5), ontvangen_op="2027-01-05")


def test_verdaging_moves_the_start_of_the_dwangsom(settings, in_beoordeling):
    case_id = in_beoordeling
    deliver(settings, case_id, "verdaging", date(2026, 12, 1), weken=2, reden="Advies", verzonden_op="2026-12-01")
    with pytest.raises(Conflict):
        deliver(settings, case_id, "ingebrekestelling", date(2026, 12, 10), ontvangen_op="2026-12-10")
    db.session.rollback()
    deliver(settings, case_id, "ingebrekestelling", date(2026, 12, 18), ontvangen_op="2026-12-18")
    assert detail(settings, case_id, date(2027, 1, 2))["dwangsom"]["loopt_vanaf"] == "2027-01-02"
