"""Where a version's cases are: counts and average times per element, from the projections; the page."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from app.auth.service import Actor
from app.cases import heatmap
from app.db import db
from app.demo import task, walk
from app.errors import Forbidden, NotFound
from app.models import Task, Wait

from .conftest import login, new_case

OWNER = Actor("pb", frozenset({"procesbeheerder"}))
NOW = datetime(2026, 11, 10, 12, tzinfo=timezone.utc)
PLANNEN = task("gesprek_plannen", gesprek_nodig=True, gesprek_datum="2026-11-12", gesprek_vorm="huisbezoek")


def at(days: float) -> datetime:
    """``days`` days before NOW."""
    return NOW - timedelta(days=days)


def stamp(case_id, name, opened, closed=None):
    db.session.execute(update(Task).where(Task.case_id == case_id, Task.name == name)
                       .values(opened_at=opened, **({"closed_at": closed} if closed else {})))
    db.session.execute(update(Wait).where(Wait.case_id == case_id, Wait.name == name).values(since=opened))
    db.session.commit()


@pytest.fixture
def three_cases(settings, version_1):
    """Two cases at gesprek_plannen (opened 2 and 4 days ago), one that planned (in 1 day) and waits for the plan."""
    first, second, third = (new_case(settings, i) for i in range(3))
    walk(settings, third, [PLANNEN], date(2026, 11, 3))
    stamp(first, "gesprek_plannen", at(2))
    stamp(second, "gesprek_plannen", at(4))
    stamp(third, "gesprek_plannen", at(8), closed=at(7))
    stamp(third, "wacht_op_plan", at(7))
    for case_id, days in ((first, 2), (second, 4), (third, 8)):
        stamp(case_id, "onderzoek", at(days))
    return first, second, third


def element(found, name):
    return next(e for e in found["elementen"] if e["id"] == name)


def test_counts_and_average_times_per_element(settings, version_1, three_cases):
    found = heatmap.heatmap(settings, "base", version_1.id, OWNER, now=NOW)
    assert found["lopend"] == 3 and found["processen"][0]["id"] == "wmo_route"

    plannen = element(found, "gesprek_plannen")
    assert (plannen["process_id"], plannen["soort"], plannen["nu"], plannen["afgerond"]) == ("wmo_onderzoek", "taak", 2, 1)
    assert plannen["gemiddeld_nu"] == pytest.approx(3 * 86400, abs=1)  # (2 + 4) / 2 days, waiting so far
    assert plannen["gemiddeld_afgerond"] == pytest.approx(86400, abs=1)  # the one that was planned took a day
    assert plannen["gemiddeld"] == pytest.approx(7 / 3 * 86400, abs=1)
    assert plannen["gemiddeld_nu_tekst"] == "3 d" and plannen["gemiddeld_afgerond_tekst"] == "1 d"

    waiting = element(found, "wacht_op_plan")  # a message wait, from the wait projection (no workflow restored)
    assert (waiting["process_id"], waiting["nu"], waiting["afgerond"]) == ("wmo_onderzoek", 1, 0)
    assert waiting["gemiddeld_nu"] == pytest.approx(7 * 86400, abs=1)

    inside = element(found, "onderzoek")  # the call activity every case is inside
    assert (inside["process_id"], inside["soort"], inside["nu"]) == ("wmo_route", "deelproces", 3)
    assert inside["gemiddeld_nu"] == pytest.approx(14 / 3 * 86400, abs=1)
    assert "gesprek_voeren" not in {e["id"] for e in found["elementen"]}  # no case has been there


def test_a_step_closes_the_wait_it_leaves(settings, version_1, three_cases):
    _, _, third = three_cases
    rows = db.session.scalars(select(Wait).where(Wait.case_id == third, Wait.name == "wacht_op_plan")).all()
    assert [r.left_at for r in rows] == [None]
    from app.demo import event
    walk(settings, third, [event("persoonlijk_plan_ontvangen", ontvangen_op="2026-11-05")], date(2026, 11, 5))
    db.session.expire_all()
    [row] = db.session.scalars(select(Wait).where(Wait.case_id == third, Wait.name == "wacht_op_plan")).all()
    assert row.left_at is not None
    found = heatmap.heatmap(settings, "base", version_1.id, OWNER)
    assert element(found, "wacht_op_plan")["nu"] == 0 and element(found, "wacht_op_plan")["afgerond"] == 1


def test_only_the_owner_reads_it_and_only_of_a_version_of_that_gemeente(settings, version_1):
    with pytest.raises(Forbidden):
        heatmap.heatmap(settings, "base", version_1.id, Actor("tl", frozenset({"teamleider"})))
    with pytest.raises(NotFound):
        heatmap.heatmap(settings, "almere", version_1.id, OWNER)


def test_durations_read_as_a_process_owner_says_them():
    assert [heatmap.duration(s) for s in (None, 0, 600, 3600, 5400, 86400, 90000)] == [
        "–", "0 min", "10 min", "1 u", "1 u 30 min", "1 d", "1 d 1 u"]


def test_the_page_has_the_diagram_and_the_same_figures_as_a_table(client, users, settings, version_1, three_cases):
    login(client, "pb")
    base = f"/processen/base/versies/{version_1.id}/zaken"
    page = client.get(f"{base}?proces=wmo_onderzoek")
    html = page.data.decode()
    assert page.status_code == 200 and "<script>" not in html  # no inline scripts (CSP)
    assert 'id="heatmap"' in html and "heatmap.js" in html and "/vendor/bpmn-js/" in html
    assert 'data-element="gesprek_plannen"' in html and 'class="getal nu">2<' in html
    assert 'aria-current="true">Onderzoek' in html
    figures = client.get(f"{base}.json").get_json()
    assert element(figures, "gesprek_plannen")["nu"] == 2
    xml = client.get(f"{base}/wmo_onderzoek.bpmn")
    assert xml.status_code == 200 and b'id="gesprek_plannen"' in xml.data
    assert client.get(f"{base}/onbekend.bpmn").status_code == 404


@pytest.mark.parametrize("name", ["km", "bes", "tl"])
def test_the_page_refuses_other_roles(client, users, version_1, name):
    login(client, name)
    base = f"/processen/base/versies/{version_1.id}/zaken"
    for url in (base, f"{base}.json", f"{base}/wmo_onderzoek.bpmn"):
        assert client.get(url).status_code == 403, url
