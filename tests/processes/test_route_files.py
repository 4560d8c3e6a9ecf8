"""The files of the route: lint-clean, fully drawn, every task with a form, every expression safe."""
import json
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from app import engine
from app.engine.definitions import ROLES

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "processes" / "base"
FORMS = ROOT / "forms" / "base"
BPMN_FILES = sorted(BASE.glob("*.bpmn"))
# Every variant's diagrams (processes/<gemeente>/) must pass the same lint and layout checks as the national route.
ALL_BPMN_FILES = sorted((ROOT / "processes").glob("*/*.bpmn"))
VARIANT_BPMN_FILES = [p for p in ALL_BPMN_FILES if p.parent != BASE]
# Every variant folder (processes/<gemeente>/) must lint and open in bpmn.io just like base.
ALL_BPMN_FILES = sorted((ROOT / "processes").glob("*/*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FIXED_TASKS = {"gesprek_plannen", "gesprek_voeren", "verslag_opstellen", "verslag_ondertekenen", "pgb_vaardigheid_toetsen",
               "aanvraag_beoordelen", "besluit_nemen", "zorgaanbieder_toewijzen", "bezwaar_behandelen"}
FIXED_FIELDS = {"gesprek_plannen": {"gesprek_nodig": "boolean"}, "gesprek_voeren": {"leveringsvorm": "string"},
                "verslag_ondertekenen": {"akkoord": "boolean"}, "pgb_vaardigheid_toetsen": {"pgb_vaardig": "boolean"},
                "besluit_nemen": {"besluit": "string", "ingangsdatum": "string", "einddatum": "string"}}


def _tool(name):
    path = ROOT / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` (make test does)")
    return path


def test_route_loads_and_every_call_activity_resolves():
    files = {p.name: p.read_bytes() for p in BASE.iterdir() if p.suffix in (".bpmn", ".dmn")}
    definition = engine.load(files)
    assert FIXED_TASKS <= set(definition.user_tasks)
    assert set(definition.spec.task_specs) and set(definition.subprocess_specs) >= {
        "wmo_melding", "wmo_onderzoek", "wmo_beoordeling", "wmo_bezwaar", "wmo_bezwaar_behandeling", "wmo_levering", "wmo_hulp"}


def test_bpmnlint_recommended_rules_pass():
    result = subprocess.run([_tool("bpmnlint"), *map(str, ALL_BPMN_FILES)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_diagram_opens_in_bpmn_io_with_complete_layout():
    result = subprocess.run(["node", str(Path(__file__).parent / "diagram_check.mjs"), *map(str, ALL_BPMN_FILES)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_diagram_check_reports_a_missing_shape(tmp_path):
    text = (BASE / "wmo_melding.bpmn").read_text()
    start = text.index('<bpmndi:BPMNShape id="melding_registreren_di"')
    end = text.index("</bpmndi:BPMNShape>", start) + len("</bpmndi:BPMNShape>")
    broken = tmp_path / "broken.bpmn"
    broken.write_text(text[:start] + text[end:])
    result = subprocess.run(["node", str(Path(__file__).parent / "diagram_check.mjs"), str(broken)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "melding_registreren" in result.stdout


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_user_tasks_have_a_role_lane_and_an_existing_form(path):
    root = etree.parse(str(path))
    lanes = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    for user_task in root.iterfind(".//bpmn:userTask", NS):
        task_id = user_task.get("id")
        assert lanes.get(task_id) in ROLES, task_id
        [form] = [p.get("value") for p in user_task.iterfind(".//spiff:property", NS) if p.get("name") == "formJsonSchemaFilename"]
        assert form == f"{task_id}.json" and (FORMS / form).is_file()


@pytest.mark.parametrize("path", VARIANT_BPMN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_variant_user_tasks_have_a_lane_of_their_gemeente_and_an_existing_form(path):
    from app.config import load_settings

    gemeente = load_settings(ROOT / "config.toml").gemeente_config(path.parent.name)
    root = etree.parse(str(path))
    lanes = {ref.text: lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    for user_task in root.iterfind(".//bpmn:userTask", NS):
        task_id = user_task.get("id")
        assert gemeente.lane_roles.get(lanes.get(task_id)), task_id
        [form] = [p.get("value") for p in user_task.iterfind(".//spiff:property", NS) if p.get("name") == "formJsonSchemaFilename"]
        assert any((folder / form).is_file() for folder in gemeente.form_dirs), form


def test_every_message_has_an_event_form():
    names = {m.get("name") for p in BPMN_FILES for m in etree.parse(str(p)).iterfind(".//bpmn:message", NS)}
    assert names == {f.stem for f in (FORMS / "events").glob("*.json")}


@pytest.mark.parametrize("path", sorted((ROOT / "forms").rglob("*.json")), ids=lambda p: str(p.relative_to(ROOT / "forms")))
def test_forms_are_valid_schemas_with_dutch_titles(path):
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False and schema["title"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), f"{path.name}: {name} has no title"
    # The resident's own words for this task or wait (app/inwoner/texts.py mirrors them): a title and a text.
    if "x-inwoner" in schema:
        own = schema["x-inwoner"]
        assert isinstance(own, dict) and set(own) == {"titel", "tekst"}, f"{path.name}: x-inwoner has titel and tekst"
        assert all(isinstance(v, str) and v.strip() for v in own.values()), f"{path.name}: x-inwoner is empty"


@pytest.mark.parametrize("task,fields", FIXED_FIELDS.items())
def test_fixed_form_fields(task, fields):
    schema = json.loads((FORMS / f"{task}.json").read_text())
    for name, kind in fields.items():
        assert schema["properties"][name]["type"] == kind
    if task == "gesprek_voeren":
        assert schema["properties"]["leveringsvorm"]["enum"] == ["zin", "pgb", "geld"]
    if task == "besluit_nemen":
        assert schema["properties"]["besluit"]["enum"] == ["toekennen", "afwijzen"]


def test_legal_start_dates_default_to_today():
    for form, field in [("besluit_nemen", "beschikking_verzonden_op"), ("verslag_ondertekenen", "ondertekend_ontvangen_op"),
                        ("melding", "ontvangen_op"), ("events/bezwaar_ingediend", "ontvangen_op")]:
        prop = json.loads((FORMS / f"{form}.json").read_text())["properties"][field]
        assert prop["format"] == "date" and prop["x-default-now"] is True
