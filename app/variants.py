"""Check every route variant: what ``wmo processes check`` runs.

A variant is a folder processes/<gemeente>/ (files that replace base processes or decisions by id)
plus a ``[gemeenten.<gemeente>]`` section in config.toml. For each variant this checks that the route
parses, every call activity resolves, every user task has a form, every lane has a role in that
gemeente, every timer expression evaluates (with the route's helpers, on a sample case) to a valid
instant or duration, and bpmnlint passes. Each problem is ``file: element id: reason``.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree

from . import engine, processes, safe_xml
from .config import ConfigError, Settings
from .engine.definitions import NS, Problem

BASE = "base"
SAMPLE_DATE = "2026-03-02"  # a Monday: the sample case's dates
SAMPLE_INSTANT = "2026-03-02T00:00:00+01:00"
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")


@dataclass
class Report:
    """What a check found: the variants it checked, the problems, and notes (e.g. a tool that did not run)."""

    checked: list[str]
    problems: list[Problem]
    notes: list[str]


def folders(settings: Settings) -> tuple[Path, Path]:
    """The processes/ and forms/ folders of this configuration."""
    paden = settings.raw.get("paden", {})
    root = settings.path.parent
    return root / paden.get("processes", "processes"), root / paden.get("forms", "forms")


def names(settings: Settings) -> list[str]:
    """Every variant: base, each [gemeenten.X] section and each folder under processes/ (base first)."""
    process_root, _ = folders(settings)
    found = set(settings.raw.get("gemeenten", {})) | {BASE}
    if process_root.is_dir():
        found |= {p.name for p in process_root.iterdir() if p.is_dir() and not p.name.startswith(".")}
    return [BASE] + sorted(found - {BASE})


def check(settings: Settings, only: str | None = None) -> Report:
    """Check ``only`` (a gemeente) or every variant; return every problem found."""
    variants = [only] if only else names(settings)
    report = Report(variants, [], [])
    for naam in variants:
        report.problems += _check_variant(settings, naam, report.notes)
    return report


def _rel(settings: Settings, path: Path) -> str:
    try:
        return str(path.relative_to(settings.path.parent))
    except ValueError:
        return str(path)


def _check_variant(settings: Settings, naam: str, notes: list[str]) -> list[Problem]:
    process_root, form_root = folders(settings)
    config = _rel(settings, settings.path)
    section = settings.raw.get("gemeenten", {}).get(naam)
    problems: list[Problem] = []
    if naam != BASE and section is None:
        where = process_root / naam if (process_root / naam).is_dir() else form_root / naam
        return [Problem(_rel(settings, where), "-", f"map zonder sectie [gemeenten.{naam}] in {config}")]
    if naam != BASE and not (process_root / naam).is_dir():
        problems.append(Problem(config, f"gemeenten.{naam}",
                                f"sectie zonder map {_rel(settings, process_root / naam)} (kopieer een variant of maak een lege map)"))
    try:
        gemeente = settings.gemeente_config(naam)
    except ConfigError as error:
        return problems + [Problem(config, f"gemeenten.{naam}", str(error))]
    paths = route_paths(gemeente)
    shown = {name: _rel(settings, path) for name, path in paths.items()}
    files = {name: path.read_bytes() for name, path in paths.items()}
    by_id = {pid: shown[name] for name, content in files.items() for pid in engine.defined_ids(content)}
    definition, found = processes.find_problems(gemeente, files)
    for problem in found:
        file = shown.get(problem.file) or by_id.get(problem.file) or problem.file
        if problem.file.startswith("events/"):
            file = _rel(settings, gemeente.form_dirs[-1] / problem.file)
        elif not problem.file and problem.reason.startswith("gebeurtenis heeft geen formulier"):
            file = _rel(settings, gemeente.form_dirs[-1] / "events" / f"{problem.element}.json")
        file = file or "-"
        problems.append(Problem(file, problem.element or "-", problem.reason))
    for lane, roles in gemeente.lane_roles.items():
        if not roles:
            problems.append(Problem(config, f"gemeenten.{naam}.rollen.{lane}", "lane zonder rol"))
    problems += _check_timers(gemeente, files, shown, definition)
    own = [path for name, path in paths.items() if name.endswith(".bpmn")
           and (naam == BASE or path.parent != gemeente.process_dirs[0])]
    problems += _bpmnlint(settings, own, notes)
    return problems


def route_paths(gemeente) -> dict[str, Path]:
    """The files of a gemeente's route as processes.read_files picks them: {file name: path}."""
    paths: dict[str, Path] = {}
    for folder in gemeente.process_dirs:
        for path in sorted(Path(folder).iterdir()):
            if path.suffix not in (".bpmn", ".dmn"):
                continue
            ids = engine.defined_ids(path.read_bytes())
            for name in [n for n, p in paths.items() if ids & engine.defined_ids(p.read_bytes())]:
                del paths[name]
            paths[path.name] = path
    return paths


