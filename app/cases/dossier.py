"""The case dossier as a caseworker reads it: resident, terms, open tasks, timeline, diagram.

Builds on ``queries.case_detail`` (what the API shows) and puts it in words: Dutch labels,
dates as the Netherlands writes them, task and event titles instead of BPMN ids. Only
caseworkers may read a dossier; a procesbeheerder manages diagrams, not cases.
"""
from __future__ import annotations

from datetime import date, datetime

from .. import engine, forms, processes
from ..access.service import case_log, mask_bsn
from ..auth.service import CASEWORKERS, Actor
from ..config import Settings
from ..engine import clock
from ..errors import NotFound
from ..letters import archive, handwritten
from . import queries
from .service import get_case

STATUS = {"lopend": "Lopend", "afgehandeld": "Afgehandeld"}
TERM_STATUS = {"open": "open", "met": "gehaald", "overdue": "verstreken"}
DWANGSOM_STATUS = {
    "nog_niet": "loopt nog niet", "loopt": "loopt", "gestopt": "gestopt (besluit verzonden)",
    "maximum": "maximum bereikt", "niet_verschuldigd": "niet verschuldigd (op tijd beslist na de ingebrekestelling)",
}
STEP_KINDS = {
    "user_task": "taak", "call_activity": "deelproces", "timer": "termijn", "message": "wacht op gebeurtenis",
    "wait": "wacht",
}
INWONERLINK_TASK = "verslag_ondertekenen"
SYSTEM_FIELDS = frozenset({"case_id", "gemeente"})  # set by the app at the start, not news in a timeline


def _require_caseworker(actor: Actor) -> None:
    actor.require(CASEWORKERS, "het dossier van een zaak inzien")


def dossier(settings: Settings, case_id, actor: Actor) -> dict:
    """Return the dossier of a case as plain dicts, in words, for the page."""
    _require_caseworker(actor)
    case = get_case(case_id)
    route = processes.route_of(settings, case)
    workflow = route.restore(case.state)  # once, for both the events it waits for and the diagram
    detail = queries.case_detail(settings, case, actor, workflow)
    names = engine.element_names(route.definition)
    choices = _route_choices(route)
    data = case.data or {}
    open_tasks = [{**t, "due": _date(t["due"])} for t in detail["open_tasks"]]
    return {
        "id": case.id,
        "status": detail["status"],
        "status_label": STATUS.get(detail["status"], detail["status"]),
        "gemeente": case.gemeente,
        "process_version": {
            "id": route.version.id, "hash": route.version.hash[:12],
            "deployed_at": _moment(route.version.deployed_at), "deployed_by": route.version.deployed_by,
        },
        "inwoner": {
            "naam": case.naam, "bsn": case.bsn, "geboortedatum": case.geboortedatum.strftime("%d-%m-%Y"),
            "adres": _address(case.adres or {}), "hulpvraag": data.get("hulpvraag"),
            "vertegenwoordiger": data.get("vertegenwoordiger") or None,
            "ingediend_door": data.get("ingediend_door"), "kanaal": data.get("kanaal"),
        },
        "termijnen": [_term(d) for d in detail["deadlines"]],
        "dwangsom": _dwangsom(detail["dwangsom"]),
        "open_tasks": open_tasks,
        "wacht_op": [_event_title(route, name) for name in detail["waiting_for_events"]],
        "tijdlijn": [_event(route, names, e, choices) for e in detail["history"]],
        "documenten": documents(archive.listing(case.id)),
        "proces": _progress(route, workflow),
        "inwonerlink": "klantmanager" in actor.roles and any(t["name"] == INWONERLINK_TASK for t in open_tasks),
        "inzage": "teamleider" in actor.roles,
        "brieven_schrijven": handwritten.may_write(actor),
    }


