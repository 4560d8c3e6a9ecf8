"""The web pages as a caseworker uses them: log in, the inbox, claiming tasks, and what is refused."""
import re
import time
from datetime import date

import pytest

from app.auth.service import add_user, set_password
from app.demo import create_case, demo_bsns, task, walk

from ..pages import csrf, login  # noqa: F401 (other tests import them from here too)


@pytest.fixture
def users(app):
    for name, roles in (("km", ["klantmanager"]), ("km2", ["klantmanager"]), ("bes", ["beslisser"]), ("tl", ["teamleider"])):
        add_user(name, roles)
        set_password(name, f"{name}-wachtwoord-1")


def cases(settings, count, **melding):
    ids = []
    for bsn in demo_bsns(count):
        ids.append(create_case(settings, bsn, date(2026, 11, 2), **melding))
    return ids


def test_pages_need_a_login_and_send_security_headers(client, users):
    response = client.get("/werkvoorraad")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    page = client.get("/inloggen")
    assert page.status_code == 200 and b'lang="nl"' in page.data and b"Inloggen" in page.data
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert header in page.headers


def test_wrong_password_and_missing_csrf_are_refused(client, users):
    token = csrf(client.get("/inloggen").data)
    wrong = client.post("/inloggen", data={"gebruikersnaam": "km", "wachtwoord": "fout", "csrf_token": token})
    assert wrong.status_code == 401 and "klopt niet".encode() in wrong.data
    unknown = client.post("/inloggen", data={"gebruikersnaam": "niemand", "wachtwoord": "x", "csrf_token": token})
    assert unknown.status_code == 401
    forged = client.post("/inloggen", data={"gebruikersnaam": "km", "wachtwoord": "km-wachtwoord-1"})
    assert forged.status_code == 400 and "formulier is verlopen".encode() in forged.data


def test_inbox_shows_the_roles_tasks_by_due_date(client, users, settings):
    first, second = cases(settings, 2)
    walk(settings, second, [task("gesprek_plannen", gesprek_nodig=False, leveringsvorm="zin", soort_hulp="hulpmiddel")],
         date(2026, 11, 3))
    assert login(client, "km").status_code == 302
    page = client.get("/werkvoorraad").data.decode()
    assert "Mijn werkvoorraad" in page and "2 taken" in page
    assert page.index("Gesprek plannen") > 0 and "Verslag opstellen" in page
    assert "J. de Vries" in page and "14-12-2026" in page
    only = client.get("/werkvoorraad?taak=verslag_opstellen").data.decode()
    assert "1 taak" in only and "Gesprek plannen</td>" not in only
    client.post("/uitloggen", data={"csrf_token": csrf(client.get("/werkvoorraad").data)})
    login(client, "bes")
    assert "0 taken" in client.get("/werkvoorraad").data.decode()


def test_bad_filters_get_a_clear_error(client, users):
    login(client, "km")
    response = client.get("/werkvoorraad?pagina=nul&signaal=vandaag")
    assert response.status_code == 422 and "ongeldige filter" in response.data.decode()


def test_paging(client, users, settings):
    cases(settings, 27)
    login(client, "km")
    first = client.get("/werkvoorraad").data.decode()
    assert "27 taken" in first and "Pagina 1 van 2" in first and first.count("Oppakken</button>") == 25
    second = client.get("/werkvoorraad?pagina=2").data.decode()
    assert second.count("Oppakken</button>") == 2


def test_claim_and_release(client, users, settings, app):
    [case_id] = cases(settings, 1)
    login(client, "km")
    page = client.get("/werkvoorraad").data.decode()
    task_id = re.search(r"/taken/([0-9a-f-]+)/oppakken", page).group(1)
    client.post(f"/taken/{task_id}/oppakken", data={"csrf_token": csrf(page.encode()), "terug": "/werkvoorraad"})
    page = client.get("/werkvoorraad").data.decode()
    assert "Taak opgepakt." in page and ">km</td>" in page and "Vrijgeven" in page
    other = app.test_client()
    login(other, "km2")
    page2 = other.get("/werkvoorraad").data
    other.post(f"/taken/{task_id}/oppakken", data={"csrf_token": csrf(page2)})
    assert "al opgepakt door km" in other.get("/werkvoorraad").data.decode()
    refused = other.post(f"/taken/{task_id}/vrijgeven", data={"csrf_token": csrf(page2)})
    assert refused.status_code == 403 and "teamleider" in refused.data.decode()
    lead = app.test_client()
    login(lead, "tl")
    assert lead.post(f"/taken/{task_id}/vrijgeven", data={"csrf_token": csrf(lead.get("/werkvoorraad").data)}).status_code == 302
    assert ">km</td>" not in client.get("/werkvoorraad").data.decode()


def test_resident_data_is_shown_as_text(client, users, settings):
    cases(settings, 1, naam="<script>alert('x')</script>")
    login(client, "km")
    page = client.get("/werkvoorraad").data.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_session_times_out(client, users):
    login(client, "km")
    with client.session_transaction() as session:
        session["seen"] = time.time() - 31 * 60
    response = client.get("/werkvoorraad")
    assert response.status_code == 302 and "verlopen=1" in response.headers["Location"]
    assert "niet actief" in client.get(response.headers["Location"]).data.decode()


def test_open_redirect_is_refused(client, users):
    token = csrf(client.get("/inloggen").data)
    response = client.post("/inloggen?next=//evil.example/", data={"gebruikersnaam": "km", "wachtwoord": "km-wachtwoord-1",
                                                                  "csrf_token": token})
    assert response.headers["Location"].endswith("/werkvoorraad")


def test_unknown_pages_and_methods_are_refused_in_dutch(client, users):
    page = client.get("/bestaat-niet")
    assert page.status_code == 404 and "Deze pagina bestaat niet." in page.data.decode()
    resident = client.get("/inwoner/abc/iets")
    assert resident.status_code == 404 and "werkvoorraad" not in resident.data.decode()
    api = client.get("/api/v1/bestaat-niet")
    assert api.status_code == 404 and api.json == {"error": "Deze pagina bestaat niet.", "fields": {}}
    assert client.put("/inloggen").status_code == 405


def test_a_process_owner_starts_at_the_process_definitions(client, app):
    add_user("pb", ["procesbeheerder"])
    set_password("pb", "pb-wachtwoord-1")
    landed = login(client, "pb")
    assert landed.headers["Location"].endswith("/processen")
    assert client.get("/").headers["Location"].endswith("/processen")
