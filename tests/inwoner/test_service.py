"""The resident actor in the service layer, and the personal link on its own."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app.auth.service import Actor, resident
from app.cases import queries, service
from app.db import db
from app.demo import create_case, demo_bsns, walk
from app.engine import clock
from app.errors import Forbidden
from app.inwoner import links
from app.models import Task
from tests.inwoner.test_pages import MELDING, SIGNED, VERSLAG, open_tasks


def at(day):
    return clock.at(datetime.combine(day, time(12), tzinfo=clock.AMSTERDAM))


def open_task(case_id):
    return db.session.scalars(select(Task).where(Task.case_id == case_id, Task.closed_at.is_(None))).one()


def test_a_resident_acts_only_in_the_inwoner_lane_of_its_own_case(app, settings):
    first, second = (create_case(settings, bsn, MELDING) for bsn in demo_bsns(2))
    planning = open_task(first)
    with pytest.raises(Forbidden):
        service.complete_task(settings, planning.id, {"gesprek_nodig": False}, resident(first))
    walk(settings, second, VERSLAG, MELDING)
    with at(SIGNED), pytest.raises(Forbidden):
        service.complete_task(settings, open_task(second).id, {"akkoord": True, "hulp_aanvragen": True}, resident(first))
    assert open_tasks(second) == ["verslag_ondertekenen"]
    nobody = Actor("inwoner", frozenset({"inwoner"}))  # a resident without a case may do nothing
    assert not nobody.may_complete("inwoner", second) and not resident(first).may_complete("inwoner", None)
    with at(SIGNED):
        service.complete_task(settings, open_task(second).id, {"akkoord": True, "hulp_aanvragen": True}, resident(second))
    assert open_tasks(second) == ["aanvraag_beoordelen"]


def test_a_resident_delivers_only_its_own_events(app, settings):
    first, second = (create_case(settings, bsn, MELDING) for bsn in demo_bsns(2))
    plan = {"plan": "Mijn dochter kookt."}
    with at(date(2026, 11, 3)):
        for name, case_id in (("persoonlijk_plan_ontvangen", second), ("overlijden", first), ("verdaging", first)):
            with pytest.raises(Forbidden):
                service.deliver_event(settings, case_id, name, plan, resident(first))
        case = service.deliver_event(settings, first, "persoonlijk_plan_ontvangen", {**plan, "ontvangen_op": "2026-10-01"},
                                     resident(first))
    assert case.data["persoonlijk_plan_ontvangen_op"] == "2026-11-03"  # today, not the date sent


def test_a_resident_cannot_read_cases_through_the_api_services(app, settings):
    case_id = create_case(settings, demo_bsns(1)[0], MELDING)
    for call in (lambda: queries.case_detail(settings, service.get_case(case_id), resident(case_id)),
                 lambda: queries.list_tasks(resident(case_id))):
        with pytest.raises(Forbidden):
            call()


def test_links_name_one_case_and_expire(app, settings):
    made = links.make(settings, 42)
    assert links.verify(settings, made.token) == 42
    other_key = replace(settings, secret_key="een-ander-geheim")
    for token in (made.token[:-2] + "xx", URLSafeTimedSerializer(settings.secret_key).dumps({"zaak": 42}),
                  URLSafeTimedSerializer(settings.secret_key, salt=links.SALT).dumps({"zaak": "42"}),
                  links.make(other_key, 42).token):
        with pytest.raises(links.LinkRefused) as refused:
            links.verify(settings, token)
        assert refused.value.reason == "ongeldig" and refused.value.status_code == 403
    with pytest.raises(links.LinkRefused) as refused:
        links.verify(replace(settings, link_geldig_dagen=1), _old_token(settings, 42, days=2))
    assert refused.value.reason == "verlopen" and refused.value.case_id == 42


def _old_token(settings, case_id, days):
    with time_machine.travel(datetime.now(timezone.utc) - timedelta(days=days)):
        return links.make(settings, case_id).token


def test_link_days_come_from_the_config(tmp_path):
    from app.config import ConfigError, load_settings
    from tests.conftest import ROOT

    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert load_settings(ROOT / "config.toml").link_geldig_dagen == 14
    bad = tmp_path / "config.toml"
    bad.write_text(text.replace("link_geldig_dagen = 14", "link_geldig_dagen = 0"), encoding="utf-8")
    with pytest.raises(ConfigError, match="link_geldig_dagen"):
        load_settings(bad)
