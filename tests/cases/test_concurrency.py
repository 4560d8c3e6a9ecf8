"""Two caseworkers finish the same task at the same moment: one wins, one hears 409, one audit entry."""
import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.db import db
from app.models import AuditEvent, Case

from ..api.test_routes import call, new_case, open_task

ANSWERS = {"gesprek_nodig": True, "gesprek_datum": "2026-11-20", "gesprek_vorm": "telefonisch"}


def test_two_completions_of_one_task_at_once(app, client, tokens):
    case_id = new_case(client, tokens)
    task = open_task(client, tokens, case_id, "gesprek_plannen")
    url = f"/api/v1/tasks/{task['id']}/complete"
    barrier, results = threading.Barrier(2), []

    def finish():
        with app.app_context():
            local = app.test_client()
            barrier.wait()
            results.append(call(local, "POST", url, tokens["klantmanager"], ANSWERS))
            db.session.remove()

    conflict = one_wins(finish, results)
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.task_id == task["id"]))
    assert count == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_clients_over_http_complete_one_task_once(app, client, tokens):
    """Real HTTP against a live threaded server on PostgreSQL: per task one 200, one 409, one audit entry."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        for _ in range(3):
            case_id = new_case(client, tokens)
            task = open_task(client, tokens, case_id, "gesprek_plannen")
            before = db.session.get(Case, case_id).version
            barrier, results = threading.Barrier(2), []

            def finish():
                request = urllib.request.Request(
                    f"{base}/api/v1/tasks/{task['id']}/complete", method="POST", data=json.dumps(ANSWERS).encode(),
                    headers={"Authorization": f"Bearer {tokens['klantmanager']}", "Content-Type": "application/json"})
                barrier.wait()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        results.append((response.status, json.load(response)))
                except urllib.error.HTTPError as error:
                    results.append((error.code, json.load(error)))

            conflict = one_wins(finish, results)
            assert "al afgerond" in conflict["error"]
            db.session.expire_all()
            audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.task_id == task["id"]))
            assert audits == 1 and db.session.get(Case, case_id).version == before + 1
    finally:
        server.shutdown()
        serving.join(10)


def one_wins(finish, results) -> dict:
    """Run ``finish`` in two threads at once; assert one got 200 and the other 409 in the error shape; return the 409's body."""
    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _ in results) == [200, 409], results
    conflict = next(body for status, body in results if status == 409)
    assert set(conflict) == {"error", "fields"}
    return conflict
