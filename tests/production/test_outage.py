"""PostgreSQL goes away under load and comes back: 503s while it is gone, never a 500, nothing confirmed lost,
and the web workers and the timer worker carry on without a restart."""
import os
import subprocess
from datetime import datetime

from .live import (BIN, MELDING, Client, Load, Proxy, check_against_ledger, free_port, gunicorn, pg_schema, prepare,
                   schema_url, timer_worker, wait_for)

CASES = 4
PASSWORD = "storing-test-2026"


def test_requests_get_503_while_the_database_is_unreachable_and_recover_when_it_is_back(tmp_path):
    proxy = Proxy()
    with pg_schema() as schema:
        direct = {**os.environ, "WMO_DATABASE_URL": schema_url(schema)}
        tokens = prepare(direct)
        wmo_env = {**direct, "WMO_DATABASE_URL": schema_url(schema, proxy.port), "WMO_LOG_FORMAT": "json",
                   "WMO_TIMERS_INTERVAL": "1", "WMO_TIMERS_STALE_AFTER": "60"}
        subprocess.run([str(BIN / "wmo"), "user", "passwd", "klantmanager", "--password-stdin"],
                       input=PASSWORD + "\n", env=direct, text=True, check=True, capture_output=True)
        port = free_port()
        web = gunicorn(wmo_env, port, tmp_path / "web.log").start()
        timers = timer_worker(wmo_env, tmp_path / "timers.log").start()
        client, browser = Client(port), Client(port)
        try:
            client.wait_until_up()
            browser.log_in("klantmanager", PASSWORD)
            wait_for(lambda: client.api("GET", "/healthz", None), lambda r: r[0] == 200)
            cases = [client.api("POST", "/api/v1/meldingen", tokens["klantmanager"], MELDING)[1]["case_id"]
                     for _ in range(CASES)]
            load = Load(client, tokens, cases).start()
            try:
                wait_for(load.steps, lambda n: n >= 4)
                proxy.cut()  # PostgreSQL "restarts": every connection breaks, new ones are refused
                wait_for(lambda: load.count(503), lambda n: n >= 6)
                status, headers, page = browser.request("GET", "/werkvoorraad")
                assert status == 503 and "De database is even niet bereikbaar" in page and headers["Retry-After"]
                status, body = client.api("GET", f"/api/v1/cases/{cases[0]}", tokens["teamleider"])
                assert status == 503 and set(body) == {"error", "fields"} and "niet bereikbaar" in body["error"]
                status, report = client.api("GET", "/healthz", None)
                assert status == 503 and report["database"]["ok"] is False
                # The timer worker's sweeps fail too: it logs each and tries again at the next interval.
                wait_for(timers.log_lines, lambda lines: any(
                    line["level"] == "ERROR" and "timer sweep failed" in line["message"] for line in lines))
                before = load.steps()
                proxy.restore()
                wait_for(load.steps, lambda n: n >= before + 4)  # confirmed steps again, without restarting anything
            finally:
                load.stop()
            assert 500 not in load.statuses and load.count(503) >= 6 and load.errors == []
            assert browser.request("GET", "/werkvoorraad")[0] == 200

            # The timer worker lived through it: logged its failed sweeps, then beat and fired again.
            restored = max(datetime.fromisoformat(line["timestamp"]) for line in web.log_lines() if line.get("status") == 503)
            report = wait_for(lambda: client.api("GET", "/healthz", None)[1], lambda r: r["status"] == "ok" and
                              datetime.fromisoformat(r["timers"]["workers"][0]["last_seen"]) > restored)
            assert timers.alive() and report["timers"]["workers"][0]["pid"] == timers.process.pid

            # Nothing confirmed was lost, nothing doubled; no timer fired twice.
            lost_answers = load.count(503)  # a step whose commit landed just before its connection broke
            fired = check_against_ledger(client, tokens, schema_url(schema), load.confirmed, lost_answers)
            assert all(len(names) == len(set(names)) for names in fired.values()), fired
        finally:
            web.kill()
            timers.kill()
            proxy.close()
