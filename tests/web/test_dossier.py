"""The case dossier: what a caseworker reads of a case, who may read it, and that every read is logged."""
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.auth.service import add_user, set_password
from app.db import db
from app.demo import create_case, demo_bsns, event, task, time_to, walk
from app.engine import clock
from app.models import AccessLog, AuditEvent, Case, ProcessVersion, Task

from ..pages import logged_in as login

NOV_20 = datetime(2026, 11, 20, 12, tzinfo=clock.AMSTERDAM)


@pytest.fixture
def users(app):
    for name, roles in (("km", ["klantmanager"]), ("pgb", ["pgb-consulent"]), ("bes", ["beslisser"]),
                        ("tl", ["teamleider"]), ("pb", ["procesbeheerder"])):
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")




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
    assert "Nog geen documenten" not in page and "Ontvangstbevestiging van uw melding" in page  # sent at the melding
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
    assert "<dd>Bij de inwoner thuis</dd>" in page and "<dd>huisbezoek</dd>" not in page  # the choice in words
    assert "Zelf koken, hulp bij schoonmaken." in page
    assert page.index("Melding geregistreerd") < page.index("Taak afgerond: Gesprek plannen")


def test_dossier_shows_the_dwangsom_once_it_runs(client, users, settings):
    case_id = new_case(settings)
    walk(settings, case_id, [
        task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek"),
        event("persoonlijk_plan_ontvangen", plan="Plan."),
        task("gesprek_voeren", leveringsvorm="zin"), task("verslag_opstellen"),
        task("verslag_ondertekenen", akkoord=True, hulp_aanvragen=True), task("aanvraag_beoordelen"),
        time_to(date(2026, 11, 18)), event("ingebrekestelling"),
    ], date(2026, 11, 2))
    login(client, "bes")
    with clock.at(datetime(2026, 12, 10, 12, tzinfo=clock.AMSTERDAM)):
        page = client.get(f"/zaken/{case_id}").data.decode()
    assert re.search(r'termijn-verstreken" data-termijn="beslistermijn"', page)
    assert "Timer afgegaan: Beslistermijn nadert, Beslistermijn verstreken" in page and "systeem (termijnbewaking)" in page
    dwangsom = page[page.index('id="dwangsom"'):]
    # Beslistermijn to 16 Nov, notice on 18 Nov: the dwangsom runs from 3 Dec, 8 days of € 23 by 10 Dec.
    assert "Ingebrekestelling ontvangen op 18-11-2026" in dwangsom and "03-12-2026" in dwangsom
    assert "8 dagen, <strong>€ 184,00</strong>" in dwangsom


def test_bsn_is_masked_and_resident_text_is_escaped(client, users, settings):
    case_id = new_case(settings, naam="<script>alert('naam')</script>",
                       hulpvraag="<b>hulp</b> & <img src=x onerror=alert(1)>")
    [bsn] = demo_bsns(1)
    login(client, "km")
    page = read(client, f"/zaken/{case_id}").data.decode()
    assert bsn not in page and f"*****{bsn[-4:]}" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;naam&#39;)&lt;/script&gt;" in page
    assert "<b>hulp</b>" not in page and "<img src=x" not in page and "&lt;b&gt;hulp&lt;/b&gt; &amp; &lt;img" in page


@pytest.mark.parametrize("user", ["km", "pgb", "bes", "tl"])
def test_every_caseworker_may_read_and_every_read_is_logged(client, users, settings, user):
    case_id = new_case(settings)
    login(client, user)
    assert read(client, f"/zaken/{case_id}").status_code == 200
    assert read(client, f"/zaken/{case_id}").status_code == 200
    assert access_log(case_id) == [(user, "inzage", "dossier", f"/zaken/{case_id}")] * 2


def test_procesbeheerder_is_refused_and_the_refusal_is_logged(client, users, settings):
    case_id = new_case(settings)
    login(client, "pb")
    for path in (f"/zaken/{case_id}", f"/zaken/{case_id}/diagram.json", f"/zaken/{case_id}/diagram/wmo_route.bpmn"):
        response = read(client, path)
        assert response.status_code == 403, path
        assert "J. de Vries" not in response.data.decode()
    log = access_log(case_id)
    assert [(actor, kind, path) for actor, kind, _, path in log] == [
        ("pb", "geweigerd", f"/zaken/{case_id}"), ("pb", "geweigerd", f"/zaken/{case_id}/diagram.json"),
        ("pb", "geweigerd", f"/zaken/{case_id}/diagram/wmo_route.bpmn"),
    ]


def test_unknown_case_is_not_found_and_login_is_required(client, users, settings):
    assert client.get("/zaken/1").status_code == 302
    login(client, "km")
    assert read(client, "/zaken/999").status_code == 404


def test_teamleider_reads_the_access_log_and_a_klantmanager_cannot(client, users, settings, app):
    case_id = new_case(settings)
    login(client, "km")
    read(client, f"/zaken/{case_id}")
    assert read(client, f"/zaken/{case_id}/inzage").status_code == 403
    lead = login(app.test_client(), "tl")
    dossier = read(lead, f"/zaken/{case_id}").data.decode()
    assert f'href="/zaken/{case_id}/inzage"' in dossier
    page = read(lead, f"/zaken/{case_id}/inzage").data.decode()
    assert "Inzagelogboek van zaak" in page
    rows = re.findall(r"<td>(\w+)</td>\s*<td>(\w+)</td>\s*<td>([^<]*)</td>", page)
    # Newest first: the teamleider's own dossier view, the klantmanager's refusal, the klantmanager's view.
    assert [(who, kind) for who, kind, _ in rows] == [("tl", "inzage"), ("km", "geweigerd"), ("km", "inzage")]
    assert access_log(case_id)[-1] == ("tl", "inzage", "inzagelogboek", f"/zaken/{case_id}/inzage")


