"""Process versions: deploy the route files of a gemeente, and find a version's parsed definition.

A gemeente's route is every file of processes/base/; each file of processes/<gemeente>/ replaces
the base file that defines the same process id (a call activity's target) or DMN decision id,
or the base file of the same name. Deploying stores it once per content hash; a case keeps
the version it started with, and new cases start on the newest version.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from . import engine, forms
from .cases.ids import row_id
from .config import Gemeente
from .db import db
from .engine.helpers import make_helpers
from .errors import InvalidInput, NotFound
from .letters.service import KINDS
from .models import ProcessVersion

_definitions: dict[str, engine.Definition] = {}
_parsing = threading.Lock()


def read_files(gemeente: Gemeente) -> dict[str, bytes]:
    """Return the route files of ``gemeente`` ({file name: bytes}), variant over base.

    A variant file replaces every earlier file that defines one of its process or decision ids,
    and the file of its own name; a file with new ids is added.
    """
    files: dict[str, bytes] = {}
    for folder in gemeente.process_dirs:
        for path in sorted(Path(folder).iterdir()):
            if path.suffix not in (".bpmn", ".dmn"):
                continue
            content = path.read_bytes()
            ids = engine.defined_ids(content)
            for name in [n for n, c in files.items() if ids & engine.defined_ids(c)]:
                del files[name]
            files[path.name] = content
    return files


def replaced(gemeente: Gemeente) -> dict[str, str]:
    """What the variant replaces: {variant file: base file it replaces (or "" when it adds one)}."""
    if len(gemeente.process_dirs) < 2:
        return {}
    base = {p.name: engine.defined_ids(p.read_bytes()) for p in sorted(gemeente.process_dirs[0].iterdir())
            if p.suffix in (".bpmn", ".dmn")}
    result = {}
    for path in sorted(gemeente.process_dirs[-1].iterdir()):
        if path.suffix in (".bpmn", ".dmn"):
            ids = engine.defined_ids(path.read_bytes())
            result[path.name] = ", ".join(n for n, b in base.items() if n == path.name or ids & b)
    return result


def check(gemeente: Gemeente, files: dict[str, bytes]) -> engine.Definition:
    """Parse and check ``files`` for ``gemeente``; raise InvalidInput listing every problem."""
    definition, problems = find_problems(gemeente, files)
    if problems:
        raise InvalidInput("het procesmodel is ongeldig", _problem_fields(problems))
    return definition


def find_problems(gemeente: Gemeente, files: dict[str, bytes]) -> tuple[engine.Definition | None, list[engine.Problem]]:
    """Parse ``files`` for ``gemeente``: the definition (None when it does not load) and every problem.

    Beside what engine.load checks (parse, call activities, lanes of this gemeente), every user task's
    form and every event's form must exist in the gemeente's forms, and event preconditions must compile.
    """
    try:
        definition = engine.load(files, lanes=lanes(gemeente), form_exists=lambda name: forms.exists(gemeente.form_dirs, name))
    except engine.DefinitionError as error:
        return None, list(error.problems)
    problems = _unknown_letters(definition)
    for message in definition.messages:
        if not forms.exists(gemeente.form_dirs, f"events/{message}.json"):
            problems.append(engine.Problem("", message, f"gebeurtenis heeft geen formulier events/{message}.json"))
            continue
        for condition in forms.find(gemeente.form_dirs, f"events/{message}.json").get("x-voorwaarden", []):
            try:
                engine.check_expression(str(condition.get("als", "")), "eval")
            except engine.ExpressionError as error:
                problems.append(engine.Problem(f"events/{message}.json", "x-voorwaarden", str(error)))
    return definition, problems


def _unknown_letters(definition: engine.Definition) -> list[engine.Problem]:
    """Every element whose property ``brief`` names a letter the app does not make (it would send nothing)."""
    file_of = {}
    for process_spec in [definition.spec, *definition.subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            if task_spec.bpmn_id in definition.letters:
                file_of[task_spec.bpmn_id] = process_spec.file or process_spec.name
    return [engine.Problem(file_of.get(element, ""), element,
                           f"brief {brief!r} bestaat niet; bekende brieven: {', '.join(sorted(KINDS))}")
            for element, brief in sorted(definition.letters.items()) if brief not in KINDS]


def lanes(gemeente: Gemeente) -> list[str]:
    """The lanes a user task of this gemeente may stand in: those with at least one role."""
    return [lane for lane, roles in gemeente.lane_roles.items() if roles]


def deploy(gemeente: Gemeente, files: dict[str, bytes], by: str) -> ProcessVersion:
    """Store ``files`` as the newest version for the gemeente, unless that content is stored already."""
    definition = check(gemeente, files)
    existing = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.gemeente == gemeente.naam, ProcessVersion.hash == definition.hash)
    )
    if existing is not None:
        return existing
    version = ProcessVersion(
        gemeente=gemeente.naam,
        hash=definition.hash,
        files={name: content.decode("utf-8") for name, content in files.items()},
        deployed_by=by,
    )
    db.session.add(version)
    db.session.flush()
    _definitions[definition.hash] = definition
    return version


def deploy_from_disk(gemeente: Gemeente, by: str = "systeem") -> ProcessVersion:
    """Deploy the route as it is on disk (a no-op when that content is deployed already)."""
    return deploy(gemeente, read_files(gemeente), by)


def version_of(naam: str, version_id) -> ProcessVersion:
    """A stored version of gemeente ``naam``; NotFound for another gemeente's, an unknown or a malformed id."""
    number = row_id(version_id)
    version = db.session.get(ProcessVersion, number) if number is not None else None
    if version is None or version.gemeente != naam:
        raise NotFound(f"versie {version_id} van {naam} bestaat niet")
    return version


def current(gemeente: Gemeente) -> ProcessVersion:
    """Return the version new cases start on: the newest deployed, deploying from disk if none."""
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.gemeente == gemeente.naam).order_by(ProcessVersion.id.desc()).limit(1)
    )
    return version if version is not None else deploy_from_disk(gemeente)


def definition(version: ProcessVersion) -> engine.Definition:
    """Return the parsed definition of a stored version (parsed once per process, by one thread at a time)."""
    cached = _definitions.get(version.hash)
    if cached is None:
        with _parsing:  # a threaded web worker's first requests all need the route: parse it once, not once each
            cached = _definitions.get(version.hash)
            if cached is None:
                cached = engine.load({name: text.encode("utf-8") for name, text in version.files.items()}, lanes=None)
                _definitions[version.hash] = cached
    return cached


def script_engine(gemeente: Gemeente):
    """Return the restricted script engine with this gemeente's terms and calendar."""
    if gemeente.script_engine is None:
        gemeente.script_engine = engine.make_script_engine(make_helpers(gemeente.termijnen, gemeente.kalender))
    return gemeente.script_engine


def _problem_fields(problems) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in problems:
        key = ":".join(p for p in (problem.file, problem.element) if p) or "procesmodel"
        fields[key] = f"{fields[key]}; {problem.reason}" if key in fields else problem.reason
    return fields


@dataclass
class Route:
    """What a step on one case needs: its gemeente, its process version and the parsed definition."""

    gemeente: Gemeente
    version: ProcessVersion
    definition: engine.Definition

    def restore(self, state: str):
        """Restore a workflow of this route from stored state, with the gemeente's script engine."""
        return engine.restore(self.definition, script_engine(self.gemeente), state)


def route_of(settings, case) -> Route:
    """Return the route a case runs on: the version it started with, in its gemeente."""
    version = db.session.get(ProcessVersion, case.process_version_id)
    return Route(settings.gemeente_config(case.gemeente), version, definition(version))
