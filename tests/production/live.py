"""Helpers for tests against live processes on PostgreSQL: gunicorn web workers, `wmo timers run`, a cuttable proxy.

Each test gets a schema of its own in the shared database (as tests/conftest.py does), so runs never see each
other's rows; the PostgreSQL server itself is never stopped: an outage is a proxy between the app and it, cut.
"""
from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from app.config import load_settings
from app.demo import DEFAULTS, create_case, demo_bsns, example_answers

from ..conftest import PG_URL, ROOT

BIN = Path(sys.executable).parent
MELDING = {"bsn": "111222333", "naam": "T. Est", "geboortedatum": "1950-01-01", "hulpvraag": "Douchestoel",
           "kanaal": "digitaal", "adres": {"straat": "A", "huisnummer": "1", "postcode": "1234 AB", "woonplaats": "B"}}
ANSWERS = {
    "gesprek_plannen": {"gesprek_nodig": False, "inwoner_stemt_in": True, "leveringsvorm": "zin", "soort_hulp": "hulpmiddel"},
    "verslag_ondertekenen": {"akkoord": True, "hulp_aanvragen": True},
    "besluit_nemen": {"besluit": "toekennen", "leveringsvorm": "zin", "ingangsdatum": "2026-12-07", "einddatum": "2027-12-05"},
}
ROLES = ("klantmanager", "beslisser", "teamleider")
# the web process is not there (killed, starting) or died halfway through its answer
DOWN = (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def pg_schema():
    """A fresh schema in the test database; yields its name, drops it afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def schema_url(schema: str, port: int | None = None) -> str:
    """The URL of ``schema``, through ``port`` (a proxy) instead of PostgreSQL's own when given."""
    url = PG_URL if port is None else re.sub(r"@[^/]+/", f"@127.0.0.1:{port}/", PG_URL)
    return f"{url}?options=-csearch_path%3D{schema}"


class Proxy:
    """A TCP proxy in front of PostgreSQL that a test cuts (as if the server went down) and restores."""

    def __init__(self, target=("127.0.0.1", 5432)):
        parsed = urllib.parse.urlsplit(PG_URL.replace("postgresql+psycopg", "postgresql"))
        self.target = (parsed.hostname or target[0], parsed.port or target[1])
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                client.close()  # the server is "down": every new connection fails at once
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            self._drop(s)

    def _drop(self, s):
        with self.lock:
            self.sockets.discard(s)
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        s.close()

    def cut(self):
        """Refuse new connections and break every open one, as a PostgreSQL restart does."""
        self.up = False
        with self.lock:
            open_sockets = list(self.sockets)
        for s in open_sockets:
            self._drop(s)

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def wmo(env, *args) -> str:
    result = subprocess.run([str(BIN / "wmo"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def prepare(env) -> dict[str, str]:
    """Migrate the database, deploy the route and make one user per role; return their API tokens."""
    wmo(env, "db", "upgrade")
    return {role: wmo(env, "user", "add", role, "--role", role).strip().splitlines()[-1] for role in ROLES}


def cases_waiting_on_timers(url: str, count: int) -> list[int]:
    """Meldingen received on 1 October and registered that day: each waits on its onderzoek term, passed since."""
    before = os.environ.get("WMO_DATABASE_URL")
    os.environ["WMO_DATABASE_URL"] = url
    try:
        app = create_app(load_settings(ROOT / "config.toml"))
    finally:
        if before is None:
            del os.environ["WMO_DATABASE_URL"]
        else:
            os.environ["WMO_DATABASE_URL"] = before
    from app.db import db

    with app.app_context():
        ids = [create_case(app.extensions["wmo"], bsn, date(2026, 10, 1)) for bsn in demo_bsns(count)]
        db.session.remove()
        db.engine.dispose()
    return ids


class Process:
    """A server process started in its own process group, so SIGKILL takes it and its workers at once."""

    def __init__(self, command, env, log_path: Path):
        self.command, self.env, self.log_path = command, env, log_path
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        log.close()
        return self

    def kill(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line))
        return lines


def gunicorn(env, port: int, log_path: Path, workers: int = 2) -> Process:
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", "2", "--bind", f"127.0.0.1:{port}",
               "--graceful-timeout", "2", "app.wsgi:app"]
    return Process(command, env, log_path)


def timer_worker(env, log_path: Path) -> Process:
    return Process([str(BIN / "wmo"), "timers", "run"], env, log_path)


class Client:
    """The API (and, logged in, the web pages) of a live server, as another tool or a caseworker uses them."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, method, path, token=None, body=None, form=None):
        """Return (status, headers, text)."""
        headers, data = {}, None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def api(self, method, path, token, body=None):
        """Return (status, body); a body that is not the API's JSON (a server's bare error page) comes back as
        ``{"error": <its text>, "fields": {}, "not_json": True}``, so its status is counted, never lost in a thread."""
        status, _, text = self.request(method, path, token, body)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, {"error": text[:300], "fields": {}, "not_json": True}

    def wait_until_up(self, path="/api/v1/openapi.json"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(*DOWN):
                if self.request("GET", path)[0] < 500:
                    return
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def log_in(self, username, password):
        _, _, page = self.request("GET", "/inloggen")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _, _ = self.request("POST", "/inloggen", form={"csrf_token": csrf, "gebruikersnaam": username,
                                                               "wachtwoord": password})
        assert status == 200


def wait_for(probe, done, seconds: float = 60):
    """Call ``probe`` until ``done(result)``; return that result (fail after ``seconds``: a hang, not a measure)."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(*DOWN):
            result = probe()
            if done(result):
                return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still not done after {seconds} s")
        time.sleep(0.2)


def advance(client: Client, tokens, case_id):
    """Complete the case's first open task as its lane's role.

    Returns (status of the completion, or of the call that failed first; the task id when the server confirmed it).
    """
    status, body = client.api("GET", f"/api/v1/tasks?case_id={case_id}", tokens["teamleider"])
    if status != 200 or not body["tasks"]:
        return status, None
    task = body["tasks"][0]
    status, detail = client.api("GET", f"/api/v1/tasks/{task['id']}", tokens["teamleider"])
    if status != 200:
        return status, None
    answers = example_answers(detail["form"], {**DEFAULTS.get(task["name"], {}), **ANSWERS.get(task["name"], {})},
                              "2026-11-20")
    token = tokens.get(task["lane"], tokens["klantmanager"])
    status, _ = client.api("POST", f"/api/v1/tasks/{task['id']}/complete", token, answers)
    return status, task["id"] if status == 200 else None


class Load:
    """Two clients stepping random cases (``advance``) until stopped, keeping the ledger of steps the server confirmed.

    A call that cannot reach the server (its web workers dead or starting) is tried again a moment later.
    """

    def __init__(self, client: Client, tokens, cases: list[int]):
        self.client, self.tokens, self.cases = client, tokens, cases
        self.confirmed = {case_id: [] for case_id in cases}  # the client's own ledger of steps the server confirmed
        self.statuses: list[int] = []
        self.errors: list[str] = []  # anything else a client thread ran into: a test asserts there is none
        self._stop, self._lock = threading.Event(), threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(seed,)) for seed in (1, 2)]

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self._stop.is_set():
            case_id = rng.choice(self.cases)
            try:
                status, done = advance(self.client, self.tokens, case_id)
            except DOWN:
                time.sleep(0.05)
                continue
            except Exception as error:  # e.g. an answer in an unexpected shape: recorded, and the load goes on
                with self._lock:
                    self.errors.append(f"{type(error).__name__}: {error}")
                time.sleep(0.05)
                continue
            with self._lock:
                self.statuses.append(status)
                if done:
                    self.confirmed[case_id].append(done)

    def start(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def steps(self) -> int:
        with self._lock:
            return sum(len(ledger) for ledger in self.confirmed.values())

    def count(self, status: int) -> int:
        with self._lock:
            return self.statuses.count(status)


def check_against_ledger(client: Client, tokens, url, confirmed: dict, lost_answers: int):
    """Every case's stored steps against the client's ledger and the audit trail; return each case's timer names."""
    engine = sa.create_engine(url)
    timers = {}
    try:
        with engine.connect() as conn:
            for case_id, ledger in confirmed.items():
                status, case = client.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
                assert status == 200
                stored = [h["task_id"] for h in case["history"] if h["kind"] == "taak"]
                # Every confirmed step is stored, once and in order; the only extra steps are ones whose answer
                # was lost when the connection broke.
                assert [s for s in stored if s in ledger] == ledger
                assert len(set(stored)) == len(stored) and len(stored) - len(ledger) <= lost_answers
                # The task projection agrees with the audit trail: every completed step closed its task, and
                # no task still open has a step recorded against it.
                rows = dict(conn.execute(sa.text("SELECT id, closed_at IS NOT NULL FROM task WHERE case_id = :id"),
                                         {"id": case_id}).all())
                assert all(rows.get(task_id) is True for task_id in stored)
                assert {t["id"] for t in case["open_tasks"]} == {i for i, closed in rows.items() if not closed}
                timers[case_id] = [h["name"] for h in case["history"] if h["kind"] == "timer"]
    finally:
        engine.dispose()
    return timers