def documents(listing: list[dict]) -> list[dict]:
    """A case's letters as the dossier and the task page list them: what corrects what, in words and dates."""
    by_id = {d["id"]: d for d in listing}
    shown = []
    for d in listing:
        newer, older = by_id.get(d["replaced_by"]), by_id.get(d["corrects_id"])
        shown.append({
            "id": d["id"], "kind": d["kind"], "titel": d["title"], "datum": _moment(d["created_at"]),
            "door": d["created_by"] if d["kind"] in (handwritten.LETTER, handwritten.CORRECTION) else None,
            "vervangen_door": {"id": newer["id"], "titel": newer["title"], "datum": _moment(newer["created_at"])}
            if newer else None,
            "vervangt": {"id": older["id"], "titel": older["title"], "datum": _moment(older["created_at"])}
            if older else None,
        })
    return shown


def document(case_id, document_id, actor: Actor):
    """One letter of a case, for a caseworker (the letter holds personal data, like the dossier)."""
    _require_caseworker(actor)
    return archive.document(case_id, document_id, actor)


def diagram_progress(settings: Settings, case_id, actor: Actor) -> dict:
    """Return where the case stands, per process of its route: the markers for the diagram."""
    _require_caseworker(actor)
    case = get_case(case_id)
    route = processes.route_of(settings, case)
    return _progress(route, route.restore(case.state))


def _progress(route, workflow) -> dict:
    found = engine.progress(route.definition, workflow)
    return {
        "current": found.current,
        "processes": [
            {"id": p.process_id, "name": p.name, "completed": p.completed, "active": p.active, "watching": p.watching,
             "taken": [list(pair) for pair in p.taken]}
            for p in found.processes
        ],
        "steps": [_step(found, s) for s in found.steps],
        "watching": [_step(found, s) for s in found.watching],
    }


def diagram_xml(settings: Settings, case_id, process_id: str, actor: Actor) -> str:
    """Return the BPMN XML of one process of the case's own process version."""
    _require_caseworker(actor)
    case = get_case(case_id)
    route = processes.route_of(settings, case)
    files = {p: file for p, _, file in engine.route_processes(route.definition)}
    text = route.version.files.get(files.get(process_id) or "")
    if text is None:
        raise NotFound(f"proces {process_id!r} hoort niet bij de route van zaak {case.id}")
    return text


def access_log(case_id, actor: Actor) -> dict:
    """Return the case's access log for the teamleider's page (only a teamleider may read it)."""
    rows = case_log(case_id, actor)  # refuses other roles before anything of the case is read
    case = get_case(case_id)
    return {
        "zaak": {"id": case.id, "naam": case.naam},
        "regels": [{**r, "at": _moment(r["at"]), "at_iso": r["at"].isoformat()} for r in rows],
    }


def _step(found, step) -> dict:
    process = next((p.name for p in found.processes if p.process_id == step.process_id), step.process_id)
    return {"process_id": step.process_id, "process": process, "id": step.bpmn_id, "name": step.name,
            "kind": STEP_KINDS.get(step.kind, step.kind)}


def _term(deadline: dict) -> dict:
    status = TERM_STATUS.get(deadline["status"], deadline["status"])
    return {
        "name": deadline["name"], "label": deadline["name"].replace("_", " ").capitalize(),
        "start": _date(deadline["start"]), "due": _date(deadline["due"]), "status": status,
        "met_on": _date(deadline["met_on"]),
    }


def _dwangsom(found: dict | None) -> dict | None:
    if found is None:
        return None
    return {
        "ingebrekestelling": _date(found["ingebrekestelling_ontvangen_op"]), "loopt_vanaf": _date(found["loopt_vanaf"]),
        "dagen": found["dagen"], "bedrag": _euro(found["bedrag"]), "maximum": _euro(found["maximum"]),
        "status": found["status"], "status_label": DWANGSOM_STATUS.get(found["status"], found["status"]),
    }


