"""A resident's link altered to reach another case: refused (403), logged as a refusal, nothing stored.

Beyond the altered and expired links of tests/inwoner: case B's number put into case A's signed link,
a link signed for B with the right key but for another purpose (salt) or with another key, a session
cookie passed off as a link, and a link used as an API token or on a caseworker's page.
"""
import base64
import json

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from app.db import db
from app.models import AccessLog, AuditEvent, Task, TaskDraft

from ..inwoner.test_pages import SIGNED, VERSLAG, at, new_case, open_tasks, refusals, resident_link, users  # noqa: F401
from ..pages import csrf


def with_payload(token: str, payload: dict) -> str:
    """The token with its payload replaced, its timestamp and signature kept."""
    _, timestamp, signature = token.rsplit(".", 2)
    data = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{data}.{timestamp}.{signature}"


def stored(*case_ids):
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id.in_(case_ids)))
    drafts = db.session.scalar(select(func.count()).select_from(TaskDraft))
    return audits, drafts, [open_tasks(case_id) for case_id in case_ids]


def test_a_link_forged_for_another_case_is_refused_logged_and_stores_nothing(app, client, users, settings):
    own, other = new_case(settings, VERSLAG), new_case(settings, VERSLAG, bsn_index=1)
    link = resident_link(app, own)
    token = link.rsplit("/", 1)[1]
    secret = settings.secret_key
    forged = {
        "nummer van zaak B in de link van A": with_payload(token, {"zaak": other}),
        "getekend voor iets anders": URLSafeTimedSerializer(secret, salt="iets-anders").dumps({"zaak": other}),
        "getekend met een ander geheim": URLSafeTimedSerializer("geraden", salt="wmo-inwonerlink").dumps({"zaak": other}),
        "een sessiecookie": SecureCookieSessionInterface().get_signing_serializer(app).dumps({"zaak": other}),
    }
    task_id = db.session.scalar(select(Task.id).where(Task.case_id == other, Task.closed_at.is_(None)))
    before, logged = stored(own, other), len(refusals())
    with at(SIGNED):
        form = csrf(client.get(link).data)  # a real session with its CSRF token: the link is what is refused
        for why, bad in forged.items():
            for response in (client.get(f"/inwoner/{bad}"),
                             client.post(f"/inwoner/{bad}/plan", data={"csrf_token": form, "plan": "Mijn plan"}),
                             client.post(f"/inwoner/{bad}/taken/{task_id}",
                                         data={"csrf_token": form, "akkoord": "ja", "hulp_aanvragen": "ja"})):
                page = response.data.decode()
                assert response.status_code == 403, why
                assert "Deze link klopt niet." in page and "Zaaknummer" not in page, why
    assert stored(own, other) == before and open_tasks(other) == ["verslag_ondertekenen"]
    new = refusals()[logged:]
    assert len(new) == 3 * len(forged)
    assert all(r.what == "inwonerlink ongeldig: Deze link klopt niet." and r.path.startswith("/inwoner/<link>") for r in new)


def test_a_residents_link_opens_no_api_and_no_caseworkers_page(app, client, users, settings):
    case_id = new_case(settings, VERSLAG)
    token = resident_link(app, case_id).rsplit("/", 1)[1]
    with at(SIGNED):
        answer = client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401 and answer.get_json()["fields"] == {}
        page = client.get(f"/zaken/{case_id}")
        assert page.status_code == 302 and page.headers["Location"].startswith("/inloggen")
        page = client.get(f"/taken/{db.session.scalar(select(Task.id).where(Task.case_id == case_id))}")
        assert page.status_code == 302 and page.headers["Location"].startswith("/inloggen")
    assert not db.session.scalars(select(AccessLog).where(AccessLog.case_id == case_id, AccessLog.kind == "inzage",
                                                          AccessLog.actor == "inwoner")).all()
