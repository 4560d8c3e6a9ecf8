"""The case dossier: what a caseworker reads of a case, who may read it, and that every read is logged."""
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.auth.service import add_user, set_password
from app.db import db
from app.demo import create_case, demo_bsns, event, task, walk
from app.engine import clock
from app.models import AccessLog, AuditEvent

NOV_20 = datetime(2026, 11, 20, 12, tzinfo=clock.AMSTERDAM)


@pytest.fixture
def users(app):
    for name, roles in (("km", ["klantmanager"]), ("pgb", ["pgb-consulent"]), ("bes", ["beslisser"]),
                        ("tl", ["teamleider"]), ("pb", ["procesbeheerder"])):
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


def login(client, name):
    page = client.get("/inloggen").data
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    response = client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": f"{name}-wachtwoord-1",
                                              "csrf_token": token})
    assert response.status_code == 302
    return client


def new_case(settings, **melding) -> int:
    [bsn] = demo_bsns(1)
    return create_case(settings, bsn, date(2026, 11, 2), **melding)


def read(client, path):
    with clock.at(NOV_20):
        return client.get(path)


def access_log(case_id=None):
    query = select(AccessLog).order_by(AccessLog.id)
    if case_id is not None:
        query = query.where(AccessLog.case_id == case_id)
    return [(r.actor, r.kind, r.what, r.path) for r in db.session.scalars(query)]


def test_dossier_shows_status_resident_terms_tasks_and_timeline(client, users, settings):
    case_id = new_case(settings, vertegenwoordiger={"naam": "P. de Vries", "relatie": "zoon"},
                       ingediend_door="vertegenwoordiger")
    melding = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == case_id))
    melding.at = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # stored in UTC, shown in Amsterdam time
    db.session.commit()
    login(client, "km")
    response = read(client, f"/zaken/{case_id}")
    assert response.status_code == 200
    page = response.data.decode()
    assert f"Zaak {case_id}: J. de Vries" in page and ">Lopend</dd>" in page and "gemeente base" in page
    assert "Ik kan mijn huis niet meer schoonhouden." in page and "P. de Vries (zoon)" in page
    assert "14-03-1948" in page and "Dorpsstraat 12" in page and "1234 AB Ergenshuizen" in page
    # Terms on 20 November: the acknowledgement was sent, the persoonlijk plan window closed, the onderzoek runs.
    assert re.search(r'termijn-gehaald" data-termijn="ontvangstbevestiging"', page)
    assert re.search(r'termijn-verstreken" data-termijn="persoonlijk_plan"', page)
    assert re.search(r'termijn-open" data-termijn="onderzoek"', page)
    assert "14-12-2026" in page
    # The open task links to its page and says nobody has claimed it.
    task_id = re.search(r'href="/taken/([0-9a-f-]{36})">Gesprek plannen</a>', page).group(1)
    assert 'class="opgepakt">niemand</td>' in page
    # The timeline says what happened, when (Amsterdam time) and by whom.
    assert "Melding geregistreerd" in page and "02-11-2026 10:00" in page and "demo-klantmanager" in page
    assert "Nog geen documenten" in page
    assert "/inwonerlink" not in page and "/inzage" not in page
    assert task_id


def test_timeline_names_tasks_events_and_changed_fields(client, users, settings):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek"),
                             event("persoonlijk_plan_ontvangen", plan="Zelf koken, hulp bij schoonmaken.")],
         date(2026, 11, 4))
    login(client, "bes")
    page = read(client, f"/zaken/{case_id}").data.decode()
    assert "Taak afgerond: Gesprek plannen" in page and "Gebeurtenis: Persoonlijk plan ontvangen" in page
    assert "<dt>Is een gesprek nodig?</dt><dd>ja</dd>" in page
    assert "Zelf koken, hulp bij schoonmaken." in page
    assert page.index("Melding geregistreerd") < page.index("Taak afgerond: Gesprek plannen")
