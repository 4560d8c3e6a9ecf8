"""The JSON API as another tool uses it: bearer tokens, JSON in and out, errors in one shape."""
import json

import pytest
from sqlalchemy import func, select

from app.db import db
from app.demo import DEFAULTS, example_answers
from app.models import AuditEvent, Case

MELDING = {
    "bsn": "111222333", "naam": "A. Jansen", "geboortedatum": "1950-02-01",
    "adres": {"straat": "Kerkstraat", "huisnummer": "3", "postcode": "1234 AB", "woonplaats": "Ergens"},
    "hulpvraag": "Hulp bij het huishouden", "kanaal": "telefonisch", "ontvangen_op": "2026-11-02",
}


def call(client, method, url, token=None, body=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if raw is not None:
        headers["Content-Type"] = "application/json"
        response = client.open(url, method=method, data=raw, headers=headers)
    else:
        response = client.open(url, method=method, json=body, headers=headers)
    return response.status_code, response.get_json()


def assert_error_shape(body):
    assert set(body) == {"error", "fields"} and isinstance(body["error"], str) and isinstance(body["fields"], dict)


def new_case(client, tokens, **changes):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, **changes})
    assert status == 201, body
    return body["case_id"]


def open_task(client, tokens, case_id, name):
    status, body = call(client, "GET", f"/api/v1/tasks?case_id={case_id}", tokens["teamleider"])
    assert status == 200
    return next(t for t in body["tasks"] if t["name"] == name)


def complete(client, token, task, **values):
    status, body = call(client, "GET", f"/api/v1/tasks/{task['id']}", token)
    answers = example_answers(body["form"], {**DEFAULTS.get(task["name"], {}), **values}, "2026-11-10")
    return call(client, "POST", f"/api/v1/tasks/{task['id']}/complete", token, answers)


def snapshot(case_id):
    case = db.session.get(Case, case_id)
    db.session.refresh(case)
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id))
    return case.state, json.dumps(case.data, sort_keys=True), case.version, audits


def test_openapi_document_is_public_and_lists_every_route(client):
    status, body = call(client, "GET", "/api/v1/openapi.json")
    assert status == 200 and body["openapi"].startswith("3.1")
    assert {"/api/v1/meldingen", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/events/{name}", "/api/v1/tasks",
            "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/complete"} <= set(body["paths"])


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_requests_without_a_valid_token_get_401(client, tokens, token):
    status, body = call(client, "GET", "/api/v1/tasks", token)
    assert status == 401
    assert_error_shape(body)


def test_melding_starts_a_case_with_its_first_task_and_terms(client, tokens):
    case_id = new_case(client, tokens)
    status, case = call(client, "GET", f"/api/v1/cases/{case_id}", tokens["klantmanager"])
    assert status == 200
    assert case["status"] == "lopend" and case["gemeente"] == "base" and len(case["process_version"]["hash"]) == 64
    assert [t["name"] for t in case["open_tasks"]] == ["gesprek_plannen"]
    terms = {d["name"]: d for d in case["deadlines"]}
    assert terms["onderzoek"]["due"] == "2026-12-14" and terms["persoonlijk_plan"]["due"] == "2026-11-09"
    assert terms["ontvangstbevestiging"]["status"] == "met"
    assert case["inwoner"]["bsn"] == "111222333"
    assert "bsn" not in case["data"]  # resident data stays out of the workflow


def test_task_list_and_task_form(client, tokens):
    case_id = new_case(client, tokens)
    status, body = call(client, "GET", "/api/v1/tasks?role=klantmanager", tokens["klantmanager"])
    [task] = [t for t in body["tasks"] if t["case_id"] == case_id]
    assert set(task) >= {"id", "name", "title", "case_id", "lane", "due"}
    assert (task["name"], task["title"], task["lane"], task["due"]) == ("gesprek_plannen", "Gesprek plannen", "klantmanager", "2026-12-14")
    status, detail = call(client, "GET", f"/api/v1/tasks/{task['id']}", tokens["klantmanager"])
    assert status == 200 and detail["form"]["properties"]["gesprek_nodig"]["type"] == "boolean"
    assert detail["may_complete"] is True


