"""Production: two gunicorn web workers on PostgreSQL serve the route; the timers run beside them, never inside."""
import os

from .live import (Client, advance, cases_waiting_on_timers, free_port, gunicorn, pg_schema, prepare, schema_url,
                   timer_worker, wait_for)


def test_two_gunicorn_workers_serve_the_route_and_leave_the_timers_to_wmo_timers_run(tmp_path):
    with pg_schema() as schema:
        env = {**os.environ, "WMO_DATABASE_URL": schema_url(schema), "WMO_LOG_FORMAT": "json", "WMO_TIMERS_INTERVAL": "1",
               "WMO_TIMERS_STALE_AFTER": "60"}
        tokens = prepare(env)
        (case_id,) = cases_waiting_on_timers(schema_url(schema), 1)  # its onderzoek term passed on 12 November
        port = free_port()
        web = gunicorn(env, port, tmp_path / "web.log").start()
        timers = None
        client = Client(port)
        try:
            client.wait_until_up()
            # The web workers run no timer worker: nobody has beaten yet, so the load balancer hears 503.
            status, report = client.api("GET", "/healthz", None)
            assert status == 503 and report["database"]["ok"] and report["timers"]["workers"] == []

            status, case = client.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
            assert status == 200 and [h["kind"] for h in case["history"]] == ["melding"]  # no timer fired in the web workers

            timers = timer_worker(env, tmp_path / "timers.log").start()
            report = wait_for(lambda: client.api("GET", "/healthz", None), lambda r: r[0] == 200)[1]
            assert [w["pid"] for w in report["timers"]["workers"]] == [timers.process.pid]
            case = wait_for(lambda: client.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])[1],
                            lambda c: any(h["kind"] == "timer" for h in c["history"]))
            assert [h["name"] for h in case["history"] if h["kind"] == "timer"] == ["onderzoektermijn_verstreken"]
            assert "onderzoektermijn_bewaken" in [t["name"] for t in case["open_tasks"]]  # the teamleider's task

            confirmed = []
            for _ in range(4):  # the teamleider's task and the klantmanager's, each on either web worker
                status, task_id = advance(client, tokens, case_id)
                assert status == 200
                confirmed.append(task_id)
            status, case = client.api("GET", f"/api/v1/cases/{case_id}", tokens["teamleider"])
            assert [h["task_id"] for h in case["history"] if h["kind"] == "taak"] == confirmed
        finally:
            web.kill()
            if timers:
                timers.kill()
        requests = [line for line in web.log_lines() if line.get("logger") == "app.request"]
        assert {(line["method"], line["path"], line["status"]) for line in requests} >= {
            ("POST", f"/api/v1/tasks/{confirmed[0]}/complete", 200), ("GET", f"/api/v1/cases/{case_id}", 200)}
        assert "999900" not in (tmp_path / "web.log").read_text()  # the demo BSNs
        fired = [line for line in timers.log_lines() if line.get("timers")]
        assert [line["case_id"] for line in fired] == [case_id]