def _event(route, names: dict, event: dict, choices: dict[str, dict]) -> dict:
    kind, name = event["kind"], event["name"]
    labels: dict[str, str] = {}
    if kind == "melding":
        what, labels = "Melding geregistreerd", _labels(route, "melding.json")
    elif kind == "taak":
        info = route.definition.user_tasks.get(name)
        what = f"Taak afgerond: {info.title if info else name}"
        labels = _labels(route, info.form) if info and info.form else {}
    elif kind == "gebeurtenis":
        what, labels = f"Gebeurtenis: {_event_title(route, name)}", _labels(route, f"events/{name}.json")
    elif kind == "timer":
        what = "Timer afgegaan: " + ", ".join(names.get(n.strip(), n.strip()) for n in name.split(","))
    elif kind == "migratie":
        what = f"Verplaatst naar een nieuwere procesversie ({name})"
    elif kind == "inwonerlink":
        what, labels = "Persoonlijke link voor de inwoner gemaakt", {"geldig_tot": "Geldig tot"}
    elif kind == handwritten.AUDIT_KIND:
        what = "Correctie van een brief verstuurd" if name == handwritten.CORRECTION else "Brief geschreven"
        labels = {"onderwerp": "Onderwerp", "corrigeert": "Vervangt document"}
    else:
        what = f"{kind}: {name}"
    return {
        "at": _moment(datetime.fromisoformat(event["at"])),
        "at_iso": event["at"],
        "actor": "systeem (termijnbewaking)" if event["actor"] == "timer" else event["actor"],
        "kind": kind,
        "what": what,
        "changes": [
            {"field": key, "label": labels.get(key) or key.replace("_", " ").capitalize(),
             "value": _shown(key, value, choices)}
            for key, value in (event["changes"] or {}).items() if key not in SYSTEM_FIELDS
        ],
    }


def _event_title(route, name: str) -> str:
    return _labels_schema(route, f"events/{name}.json").get("title") or name.replace("_", " ").capitalize()


def _labels(route, form: str) -> dict[str, str]:
    properties = _labels_schema(route, form).get("properties", {})
    return {key: prop.get("title") for key, prop in properties.items() if isinstance(prop, dict) and prop.get("title")}


def _choices(route, form: str | None) -> dict[str, dict]:
    """Per field of a form, the words for its stored choices ("zin" → "Zorg in natura"), from x-enum-titles."""
    properties = _labels_schema(route, form).get("properties", {}) if form else {}
    return {key: dict(zip(prop["enum"], prop["x-enum-titles"])) for key, prop in properties.items()
            if isinstance(prop, dict) and "enum" in prop and "x-enum-titles" in prop}


def _route_choices(route) -> dict[str, dict]:
    """The words for stored choices across the route's forms (a field the route sets may come from any of them)."""
    merged: dict[str, dict] = {}
    names = ["melding.json"] + [info.form for info in route.definition.user_tasks.values() if info.form]
    names += [f"events/{message}.json" for message in route.definition.messages]
    for form in names:
        for key, words in _choices(route, form).items():
            merged.setdefault(key, {}).update(words)
    return merged


MONEY = ("bedrag", "eigen_bijdrage", "tarief", "budget")


def _shown(key: str, value, choices: dict[str, dict]) -> str:
    """A stored value as a caseworker reads it: the choice's words, an amount in euros, else _value."""
    if isinstance(value, (str, int)) and not isinstance(value, bool) and value in choices.get(key, {}):
        return str(choices[key][value])
    if isinstance(value, (int, float)) and not isinstance(value, bool) and any(part in key for part in MONEY):
        return "€ " + f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return _value(key, value)


def _labels_schema(route, form: str) -> dict:
    try:
        return forms.find(route.gemeente.form_dirs, form)
    except NotFound:
        return {}


def _value(key: str, value) -> str:
    if key == "bsn" and isinstance(value, str):
        return mask_bsn(value)
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {_value(k, v)}" for k, v in value.items()) or "–"
    if isinstance(value, list):
        return ", ".join(_value(key, v) for v in value) or "–"
    if isinstance(value, str) and len(value) == 10:
        parsed = _date(value)
        return parsed or value
    return str(value)


def _date(value) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return None


def _moment(value: datetime) -> str:
    return value.astimezone(clock.AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _euro(amount: float) -> str:
    return f"€ {amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _address(adres: dict) -> list[str]:
    street = " ".join(str(adres.get(k, "")).strip() for k in ("straat", "huisnummer", "toevoeging") if adres.get(k))
    place = " ".join(str(adres.get(k, "")).strip() for k in ("postcode", "woonplaats") if adres.get(k))
    return [line for line in (street, place) if line]