@pytest.mark.parametrize("changes,field", [
    ({"bsn": "123456789"}, "bsn"),
    ({"bsn": "12345678a"}, "bsn"),
    ({"geboortedatum": "01-02-1950"}, "geboortedatum"),
    ({"kanaal": "fax"}, "kanaal"),
    ({"naam": 42}, "naam"),
    ({"adres": {"straat": "X"}}, "adres.huisnummer"),
    ({"ingediend_door": "vertegenwoordiger"}, "vertegenwoordiger"),
    ({"onbekend": 1}, "onbekend"),
])
def test_bad_melding_names_the_field_and_stores_nothing(client, tokens, changes, field):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, **changes})
    assert status == 422, body
    assert_error_shape(body)
    assert field in body["fields"]
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_missing_fields_are_each_named(client, tokens):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {})
    assert status == 422
    assert {"bsn", "naam", "geboortedatum", "adres", "hulpvraag", "kanaal"} <= set(body["fields"])


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"tekst"'])
def test_malformed_json_is_refused(client, tokens, raw):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], raw=raw)
    assert status in (400, 422)
    assert_error_shape(body)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_deeply_nested_json_is_refused(client, tokens):
    deep = {"a": 1}
    for _ in range(40):
        deep = {"a": deep}
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, "adres": deep})
    assert status == 400 and "genest" in body["error"]


def test_oversized_body_is_refused(client, tokens):
    status, body = call(client, "POST", "/api/v1/meldingen", tokens["klantmanager"], {**MELDING, "hulpvraag": "x" * 2_000_000})
    assert status == 413
    assert_error_shape(body)


def test_html_in_text_is_stored_and_returned_as_text(client, tokens):
    case_id = new_case(client, tokens, hulpvraag="<script>alert(1)</script>")
    status, case = call(client, "GET", f"/api/v1/cases/{case_id}", tokens["klantmanager"])
    assert case["data"]["hulpvraag"] == "<script>alert(1)</script>"


