"""The timer worker: a sweep fires what came due while nobody looked, and the scheduler runs it."""
import time
from datetime import date

from sqlalchemy import func, select

from app.db import db
from app.demo import create_case, task, walk
from app.letters import pdfs
from app.models import Timer
from timers.ticker import start_ticker, sweep


def _case_with_an_overdue_timer(settings):
    case_id = create_case(settings, "999990019", date(2026, 1, 5))
    walk(settings, case_id, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 1, 6))
    # the persoonlijk-plan window and the onderzoek term's escalation
    assert db.session.scalar(select(func.count()).select_from(Timer)) == 2
    return case_id


def test_sweep_catches_up_after_downtime(sqlite_app):
    settings = sqlite_app.extensions["wmo"]
    _case_with_an_overdue_timer(settings)
    assert sweep(sqlite_app) == 2
    assert sweep(sqlite_app) == 0  # fired once, never twice
    assert db.session.scalar(select(func.count()).select_from(Timer)) == 0


def test_scheduler_in_the_web_process_sweeps(sqlite_app):
    settings = sqlite_app.extensions["wmo"]
    _case_with_an_overdue_timer(settings)
    db.session.remove()
    scheduler = start_ticker(sqlite_app)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            db.session.remove()
            if db.session.scalar(select(func.count()).select_from(Timer)) == 0:
                break
            time.sleep(0.2)
        assert db.session.scalar(select(func.count()).select_from(Timer)) == 0
        while time.monotonic() < deadline and pdfs.pending():  # and it renders the letters' PDFs after the sweep
            db.session.remove()
            time.sleep(0.2)
        assert pdfs.pending() == 0
    finally:
        scheduler.shutdown(wait=True)


def test_the_worker_refreshes_sqlites_planner_statistics(sqlite_app):
    from sqlalchemy import text

    from timers.ticker import refresh_statistics

    create_case(sqlite_app.extensions["wmo"], "999990019", date(2026, 1, 5))
    refresh_statistics(sqlite_app)
    tables = {row[0] for row in db.session.execute(text("SELECT tbl FROM sqlite_stat1"))}
    assert {"task", "wmo_case"} <= tables  # the inbox's index choice rests on these


def test_a_case_whose_timer_step_fails_holds_up_no_other_case(sqlite_app, monkeypatch, caplog):
    from app.cases import service
    from app.letters import LetterError

    settings = sqlite_app.extensions["wmo"]
    broken = _case_with_an_overdue_timer(settings)
    healthy = create_case(settings, "999990020", date(2026, 1, 5))
    walk(settings, healthy, [task("gesprek_plannen", gesprek_nodig=True)], date(2026, 1, 6))
    fire_case = service._fire_case

    def failing_for_one(settings, case, now):
        if case.id == broken:
            raise LetterError("de brief kan niet worden gemaakt: naam ontbreekt in de zaak", {"naam": "nodig"})
        return fire_case(settings, case, now)

    monkeypatch.setattr(service, "_fire_case", failing_for_one)
    assert sweep(sqlite_app) == 2  # the healthy case's two timers, although the broken case comes first
    timers_left = db.session.scalars(select(Timer.case_id)).all()
    assert timers_left == [broken, broken]  # the broken case is left exactly as it was, to fire once mended
    assert any(f"case {broken}" in record.getMessage() for record in caplog.records)
    monkeypatch.setattr(service, "_fire_case", fire_case)
    assert sweep(sqlite_app) == 2


def test_a_long_sweep_keeps_beating_so_healthz_still_sees_the_worker(sqlite_app, monkeypatch):
    import timers.ticker
    from app.health import service as health

    settings = sqlite_app.extensions["wmo"]
    _case_with_an_overdue_timer(settings)
    beats = []
    beat = health.beat
    monkeypatch.setattr(health, "beat", lambda started_at: (beats.append(started_at), beat(started_at)))
    monkeypatch.setattr(timers.ticker, "BEAT_SECONDS", 0.0)
    assert sweep(sqlite_app) == 2
    assert len(beats) == 3  # before the sweep, after its batch of cases, and after the sweep
