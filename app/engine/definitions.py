"""Load and check a route: BPMN and DMN files in, one parsed, validated definition out.

A definition is identified by the content hash of its files, so it is stored once per
version and a case keeps the version it started with. ``load`` refuses a definition with
every problem it finds (file, element id, reason), never the first one only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from .. import safe_xml
from .scripting import ExpressionError, check_expression

MAIN_PROCESS = "wmo_route"
ROLES = ("inwoner", "klantmanager", "pgb-consulent", "beslisser", "teamleider")
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


@dataclass(frozen=True)
class Problem:
    """One reason a definition is refused."""

    file: str
    element: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element or '-'}: {self.reason}"


class DefinitionError(ValueError):
    """A route that cannot be deployed; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class UserTaskInfo:
    """What the app needs to know of a user task without loading a workflow."""

    bpmn_id: str
    title: str
    lane: str | None
    process_id: str
    form: str | None
    termijnen: tuple[str, ...]
    brief: str | None


@dataclass
class Definition:
    """A parsed, checked route: the specs plus what inboxes and forms need."""

    hash: str
    files: dict[str, bytes]
    spec: object
    subprocess_specs: dict
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    messages: frozenset[str] = frozenset()
    letters: dict[str, str] = field(default_factory=dict)  # BPMN id -> the letter it sends (property ``brief``)


def content_hash(files: dict[str, bytes]) -> str:
    """Return the sha256 over the file names and contents, independent of order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def _expressions(file: str, root) -> list[tuple[str, str, str]]:
    """Yield (element id, source, mode) for every expression in a BPMN or DMN document."""
    found = []

    def owner(node):
        while node is not None and not node.get("id"):
            node = node.getparent()
        return node.get("id") if node is not None else ""

    for node in root.iter():
        if not isinstance(node.tag, str) or node.text is None or not node.text.strip():
            continue
        tag = etree.QName(node).localname
        text = node.text.strip()
        if tag in ("script", "preScript", "postScript"):
            found.append((owner(node), text, "exec"))
        elif tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle", "messagePayload"):
            found.append((owner(node), text, "eval"))
        elif tag == "text" and node.getparent() is not None:
            parent = etree.QName(node.getparent()).localname
            if parent == "inputExpression" or parent == "outputEntry":
                found.append((owner(node), text, "eval"))
            elif parent == "inputEntry" and text != "-":
                cell = text.replace("?", "dmn_input")
                try:
                    check_expression(cell, "eval")
                except ExpressionError:
                    cell = f"dmn_input {cell}"
                found.append((owner(node), cell, "eval"))
    return found


def _user_task_info(spec, process_id: str) -> UserTaskInfo:
    props = spec.extensions.get("properties", {}) if getattr(spec, "extensions", None) else {}
    return UserTaskInfo(
        bpmn_id=spec.bpmn_id,
        title=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        process_id=process_id,
        form=props.get("formJsonSchemaFilename"),
        termijnen=tuple(props.get("termijn", "").split()),
        brief=props.get("brief"),
    )


def defined_ids(content: bytes) -> set[str]:
    """The ids a route file defines: its processes (``bpmn:process``) or decisions (``dmn:decision``)."""
    try:
        root = safe_xml.fromstring(content)
    except etree.XMLSyntaxError:
        return set()
    return {node.get("id") for node in root.iter() if isinstance(node.tag, str) and node.get("id")
            and etree.QName(node).localname in ("process", "decision")}


def load(files: dict[str, bytes], main: str = MAIN_PROCESS, lanes=ROLES, form_exists=None) -> Definition:
    """Parse and check ``files`` ({name: bytes}); raise DefinitionError listing every problem.

    ``lanes`` are the lanes a user task may stand in (the gemeente's); None skips that check
    (a stored version was checked when it was deployed). ``form_exists(name)``, when given, says
    whether a user task's form exists.
    """
    problems: list[Problem] = []  # the file cannot be read: stop after reading all files
    refused: list[Problem] = []  # the file reads but may not run: report with the rest at the end
    parser = SpiffBpmnParser(validator=VALIDATOR)
    messages: set[str] = set()
    defined: set[str] = set()
    calls: list[tuple[str, str, str]] = []  # (file, call activity id, called process id)
    for name in sorted(files):
        try:
            root = safe_xml.fromstring(files[name])
        except etree.XMLSyntaxError as error:
            problems.append(Problem(name, "", f"geen geldige XML: {error}"))
            continue
        for element_id, source, mode in _expressions(name, root):
            try:
                check_expression(source, mode)
            except ExpressionError as error:
                refused.append(Problem(name, element_id, f"expressie geweigerd: {error}"))
        try:
            if name.endswith(".dmn"):
                parser.add_dmn_xml(root, filename=name)
            elif name.endswith(".bpmn"):
                parser.add_bpmn_xml(root, filename=name)
                messages.update(m.get("name") for m in root.iterfind(".//bpmn:message", NS) if m.get("name"))
                defined.update(p.get("id") for p in root.iterfind(".//bpmn:process", NS))
                calls += [(name, c.get("id"), c.get("calledElement") or "") for c in root.iterfind(".//bpmn:callActivity", NS)]
            else:
                problems.append(Problem(name, "", "alleen .bpmn- en .dmn-bestanden horen bij een route"))
        except (ValidationException, SpiffWorkflowException) as error:
            problems.append(Problem(getattr(error, "file_name", "") or name, getattr(error, "id", ""), str(error)))
    for name, element_id, called in calls:
        if called not in defined:
            problems.append(Problem(name, element_id, f"call activity roept proces {called!r} aan, dat geen bestand van de route "
                                                       f"definieert ({', '.join(sorted(defined))})"))
    if problems:
        raise DefinitionError(problems + refused)
    try:
        spec = parser.get_spec(main)
        subprocess_specs = parser.get_subprocess_specs(main)
    except (ValidationException, SpiffWorkflowException, KeyError) as error:
        raise DefinitionError([Problem(getattr(error, "file_name", ""), getattr(error, "id", ""), str(error)), *refused]) from None
    problems = refused
    user_tasks: dict[str, UserTaskInfo] = {}
    letters: dict[str, str] = {}
    for process_id, process_spec in [(main, spec), *subprocess_specs.items()]:
        for task_spec in process_spec.task_specs.values():
            props = task_spec.extensions.get("properties", {}) if getattr(task_spec, "extensions", None) else {}
            if props.get("brief") and task_spec.bpmn_id:
                letters[task_spec.bpmn_id] = props["brief"]
            if not isinstance(task_spec, UserTask):
                continue
            info = _user_task_info(task_spec, process_id)
            file = process_spec.file or process_id
            if lanes is not None and info.lane not in lanes:
                problems.append(Problem(file, info.bpmn_id, f"lane {info.lane!r} is geen rol ({', '.join(lanes)}); "
                                                            "een gemeente koppelt een lane aan rollen in [gemeenten.<naam>.rollen]"))
            if not info.form:
                problems.append(Problem(file, info.bpmn_id, "gebruikerstaak noemt geen formulier (formJsonSchemaFilename)"))
            elif form_exists is not None and not form_exists(info.form):
                problems.append(Problem(file, info.bpmn_id, f"formulier {info.form} bestaat niet"))
            if info.bpmn_id in user_tasks and user_tasks[info.bpmn_id].process_id != process_id:
                problems.append(Problem(file, info.bpmn_id, "id van de gebruikerstaak staat in twee processen"))
            user_tasks[info.bpmn_id] = info
    if problems:
        raise DefinitionError(problems)
    return Definition(content_hash(files), dict(files), spec, subprocess_specs, user_tasks, frozenset(messages), letters)