def sample_data(gemeente, files: dict[str, bytes]) -> dict:
    """A sample case: every term's dates, every form's answers, every event's payload, then the route's scripts run on it."""
    data: dict = {"case_id": 1, "gemeente": gemeente.naam, "hulpvraag": "voorbeeld", "kanaal": "telefonisch",
                  "ontvangen_op": SAMPLE_DATE, "ingediend_door": "inwoner", "vertegenwoordiger": None,
                  "geboortedatum": "1948-03-14", "onderzoek_vanaf": SAMPLE_DATE}
    for term in gemeente.termijnen.values():
        for attr in ("vanaf", "voldaan", "verlengd_op"):
            if getattr(term, attr, None):
                data.setdefault(getattr(term, attr), SAMPLE_DATE)
        if getattr(term, "verlengd_met", None):
            data.setdefault(term.verlengd_met, 0)
    for folder in gemeente.form_dirs:
        for path in sorted(folder.rglob("*.json")):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue
            answers = {name: _sample(prop) for name, prop in schema.get("properties", {}).items()}
            if path.parent.name == "events":
                data.setdefault(path.stem, answers)
            for name, value in answers.items():
                data.setdefault(name, value)
    script_engine = processes.script_engine(gemeente)
    scripts = [node.text for content in files.values() for node in _xml(content).iter()
               if isinstance(node.tag, str) and etree.QName(node).localname in ("script", "preScript", "postScript")
               and node.text and node.text.strip()]
    for _ in range(2):  # twice: a script may need what a later one sets
        for script in scripts:
            context = dict(data)
            try:
                script_engine.environment.execute(script, context)
            except Exception:  # noqa: BLE001 - a sample case cannot satisfy every script; what it does set counts
                continue
            for key, value in context.items():
                if key not in data or data[key] is None:
                    data[key] = value
    return data


def _sample(prop: dict):
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "enum" in prop and prop["enum"]:
        return prop["enum"][0]
    if kind == "string":
        return SAMPLE_DATE if prop.get("format") == "date" else (
            SAMPLE_INSTANT if prop.get("format") == "date-time" else "voorbeeld")
    if kind in ("integer", "number"):
        return max(1, int(prop.get("minimum", 1)))
    if kind == "boolean":
        return False
    if kind == "object":
        return {name: _sample(p) for name, p in prop.get("properties", {}).items()}
    if kind == "array":
        return []
    return None


def _xml(content: bytes):
    try:
        return safe_xml.fromstring(content)
    except etree.XMLSyntaxError:
        return etree.Element("leeg")


def _check_timers(gemeente, files: dict[str, bytes], shown: dict[str, str], definition) -> list[Problem]:
    """Evaluate every timer expression on the sample case; it must give an aware instant, an ISO duration or cycle."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    problems = []
    data = sample_data(gemeente, files)
    script_engine = processes.script_engine(gemeente)
    for name, content in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        for node in _xml(content).iter(*(f"{{{NS['bpmn']}}}{tag}" for tag in TIMER_TAGS)):
            owner = node.getparent()
            while owner is not None and (not owner.get("id") or etree.QName(owner).localname == "timerEventDefinition"):
                owner = owner.getparent()
            element = owner.get("id") if owner is not None else "-"
            tag = etree.QName(node).localname
            source = (node.text or "").strip()
            if not source:
                problems.append(Problem(shown.get(name, name), element, f"{tag} is leeg"))
                continue
            try:
                value = engine.evaluate(script_engine, source, data)
                if tag == "timeDate":
                    moment = datetime.fromisoformat(str(value))
                    if moment.tzinfo is None:
                        raise ValueError(f"{value!r} heeft geen tijdzone")
                elif tag == "timeDuration":
                    TimerEventDefinition.parse_iso_duration(str(value))
                else:
                    TimerEventDefinition.parse_iso_recurring_interval(str(value))
            except Exception as error:  # noqa: BLE001 - every failure is a problem to report, with its reason
                problems.append(Problem(shown.get(name, name), element,
                                        f"timer {source!r} geeft geen geldig {tag} op een voorbeeldzaak: "
                                        f"{type(error).__name__}: {error}"))
    return problems


def node_root(settings: Settings) -> Path | None:
    """The folder whose node_modules holds bpmnlint: the config's folder or a parent, else the app's checkout."""
    candidates = [settings.path.parent, *settings.path.parent.parents, Path(__file__).resolve().parents[1]]
    return next((c for c in candidates if (c / "node_modules" / ".bin" / "bpmnlint").exists()), None)


def _bpmnlint(settings: Settings, paths: list[Path], notes: list[str]) -> list[Problem]:
    """Run bpmnlint (recommended rules, or the .bpmnlintrc beside node_modules) over ``paths``."""
    if not paths:
        return []
    root = node_root(settings)
    if root is None or shutil.which("node") is None:
        note = "bpmnlint niet uitgevoerd: node of node_modules/.bin/bpmnlint ontbreekt (draai `npm ci`)"
        if note not in notes:
            notes.append(note)
        return []
    command = [str(root / "node_modules" / ".bin" / "bpmnlint")]
    with tempfile.TemporaryDirectory() as scratch:
        rc = root / ".bpmnlintrc"
        if not rc.exists():  # no project rules: bpmnlint's recommended ones
            rc = Path(scratch) / "bpmnlintrc.json"
            rc.write_text('{"extends": "bpmnlint:recommended"}', encoding="utf-8")
        result = subprocess.run([*command, "--config", str(rc), *map(str, paths)], cwd=root,
                                capture_output=True, text=True, timeout=120)
    if result.returncode == 0:
        return []
    problems, current = [], "-"
    by_path = {str(p): _rel(settings, p) for p in paths}
    for line in result.stdout.splitlines():
        if not line.strip() or line.lstrip().startswith("✖"):
            continue
        if not line.startswith(" "):
            current = by_path.get(line.strip(), line.strip())
            continue
        parts = [p for p in line.strip().split("  ") if p.strip()]
        if len(parts) >= 4:
            element, level, message, rule = parts[0].strip(), parts[1].strip(), "  ".join(parts[2:-1]).strip(), parts[-1].strip()
            if level == "error":
                problems.append(Problem(current, element, f"bpmnlint {rule}: {message}"))
    if not problems:
        problems.append(Problem(", ".join(by_path.values()), "-", f"bpmnlint faalde: {(result.stderr or result.stdout).strip()[:500]}"))
    return problems


# Public names for the parts other checks reuse (the process owner's upload runs the same timer and lint checks).
check_timers = _check_timers
bpmnlint = _bpmnlint
