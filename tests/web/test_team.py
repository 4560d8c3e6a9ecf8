"""The teamleider's team view: every open task, who has it, reassigning; the inbox's due and team filters."""
import re
from datetime import date, datetime, timezone

from app.access.service import case_log
from app.auth.service import Actor, add_user, set_password
from app.demo import task, walk
from app.engine import clock

from .test_routes import cases, csrf, login


def _users():
    for name, roles in (("km", ["klantmanager"]), ("km2", ["klantmanager"]), ("bes", ["beslisser"]),
                        ("tl", ["teamleider"]), ("duo", ["klantmanager", "beslisser"])):
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


def test_teamleider_reassigns_a_task_to_a_colleague(client, app, settings):
    _users()
    [case_id] = cases(settings, 1)
    login(client, "tl")
    page = client.get("/team").data.decode()
    assert "Werk van het team" in page and "Gesprek plannen" in page and "Niet opgepakt: 1 open" in page
    task_id = re.search(r"/taken/([0-9a-f-]+)/toewijzen", page).group(1)
    options = page[page.index(f"/taken/{task_id}/toewijzen"):]
    assert ">km</option>" in options and ">km2</option>" in options and ">bes</option>" not in options.split("</form>")[0]
    done = client.post(f"/taken/{task_id}/toewijzen", data={"csrf_token": csrf(page.encode()), "medewerker": "km2",
                                                           "terug": "/team"}, follow_redirects=True)
    assert "Taak toegewezen aan km2." in done.data.decode() and "km2: 1 open" in done.data.decode()
    colleague = app.test_client()
    login(colleague, "km2")
    assert "1 taak" in colleague.get("/werkvoorraad?mijn=1").data.decode()


def test_a_task_cannot_go_to_someone_whose_role_may_not_do_it(client, settings):
    _users()
    cases(settings, 1)
    login(client, "tl")
    page = client.get("/team").data.decode()
    task_id = re.search(r"/taken/([0-9a-f-]+)/toewijzen", page).group(1)
    answer = client.post(f"/taken/{task_id}/toewijzen", data={"csrf_token": csrf(page.encode()), "medewerker": "bes",
                                                             "terug": "/team"}, follow_redirects=True).data.decode()
    assert "bes mag taken van klantmanager niet doen" in answer and "Niet opgepakt: 1 open" in answer


def test_only_a_teamleider_sees_the_team_or_reassigns(client, settings):
    _users()
    [case_id] = cases(settings, 1)
    login(client, "km")
    assert client.get("/team").status_code == 403
    page = client.get("/werkvoorraad").data
    task_id = re.search(rb"/taken/([0-9a-f-]+)/oppakken", page).group(1).decode()
    refused = client.post(f"/taken/{task_id}/toewijzen", data={"csrf_token": csrf(page), "medewerker": "km"})
    assert refused.status_code == 403
    log = case_log(case_id, Actor("tl", frozenset({"teamleider"})))
    assert [(e["actor"], e["kind"]) for e in log] == [("km", "geweigerd")]


def test_inbox_filters_on_due_date_and_team(client, settings):
    _users()
    late, soon = cases(settings, 2)
    walk(settings, soon, [task("gesprek_plannen", gesprek_nodig=False, leveringsvorm="zin", soort_hulp="hulpmiddel")],
         date(2026, 11, 3))
    login(client, "duo")
    with clock.at(datetime(2026, 12, 10, 9, tzinfo=timezone.utc)):
        everything = client.get("/werkvoorraad").data.decode()
        assert "2 taken" in everything and 'id="team"' in everything
        week = client.get("/werkvoorraad?vervalt=7").data.decode()
        assert "2 taken" in week
    with clock.at(datetime(2026, 11, 20, 9, tzinfo=timezone.utc)):
        assert "1 taak" in client.get("/werkvoorraad?vervalt=verlopen").data.decode()  # the verslag, due 17-11
        assert "1 taak" in client.get("/werkvoorraad?vervalt=7").data.decode()
        assert "2 taken" in client.get("/werkvoorraad?team=klantmanager").data.decode()
        assert "0 taken" in client.get("/werkvoorraad?team=beslisser").data.decode()
    bad = client.get("/werkvoorraad?vervalt=gisteren&team=niemand")
    assert bad.status_code == 422 and "vervalt" in bad.data.decode() and "team" in bad.data.decode()
