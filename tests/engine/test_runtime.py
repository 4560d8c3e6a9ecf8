"""Stepping a workflow: start, complete, events, timers, and a round trip through storage."""
from datetime import datetime, timezone

import pytest

from app import engine
from app.engine import clock
from app.engine.serializer import as_json

from .conftest import NOV_2


def _start(mini, script_engine):
    with clock.at(NOV_2):
        workflow, step = engine.start(mini, script_engine, {"ontvangen_op": "2026-11-02"})
    return engine.restore(mini, script_engine, engine.dumps(workflow)), step


def test_start_runs_scripts_and_stops_at_the_first_user_task(mini, script_engine):
    workflow, step = _start(mini, script_engine)
    assert step.changes["onderzoek_vanaf"] == "2026-11-02"
    assert step.changes["ontvangstbevestiging_verzonden_op"] == "2026-11-02"  # vandaag() reads the engine clock
    [task] = engine.ready_tasks(workflow)
    assert (task.bpmn_id, task.title, task.lane) == ("gesprek_plannen", "Gesprek plannen", "klantmanager")


def test_timer_due_is_the_day_after_the_term_at_midnight_amsterdam(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    [timer] = engine.waiting_timers(workflow)
    # onderzoek: 6 weken from Mon 2 Nov 2026 = Mon 14 Dec; overdue from 15 Dec 00:00 CET = 14 Dec 23:00 UTC.
    assert timer.due == datetime(2026, 12, 14, 23, 0, tzinfo=timezone.utc)
    assert type(timer.due) is datetime


def test_complete_moves_on_and_refuses_a_second_completion(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    [task] = engine.ready_tasks(workflow)
    step = engine.complete(workflow, task.id, {"gesprek_nodig": True})
    assert step.changes == {"gesprek_nodig": True}
    assert engine.ready_tasks(workflow) == []
    assert engine.waiting_messages(workflow) == ["bezwaar_ingediend"]
    with pytest.raises(engine.TaskNotReady):
        engine.complete(workflow, task.id, {"gesprek_nodig": False})
    with pytest.raises(engine.TaskNotReady):
        engine.complete(workflow, "not-a-uuid", {})


def test_event_is_delivered_only_when_the_case_waits_for_it(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    with pytest.raises(engine.NotWaiting):
        engine.send_event(workflow, "bezwaar_ingediend", {})
    [task] = engine.ready_tasks(workflow)
    engine.complete(workflow, task.id, {})
    workflow = engine.restore(mini, script_engine, engine.dumps(workflow))
    step = engine.send_event(workflow, "bezwaar_ingediend", {"ontvangen_op": "2026-11-20"})
    assert step.changes["bezwaar_ingediend"] == {"ontvangen_op": "2026-11-20"}
    assert engine.is_finished(workflow)


def test_timer_fires_at_its_instant_and_not_before(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    with clock.at(datetime(2026, 12, 14, 22, 59, tzinfo=timezone.utc)):
        assert engine.fire_timers(workflow).completed == []
    assert len(engine.ready_tasks(workflow)) == 1
    with clock.at(datetime(2026, 12, 14, 23, 0, tzinfo=timezone.utc)):
        step = engine.fire_timers(workflow)
    assert "termijn_om" in step.completed
    assert engine.ready_tasks(workflow) == [] and engine.is_finished(workflow)


def test_clock_patch_is_what_spiffworkflow_reads():
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    clock.install()
    with clock.at(NOV_2):
        assert timer.datetime.now(timezone.utc) == NOV_2
    assert abs((timer.datetime.now(timezone.utc) - datetime.now(timezone.utc)).total_seconds()) < 5


def test_clock_refuses_naive_instants():
    with pytest.raises(ValueError):
        with clock.at(datetime(2026, 1, 1)):
            pass


def test_stored_state_has_no_spec(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    state = engine.dumps(workflow)
    text = as_json(state)
    assert '"spec"' not in text and "gesprek_plannen" not in text.split('"tasks"')[0]
    assert len(state) < 20_000


def test_stored_state_is_compressed_and_plain_json_state_still_restores(mini, script_engine):
    workflow, _ = _start(mini, script_engine)
    state = engine.dumps(workflow)
    assert state.startswith("z:") and len(state) < len(as_json(state)) / 3
    plain = as_json(state)  # what cases stored before compression
    restored = engine.restore(mini, script_engine, plain)
    assert [t.bpmn_id for t in engine.ready_tasks(restored)] == [t.bpmn_id for t in engine.ready_tasks(workflow)]
    assert as_json(engine.dumps(restored)) == plain
