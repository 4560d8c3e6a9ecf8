"""/healthz tells a load balancer whether the database answers and a timer worker beat lately."""
import os
import socket
from datetime import date, timedelta

from sqlalchemy import update

from app.db import db, utcnow
from app.demo import create_case
from app.models import TimerWorker
from timers.ticker import sweep


def test_healthy_only_while_a_timer_worker_beats(app, client):
    settings = app.extensions["wmo"]
    create_case(settings, "999990019", date(2026, 1, 5))  # a resident's BSN and name are in the database
    response = client.get("/healthz")
    assert response.status_code == 503  # no timer worker has ever run
    report = response.get_json()
    assert report["status"] == "fout" and report["database"]["ok"] and report["database"]["latency_ms"] >= 0
    assert report["timers"] == {"ok": False, "stale_after_seconds": settings.timers_stale_after, "workers": []}

    sweep(app)  # what `wmo timers run` (or the worker inside `wmo serve`) does every interval
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"
    (worker,) = response.get_json()["timers"]["workers"]
    assert (worker["host"], worker["pid"], worker["fresh"]) == (socket.gethostname(), os.getpid(), True)
    assert "999990019" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"

    # The worker dies: after the threshold its last heartbeat is too old.
    db.session.execute(update(TimerWorker).values(last_seen=utcnow() - timedelta(seconds=settings.timers_stale_after + 1)))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["timers"]["ok"] is False and response.get_json()["timers"]["workers"][0]["fresh"] is False


def test_the_staleness_threshold_is_configured(monkeypatch, sqlite_url):
    from app.config import load_settings

    from ..conftest import ROOT

    monkeypatch.setenv("WMO_DATABASE_URL", sqlite_url)
    assert load_settings(ROOT / "config.toml").timers_stale_after == 3 * 30  # three intervals unless set
    monkeypatch.setenv("WMO_TIMERS_STALE_AFTER", "300")
    assert load_settings(ROOT / "config.toml").timers_stale_after == 300
