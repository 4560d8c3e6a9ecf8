"""A case survives the app being killed (SIGKILL) at any moment: nothing lost, nothing doubled."""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from app.demo import DEFAULTS, example_answers

ROOT = Path(__file__).resolve().parents[1]
WMO = Path(sys.executable).parent / "wmo"
ANSWERS = {
    "gesprek_plannen": {"gesprek_nodig": False, "inwoner_stemt_in": True, "leveringsvorm": "zin", "soort_hulp": "hulpmiddel"},
    "verslag_ondertekenen": {"akkoord": True, "hulp_aanvragen": True},
    "besluit_nemen": {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": "2026-12-07", "einddatum": "2027-12-05"},
}
KILLS = 4
MELDING = {"bsn": "111222333", "naam": "T. Est", "geboortedatum": "1950-01-01", "hulpvraag": "Douchestoel",
           "kanaal": "digitaal", "adres": {"straat": "A", "huisnummer": "1", "postcode": "1234 AB", "woonplaats": "B"}}


class Server:
    def __init__(self, tmp_path):
        self.env = {**os.environ, "WMO_DATABASE_URL": f"sqlite:///{tmp_path / 'wmo.db'}"}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = None

    def run(self, *args):
        result = subprocess.run([str(WMO), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self):
        self.process = subprocess.Popen([str(WMO), "serve", "--port", str(self.port)], cwd=ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/openapi.json", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def api(self, method, path, token, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def advance(server, tokens, case_id):
    """Complete the case's open task; return its name when the server confirmed it, else None."""
    status, body = server.api("GET", f"/api/v1/tasks?case_id={case_id}", tokens["teamleider"])
    if not body["tasks"]:
        return None
    task = body["tasks"][0]
    status, detail = server.api("GET", f"/api/v1/tasks/{task['id']}", tokens["teamleider"])
    answers = example_answers(detail["form"], {**DEFAULTS.get(task["name"], {}), **ANSWERS.get(task["name"], {})}, "2026-11-20")
    token = tokens["beslisser"] if task["lane"] == "beslisser" else tokens["klantmanager"]
    status, body = server.api("POST", f"/api/v1/tasks/{task['id']}/complete", token, answers)
    assert status in (200, 409), body
    return task["id"] if status == 200 else None


def test_cases_survive_sigkill(tmp_path):
    server = Server(tmp_path)
    server.run("db", "upgrade")
    tokens = {role: server.run("user", "add", role, "--role", role).strip().splitlines()[-1]
              for role in ("klantmanager", "beslisser", "teamleider")}
    server.start()
    cases = [server.api("POST", "/api/v1/meldingen", tokens["klantmanager"], MELDING)[1]["case_id"] for _ in range(4)]
    confirmed = {case_id: [] for case_id in cases}  # the client's own ledger of steps the server confirmed
    rng = random.Random(20261122)
    for _ in range(KILLS):
        stop = threading.Event()

        def load():
            while not stop.is_set():
                case_id = rng.choice(cases)
                try:
                    done = advance(server, tokens, case_id)
                except (urllib.error.URLError, ConnectionError, OSError):
                    return
                if done:
                    confirmed[case_id].append(done)

        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        stop.set()
        worker.join(30)
        server.start()
    try:
        for case_id in cases:
            status, case = server.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
            assert status == 200
            stored = [h["task_id"] for h in case["history"] if h["kind"] == "taak"]
            # Every confirmed step is stored, once and in order; the only extra steps are ones whose
            # answer was lost in a kill (at most one per kill).
            assert [s for s in stored if s in confirmed[case_id]] == confirmed[case_id]
            assert 0 <= len(stored) - len(confirmed[case_id]) <= KILLS
            assert len(set(stored)) == len(stored)
            # And the case goes on to the end of the intake as if nothing happened.
            while advance(server, tokens, case_id):
                pass
            status, case = server.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
            assert case["waiting_for_events"] == ["bezwaar_ingediend", "zorg_gestart"]
    finally:
        server.kill()


def test_web_and_timer_workers_killed_at_random_on_postgresql(tmp_path):
    """Production's shape: gunicorn web workers and a separate `wmo timers run`, each SIGKILLed at random moments."""
    import sqlalchemy as sa

    from .production import live

    with live.pg_schema() as schema:
        url = live.schema_url(schema)
        env = {**os.environ, "WMO_DATABASE_URL": url, "WMO_TIMERS_INTERVAL": "1"}
        tokens = live.prepare(env)
        waiting = live.cases_waiting_on_timers(url, 20)  # each one's onderzoek term has passed: the worker fires them
        port = live.free_port()
        web = live.gunicorn(env, port, tmp_path / "web.log").start()
        timers = live.timer_worker(env, tmp_path / "timers.log")
        client = live.Client(port)
        client.wait_until_up()
        cases = [client.api("POST", "/api/v1/meldingen", tokens["klantmanager"], MELDING)[1]["case_id"] for _ in range(4)]
        load = live.Load(client, tokens, cases).start()
        timers.start()
        rng, web_kills = random.Random(20261201), 0
        try:
            for _ in range(3):
                time.sleep(rng.uniform(0.3, 1.5))
                victim = rng.choice(["web", "timers", "both"])
                if victim in ("web", "both"):
                    web.kill()
                    web_kills += 1
                if victim in ("timers", "both"):
                    timers.kill()
                    timers.start()
                if victim in ("web", "both"):
                    web.start()
                    client.wait_until_up()
        finally:
            load.stop()
        try:
            assert 500 not in load.statuses and load.errors == []
            engine = sa.create_engine(url)
            due = sa.text("SELECT count(*) FROM timer WHERE due_at <= :now")
            with engine.connect() as conn:  # the last worker started catches up on what the killed ones left
                live.wait_for(lambda: conn.execute(due, {"now": datetime.now(timezone.utc).replace(tzinfo=None)}).scalar(),
                              lambda n: n == 0, seconds=120)
            engine.dispose()
            ledger = {**load.confirmed, **{case_id: [] for case_id in waiting}}
            fired = live.check_against_ledger(client, tokens, url, ledger, 2 * web_kills)
            # Every passed onderzoek term fired, once: none lost to a kill, none doubled by a restart.
            assert all(fired[case_id] == ["onderzoektermijn_verstreken"] for case_id in waiting), fired
            assert all(len(names) == len(set(names)) for names in fired.values())
            for case_id in cases[:2]:  # and the cases go on to the end of the intake as if nothing happened
                while live.advance(client, tokens, case_id)[1]:
                    pass
                status, case = client.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
                assert case["waiting_for_events"] == ["bezwaar_ingediend", "zorg_gestart"]
        finally:
            web.kill()
            timers.kill()
