"""The inbox's pages and counts: every open task of the caseworker's lanes once, in due order (undated last), the
filters exact, the count capped at 1.000 while the pages go on (on SQLite and PostgreSQL)."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from app import processes
from app.auth.service import Actor
from app.db import db
from app.inbox import service as inbox
from app.models import Case, ProcessVersion, Task

KM = Actor("km", frozenset({"klantmanager"}))
OPENED = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


def _open_tasks(settings, count: int, closed_every: int = 0) -> list[dict]:
    """``count`` bare open tasks over three lanes: dues with ties, every fifth undated, signals and claims mixed."""
    processes.current(settings.gemeente_config())
    version = db.session.scalar(db.select(ProcessVersion.id).limit(1))
    lanes = ("klantmanager", "inwoner", "beslisser")
    names = {"klantmanager": "gesprek_plannen", "inwoner": "verslag_ondertekenen", "beslisser": "besluit_nemen"}
    cases, tasks = [], []
    for i in range(count):
        cases.append({"id": i + 1, "gemeente": "base", "process_version_id": version, "status": "lopend",
                      "bsn": "111222333", "naam": f"Inwoner {i}", "geboortedatum": date(1950, 1, 1), "adres": {},
                      "data": {}, "state": "", "version": 1, "created_at": OPENED, "updated_at": OPENED})
        lane = lanes[i % 3]
        tasks.append({"id": str(uuid.UUID(int=(i * 7919) % 100_003)), "case_id": i + 1, "name": names[lane],
                      "title": names[lane], "lane": lane, "due": None if i % 5 == 0 else date(2027, 1, 1) + timedelta(days=i % 7),
                      "opened_at": OPENED + timedelta(minutes=i % 11), "signaal": "nadert" if i % 4 == 0 else None,
                      "claimed_by": "km" if i % 6 == 0 else None,
                      "closed_at": OPENED if closed_every and i % closed_every == 0 else None})
    db.session.execute(db.insert(Case), cases)
    db.session.execute(db.insert(Task), tasks)
    db.session.commit()
    return tasks


def _in_inbox_order(tasks, lanes, keep=lambda t: True) -> list[str]:
    open_ = [t for t in tasks if t["closed_at"] is None and t["lane"] in lanes and keep(t)]
    dated = sorted((t for t in open_ if t["due"]), key=lambda t: (t["due"], t["opened_at"], t["id"]))
    undated = sorted((t for t in open_ if not t["due"]), key=lambda t: (t["opened_at"], t["id"]))
    return [t["id"] for t in dated + undated]


def _all_pages(settings, filters: dict) -> tuple[list[str], dict]:
    first = inbox.inbox(settings, KM, inbox.Filters(**filters))
    seen = []
    for pagina in range(1, first["paginas"] + 1):
        page = inbox.inbox(settings, KM, inbox.Filters(**filters, pagina=pagina))
        assert len(page["taken"]) == inbox.PER_PAGE or pagina == first["paginas"]
        seen += [row["task"].id for row in page["taken"]]
    return seen, first


def test_the_pages_hold_every_open_task_of_the_lanes_once_in_due_order(app, settings):
    with app.app_context():
        tasks = _open_tasks(settings, 240, closed_every=9)
        lanes = inbox.lanes_of(KM, settings.gemeente_config().lane_roles)
        expected = _in_inbox_order(tasks, lanes)
        seen, first = _all_pages(settings, {})
        assert seen == expected  # dated by due (ties by opening, then id), then the undated ones; none twice
        assert first["totaal"] == len(expected) and not first["meer"]
        row = first["taken"][0]
        assert row["naam"] == f"Inwoner {row['task'].case_id - 1}" and row["gemeente"] == "base"


@pytest.mark.parametrize("filters, keep", [
    ({"taak": "gesprek_plannen"}, lambda t: t["name"] == "gesprek_plannen"),
    ({"signaal": "nadert"}, lambda t: t["signaal"] == "nadert"),
    ({"alleen_mijn": True}, lambda t: t["claimed_by"] == "km"),
    ({"signaal": "nadert", "alleen_mijn": True}, lambda t: t["signaal"] == "nadert" and t["claimed_by"] == "km"),
])
def test_a_filter_shows_exactly_its_tasks_in_the_same_order(app, settings, filters, keep):
    with app.app_context():
        tasks = _open_tasks(settings, 240, closed_every=9)
        lanes = inbox.lanes_of(KM, settings.gemeente_config().lane_roles)
        expected = _in_inbox_order(tasks, lanes, keep)
        seen, first = _all_pages(settings, filters)
        assert expected and seen == expected and first["totaal"] == len(expected)


def test_the_count_stops_at_a_thousand_and_the_pages_go_on(app, settings):
    with app.app_context():
        tasks = _open_tasks(settings, 1_650)
        lanes = inbox.lanes_of(KM, settings.gemeente_config().lane_roles)
        expected = _in_inbox_order(tasks, lanes)
        assert len(expected) > inbox.MAX_COUNT
        first = inbox.inbox(settings, KM, inbox.Filters())
        assert first["totaal"] == inbox.MAX_COUNT and first["meer"]  # "meer dan 1.000 taken"
        beyond = inbox.MAX_COUNT // inbox.PER_PAGE + 1  # the page just past the count
        page = inbox.inbox(settings, KM, inbox.Filters(pagina=beyond))
        offset = (beyond - 1) * inbox.PER_PAGE
        assert [row["task"].id for row in page["taken"]] == expected[offset:offset + inbox.PER_PAGE]
