"""Heartbeats of the timer workers, and the health report built from the database and them.

Every timer worker (``wmo timers run``, or the one ``wmo serve`` runs in its own process) records a heartbeat
before and after each sweep: one ``timer_worker`` row per host and process id. The report holds no personal data.
"""
from __future__ import annotations

import os
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError

from ..config import Settings
from ..db import db, utcnow
from ..errors import rollback_quietly
from ..letters import pdfs
from ..models import TimerWorker

FORGET_AFTER = timedelta(days=7)  # a worker not seen for this long leaves the report
SHOWN = 20  # the report lists at most this many workers, most recently seen first


def beat(started_at: datetime) -> None:
    """Record that this process's timer worker is alive now, and forget workers gone for a week."""
    now = utcnow()
    host, pid = socket.gethostname(), os.getpid()
    row = db.session.scalar(select(TimerWorker).where(TimerWorker.host == host, TimerWorker.pid == pid))
    if row is None:
        db.session.add(TimerWorker(host=host, pid=pid, started_at=started_at, last_seen=now))
    else:
        row.started_at, row.last_seen = started_at, now
    db.session.execute(delete(TimerWorker).where(TimerWorker.last_seen < now - FORGET_AFTER))
    db.session.commit()


def health(settings: Settings) -> dict:
    """The database's state (a trivial query and its latency), the timer workers' (their heartbeats), letters' PDFs to make."""
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
        latency = (time.perf_counter() - started) * 1000
        workers = db.session.scalars(select(TimerWorker).order_by(TimerWorker.last_seen.desc()).limit(SHOWN)).all()
        rows = [(w.host, w.pid, w.started_at, w.last_seen) for w in workers]
        without_pdf = pdfs.pending()
        db.session.rollback()
    except SQLAlchemyError:
        rollback_quietly()
        return {
            "status": "fout",
            "database": {"ok": False, "error": "de database is niet bereikbaar"},
            "timers": {"ok": False, "stale_after_seconds": settings.timers_stale_after, "workers": []},
            "letters": {"pdf_pending": None},
        }
    now = utcnow()
    listed = []
    for host, pid, started_at, last_seen in rows:
        age = (now - last_seen).total_seconds()
        listed.append({"host": host, "pid": pid, "started_at": started_at.isoformat(), "last_seen": last_seen.isoformat(),
                       "age_seconds": round(age, 1), "fresh": age <= settings.timers_stale_after})
    timers_ok = any(worker["fresh"] for worker in listed)
    return {
        "status": "ok" if timers_ok else "fout",
        "database": {"ok": True, "latency_ms": round(latency, 2)},
        "timers": {"ok": timers_ok, "stale_after_seconds": settings.timers_stale_after, "workers": listed},
        # letters stored without their PDF yet: the timer workers render them; a growing number means they fall behind
        "letters": {"pdf_pending": without_pdf},
    }
