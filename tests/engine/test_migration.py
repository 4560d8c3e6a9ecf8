"""Moving a running case to a newer version of the real route: when it may, when not and why."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import engine, processes
from app.config import load_settings
from app.engine import clock, migration

ROOT = Path(__file__).resolve().parents[2]
NOV_2 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
MELDING = {"hulpvraag": "Hulp bij het huishouden", "kanaal": "telefonisch", "ontvangen_op": "2026-11-02",
           "ingediend_door": "inwoner", "vertegenwoordiger": None, "geboortedatum": "1948-03-14",
           "case_id": 1, "gemeente": "base"}
PLANNEN = {"gesprek_nodig": True, "gesprek_datum": "2026-11-12", "gesprek_vorm": "huisbezoek"}


@pytest.fixture(scope="module")
def route():
    gemeente = load_settings(ROOT / "config.toml").gemeente_config()
    files = processes.read_files(gemeente)
    return files, engine.load(files), processes.script_engine(gemeente)


def changed(files, name, *replacements):
    """The route with ``replacements`` (old, new bytes) made in one file, parsed."""
    content = files[name]
    for old, new in replacements:
        assert old in content, old
        content = content.replace(old, new)
    return engine.load({**files, name: content})


def renamed(files, name, old_id, new_id):
    """The route with an element id changed everywhere in its file (its form keeps its name)."""
    return changed(files, name, (old_id.encode(), new_id.encode()),
                   (f"{new_id}.json".encode(), f"{old_id}.json".encode()))


@pytest.fixture
def at_gesprek_plannen(route):
    _, definition, script_engine = route
    with clock.at(NOV_2):
        workflow, _ = engine.start(definition, script_engine, dict(MELDING))
    return engine.restore(definition, script_engine, engine.dumps(workflow))


def test_a_label_change_moves_the_case_and_it_goes_on_in_the_new_version(route, at_gesprek_plannen):
    files, old, script_engine = route
    new = changed(files, "wmo_onderzoek.bpmn", (b'name="Gesprek plannen"', b'name="Gesprek inplannen"'))
    [before] = engine.ready_tasks(at_gesprek_plannen)
    timers_before = engine.waiting_timers(at_gesprek_plannen)

    result = migration.migrate(at_gesprek_plannen, new, script_engine)

    assert result.can_move and result.reasons == []
    assert "gesprek_plannen" in result.current and "onderzoek" in result.current
    moved = engine.restore(new, script_engine, engine.dumps(result.workflow))  # as the next step reads it
    [task] = engine.ready_tasks(moved)
    assert (task.id, task.bpmn_id, task.title) == (before.id, "gesprek_plannen", "Gesprek inplannen")
    assert engine.waiting_timers(moved) == timers_before  # same timer rows, same due instants
    with clock.at(NOV_2):
        step = engine.complete(moved, task.id, PLANNEN)
    assert "gesprek_plannen" in step.completed
    assert "persoonlijk_plan_ontvangen" in engine.waiting_messages(moved)
    # The workflow that was passed in is untouched: still the old version's specs.
    assert at_gesprek_plannen.spec is old.spec and engine.ready_tasks(at_gesprek_plannen) == [before]


def test_a_renamed_current_task_is_refused_with_the_reason(route, at_gesprek_plannen):
    files, old, script_engine = route
    new = renamed(files, "wmo_onderzoek.bpmn", "gesprek_plannen", "gesprek_inplannen")
    state = engine.dumps(at_gesprek_plannen)

    result = migration.migrate(at_gesprek_plannen, new, script_engine)

    assert not result.can_move and result.workflow is None
    assert [(r.process_id, r.element) for r in result.reasons] == [("wmo_onderzoek", "gesprek_plannen")]
    assert "ontbreekt" in result.reasons[0].reason and "staat hier nu" in result.reasons[0].reason
    assert engine.dumps(at_gesprek_plannen) == state


def test_a_task_that_became_another_kind_is_refused(route, at_gesprek_plannen):
    files, _, script_engine = route
    # The plan's message catch becomes a timer catch: the case waits for it (a boundary event of gesprek_plannen).
    new = changed(files, "wmo_onderzoek.bpmn", (b'<bpmn:userTask id="gesprek_plannen"', b'<bpmn:manualTask id="gesprek_plannen"'),
                  (b'</bpmn:userTask>\n    <bpmn:boundaryEvent id="plan_tijdens_plannen"',
                   b'</bpmn:manualTask>\n    <bpmn:boundaryEvent id="plan_tijdens_plannen"'))
    result = migration.migrate(at_gesprek_plannen, new, script_engine)
    assert not result.can_move
    assert [r.element for r in result.reasons] == ["gesprek_plannen"]
    assert "ander soort element" in result.reasons[0].reason


def test_a_case_inside_a_call_activity_is_refused_when_the_call_activity_is_gone(route, at_gesprek_plannen):
    files, _, script_engine = route
    content = files["wmo_route.bpmn"].replace(b'"onderzoek"', b'"onderzoek_en_verslag"')
    new = engine.load({**files, "wmo_route.bpmn": content.replace(b">onderzoek<", b">onderzoek_en_verslag<")})
    result = migration.migrate(at_gesprek_plannen, new, script_engine)
    assert not result.can_move
    assert ("wmo_route", "onderzoek") in [(r.process_id, r.element) for r in result.reasons]


def test_a_case_waiting_for_a_message_in_a_subprocess_moves_and_receives_it(route, at_gesprek_plannen):
    files, _, script_engine = route
    [task] = engine.ready_tasks(at_gesprek_plannen)
    with clock.at(NOV_2):
        engine.complete(at_gesprek_plannen, task.id, PLANNEN)
    assert engine.ready_tasks(at_gesprek_plannen) == []  # waits in wmo_onderzoek for the plan, or its term
    new = changed(files, "wmo_onderzoek.bpmn", (b'name="Persoonlijk plan ontvangen"', b'name="Plan van de inwoner ontvangen"'))

    with clock.at(NOV_2):  # before the plan's term ends
        result = migration.migrate(at_gesprek_plannen, new, script_engine)

    assert result.can_move, result.reasons
    assert result.step.completed == []
    assert "wacht_op_plan" in result.current  # the event-based gateway: the plan, or its term
    moved = engine.restore(new, script_engine, engine.dumps(result.workflow))
    assert [t.bpmn_id for t in engine.waiting_timers(moved)] == [t.bpmn_id for t in engine.waiting_timers(at_gesprek_plannen)]
    with clock.at(NOV_2):
        step = engine.send_event(moved, "persoonlijk_plan_ontvangen", {"ontvangen_op": "2026-11-05", "plan": "Zelf koken."})
    assert "plan_ontvangen" in step.completed


def test_a_step_inserted_after_the_running_call_activity_is_taken(route, at_gesprek_plannen):
    files, _, script_engine = route
    new = changed(
        files, "wmo_route.bpmn",
        (b"<bpmn:outgoing>Flow_onderzoek_gw_aanvraag</bpmn:outgoing>", b"<bpmn:outgoing>Flow_onderzoek_na</bpmn:outgoing>"),
        (b'sourceRef="onderzoek" targetRef="gw_aanvraag"', b'sourceRef="na_onderzoek" targetRef="gw_aanvraag"'),
        (b'<bpmn:exclusiveGateway id="gw_aanvraag"',
         b'<bpmn:scriptTask id="na_onderzoek" name="Na onderzoek"><bpmn:incoming>Flow_onderzoek_na</bpmn:incoming>'
         b'<bpmn:outgoing>Flow_onderzoek_gw_aanvraag</bpmn:outgoing><bpmn:script>na_onderzoek = True</bpmn:script>'
         b'</bpmn:scriptTask><bpmn:sequenceFlow id="Flow_onderzoek_na" sourceRef="onderzoek" targetRef="na_onderzoek"/>'
         b'<bpmn:exclusiveGateway id="gw_aanvraag"'),
    )
    result = migration.migrate(at_gesprek_plannen, new, script_engine)
    assert result.can_move, result.reasons
    workflow = result.workflow
    answers = {
        "gesprek_plannen": {"gesprek_nodig": False, "leveringsvorm": "zin", "soort_hulp": "hulpmiddel",
                            "reden_geen_gesprek": "Douchestoel."},
        "verslag_opstellen": {"verslag_opgesteld_op": "2026-11-03"},
        "verslag_ondertekenen": {"akkoord": True, "hulp_aanvragen": True, "ondertekend_ontvangen_op": "2026-11-04"},
    }
    done = []
    with clock.at(NOV_2):
        for name in answers:
            [task] = [t for t in engine.ready_tasks(workflow) if t.bpmn_id == name]
            done += engine.complete(workflow, task.id, answers[name]).completed
            workflow = engine.restore(new, script_engine, engine.dumps(workflow))
    assert done.index("onderzoek") < done.index("na_onderzoek") < done.index("gw_aanvraag")


def test_a_term_that_fired_before_the_move_does_not_fire_again(route):
    files, definition, script_engine = route
    later = NOV_2 + timedelta(days=44)  # past the onderzoekstermijn (14 Dec)
    with clock.at(NOV_2):
        workflow, _ = engine.start(definition, script_engine, dict(MELDING))
    with clock.at(later):
        assert "onderzoektermijn_verstreken" in engine.fire_timers(workflow).completed
        new = changed(files, "wmo_onderzoek.bpmn", (b'name="Gesprek plannen"', b'name="Gesprek inplannen"'))
        result = migration.migrate(workflow, new, script_engine)
    assert result.can_move and result.step.completed == []
    assert sorted(t.bpmn_id for t in engine.ready_tasks(result.workflow)) == ["gesprek_plannen", "onderzoektermijn_bewaken"]
