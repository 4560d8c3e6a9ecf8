"""The route files: lint-clean, fully drawn, every user task in a role lane with a form, every expression safe.

These tests read the XML only (lxml, RestrictedPython, node tools); they do not import SpiffWorkflow.
Paths through the route are tested by the engine's tests.
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from RestrictedPython import compile_restricted

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "processes" / "base"
FORMS = ROOT / "forms" / "base"
BPMN_FILES = sorted(BASE.glob("*.bpmn"))
DMN_FILES = sorted(BASE.glob("*.dmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
BPMN = "{%s}" % NS["bpmn"]
ROLES = {"inwoner", "klantmanager", "pgb-consulent", "beslisser", "teamleider"}
HELPERS = {"vandaag", "termijn", "termijn_verlopen", "tijdstip", "dagen_na", "weken_na", "werkdagen_na", "leeftijd", "jaar"}
BUILTINS = {"len", "min", "max", "sum", "sorted", "any", "all", "round", "abs", "int", "float", "str", "bool", "list", "dict",
            "tuple", "range", "enumerate", "zip", "isinstance", "True", "False", "None"}
# The deadline names the app computes (config.toml [termijnen.*]); "gesprek" runs from onderzoek_vanaf to gesprek_gevoerd_op.
DEADLINES = {"ontvangstbevestiging", "persoonlijk_plan", "gesprek", "onderzoek", "verslag", "beslistermijn", "bezwaartermijn",
             "herindicatie"}
LETTERS = {"ontvangstbevestiging", "uitnodiging_gesprek", "verslag", "beschikking", "bezwaar_ontvangstbevestiging", "herindicatie"}
MESSAGES = {"persoonlijk_plan_ontvangen", "bezwaar_ingediend", "zorg_gestart", "wijziging_aangevraagd", "overlijden",
            "verhuizing", "wlz_indicatie"}
PROCESSES = {"wmo_route", "wmo_melding", "wmo_onderzoek", "wmo_beoordeling", "wmo_uitvoering", "wmo_bezwaar", "wmo_levering",
             "wmo_hulp"}
# task id: (process, lane, termijn property or None)
USER_TASKS = {
    "gesprek_plannen": ("wmo_onderzoek", "klantmanager", "gesprek onderzoek"),
    "gesprek_voeren": ("wmo_onderzoek", "klantmanager", "gesprek onderzoek"),
    "verslag_opstellen": ("wmo_onderzoek", "klantmanager", "verslag onderzoek"),
    "verslag_ondertekenen": ("wmo_onderzoek", "inwoner", None),
    "pgb_vaardigheid_toetsen": ("wmo_beoordeling", "pgb-consulent", "beslistermijn"),
    "aanvraag_beoordelen": ("wmo_beoordeling", "klantmanager", "beslistermijn"),
    "besluit_nemen": ("wmo_beoordeling", "beslisser", "beslistermijn"),
    "bezwaar_behandelen": ("wmo_bezwaar", "beslisser", None),
    "zorgaanbieder_toewijzen": ("wmo_levering", "klantmanager", None),
    "pgb_budget_regelen": ("wmo_levering", "pgb-consulent", None),
    "uitbetaling_regelen": ("wmo_levering", "klantmanager", None),
    "herindicatie_beoordelen": ("wmo_hulp", "klantmanager", "herindicatie"),
    "wijziging_beoordelen": ("wmo_hulp", "klantmanager", None),
    "beeindiging_verwerken": ("wmo_hulp", "klantmanager", None),
}
CALLS = {("wmo_route", "melding_afhandelen"): "wmo_melding", ("wmo_route", "onderzoek"): "wmo_onderzoek",
         ("wmo_route", "beoordeling"): "wmo_beoordeling", ("wmo_route", "uitvoering"): "wmo_uitvoering",
         ("wmo_uitvoering", "bezwaar"): "wmo_bezwaar", ("wmo_uitvoering", "levering"): "wmo_levering",
         ("wmo_uitvoering", "hulp"): "wmo_hulp"}
# Fields both a branch and the route before it write; the script after the join sets them again (see processes/README.md).
REAPPLIED_AFTER_JOIN = {"wmo_uitvoering": {"leveringsvorm", "aanvraag_ontvangen_op", "onderzoek_vanaf"}}


def _parse(path):
    return etree.parse(str(path))


TREES = {p.stem: _parse(p) for p in BPMN_FILES}


def _process(pid):
    [process] = TREES[pid].getroot().iterfind("bpmn:process", NS)
    return process


def _props(element):
    return {p.get("name"): p.get("value") for p in element.iterfind("bpmn:extensionElements/spiff:properties/spiff:property", NS)}


def _tool(name):
    path = ROOT / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` first (`make test` does)")
    return path


def _assigned(source: str) -> set[str]:
    """Names a script assigns (deleting a name counts as writing it)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
    return names


