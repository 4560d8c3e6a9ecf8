"""The resident's pages: the personal link, the case in plain words, signing the verslag, the persoonlijk plan."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.auth.service import add_user, set_password
from app.db import db
from app.demo import create_case, demo_bsns, event, task, time_to, walk
from app.engine import clock
from app.models import AccessLog, AuditEvent, Deadline, Task

from ..pages import csrf, login

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
        unchosen = client.post(action, data={"csrf_token": csrf(page.data), "opmerkingen": "<i>schuin</i>"})
    html = unchosen.data.decode()
    assert unchosen.status_code == 422 and "Kies of u het eens bent" in html and "Kies of u de hulp aanvraagt" in html
    assert "&lt;i&gt;schuin&lt;/i&gt;</textarea>" in html and "<i>schuin" not in html
    assert open_tasks(case_id) == ["verslag_ondertekenen"] and audit_count(case_id) == before

    with at(SIGNED):
        done = client.post(action, data={"csrf_token": csrf(page.data), "akkoord": "ja", "hulp_aanvragen": "ja",
                                         "opmerkingen": "<script>alert(1)</script> Graag op dinsdag.",
                                         "ondertekend_ontvangen_op": "2026-11-01"})
        assert done.status_code == 302
        after = client.get(link).data.decode()
    assert "ondertekende verslag ontvangen" in after and "Wij bekijken uw aanvraag" in after
    with at(SIGNED):
        again = client.post(action, data={"csrf_token": csrf(page.data), "akkoord": "ja", "hulp_aanvragen": "ja"})
    assert again.status_code == 409 and "al verstuurd" in again.data.decode()
    assert "Verslag ondertekenen</button>" not in after
    assert "uiterlijk 3 december 2026 beslissen" in after
    assert open_tasks(case_id) == ["aanvraag_beoordelen"]
    step = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())).first()
    assert step.actor == "inwoner" and step.name == "verslag_ondertekenen"
    assert step.changes["ondertekend_ontvangen_op"] == SIGNED.isoformat()  # a resident cannot backdate it
    beslis = db.session.get(Deadline, (case_id, "beslistermijn"))
    assert beslis.start == SIGNED and beslis.due == date(2026, 12, 3)


def refusals(case_id=None):
    query = select(AccessLog).where(AccessLog.kind == "geweigerd", AccessLog.actor == "inwoner")
    if case_id is not None:
        query = query.where(AccessLog.case_id == case_id)
    return db.session.scalars(query.order_by(AccessLog.id)).all()


def test_altered_and_expired_links_are_refused_and_logged(app, client, users, settings):
    case_id = new_case(settings, VERSLAG)
    link = resident_link(app, case_id)
    token = link.rsplit("/", 1)[1]
    altered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    with at(SIGNED):
        for bad in (altered, "/inwoner/" + token.replace(".", "", 1), "/inwoner/zomaar"):
            page = client.get(bad)
            assert page.status_code == 403 and "Deze link klopt niet." in page.data.decode()
            assert "Vraag uw consulent" in page.data.decode()
    assert [r.what for r in refusals()][:3] == ["inwonerlink ongeldig: Deze link klopt niet."] * 3
    assert all(r.path == "/inwoner/<link>" and r.case_id is None for r in refusals())

    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=14, minutes=1)), at(SIGNED):
        expired = client.get(link)
    assert expired.status_code == 403 and "Deze link is verlopen." in expired.data.decode()
    [logged] = refusals(case_id)
    assert logged.what.startswith("inwonerlink verlopen") and logged.path == "/inwoner/<link>"
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=13, hours=23)), at(SIGNED):
        assert client.get(link).status_code == 200


def test_a_link_reaches_only_its_own_case(app, client, users, settings):
    own = new_case(settings, VERSLAG)
    other = new_case(settings, VERSLAG, bsn_index=1)
    link = resident_link(app, own)
    with at(SIGNED):
        page = client.get(link)
        assert f"Zaaknummer {own}" in page.data.decode() and f"Zaaknummer {other}" not in page.data.decode()
        [other_task] = [t.id for t in db.session.scalars(select(Task).where(Task.case_id == other, Task.closed_at.is_(None)))]
        forged = client.post(f"{link}/taken/{other_task}", data={"csrf_token": csrf(page.data), "akkoord": "ja",
                                                                 "hulp_aanvragen": "ja"})
    assert forged.status_code == 403 and "hoort niet bij uw link" in forged.data.decode()
    assert open_tasks(other) == ["verslag_ondertekenen"]
    [logged] = refusals(other)
    assert f"(link van zaak {own})" in logged.what and logged.path == f"/inwoner/<link>/taken/{other_task}"


def test_the_resident_cannot_do_a_caseworkers_task(app, client, users, settings):
    case_id = new_case(settings, [])  # gesprek_plannen is open (klantmanager)
    link = resident_link(app, case_id, MELDING)
    [planning] = [t.id for t in db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None)))]
    with at(MELDING):
        page = client.get(link)
        assert "Verslag ondertekenen</button>" not in page.data.decode()
        forged = client.post(f"{link}/taken/{planning}", data={"csrf_token": csrf(page.data), "gesprek_nodig": "false"})
        missing_csrf = client.post(f"{link}/plan", data={"plan": "Mijn plan"})
    assert forged.status_code == 403 and open_tasks(case_id) == ["gesprek_plannen"]
    assert refusals(case_id)[-1].path == f"/inwoner/<link>/taken/{planning}"
    assert missing_csrf.status_code == 400 and "formulier is verlopen" in missing_csrf.data.decode()


def test_persoonlijk_plan_within_the_window_and_not_after(app, client, users, settings):
    case_id = new_case(settings, [])  # a new melding: gesprek_plannen open, the plan may come in
    link = resident_link(app, case_id, MELDING)
    before = audit_count(case_id)
    with at(date(2026, 11, 4)):
        page = client.get(link)
        html = page.data.decode()
        assert "Plan inleveren</button>" in html and "tot en met 9 november 2026" in html
        empty = client.post(f"{link}/plan", data={"csrf_token": csrf(page.data), "plan": "   "})
        assert empty.status_code == 422 and "Schrijf uw plan op." in empty.data.decode()
        assert audit_count(case_id) == before
        done = client.post(f"{link}/plan", data={"csrf_token": csrf(page.data), "plan": "Mijn dochter kookt.",
                                                 "ontvangen_op": "2026-10-01"})
        assert done.status_code == 302
        after = client.get(link).data.decode()
    assert "persoonlijk plan ontvangen" in after and "Plan inleveren</button>" not in after
    assert "Wij hebben uw persoonlijk plan ontvangen op 4 november 2026." in after
    step = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())).first()
    assert step.actor == "inwoner" and step.name == "persoonlijk_plan_ontvangen"
    assert db.session.get(Deadline, (case_id, "persoonlijk_plan")).met_on == date(2026, 11, 4)

    late = new_case(settings, INTAKE[:1], bsn_index=1)  # the gesprek is planned; the case waits for the plan
    link = resident_link(app, late, MELDING)
    with at(date(2026, 11, 9)):
        form = client.get(link).data
        assert b"Plan inleveren</button>" in form
    with at(date(2026, 11, 10)):  # the term has passed, the timer has not fired yet
        assert "Plan inleveren</button>" not in client.get(link).data.decode()
        refused = client.post(f"{link}/plan", data={"csrf_token": csrf(form), "plan": "Te laat."})
    assert refused.status_code == 409 and "termijn daarvoor is voorbij" in refused.data.decode()
    walk(settings, late, [time_to(date(2026, 11, 11))], date(2026, 11, 10))
    with at(date(2026, 11, 11)):
        refused = client.post(f"{link}/plan", data={"csrf_token": csrf(form), "plan": "Te laat."})
    assert refused.status_code == 409
    assert open_tasks(late) == ["gesprek_voeren"]


def test_only_a_klantmanager_makes_a_link(app, client, users, settings):
    case_id = new_case(settings, [])
    login(client, "bes")
    page = client.get(f"/zaken/{case_id}/inwonerlink")
    assert page.status_code == 403
    assert db.session.scalars(select(AccessLog).where(AccessLog.case_id == case_id, AccessLog.kind == "geweigerd")).one().actor == "bes"
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "inwonerlink")).all()
    assert client.get("/zaken/999/inwonerlink").status_code == 403


def test_every_demo_case_has_a_resident_page(sqlite_app):
    from app.demo import load_demo
    from app.inwoner import links
    from app.models import Case

    settings = sqlite_app.extensions["wmo"]
    load_demo(settings)
    client = sqlite_app.test_client()
    seen = set()
    for case in db.session.scalars(select(Case).order_by(Case.id)).all():
        page = client.get(f"/inwoner/{links.make(settings, case.id).token}")
        assert page.status_code == 200, case.id
        seen.add(re.search(r'class="stand"><strong>([^<]+)', page.data.decode()).group(1))
    assert {"Lees het verslag en onderteken het", "Wij bekijken uw aanvraag", "U krijgt hulp"} <= seen


def test_the_link_uses_the_public_address_when_one_is_configured(app, client, users, settings):
    case_id = new_case(settings, [task("gesprek_plannen", gesprek_nodig=True)])
    settings.public_url = "https://wmo.gemeente.example"
    try:
        staff = app.test_client()
        login(staff, "km")
        page = staff.get(f"/zaken/{case_id}/inwonerlink").data.decode()
    finally:
        settings.public_url = ""
    assert 'value="https://wmo.gemeente.example/inwoner/' in page and "http://localhost" not in page
