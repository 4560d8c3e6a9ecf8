"""Hostile input to the API and the web forms: each is refused with a 4xx that says why, and nothing is stored.

Oversized bodies, JSON nested thousands deep or not an object, NUL bytes and other control characters,
overlong strings, wrong types, extra fields, unknown and out-of-range ids.
"""
import pytest
from sqlalchemy import func, select

from app.db import db
from app.errors import HTTP_DUTCH
from app.models import Case, Task, TaskDraft

from ..api.test_routes import MELDING, assert_error_shape, call, new_case, open_task, snapshot
from ..pages import csrf, logged_in
from ..web.conftest import staff  # noqa: F401 (fixture)
from ..web.test_meldingen import GOOD

MB = 1024 * 1024
TOO_LARGE = HTTP_DUTCH[413]


def cases():
    return db.session.scalar(select(func.count()).select_from(Case))


def web_post(client, url, **fields):
    return client.post(url, data={"csrf_token": csrf(client.get("/inloggen").data), **fields})


@pytest.fixture
def case_and_task(client, tokens):
    case_id = new_case(client, tokens)
    return case_id, open_task(client, tokens, case_id, "gesprek_plannen")["id"]


def test_an_api_body_over_1_mb_is_refused_in_dutch_and_stores_nothing(client, tokens, case_and_task):
    case_id, task_id = case_and_task
    before = snapshot(case_id)
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, "hulpvraag": "x" * (2 * MB)})
    assert status == 413 and body == {"error": TOO_LARGE, "fields": {}}
    status, body = call(client, "POST", f"/api/v1/tasks/{task_id}/complete", tokens["klantmanager"],
                        {"gesprek_nodig": True, "mee_te_nemen": "x" * (2 * MB)})
    assert status == 413 and body["error"] == TOO_LARGE
    assert cases() == 1 and snapshot(case_id) == before


def test_a_web_form_over_1_mb_is_refused_in_dutch_and_stores_nothing(client, staff, case_and_task):
    case_id, task_id = case_and_task
    before = snapshot(case_id)
    logged_in(client, "km")
    response = web_post(client, "/meldingen/nieuw", **{**GOOD, "bsn": "111222333", "hulpvraag": "x" * (2 * MB)})
    assert response.status_code == 413 and TOO_LARGE in response.data.decode()
    response = web_post(client, f"/taken/{task_id}", actie="concept", mee_te_nemen="x" * (2 * MB))
    assert response.status_code == 413 and TOO_LARGE in response.data.decode()
    assert cases() == 1 and snapshot(case_id) == before and db.session.get(TaskDraft, task_id) is None


@pytest.mark.parametrize("raw", [
    '{"a": ' * 10_000 + "1" + "}" * 10_000,
    "[" * 10_000 + "]" * 10_000,
    '{"hulpvraag": ' + "[" * 30 + "]" * 30 + "}",
])
def test_json_nested_thousands_deep_is_refused_with_400_not_a_crash(client, tokens, case_and_task, raw):
    case_id, task_id = case_and_task
    before = snapshot(case_id)
    for url in ("/api/v1/meldingen", f"/api/v1/tasks/{task_id}/complete", f"/api/v1/cases/{case_id}/events/overlijden"):
        status, body = call(client, "POST", url, tokens["klantmanager"], raw=raw)
        assert status == 400, (url, body)
        assert "dieper genest dan 20 niveaus" in body["error"]
    assert cases() == 1 and snapshot(case_id) == before


@pytest.mark.parametrize("raw", ["[1, 2]", '"tekst"', "null", "42", "true"])
def test_json_that_is_not_an_object_is_refused_with_400_saying_so(client, tokens, raw):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], raw=raw)
    assert status == 400 and body == {"error": "de body moet een JSON-object zijn", "fields": {"_": "geen object"}}
    assert cases() == 0


def test_json_that_does_not_parse_or_is_not_utf8_is_refused_with_400(client, tokens):
    for raw in ("{oops", b'{"naam": "\xff\xfe"}'):
        status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], raw=raw)
        assert status == 400 and body["error"] == "de body is geen geldige JSON"
    assert cases() == 0


@pytest.mark.parametrize("changes,field", [
    ({"naam": "A.\x00Jansen"}, "naam"),
    ({"hulpvraag": "hulp\x00"}, "hulpvraag"),
    ({"adres": {**MELDING["adres"], "straat": "Kerk\x07straat"}}, "adres.straat"),
    ({"naam": "x" * 201}, "naam"),
    ({"hulpvraag": "x" * 5001}, "hulpvraag"),
    ({"naam": ["A.", "Jansen"]}, "naam"),
    ({"adres": "Kerkstraat 3"}, "adres"),
    ({"kanaal": None}, "kanaal"),
    ({"extra": "veld"}, "extra"),
])
def test_bad_melding_fields_are_named_and_nothing_is_stored(client, tokens, changes, field):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, **changes})
    assert status == 422, body
    assert_error_shape(body)
    assert field in body["fields"], body
    assert cases() == 0