def _deleted(source: str) -> set[str]:
    return {t.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Delete)
            for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)}


def _form_fields(task_id: str) -> set[str]:
    return set(json.loads((FORMS / f"{task_id}.json").read_text())["properties"])


# ---------------------------------------------------------------- node tools
def test_bpmnlint_recommended_rules_pass():
    assert json.loads((ROOT / ".bpmnlintrc").read_text()) == {"extends": "bpmnlint:recommended"}
    result = subprocess.run([_tool("bpmnlint"), *map(str, BPMN_FILES)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout, result.stdout


def test_every_diagram_has_complete_layout():
    _tool("bpmnlint")
    if not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.fail("node_modules/bpmn-moddle is missing: run `npm ci` first (`make test` does)")
    result = subprocess.run(["node", str(Path(__file__).parent / "diagram_check.mjs"), *map(str, BPMN_FILES)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_diagram_check_reports_a_missing_shape(tmp_path):
    _tool("bpmnlint")
    text = (BASE / "wmo_melding.bpmn").read_text()
    start = text.index('<bpmndi:BPMNShape id="melding_registreren_di"')
    end = text.index("</bpmndi:BPMNShape>", start) + len("</bpmndi:BPMNShape>")
    broken = tmp_path / "broken.bpmn"
    broken.write_text(text[:start] + text[end:])
    result = subprocess.run(["node", str(Path(__file__).parent / "diagram_check.mjs"), str(broken)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "melding_registreren" in result.stdout, result.stdout + result.stderr


# ---------------------------------------------------------------- structure
def test_one_executable_process_per_file_named_after_it():
    assert set(TREES) == PROCESSES
    for pid, tree in TREES.items():
        processes = tree.getroot().findall("bpmn:process", NS)
        assert [p.get("id") for p in processes] == [pid]
        assert processes[0].get("isExecutable") == "true"


def test_call_activities_call_the_right_processes():
    found = {(pid, ca.get("id")): ca.get("calledElement") for pid in TREES for ca in _process(pid).iter(BPMN + "callActivity")}
    assert found == CALLS


def test_every_process_is_a_pool_and_user_tasks_sit_in_role_lanes():
    for pid, tree in TREES.items():
        root = tree.getroot()
        participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
        assert [p.get("processRef") for p in participants] == [pid], pid
        process = _process(pid)
        lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
        if not list(process.iter(BPMN + "userTask")):
            continue
        assert lanes, f"{pid} has user tasks but no lanes"
        assert {lane.get("name") for lane in lanes} <= ROLES, pid
        refs = [ref.text for lane in lanes for ref in lane.iterfind("bpmn:flowNodeRef", NS)]
        assert len(refs) == len(set(refs)), f"{pid}: a node is in two lanes"
        top_level = {el.get("id") for el in process if el.tag != BPMN + "sequenceFlow" and el.get("id")
                     and etree.QName(el).localname not in ("laneSet", "documentation", "extensionElements")}
        assert set(refs) == top_level, f"{pid}: not in a lane: {sorted(top_level - set(refs))}"


def test_user_tasks_lanes_forms_deadlines_and_letters():
    seen = {}
    for pid in TREES:
        process = _process(pid)
        lane_of = {ref.text: lane.get("name") for lane in process.iterfind("bpmn:laneSet/bpmn:lane", NS)
                   for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for task in process.iter(BPMN + "userTask"):
            tid = task.get("id")
            assert tid.isidentifier() and tid not in seen, tid
            props = _props(task)
            assert task.get("name") and task.get("name")[0].isupper(), tid
            assert props.get("formJsonSchemaFilename") == f"{tid}.json", tid
            assert (FORMS / f"{tid}.json").is_file(), tid
            assert set(props.get("termijn", "").split()) <= DEADLINES, tid
            assert props.get("brief", "ontvangstbevestiging") in LETTERS, tid
            seen[tid] = (pid, lane_of.get(tid), props.get("termijn"))
    assert seen == USER_TASKS


def test_letters_are_marked_where_they_are_sent():
    marked = {}
    for pid in TREES:
        for el in _process(pid).iter():
            brief = _props(el).get("brief") if el.get("id") else None
            if brief:
                assert brief in LETTERS, el.get("id")
                marked[brief] = el.get("id")
    assert marked == {"ontvangstbevestiging": "ontvangstbevestiging_versturen", "uitnodiging_gesprek": "gesprek_plannen",
                      "verslag": "verslag_opstellen", "beschikking": "beschikking_versturen",
                      "bezwaar_ontvangstbevestiging": "bezwaar_registreren", "herindicatie": "herindicatie_starten"}


def test_messages_have_event_forms_and_land_under_their_name():
    names = set()
    for pid, tree in TREES.items():
        by_id = {m.get("id"): m.get("name") for m in tree.getroot().iterfind("bpmn:message", NS)}
        for definition in _process(pid).iter(BPMN + "messageEventDefinition"):
            name = by_id[definition.get("messageRef")]
            variable = definition.find("bpmn:extensionElements/spiff:messageVariable", NS)
            assert variable is not None and variable.text == name, definition.get("id")
            names.add(name)
        assert set(by_id.values()) <= names, pid  # no unused messages
    assert names == MESSAGES
    assert {f.stem for f in (FORMS / "events").glob("*.json")} == MESSAGES


def test_timers_are_aware_dates_built_with_the_helpers():
    timers = {}
    for pid in TREES:
        for definition in _process(pid).iter(BPMN + "timerEventDefinition"):
            children = [etree.QName(c).localname for c in definition if isinstance(c.tag, str)]
            assert children == ["timeDate"], definition.get("id")
            expression = definition[0].text.strip()
            assert re.match(r"^(termijn_verlopen|tijdstip)\(", expression), expression
            timers[definition.getparent().get("id")] = expression
    assert timers == {
        "termijn_persoonlijk_plan_verstreken": 'termijn_verlopen("persoonlijk_plan", onderzoek_vanaf)',
        "bezwaartermijn_verstreken": 'termijn_verlopen("bezwaartermijn", beschikking_verzonden_op)',
        "herindicatiemoment": 'tijdstip(termijn("herindicatie", einddatum))',
        "einddatum_bereikt": "tijdstip(dagen_na(einddatum, 1))",
        "einddatum_bereikt_na_herindicatie": "tijdstip(dagen_na(einddatum, 1))",
    }


def test_business_rule_tasks_initialise_their_decision_outputs():
    decisions = {}
    for path in DMN_FILES:
        root = _parse(path).getroot()
        [decision] = root.findall("dmn:decision", NS)
        assert decision.get("id") == path.stem
        decisions[path.stem] = {o.get("name") for o in decision.iterfind(".//dmn:output", NS)}
        assert root.find("{https://www.omg.org/spec/DMN/20191111/DMNDI/}DMNDI") is not None, path.name
    assert set(decisions) == {"afwijzingsgronden", "eigen_bijdrage"}
    for pid in TREES:
        for task in _process(pid).iter(BPMN + "businessRuleTask"):
            called = task.find("bpmn:extensionElements/spiff:calledDecisionId", NS).text
            prescript = task.find("bpmn:extensionElements/spiff:preScript", NS)
            assert prescript is not None and _assigned(prescript.text) >= decisions[called], task.get("id")


# ---------------------------------------------------------------- expressions
def _expressions():
    for path in BPMN_FILES:
        for el in _parse(path).getroot().iter():
            if not isinstance(el.tag, str) or not (el.text or "").strip():
                continue
            tag = etree.QName(el).localname
            if tag in ("script", "preScript", "postScript"):
                yield path.name, el.getparent().get("id") or el.getparent().getparent().get("id"), el.text, "exec"
            elif tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle"):
                yield path.name, el.getparent().get("id"), el.text.strip(), "eval"
    for path in DMN_FILES:
        root = _parse(path).getroot()
        inputs = [i.text.strip() for i in root.iterfind(".//dmn:inputExpression/dmn:text", NS)]
        for text in inputs:
            yield path.name, "input", text, "eval"
        for rule in root.iterfind(".//dmn:rule", NS):
            for expression, entry in zip(inputs, rule.iterfind("dmn:inputEntry", NS)):
                cell = entry.find("dmn:text", NS).text.strip()
                if cell == "-":
                    continue
                # As SpiffWorkflow evaluates a cell: "?" is the input; a cell that is no expression on its own
                # ("< 2024") is appended to the input expression; a plain value is compared with it.
                cell = cell.replace("?", f"({expression})")
                try:
                    ast.parse(cell, mode="eval")
                    source = f"({expression}) == ({cell})"
                except SyntaxError:
                    source = f"{expression} {cell}"
                yield path.name, rule.get("id"), source, "eval"
            for entry in rule.iterfind("dmn:outputEntry/dmn:text", NS):
                yield path.name, rule.get("id"), entry.text.strip(), "eval"


EXPRESSIONS = list(_expressions())


@pytest.mark.parametrize("file,element,source,mode", EXPRESSIONS, ids=[f"{e[0]}:{e[1]}:{i}" for i, e in enumerate(EXPRESSIONS)])
def test_expression_compiles_restricted_and_uses_known_names_only(file, element, source, mode):
    compile_restricted(source, filename=f"{file}:{element}", mode=mode)  # raises SyntaxError when refused
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        assert not isinstance(node, (ast.Import, ast.ImportFrom, ast.AugAssign, ast.Global, ast.Nonlocal, ast.Lambda)), source
        if isinstance(node, ast.Attribute):
            pytest.fail(f"{file}:{element}: attribute access in {source!r}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id in HELPERS | BUILTINS, f"{file}:{element}: unknown function {node.func.id}"
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assert node.id not in HELPERS | BUILTINS, f"{file}:{element}: {node.id} would overwrite a helper"


def test_no_form_field_or_message_is_named_like_a_helper():
    fields = {name for form in FORMS.rglob("*.json") for name in json.loads(form.read_text())["properties"]}
    assert not (fields | MESSAGES) & (HELPERS | BUILTINS)


# ---------------------------------------------------------------- parallel branches
def _writes(pid: str, node_ids: set[str]) -> set[str]:
    """Data keys the nodes (and the processes they call) write: form fields, message variables, script targets."""
    process = _process(pid)
    keys = set()
    for el in process.iter():
        if el.get("id") not in node_ids:
            continue
        for sub in el.iter():
            tag = etree.QName(sub).localname if isinstance(sub.tag, str) else ""
            if tag == "userTask":
                keys |= _form_fields(sub.get("id"))
            elif tag in ("script", "preScript"):
                keys |= _assigned(sub.text)
            elif tag == "messageVariable":
                keys.add(sub.text)
            elif tag == "callActivity":
                called = sub.get("calledElement")
                keys |= _writes(called, {e.get("id") for e in _process(called).iter() if e.get("id")})
    return keys


def _branches(pid: str, split: str, join: str) -> set[str]:
    process = _process(pid)
    flows = [(f.get("sourceRef"), f.get("targetRef")) for f in process.iter(BPMN + "sequenceFlow")]
    boundary = {b.get("attachedToRef"): b.get("id") for b in process.iter(BPMN + "boundaryEvent")}
    seen, todo = set(), [t for s, t in flows if s == split]
    while todo:
        node = todo.pop()
        if node == join or node in seen:
            continue
        seen.add(node)
        todo += [t for s, t in flows if s == node]
        if node in boundary:
            todo.append(boundary[node])
    # embedded subprocess children
    for el in process.iter(BPMN + "subProcess"):
        if el.get("id") in seen:
            seen |= {c.get("id") for c in el.iter() if c.get("id")}
    return seen


@pytest.mark.parametrize("pid,split,join,before,after", [
    ("wmo_onderzoek", "split_onderzoek", "join_onderzoek", "onderzoek_starten", None),
    ("wmo_uitvoering", "split_uitvoering", "join_uitvoering", "uitvoering_starten", "vervolg_bepalen"),
])
def test_parallel_branches_cannot_overwrite_each_other(pid, split, join, before, after):
    """SpiffWorkflow 3.2.0's join lets the branch that arrives last overwrite every key both branches carry.

    So what a branch writes is deleted before the split, except the few keys the route needed before and the script
    after the join sets again.
    """
    process = _process(pid)
    scripts = {t.get("id"): t.find("bpmn:script", NS).text for t in process.iter(BPMN + "scriptTask")}
    written = _writes(pid, _branches(pid, split, join))
    reapplied = REAPPLIED_AFTER_JOIN.get(pid, set())
    missing = written - _deleted(scripts[before]) - reapplied
    assert not missing, f"{before} must delete {sorted(missing)}"
    if reapplied:
        assert reapplied <= _assigned(scripts[after])
