"""Deploy a changed diagram: one file edited in the modeler or uploaded replaces its namesake.

The new file replaces the file of that name in the gemeente's current set (or is added), the
whole set is checked as ``wmo processes check`` does (``processes.check``, via
``processes.deploy``), and a valid set becomes the newest version: new cases start on it,
running cases keep the version they started with. An invalid one stores nothing and lists
every problem (file, element id, reason).

The timer check and bpmnlint are the CLI's own (``app/variants.py``), called here on the files in
memory rather than on disk.
"""
from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import processes, safe_xml, variants
from ..auth.service import Actor
from ..db import db
from ..engine import Problem
from ..errors import Conflict, InvalidInput, NotFound
from ..models import ProcessVersion
from . import service

log = logging.getLogger("wmo.processbeheer")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\.(bpmn|dmn)$")


@dataclass
class Deployed:
    """The outcome of a save: the version new cases start on, and whether it is new."""

    version: ProcessVersion
    new: bool


def current_files(naam: str, gemeente) -> dict[str, bytes]:
    """The files new cases of the gemeente start on: the newest version's, or those on disk before any deploy."""
    latest = service.newest(naam)
    if latest is None:
        return processes.read_files(gemeente)
    return {name: text.encode("utf-8") for name, text in latest.files.items()}


def current_file(settings, naam: str, file: str, actor: Actor) -> dict:
    """The modeler's starting point: the current version's XML of ``file``."""
    service.require_owner(actor)
    gemeente = service.gemeente(settings, naam)
    files = current_files(naam, gemeente)
    if file not in files or not file.endswith(".bpmn"):
        raise NotFound(f"de huidige versie van {naam} heeft geen diagram {file}")
    latest = service.newest(naam)
    return {"gemeente": {"naam": gemeente.naam, "titel": gemeente.titel}, "bestand": file,
            "xml": files[file].decode("utf-8"), "versie": latest.id if latest else None,
            "bestanden": sorted(files)}


def save_file(settings, naam: str, file: str, content: bytes, actor: Actor, basis: int | None = None) -> Deployed:
    """Replace (or add) ``file`` in the gemeente's current set, check the set and deploy it.

    ``basis`` is the version the user started from: when another version was deployed since, the
    save is refused (Conflict) rather than silently undoing that version's changes.
    """
    service.require_owner(actor, "een procesversie in gebruik nemen")
    gemeente = service.gemeente(settings, naam)
    _check_file(file, content)
    latest = service.newest(naam)
    if basis is not None and latest is not None and latest.id != basis:
        raise Conflict(f"sinds u begon is versie {latest.id} in gebruik genomen (door {latest.deployed_by}); "
                       "laad de pagina opnieuw en breng uw wijziging daarin aan",
                       {"versie": f"u begon bij versie {basis}, de huidige is {latest.id}"})
    files = current_files(naam, gemeente)
    files[file] = content
    check_route(settings, gemeente, files, file)
    before = service.newest(naam)
    version = processes.deploy(gemeente, files, actor.username)
    new = before is None or version.id > before.id
    if new:
        db.session.commit()
        log.info("deployed: %s deployed version %s (%s) of %s, file %s changed", actor.username, version.id,
                 version.hash[:10], naam, file)
    return Deployed(version, new)


def changed_since(naam: str, basis: int | None, file: str) -> bool:
    """Whether ``file`` differs between version ``basis`` and the newest (True when basis is unknown)."""
    latest = service.newest(naam)
    try:
        start = service.get_version(naam, basis) if basis is not None else None
    except NotFound:
        return True
    if start is None or latest is None:
        return True
    return start.files.get(file) != latest.files.get(file)


def check_route(settings, gemeente, files: dict[str, bytes], changed: str) -> None:
    """Check the whole set as ``wmo processes check`` does; raise InvalidInput listing every problem.

    That is processes.find_problems (parse, call activities, lanes of this gemeente, forms, scripts),
    then app/variants.py's timer check on a sample case and bpmnlint on the changed diagram.
    """
    definition, found = processes.find_problems(gemeente, files)
    found = list(found)
    if definition is not None:
        found += variants.check_timers(gemeente, files, {name: name for name in files}, definition)
    if changed.endswith(".bpmn") and definition is not None:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / changed
            path.write_bytes(files[changed])
            notes: list[str] = []
            for problem in variants.bpmnlint(settings, [path], notes):
                found.append(Problem(changed, problem.element, problem.reason))
            for note in notes:
                log.warning("deploy check: %s", note)
    if found:
        raise InvalidInput("het procesmodel is ongeldig", _fields(found))


def _fields(found) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in found:
        element = problem.element if problem.element not in ("", "-") else ""
        key = ":".join(p for p in (problem.file, element) if p) or "procesmodel"
        fields[key] = f"{fields[key]}; {problem.reason}" if key in fields else problem.reason
    return fields


def _check_file(file: str, content: bytes) -> None:
    if not file:
        raise InvalidInput("dit bestand kan niet", {"bestand": "kies een .bpmn- of .dmn-bestand om te uploaden"})
    if not FILE_NAME.match(file or ""):
        raise InvalidInput("dit bestand kan niet", {"bestand": "alleen een .bpmn- of .dmn-bestand, met een naam van letters, "
                                                              "cijfers, punt, streepje of liggend streepje"})
    if not content.strip():
        raise InvalidInput("dit bestand kan niet", {file: "het bestand is leeg"})
    try:
        root = safe_xml.fromstring(content)
    except etree.XMLSyntaxError as error:
        raise InvalidInput("dit bestand kan niet", {file: f"geen geldige XML: {error}"}) from None
    if root.getroottree().docinfo.doctype:  # entities could reach files or the network; no modeler writes one
        raise InvalidInput("dit bestand kan niet", {file: "een model mag geen DOCTYPE (met entiteiten) bevatten"})
    expected = "definitions"
    if etree.QName(root).localname != expected:
        raise InvalidInput("dit bestand kan niet", {file: "dit is geen BPMN- of DMN-model (geen <definitions>)"})
    namespace = etree.QName(root).namespace or ""
    if file.endswith(".bpmn") and "BPMN" not in namespace:
        raise InvalidInput("dit bestand kan niet", {file: "een .bpmn-bestand moet een BPMN-model bevatten"})
    if file.endswith(".dmn") and "DMN" not in namespace:
        raise InvalidInput("dit bestand kan niet", {file: "een .dmn-bestand moet een DMN-model bevatten"})
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("dit bestand kan niet", {file: "het bestand is niet in UTF-8"}) from None


def problems(error) -> list[dict]:
    """The problems of a refused save, one row each: file, element id, reason."""
    rows = []
    for key, reason in error.fields.items():
        file, _, element = key.partition(":")
        if not (file.endswith(".bpmn") or file.endswith(".dmn") or file.endswith(".json")):
            file, element = ("", key) if key not in ("bestand", "procesmodel", "versie") else ("", "")
        for part in reason.split("; "):
            rows.append({"bestand": file, "element": element, "reden": part})
    return rows


def upload_page(settings, naam: str, actor: Actor) -> dict:
    """What the upload form shows: the gemeente and the files of its current set."""
    service.require_owner(actor, "een procesversie in gebruik nemen")
    gemeente = service.gemeente(settings, naam)
    latest = service.newest(naam)
    return {"gemeente": {"naam": gemeente.naam, "titel": gemeente.titel}, "versie": latest.id if latest else None,
            "bestanden": sorted(current_files(naam, gemeente))}
