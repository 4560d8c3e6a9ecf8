"""The access log: refusals through the API are logged with their case; only a teamleider reads a case's log."""
from datetime import date

import pytest

from app.access.service import case_log, mask_bsn, record_view
from app.demo import create_case, demo_bsns
from app.errors import Forbidden


def test_a_refused_completion_is_logged_against_its_case(client, tokens, settings, actors):
    case_id = create_case(settings, demo_bsns(1)[0], date(2026, 11, 2))
    task_id = client.get(f"/api/v1/tasks?case_id={case_id}", headers={"Authorization": f"Bearer {tokens['beslisser']}"}).json["tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task_id}/complete", json={"gesprek_nodig": True},
                          headers={"Authorization": f"Bearer {tokens['beslisser']}"})
    assert refused.status_code == 403
    log = case_log(case_id, actors["teamleider"])
    assert [(e["actor"], e["kind"]) for e in log] == [("beslisser", "geweigerd")]
    assert "niet uitvoeren" in log[0]["what"] and task_id in log[0]["path"]


def test_views_are_listed_newest_first_and_only_for_the_teamleider(app, settings, actors):
    case_id = create_case(settings, demo_bsns(1)[0], date(2026, 11, 2))
    record_view(actors["klantmanager"], case_id, "dossier", f"/zaken/{case_id}")
    record_view(actors["beslisser"], case_id, "taak besluit_nemen", "/taken/x")
    assert [e["actor"] for e in case_log(case_id, actors["teamleider"])] == ["beslisser", "klantmanager"]
    with pytest.raises(Forbidden):
        case_log(case_id, actors["klantmanager"])


def test_bsn_is_masked_but_for_its_last_four_digits():
    assert mask_bsn("111222333") == "*****2333"
    assert mask_bsn(None) == "–"
