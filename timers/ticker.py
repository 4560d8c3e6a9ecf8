"""The timer worker: APScheduler calls ``fire_due(now)`` every few seconds, then renders letters' PDFs.

The database is the source of truth (the timer table); the scheduler holds nothing that a
restart could lose, so after downtime the first sweep catches up everything that came due.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)
SWEEP_LIMIT = 1000  # a sweep hands over to the next one after this many, so a backlog never blocks shutdown long
BEAT_SECONDS = 1.0  # during a long sweep, the heartbeat at most this often (after a batch of cases)


def sweep(app, letters_until: float | None = None) -> int:
    """Record this worker's heartbeat, fire every timer due now and render waiting letters' PDFs; return how many fired.

    Letters' PDFs are rendered until none wait or until ``letters_until`` (``time.monotonic()``; default
    ``LETTERS_SECONDS`` from the end of the firing), so a backlog of letters never holds up the next sweep.
    A failing sweep (the database restarting, a connection cut) is logged and retried at the next interval.
    """
    from app.cases.service import fire_due
    from app.health.service import beat

    started_at = app.extensions.setdefault("wmo_timer_worker_started", datetime.now(timezone.utc))
    try:
        with app.app_context():
            began = time.perf_counter()
            beat(started_at)
            last_beat = [time.monotonic()]

            def beat_now_and_then():  # a long backlog must not make /healthz think this worker is gone
                if time.monotonic() - last_beat[0] >= BEAT_SECONDS:
                    beat(started_at)
                    last_beat[0] = time.monotonic()

            fired = fire_due(app.extensions["wmo"], datetime.now(timezone.utc), limit=SWEEP_LIMIT,
                             after_batch=beat_now_and_then)
            if fired:
                beat(started_at)
                log.info("timer sweep fired %s", fired,
                         extra={"fired": fired, "duration_ms": round((time.perf_counter() - began) * 1000, 1)})
    except Exception:  # a worker must survive a bad sweep (database restart, ...)
        log.exception("timer sweep failed; retrying at the next interval")
        return 0
    render_letters(app, letters_until)
    return fired


LETTERS_SECONDS = 2.0  # what a sweep spends on letters' PDFs at least, when the caller gives no time of its own


def render_letters(app, until: float | None = None) -> int:
    """Render the PDFs of letters stored without one (``letters.pdfs``) until ``until``, and for at least
    ``LETTERS_SECONDS``; failures are logged."""
    from app.letters.pdfs import render_pending

    try:
        with app.app_context():
            began = time.perf_counter()
            seconds = LETTERS_SECONDS if until is None else max(LETTERS_SECONDS, until - time.monotonic())
            rendered = render_pending(seconds=seconds, stop=app.extensions.get("wmo_stopping"))
            if rendered:
                log.info("letters' pdfs rendered: %s", rendered,
                         extra={"rendered": rendered, "duration_ms": round((time.perf_counter() - began) * 1000, 1)})
            return rendered
    except Exception:
        log.exception("rendering letters' pdfs failed; retrying after the next sweep")
        return 0


STATISTICS_HOURS = 1


def refresh_statistics(app) -> None:
    """SQLite: refresh the planner's statistics (ANALYZE), so the inbox walks its due-date index at any size.

    PostgreSQL's autovacuum does this by itself.
    """
    from sqlalchemy import text

    from app.db import db

    try:
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                with db.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
    except Exception:
        log.exception("ANALYZE failed; retrying in an hour")


def _scheduled_sweep(app, interval: int) -> int:
    """A sweep that spends the rest of its interval on letters' PDFs, if any wait."""
    return sweep(app, letters_until=time.monotonic() + interval - 1)


def start_ticker(app) -> BackgroundScheduler | None:
    """Start the in-process timer worker (not in Werkzeug's reloader parent)."""
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    settings = app.extensions["wmo"]
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(_scheduled_sweep, "interval", seconds=settings.timer_interval, args=[app, settings.timer_interval],
                      max_instances=1, coalesce=True, next_run_time=datetime.now(timezone.utc))
    scheduler.add_job(refresh_statistics, "interval", hours=STATISTICS_HOURS, args=[app], max_instances=1, coalesce=True)
    app.extensions["wmo_stopping"] = threading.Event()
    scheduler.start()
    app.extensions["wmo_scheduler"] = scheduler
    return scheduler


def stop_ticker(app) -> None:
    """Stop the in-process timer worker: no new sweeps, and a sweep rendering letters' PDFs stops after the letter at
    hand (Python waits for it before the process exits; the other letters wait for the next start)."""
    scheduler = app.extensions.get("wmo_scheduler")
    if scheduler is None:
        return
    app.extensions["wmo_stopping"].set()
    scheduler.shutdown(wait=False)


def run_forever(app) -> None:
    """Run only the timer worker, in the foreground (``wmo timers run``)."""
    interval = app.extensions["wmo"].timer_interval
    log.info("timer worker started, every %s s", interval, extra={"host": socket.gethostname(), "pid": os.getpid()})
    analysed = 0.0
    while True:
        started = time.monotonic()
        if started - analysed > STATISTICS_HOURS * 3600:
            refresh_statistics(app)
            analysed = started
        sweep(app, letters_until=started + interval - 0.5)  # letters' PDFs until just before the next sweep
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