@pytest.mark.parametrize("answers,field", [
    ({"gesprek_nodig": True, "mee_te_nemen": "pas\x00poort"}, "mee_te_nemen"),
    ({"gesprek_nodig": "true"}, "gesprek_nodig"),
    ({"gesprek_nodig": True, "gesprek_datum": 20261120}, "gesprek_datum"),
    ({"gesprek_nodig": True, "mee_te_nemen": "x" * 10_000}, "mee_te_nemen"),
    ({"gesprek_nodig": True, "wachtwoord": "geheim"}, "wachtwoord"),
])
def test_bad_task_answers_are_named_and_the_case_stays_as_it_was(client, tokens, case_and_task, answers, field):
    case_id, task_id = case_and_task
    before = snapshot(case_id)
    status, body = call(client, "POST", f"/api/v1/tasks/{task_id}/complete", tokens["klantmanager"], answers)
    assert status == 422 and field in body["fields"], body
    assert snapshot(case_id) == before and db.session.get(Task, task_id).closed_at is None


def test_nul_bytes_and_overlong_text_in_web_forms_are_named_and_nothing_is_stored(client, staff, case_and_task):
    case_id, task_id = case_and_task
    before = snapshot(case_id)
    logged_in(client, "km")
    response = web_post(client, "/meldingen/nieuw", **{**GOOD, "bsn": "111222333", "naam": "A.\x00Bakker",
                                                       "adres.woonplaats": "x" * 101})
    page = response.data.decode()
    assert response.status_code == 422
    assert 'href="#veld-naam">Naam bevat een ongeldig teken' in page
    assert 'href="#veld-adres-woonplaats">Woonplaats is te lang' in page
    for actie in ("afronden", "concept"):
        response = web_post(client, f"/taken/{task_id}", actie=actie, gesprek_nodig="ja", mee_te_nemen="pas\x00poort")
        assert response.status_code == 422, actie
        assert 'href="#veld-mee_te_nemen">' in response.data.decode()
    assert cases() == 1 and snapshot(case_id) == before and db.session.get(TaskDraft, task_id) is None


@pytest.mark.parametrize("url", ["/api/v1/cases/abc", "/api/v1/cases/0", "/api/v1/cases/-1", "/api/v1/cases/99999999999",
                                 "/api/v1/cases/1000000000000000000000000", "/api/v1/tasks/nope", "/api/v1/tasks/%00"])
def test_unknown_and_out_of_range_ids_are_not_found(client, tokens, url):
    status, body = call(client, "GET", url, tokens["klantmanager"])
    assert status == 404, body
    assert_error_shape(body)


def test_out_of_range_ids_in_the_web_pages_are_not_found(client, staff):
    logged_in(client, "km")
    for url in ("/zaken/99999999999", "/zaken/1000000000000000000000000", "/taken/%00"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "bestaat niet" in response.data.decode(), url


@pytest.mark.parametrize("query,field", [
    ("case_id=²", "case_id"), ("case_id=abc", "case_id"), ("case_id=99999999999", "case_id"),
    ("offset=99999999999999999999", "offset"), ("limit=veel", "limit"),
])
def test_bad_task_filters_name_the_parameter(client, tokens, query, field):
    status, body = call(client, "GET", f"/api/v1/tasks?{query}", tokens["klantmanager"])
    assert status == 422 and field in body["fields"], body


def test_a_method_the_api_does_not_have_says_which_it_does(client, tokens):
    response = client.delete("/api/v1/meldingen", headers={"Authorization": f"Bearer {tokens['klantmanager']}"})
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert response.get_json() == {"error": HTTP_DUTCH[405], "fields": {}}


BIG = "99999999999999999999"


@pytest.mark.parametrize("user,url,status,says", [
    ("km", f"/werkvoorraad?pagina={BIG}", 422, "moet een geheel getal van 1 tot en met"),
    ("tl", f"/team?pagina={BIG}", 422, "moet een geheel getal van 1 tot en met"),
    ("tl", f"/zaken/{BIG}/inzage", 404, "bestaat niet"),
    ("pb", f"/processen/base/versies/{BIG}", 404, "bestaat niet"),
    ("pb", f"/processen/base/versies/{BIG}/zaken", 404, "bestaat niet"),
    ("pb", f"/processen/base/versies/{BIG}/verplaatsen", 404, "bestaat niet"),
    ("pb", f"/processen/base/vergelijk?van={BIG}&naar=1", 404, "bestaat niet"),
])
def test_numbers_beyond_the_database_in_web_pages_are_refused_not_a_crash(client, staff, user, url, status, says):
    logged_in(client, user)
    response = client.get(url)
    assert response.status_code == status and says in response.data.decode(), response.data.decode()[:2000]


def test_a_nul_byte_in_the_user_name_is_a_failed_login_not_a_crash(client, staff):
    for name in ("k\x00m", "km\x00", "\x00"):
        response = web_post(client, "/inloggen", gebruikersnaam=name, wachtwoord="km-wachtwoord-1")
        assert response.status_code == 401 and "Gebruikersnaam of wachtwoord klopt niet." in response.data.decode()
    assert client.get("/werkvoorraad").status_code == 302  # still not logged in