def test_complete_task_errors_leave_the_case_as_it_was(client, tokens):
    case_id = new_case(client, tokens)
    task = open_task(client, tokens, case_id, "gesprek_plannen")
    before = snapshot(case_id)
    url = f"/api/v1/tasks/{task['id']}/complete"
    status, body = call(client, "POST", url, tokens["klantmanager"], {"gesprek_nodig": "ja"})
    assert status == 422 and "gesprek_nodig" in body["fields"]
    status, body = call(client, "POST", url, tokens["klantmanager"], {"gesprek_nodig": False})
    assert status == 422 and {"inwoner_stemt_in", "reden_geen_gesprek", "leveringsvorm"} <= set(body["fields"])
    status, body = call(client, "POST", url, tokens["beslisser"], {"gesprek_nodig": True})
    assert status == 403
    assert_error_shape(body)
    status, body = call(client, "POST", url, tokens["klantmanager"], raw="{oops")
    assert status == 400
    status, body = call(client, "POST", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete", tokens["klantmanager"], {})
    assert status == 404
    assert snapshot(case_id) == before


def test_completing_a_task_twice_answers_409_and_changes_nothing(client, tokens):
    case_id = new_case(client, tokens)
    task = open_task(client, tokens, case_id, "gesprek_plannen")
    status, case = complete(client, tokens["klantmanager"], task, gesprek_nodig=True)
    assert status == 200 and case["waiting_for_events"] == ["persoonlijk_plan_ontvangen"]
    before = snapshot(case_id)
    status, body = complete(client, tokens["klantmanager"], task, gesprek_nodig=True)
    assert status == 409
    assert_error_shape(body)
    assert snapshot(case_id) == before


def test_events(client, tokens):
    case_id = new_case(client, tokens)
    url = f"/api/v1/cases/{case_id}/events"
    status, body = call(client, "POST", f"{url}/bezwaar_ingediend", tokens["klantmanager"], {"gronden": "x"})
    assert status == 409 and "bezwaar_ingediend" in body["error"]
    status, body = call(client, "POST", f"{url}/bestaat_niet", tokens["klantmanager"], {})
    assert status == 404
    complete(client, tokens["klantmanager"], open_task(client, tokens, case_id, "gesprek_plannen"), gesprek_nodig=True)
    status, body = call(client, "POST", f"{url}/persoonlijk_plan_ontvangen", tokens["klantmanager"], {"plan": ""})
    assert status == 422 and "plan" in body["fields"]
    status, case = call(client, "POST", f"{url}/persoonlijk_plan_ontvangen", tokens["klantmanager"],
                        {"plan": "Mijn plan", "ontvangen_op": "2026-11-05"})
    assert status == 200 and case["data"]["persoonlijk_plan_ontvangen_op"] == "2026-11-05"
    assert [t["name"] for t in case["open_tasks"]] == ["gesprek_voeren"]
    status, body = call(client, "POST", "/api/v1/cases/999999/events/overlijden", tokens["klantmanager"], {})
    assert status == 404


def test_unknown_case_and_task(client, tokens):
    assert call(client, "GET", "/api/v1/cases/424242", tokens["klantmanager"])[0] == 404
    assert call(client, "GET", "/api/v1/cases/abc", tokens["klantmanager"])[0] == 404
    assert call(client, "GET", "/api/v1/tasks/nope", tokens["klantmanager"])[0] == 404


def test_bad_task_filters(client, tokens):
    status, body = call(client, "GET", "/api/v1/tasks?role=astronaut&limit=0", tokens["klantmanager"])
    assert status == 422 and {"role", "limit"} <= set(body["fields"])


def test_whole_zin_route_through_the_api(client, tokens):
    case_id = new_case(client, tokens)
    km, beslisser = tokens["klantmanager"], tokens["beslisser"]
    steps = [
        (km, "gesprek_plannen", {"gesprek_nodig": True}),
        (km, "gesprek_voeren", {"leveringsvorm": "zin"}),
        (km, "verslag_opstellen", {}),
        (km, "verslag_ondertekenen", {"akkoord": True, "hulp_aanvragen": True, "ondertekend_ontvangen_op": "2026-11-19"}),
        (km, "aanvraag_beoordelen", {}),
        (beslisser, "besluit_nemen", {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": "2026-12-07",
                                      "einddatum": "2027-12-05", "beschikking_verzonden_op": "2026-11-30"}),
        (km, "zorgaanbieder_toewijzen", {}),
    ]
    for token, name, values in steps:
        if name == "gesprek_voeren":
            call(client, "POST", f"/api/v1/cases/{case_id}/events/persoonlijk_plan_ontvangen", km, {"plan": "Plan"})
        status, body = complete(client, token, open_task(client, tokens, case_id, name), **values)
        assert status == 200, (name, body)
    status, case = call(client, "POST", f"/api/v1/cases/{case_id}/events/zorg_gestart", km, {"startdatum": "2026-12-07"})
    assert status == 200
    terms = {d["name"]: d for d in case["deadlines"]}
    assert terms["beslistermijn"] == {"name": "beslistermijn", "start": "2026-11-19", "due": "2026-12-03",
                                      "status": "met", "met_on": "2026-11-30"}
    assert [h["name"] for h in case["history"]][-1] == "zorg_gestart"


def test_a_melding_from_the_future_is_refused_naming_both_dates(client, tokens):
    from app.demo import MELDING, demo_bsns

    body = {**MELDING, "bsn": demo_bsns(1)[0], "geboortedatum": "2999-01-01", "ontvangen_op": "2999-01-02"}
    answer = client.post("/api/v1/meldingen", json=body, headers={"Authorization": f"Bearer {tokens['klantmanager']}"})
    assert answer.status_code == 422
    assert answer.json["fields"] == {"geboortedatum": "mag niet na vandaag liggen", "ontvangen_op": "mag niet na vandaag liggen"}
