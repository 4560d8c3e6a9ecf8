"""The resident's pages: the personal link, the case in plain words, signing the verslag, the persoonlijk plan."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth.service import add_user, set_password
from app.db import db
from app.demo import create_case, demo_bsns, event, task, walk
from app.engine import clock
from app.models import AccessLog, AuditEvent, Deadline, Task

MELDING = date(2026, 11, 2)  # a Monday
SIGNED = date(2026, 11, 19)
INTAKE = [task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek"),
          event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05", plan="Zelf koken, hulp bij schoonmaken.")]
VERSLAG = INTAKE + [
    task("gesprek_voeren", leveringsvorm="zin", soort_hulp="huishoudelijke_hulp"),
    task("verslag_opstellen", samenvatting="U kunt niet meer <b>stofzuigen</b>.", voorstel="Hulp bij het huishouden.",
         omvang="3 uur per week", verslag_opgesteld_op="2026-11-16"),
]


@pytest.fixture
def users(app):
    for name, roles in (("km", ["klantmanager"]), ("bes", ["beslisser"])):
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def login(client, name):
    token = csrf(client.get("/inloggen").data)
    return client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": f"{name}-wachtwoord-1", "csrf_token": token})


def at(day: date):
    """The app's today (the engine clock); links are signed and checked on the real clock."""
    return clock.at(datetime.combine(day, time(12), tzinfo=clock.AMSTERDAM))


def new_case(settings, steps, bsn_index=0):
    case_id = create_case(settings, demo_bsns(bsn_index + 1)[bsn_index], MELDING)
    walk(settings, case_id, steps, MELDING)
    return case_id


def resident_link(app, case_id, day=SIGNED):
    """The klantmanager fetches the link; return its path."""
    staff = app.test_client()
    with at(day):
        login(staff, "km")
        page = staff.get(f"/zaken/{case_id}/inwonerlink")
    assert page.status_code == 200
    url = re.search(r'value="(http://[^"]+/inwoner/[^"]+)"', page.data.decode()).group(1)
    return url[url.index("/inwoner/"):]


def open_tasks(case_id):
    return [t.name for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]


def audit_count(case_id):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id))


def access(case_id, kind):
    return db.session.scalars(select(AccessLog).where(AccessLog.case_id == case_id, AccessLog.kind == kind)
                              .order_by(AccessLog.id)).all()


def test_resident_reads_the_verslag_and_applies(app, client, users, settings):
    case_id = new_case(settings, VERSLAG)
    link = resident_link(app, case_id)
    issued = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.kind == "inwonerlink")).one()
    valid = datetime.fromisoformat(issued.changes["geldig_tot"]) - datetime.now(timezone.utc)
    assert issued.actor == "km" and timedelta(days=13, hours=23) < valid <= timedelta(days=14)

    with at(SIGNED):
        page = client.get(link)
    html = page.data.decode()
    assert page.status_code == 200
    assert "Lees het verslag en onderteken het" in html and "Het verslag van uw gesprek" in html
    assert "Welke hulp wij voorstellen" in html and "3 uur per week" in html and "Hulp in het huishouden" in html
    assert "&lt;b&gt;stofzuigen&lt;/b&gt;" in html and "<b>stofzuigen" not in html
    assert "Verslag ondertekenen</button>" in html
    assert access(case_id, "inzage")[-1].actor == "inwoner"
    assert "/inwoner/<link>" == access(case_id, "inzage")[-1].path
    [sign_id] = [t.id for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.name == "verslag_ondertekenen"))]
    action = f"{link}/taken/{sign_id}"
    assert f'action="{action}"' in html

    before = audit_count(case_id)
    with at(SIGNED):
        refused = client.post(action, data={"csrf_token": csrf(page.data), "akkoord": "nee", "opmerkingen": "  ",
                                            "hulp_aanvragen": "ja"})
    assert refused.status_code == 422
    assert "Schrijf op waarmee niet." in refused.data.decode()
    assert open_tasks(case_id) == ["verslag_ondertekenen"] and audit_count(case_id) == before

    with at(SIGNED):
        done = client.post(action, data={"csrf_token": csrf(page.data), "akkoord": "ja", "hulp_aanvragen": "ja",
                                         "opmerkingen": "<script>alert(1)</script> Graag op dinsdag.",
                                         "ondertekend_ontvangen_op": "2026-11-01"})
        assert done.status_code == 302
        after = client.get(link).data.decode()
    assert "ondertekende verslag ontvangen" in after and "Wij bekijken uw aanvraag" in after
    assert "Verslag ondertekenen</button>" not in after
    assert "uiterlijk 3 december 2026 beslissen" in after
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]
    step = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())).first()
    assert step.actor == "inwoner" and step.name == "verslag_ondertekenen"
    assert step.changes["ondertekend_ontvangen_op"] == SIGNED.isoformat()  # a resident cannot backdate it
    beslis = db.session.get(Deadline, (case_id, "beslistermijn"))
    assert beslis.start == SIGNED and beslis.due == date(2026, 12, 3)
