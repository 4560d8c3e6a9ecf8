"""The wmo command as an operator uses it, on a fresh SQLite database."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WMO = Path(sys.executable).parent / "wmo"


def wmo(tmp_path, *args, env=None):
    environment = {**os.environ, "WMO_DATABASE_URL": f"sqlite:///{tmp_path / 'wmo.db'}", **(env or {})}
    return subprocess.run([str(WMO), *args], cwd=ROOT, capture_output=True, text=True, env=environment, timeout=120)


@pytest.fixture
def db(tmp_path):
    result = wmo(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "route base versie 1" in result.stdout
    return tmp_path


def test_db_upgrade_twice_keeps_one_version(db):
    result = wmo(db, "db", "upgrade")
    assert result.returncode == 0 and "versie 1" in result.stdout


def test_user_add_prints_a_token_that_is_stored_only_as_a_hash(db):
    import sqlite3

    result = wmo(db, "user", "add", "anna", "--role", "klantmanager", "--role", "teamleider")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    row = sqlite3.connect(db / "wmo.db").execute("select roles, token_hash from app_user where username='anna'").fetchone()
    assert json.loads(row[0]) == ["klantmanager", "teamleider"] and token not in row[1] and len(row[1]) == 64
    again = wmo(db, "user", "add", "anna", "--role", "klantmanager")
    assert again.returncode != 0 and "bestaat al" in again.stderr


def test_user_add_refuses_an_unknown_role(db):
    result = wmo(db, "user", "add", "bob", "--role", "koning")
    assert result.returncode != 0 and "role" in result.stderr and "koning" in result.stderr


def test_demo_load_timers_fire_and_cases_show(db):
    result = wmo(db, "demo", "load")
    assert result.returncode == 0, result.stderr
    assert "20 demozaken" in result.stdout and "klantmanager" in result.stdout
    assert "al" in wmo(db, "demo", "load").stdout  # second time: nothing done
    fired = wmo(db, "timers", "fire", "--now", "2031-01-01T00:00:00+01:00")
    assert fired.returncode == 0, fired.stderr
    assert int(fired.stdout.split()[0]) >= 3  # plan window, bezwaartermijn, hulp
    shown = wmo(db, "cases", "show", "1")
    assert shown.returncode == 0
    case = json.loads(shown.stdout)
    assert case["id"] == 1 and case["open_tasks"][0]["name"] == "gesprek_plannen"
    assert wmo(db, "cases", "show", "999").returncode != 0


def test_letters_render_makes_every_missing_pdf_once(db):
    import sqlite3

    assert wmo(db, "demo", "load").returncode == 0
    connection = sqlite3.connect(db / "wmo.db")
    waiting = connection.execute("select count(*) from document where pdf is null").fetchone()[0]
    assert waiting >= 20  # the demo's letters, stored by their steps without a PDF yet
    result = wmo(db, "letters", "render")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{waiting} pdf('s) gemaakt"
    rows = connection.execute("select pdf, sha256 from document").fetchall()
    assert all(pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == sha256 for pdf, sha256 in rows)
    assert wmo(db, "letters", "render").stdout.strip() == "0 pdf('s) gemaakt"


@pytest.mark.parametrize("value", ["gisteren", "2026-12-01T09:00:00"])
def test_timers_fire_refuses_a_bad_instant(db, value):
    result = wmo(db, "timers", "fire", "--now", value)
    assert result.returncode != 0 and "--now" in result.stderr


def test_processes_check_passes_on_the_shipped_route(db):
    result = wmo(db, "processes", "check")
    assert result.returncode == 0 and "in orde" in result.stdout, result.stderr
    assert "let op" not in result.stderr  # bpmnlint ran


def test_processes_check_names_file_element_and_reason(tmp_path):
    import shutil

    shutil.copytree(ROOT / "processes", tmp_path / "processes")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    (tmp_path / "config.toml").write_text((ROOT / "config.toml").read_text())
    path = tmp_path / "processes" / "base" / "wmo_melding.bpmn"
    path.write_text(path.read_text().replace("onderzoek_vanaf = ontvangen_op", "import os\nonderzoek_vanaf = ontvangen_op"))
    (tmp_path / "forms" / "base" / "besluit_nemen.json").unlink()
    result = wmo(tmp_path, "processes", "check", "--gemeente", "base", env={"WMO_CONFIG": str(tmp_path / "config.toml")})
    assert result.returncode != 0
    assert "processes/base/wmo_melding.bpmn: melding_registreren: " in result.stderr and "import" in result.stderr
    assert "processes/base/wmo_beoordeling.bpmn: besluit_nemen: formulier besluit_nemen.json bestaat niet" in result.stderr


def test_missing_config_is_a_clear_error(tmp_path):
    result = wmo(tmp_path, "db", "upgrade", env={"WMO_CONFIG": str(tmp_path / "nope.toml")})
    assert result.returncode != 0 and "nope.toml" in result.stderr and "Traceback" not in result.stderr


def test_timers_run_is_a_worker_that_fires_what_is_due(db, monkeypatch):
    import sqlite3
    import time
    from datetime import date

    from app import create_app
    from app.config import load_settings
    from app.demo import create_case, task, walk

    monkeypatch.setenv("WMO_DATABASE_URL", f"sqlite:///{db / 'wmo.db'}")
    app = create_app(load_settings(ROOT / "config.toml"))
    with app.app_context():  # a case from January: its plan window and onderzoek term passed long ago
        case_id = create_case(app.extensions["wmo"], "999990019", date(2026, 1, 5))
        walk(app.extensions["wmo"], case_id, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 1, 6))
        from app.db import db as database

        database.session.remove()
        database.engine.dispose()
    connection = sqlite3.connect(db / "wmo.db")
    env = {**os.environ, "WMO_DATABASE_URL": f"sqlite:///{db / 'wmo.db'}", "WMO_TIMERS_INTERVAL": "1"}
    worker = subprocess.Popen([str(WMO), "timers", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        steps = []
        while time.monotonic() < deadline and not steps:
            steps = connection.execute("select name from audit_event where kind = 'timer'").fetchall()
            time.sleep(0.5)
        time.sleep(2.5)  # two more sweeps: nothing may fire twice
        steps = connection.execute("select name from audit_event where kind = 'timer'").fetchall()
        # one step that fired the persoonlijk-plan window and the onderzoek term together
        assert steps == [("onderzoektermijn_verstreken, wacht_op_plan",)]
        names = {r[0] for r in connection.execute("select name from task where closed_at is null")}
        assert names == {"gesprek_voeren", "onderzoektermijn_bewaken"}
        # and after its sweeps it rendered the letters' PDFs (ontvangstbevestiging, uitnodiging)
        letters = connection.execute("select kind, substr(pdf, 1, 4) from document order by id").fetchall()
        assert letters == [("ontvangstbevestiging", b"%PDF"), ("uitnodiging_gesprek", b"%PDF")]
    finally:
        worker.terminate()
        worker.wait(10)


def test_serve_stops_at_ctrl_c_without_first_rendering_every_waiting_letter(db):
    import signal
    import socket
    import sqlite3
    import time

    assert wmo(db, "demo", "load").returncode == 0  # some 60 letters, each waiting for its PDF
    connection = sqlite3.connect(db / "wmo.db")

    def waiting():
        return connection.execute("select count(*) from document where pdf is null").fetchone()[0]

    before = waiting()
    assert before > 20
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WMO_DATABASE_URL": f"sqlite:///{db / 'wmo.db'}", "WMO_TIMERS_INTERVAL": "60"}
    server = subprocess.Popen([str(WMO), "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and waiting() == before:  # its timer worker has begun on the letters
            time.sleep(0.05)
        at_ctrl_c = waiting()
        assert 0 < at_ctrl_c < before
        server.send_signal(signal.SIGINT)
        assert server.wait(60) == 0
    finally:
        if server.poll() is None:
            server.kill()
    # It stopped after the letter at hand (before: it went on until the backlog was done or its interval was over).
    assert waiting() >= at_ctrl_c - 2
