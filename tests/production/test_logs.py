"""The logs: one JSON object per line, one line per request and per timer firing, never a BSN or what was typed."""
import json
import logging
from datetime import date

import pytest

from app import create_app
from app.auth.service import add_user
from app.config import ConfigError, load_settings
from app.db import db
from app.demo import create_case, task, walk
from timers.ticker import sweep

from ..conftest import ROOT

BSN = "111222333"
HULPVRAAG = "Rolstoel na beroerte, valt vaak"
MELDING = {"bsn": BSN, "naam": "A. Jansen", "geboortedatum": "1950-02-01", "hulpvraag": HULPVRAAG, "kanaal": "telefonisch",
           "adres": {"straat": "Kerkstraat", "huisnummer": "3", "postcode": "1234 AB", "woonplaats": "Ergens"}}


def _app(url, monkeypatch, log_format):
    monkeypatch.setenv("WMO_DATABASE_URL", url)
    monkeypatch.setenv("WMO_LOG_FORMAT", log_format)
    app = create_app(load_settings(ROOT / "config.toml"))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def json_app(sqlite_url, monkeypatch):
    app = _app(sqlite_url, monkeypatch, "json")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_a_melding_with_a_bsn_logs_the_request_without_the_bsn_or_the_hulpvraag(json_app, capsys):
    _, token = add_user("klantmanager", ["klantmanager"])
    client = json_app.test_client()
    capsys.readouterr()
    created = client.post("/api/v1/meldingen", json=MELDING, headers={"Authorization": f"Bearer {token}",
                                                                       "X-Request-ID": "req-42"})
    assert created.status_code == 201
    case_id = created.get_json()["case_id"]
    wrong = client.post("/api/v1/meldingen", json={**MELDING, "bsn": "111222334"}, headers={"Authorization": f"Bearer {token}"})
    assert wrong.status_code == 422
    looked = client.get(f"/api/v1/cases/{case_id}?bsn={BSN}", headers={"Authorization": f"Bearer {token}"})
    assert looked.status_code == 200
    lines = _lines(capsys)
    text = json.dumps(lines, ensure_ascii=False)
    assert BSN not in text and "111222334" not in text and HULPVRAAG not in text and "Jansen" not in text
    requests = [line for line in lines if line["logger"] == "app.request"]
    assert [(line["method"], line["path"], line["status"]) for line in requests] == [
        ("POST", "/api/v1/meldingen", 201), ("POST", "/api/v1/meldingen", 422), ("GET", f"/api/v1/cases/{case_id}", 200)]
    first, _, last = requests
    assert first["request_id"] == "req-42" and created.headers["X-Request-ID"] == "req-42"
    assert first["user"] == "klantmanager" and last["case_id"] == case_id
    assert all({"timestamp", "level", "message", "duration_ms"} <= set(line) for line in requests)


def test_anything_that_looks_like_a_bsn_is_masked_even_in_a_traceback(json_app, capsys):
    try:
        raise ValueError(f"bsn {BSN} onbekend")
    except ValueError:
        logging.getLogger("app.somewhere").exception("lookup of %s failed", BSN)
    (line,) = _lines(capsys)
    assert line["message"] == "lookup of ********* failed"
    assert "ValueError: bsn ********* onbekend" in line["exception"] and BSN not in line["exception"]


def test_a_timer_firing_logs_its_case(json_app, capsys):
    settings = json_app.extensions["wmo"]
    case_id = create_case(settings, "999990019", date(2026, 1, 5))
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 1, 6))
    db.session.remove()
    capsys.readouterr()
    assert sweep(json_app) == 2
    lines = _lines(capsys)
    fired = [line for line in lines if line.get("timers")]
    assert fired and all(line["case_id"] == case_id for line in fired)
    assert "wacht_op_plan" in " ".join(line["timers"] for line in fired)


def test_text_logs_are_lines_for_a_terminal(sqlite_url, monkeypatch, capsys):
    app = _app(sqlite_url, monkeypatch, "text")
    with app.app_context():
        capsys.readouterr()
        assert app.test_client().get("/api/v1/tasks").status_code == 401
        db.session.remove()
        db.engine.dispose()
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "app.request" in line]
    assert " INFO app.request: GET /api/v1/tasks 401 " in line and "status=401" in line


def test_an_unknown_log_format_is_refused_naming_the_key(sqlite_url, monkeypatch):
    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("WMO_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match=r"\[logging\] format"):
        load_settings(ROOT / "config.toml")


@pytest.mark.parametrize("written", ["111222333", "1112.22.333", "111 222 333", "111-22-2333", "1112-22-333"])
def test_a_bsn_is_masked_however_it_is_written(written):
    from app.logs import mask

    assert mask(f"inwoner {written} belde") == "inwoner ********* belde"


def test_other_numbers_stay_readable():
    from app.logs import mask

    assert mask("zaak 1234, postcode 1234 AB, 12 december 2026, 0612345678") == \
        "zaak 1234, postcode 1234 AB, 12 december 2026, 0612345678"


def test_a_case_number_that_names_no_case_is_a_404_with_its_log_line(json_app, capsys):
    _, token = add_user("klantmanager", ["klantmanager"])
    capsys.readouterr()
    response = json_app.test_client().get("/api/v1/cases/%C2%B2", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # '²' is a digit to Python's isdigit, but no case number
    [line] = [line for line in _lines(capsys) if line["logger"] == "app.request"]
    assert (line["status"], line.get("case_id")) == (404, None)
