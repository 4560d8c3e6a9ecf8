"""A case's letters through the API: listed, read as PDF and HTML (each read logged), written and corrected by hand."""
from sqlalchemy import func, select

from app.db import db
from app.models import AccessLog, AuditEvent, Document

from .test_routes import assert_error_shape, call, new_case


def get(client, url, token):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def stored(case_id):
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id))
    letters = db.session.scalar(select(func.count()).select_from(Document).where(Document.case_id == case_id))
    return audits, letters


def access(case_id):
    return [(r.actor, r.kind, r.what, r.path) for r in db.session.scalars(
        select(AccessLog).where(AccessLog.case_id == case_id).order_by(AccessLog.id))]


def test_list_and_read_a_cases_letters(client, tokens):
    case_id = new_case(client, tokens)
    status, body = call(client, "GET", f"/api/v1/cases/{case_id}/documents", tokens["pgb-consulent"])
    assert status == 200
    [letter] = body["documents"]
    assert (letter["kind"], letter["title"], letter["corrects_id"], letter["replaced_by"]) == (
        "ontvangstbevestiging", "Ontvangstbevestiging van uw melding", None, None)
    assert letter["pdf"] == f"/api/v1/cases/{case_id}/documents/{letter['id']}.pdf"
    stored_letter = db.session.get(Document, letter["id"])

    pdf = get(client, letter["pdf"], tokens["pgb-consulent"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == stored_letter.pdf
    html = get(client, letter["html"], tokens["pgb-consulent"])
    assert html.status_code == 200 and html.mimetype == "text/html" and html.data.decode() == stored_letter.html
    assert access(case_id)[-3:] == [
        ("pgb-consulent", "inzage", "api documenten", f"/api/v1/cases/{case_id}/documents"),
        ("pgb-consulent", "inzage", "api document ontvangstbevestiging", letter["pdf"]),
        ("pgb-consulent", "inzage", "api document ontvangstbevestiging", letter["html"]),
    ]


def test_no_access_and_unknown_ids_get_the_error_shape(client, tokens):
    case_id, other = new_case(client, tokens), new_case(client, tokens, bsn="123456782")
    status, body = call(client, "GET", f"/api/v1/cases/{case_id}/documents", tokens["klantmanager"])
    letter = body["documents"][0]
    for url in (f"/api/v1/cases/{case_id}/documents", letter["pdf"], letter["html"]):
        response = get(client, url, tokens["procesbeheerder"])
        assert response.status_code == 403 and b"%PDF" not in response.data
        assert_error_shape(response.get_json())
    assert [kind for _, kind, _, _ in access(case_id)][-3:] == ["geweigerd"] * 3
    for url in (f"/api/v1/cases/{other}/documents/{letter['id']}.pdf", f"/api/v1/cases/{case_id}/documents/999999.pdf",
                f"/api/v1/cases/{case_id}/documents/{2**40}.html", "/api/v1/cases/424242/documents",
                f"/api/v1/cases/{case_id}/documents/abc.pdf"):
        response = get(client, url, tokens["klantmanager"])
        assert response.status_code == 404, url
        assert_error_shape(response.get_json())
    assert get(client, letter["pdf"], None).status_code == 401


def test_write_and_correct_a_letter_through_the_api(client, tokens):
    case_id = new_case(client, tokens)
    url = f"/api/v1/cases/{case_id}/documents"
    status, written = call(client, "POST", url, tokens["klantmanager"],
                           {"onderwerp": "Uw afspraak", "tekst": "Wij komen op 12 november.\n\nTot dan."})
    assert status == 201 and (written["kind"], written["title"], written["created_by"]) == ("brief", "Uw afspraak", "klantmanager")
    assert "<p>Tot dan.</p>" in get(client, written["html"], tokens["klantmanager"]).data.decode()

    status, fixed = call(client, "POST", url, tokens["beslisser"],
                         {"onderwerp": "Uw afspraak (gewijzigd)", "tekst": "Wij komen op 13 november.", "corrigeert": written["id"]})
    assert status == 201 and (fixed["kind"], fixed["corrects_id"]) == ("correctie", written["id"])
    assert "Deze brief vervangt onze brief van" in get(client, fixed["html"], tokens["beslisser"]).data.decode()
    status, body = call(client, "GET", url, tokens["teamleider"])
    listed = {d["id"]: d for d in body["documents"]}
    assert listed[written["id"]]["replaced_by"] == fixed["id"] and len(listed) == 3  # the old one is still listed
    history = call(client, "GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])[1]["history"]
    assert [(h["kind"], h["name"], h["actor"]) for h in history[-2:]] == [("brief", "handgeschreven", "klantmanager"),
                                                                         ("brief", "correctie", "beslisser")]

    before = stored(case_id)
    status, body = call(client, "POST", url, tokens["klantmanager"],
                        {"onderwerp": "Nog een", "tekst": "x", "corrigeert": written["id"]})
    assert status == 409 and body["fields"] == {"corrigeert": f"is al vervangen door document {fixed['id']}"}
    assert stored(case_id) == before


def test_bad_letters_name_the_field_and_store_nothing(client, tokens):
    case_id = new_case(client, tokens)
    url = f"/api/v1/cases/{case_id}/documents"
    before = stored(case_id)
    for body, fields in (
        ({}, {"onderwerp": "is verplicht", "tekst": "is verplicht"}),
        ({"onderwerp": "  ", "tekst": "Tekst"}, {"onderwerp": "is verplicht"}),
        ({"onderwerp": 3, "tekst": ["a"]}, {"onderwerp": "moet tekst zijn", "tekst": "moet tekst zijn"}),
        ({"onderwerp": "x" * 201, "tekst": "y", "kleur": "rood"},
         {"onderwerp": "is te lang (hoogstens 200 tekens)", "kleur": "is geen veld van dit formulier"}),
        ({"onderwerp": "Uw\x07 brief", "tekst": "Tekst met \x00 erin"},
         {"onderwerp": "bevat tekens die geen tekst zijn (stuurtekens)", "tekst": "bevat tekens die geen tekst zijn (stuurtekens)"}),
        ({"onderwerp": "x", "tekst": "y", "corrigeert": "een"}, {"corrigeert": "moet een documentnummer (geheel getal) zijn"}),
        ({"onderwerp": "x", "tekst": "y", "corrigeert": True}, {"corrigeert": "moet een documentnummer (geheel getal) zijn"}),
    ):
        status, answer = call(client, "POST", url, tokens["klantmanager"], body)
        assert status == 422 and answer["fields"] == fields, body
        assert_error_shape(answer)
    status, answer = call(client, "POST", url, tokens["klantmanager"], {"onderwerp": "x", "tekst": "y", "corrigeert": 999999})
    assert status == 404 and "corrigeert" in answer["fields"]
    status, answer = call(client, "POST", url, tokens["pgb-consulent"], {"onderwerp": "x", "tekst": "y"})
    assert status == 403 and answer["error"] == "uw rol mag niet: een brief schrijven of corrigeren"
    assert stored(case_id) == before


def test_the_openapi_document_describes_the_document_calls(client):
    status, body = call(client, "GET", "/api/v1/openapi.json")
    paths = body["paths"]
    listing = paths["/api/v1/cases/{case_id}/documents"]
    assert set(listing) == {"get", "post"}
    assert listing["post"]["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    pdf = paths["/api/v1/cases/{case_id}/documents/{document_id}.pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and {"401", "403", "404"} <= set(pdf)
    assert "/api/v1/cases/{case_id}/documents/{document_id}.html" in paths
    assert {"Document", "HandwrittenLetter"} <= set(body["components"]["schemas"])