def test_klantmanager_gets_the_residents_link_while_the_verslag_awaits_signing(client, users, settings, app):
    case_id = new_case(settings)
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True, gesprek_vorm="huisbezoek"),
                             event("persoonlijk_plan_ontvangen", plan="Plan."),
                             task("gesprek_voeren", leveringsvorm="zin"), task("verslag_opstellen")], date(2026, 11, 4))
    login(client, "km")
    page = read(client, f"/zaken/{case_id}").data.decode()
    assert f'href="/zaken/{case_id}/inwonerlink"' in page and "Verslag ondertekenen</a>" in page
    other = login(app.test_client(), "bes")
    assert "/inwonerlink" not in read(other, f"/zaken/{case_id}").data.decode()
    assert read(client, f"/zaken/{case_id}/inwonerlink").status_code == 200
    timeline = read(client, f"/zaken/{case_id}").data.decode()
    assert "Persoonlijke link voor de inwoner gemaakt" in timeline and "Geldig tot" in timeline


def test_claimed_task_shows_who_has_it(client, users, settings):
    from app.inbox import service as inbox
    from app.auth.service import Actor

    case_id = new_case(settings)
    open_task = db.session.scalar(select(Task).where(Task.case_id == case_id))
    inbox.claim(open_task.id, Actor("km", frozenset({"klantmanager"})))
    login(client, "tl")
    assert 'class="opgepakt">km</td>' in read(client, f"/zaken/{case_id}").data.decode()


def test_diagram_xml_is_the_cases_own_version_and_markers_say_where_it_stands(client, users, settings):
    case_id = new_case(settings)
    case = db.session.get(Case, case_id)
    version = db.session.get(ProcessVersion, case.process_version_id)
    login(client, "km")
    response = client.get(f"/zaken/{case_id}/diagram/wmo_onderzoek.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data.decode() == version.files["wmo_onderzoek.bpmn"]
    assert client.get(f"/zaken/{case_id}/diagram/wmo_bestaat_niet.bpmn").status_code == 404
    markers = client.get(f"/zaken/{case_id}/diagram.json").get_json()
    assert markers["current"] == "wmo_onderzoek"
    found = {p["id"]: p for p in markers["processes"]}
    assert [p["id"] for p in markers["processes"]][:3] == ["wmo_route", "wmo_melding", "wmo_onderzoek"]
    assert "einde_melding" in found["wmo_melding"]["completed"] and found["wmo_melding"]["active"] == []
    assert found["wmo_route"]["active"] == ["onderzoek"] and "melding_afhandelen" in found["wmo_route"]["completed"]
    assert found["wmo_onderzoek"]["active"] == ["gesprek_plannen"]
    assert ["merge_plannen", "gesprek_plannen"] in found["wmo_onderzoek"]["taken"]
    assert [s["name"] for s in markers["steps"]] == ["Onderzoek, gesprek en verslag", "Gesprek plannen"]
    assert access_log(case_id)[-1] == ("km", "inzage", "dossier diagram", f"/zaken/{case_id}/diagram.json")
    # The page: the process it stands in is shown, with links to the others and the steps as text.
    page = read(client, f"/zaken/{case_id}").data.decode()
    assert re.search(r'data-proces="wmo_onderzoek" aria-current="true"', page)
    assert 'href="?proces=wmo_melding#procesdiagram"' in page
    steps = page[page.index('id="huidige-stappen"'):page.index("</div>", page.index('id="huidige-stappen"'))]
    assert "Gesprek plannen" in steps and "Onderzoekstermijn verstreken" in steps
    other = read(client, f"/zaken/{case_id}?proces=wmo_melding").data.decode()
    assert re.search(r'data-proces="wmo_melding" aria-current="true"', other)


def test_vendor_route_serves_only_bpmn_js_dist(client):
    viewer = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert viewer.status_code == 200 and "max-age=" in viewer.headers["Cache-Control"]
    assert client.get("/vendor/bpmn-js/assets/bpmn-js.css").status_code == 200
    for path in ("../package.json", "..%2fpackage.json", "..%2F..%2F..%2Fconfig.toml", "%2Fetc%2Fpasswd",
                 "assets/../../package.json", "../../../../../../etc/passwd", "assets", "nope.js"):
        response = client.get(f"/vendor/bpmn-js/{path}", follow_redirects=True)  # "//etc" is redirected to "/etc"
        assert response.status_code == 404 and b"root:" not in response.data, path


def test_api_reads_are_logged(client, tokens, settings):
    case_id = new_case(settings)
    task_id = db.session.scalar(select(Task.id).where(Task.case_id == case_id))
    headers = {"Authorization": f"Bearer {tokens['beslisser']}"}
    assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers).status_code == 200
    assert access_log(case_id) == [
        ("beslisser", "inzage", "api zaak", f"/api/v1/cases/{case_id}"),
        ("beslisser", "inzage", "api taak gesprek_plannen", f"/api/v1/tasks/{task_id}"),
    ]


def test_amounts_show_in_euros_and_choices_in_words():
    from app.cases.dossier import _shown

    choices = {"leveringsvorm": {"zin": "Zorg in natura"}}
    assert _shown("leveringsvorm", "zin", choices) == "Zorg in natura"
    assert _shown("eigen_bijdrage", 21.0, choices) == "€ 21,00"
    assert _shown("pgb_bedrag", 1234.5, choices) == "€ 1.234,50"
    assert _shown("omvang_uren", 3, choices) == "3" and _shown("akkoord", True, choices) == "ja"
