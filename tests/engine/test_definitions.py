"""Loading a route refuses broken or unsafe diagrams, naming file, element and reason."""
import pytest

from app import engine

from .conftest import DATA

MINI = (DATA / "mini.bpmn").read_text()


def _load(text, name="mini.bpmn"):
    return engine.load({name: text.encode()})


def _problems(text):
    with pytest.raises(engine.DefinitionError) as caught:
        _load(text)
    return caught.value.problems


def test_hash_depends_on_content_only(mini):
    assert mini.hash == _load(MINI).hash
    assert mini.hash != _load(MINI.replace("Gesprek plannen", "Gesprek inplannen")).hash


def test_malformed_xml_is_refused():
    [problem] = _problems(MINI[:200])
    assert problem.file == "mini.bpmn" and "XML" in problem.reason


def test_script_that_imports_is_refused_with_its_element():
    problems = _problems(MINI.replace("onderzoek_vanaf = ontvangen_op", "import os\nonderzoek_vanaf = ontvangen_op"))
    assert [(p.element, "import" in p.reason) for p in problems] == [("registreren", True)]


def test_timer_expression_with_dunder_is_refused():
    problems = _problems(MINI.replace('termijn_verlopen("onderzoek", onderzoek_vanaf)', "().__class__.__base__"))
    assert problems[0].element == "ted"


def test_user_task_outside_a_role_lane_is_refused():
    problems = _problems(MINI.replace('name="klantmanager"', 'name="stagiair"'))
    assert any(p.element == "gesprek_plannen" and "lane" in p.reason for p in problems)


def test_user_task_without_form_is_refused():
    problems = _problems(MINI.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="gesprek_plannen.json" />', ""))
    assert any(p.element == "gesprek_plannen" and "form" in p.reason for p in problems)


def test_dangling_flow_is_refused():
    problems = _problems(MINI.replace('targetRef="einde" />', 'targetRef="nergens" />'))
    assert problems


def test_missing_call_activity_target_is_refused():
    call = '<bpmn:callActivity id="onderzoek" calledElement="wmo_bestaat_niet" />'
    text = MINI.replace('<bpmn:endEvent id="einde" />', '<bpmn:endEvent id="einde" />' + call)
    text = text.replace('targetRef="einde" />', 'targetRef="onderzoek" />').replace(
        '<bpmn:sequenceFlow id="f5"', '<bpmn:sequenceFlow id="f6" sourceRef="onderzoek" targetRef="einde" /><bpmn:sequenceFlow id="f5"')
    assert _problems(text)


def test_external_entities_are_not_resolved():
    evil = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + MINI.split("?>", 1)[1].replace(
        'name="Registreren"', 'name="&e;"')
    try:
        definition = _load(evil)
    except engine.DefinitionError:
        return
    assert "root:" not in str(definition.spec.task_specs["registreren"].bpmn_name)
