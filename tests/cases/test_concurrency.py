"""Two caseworkers finish the same task at the same moment: one wins, one hears 409, one audit entry."""
import threading

from sqlalchemy import func, select

from app.db import db
from app.models import AuditEvent

from ..api.test_routes import call, new_case, open_task


def test_two_completions_of_one_task_at_once(app, client, tokens):
    case_id = new_case(client, tokens)
    task = open_task(client, tokens, case_id, "gesprek_plannen")
    url = f"/api/v1/tasks/{task['id']}/complete"
    barrier, results = threading.Barrier(2), []

    def finish():
        with app.app_context():
            local = app.test_client()
            barrier.wait()
            results.append(call(local, "POST", url, tokens["klantmanager"], {"gesprek_nodig": True,
                                                                              "gesprek_datum": "2026-11-20",
                                                                              "gesprek_vorm": "telefonisch"}))
            db.session.remove()

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _ in results) == [200, 409], results
    conflict = next(body for status, body in results if status == 409)
    assert set(conflict) == {"error", "fields"}
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.task_id == task["id"]))
    assert count == 1
