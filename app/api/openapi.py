"""The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json)."""
from __future__ import annotations

import json
from pathlib import Path

MELDING_FORM = Path(__file__).resolve().parents[2] / "forms" / "base" / "melding.json"

_ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(ok_code: str, ok_schema: dict, *errors: str) -> dict:
    texts = {
        "400": "Ongeldige JSON, geen JSON-object of te diep genest", "401": "Geen of onbekend token", "403": "Uw rol mag dit niet",
        "404": "Onbekend", "409": "Niet (meer) mogelijk in deze stand van de zaak",
        "413": "Te groot (hoogstens 1 MB)", "422": "Veldfouten", "500": "Fout in het procesmodel; niets opgeslagen",
        "503": "Nu niet te maken (de PDF van een brief); de brief zelf is bewaard, probeer het later opnieuw",
    }
    responses = {ok_code: {"description": "OK", "content": {"application/json": {"schema": ok_schema}}}}
    too_large = ("413",) if "400" in errors else ()  # an operation that reads a body refuses one over 1 MB
    for code in ("401", *errors, *too_large):
        responses[code] = {"description": texts[code], "content": {"application/json": {"schema": _ERROR}}}
    return responses


def _path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _melding() -> dict:
    """The melding as the API checks it: the base form itself (forms/base/melding.json), so the two cannot drift."""
    form = json.loads(MELDING_FORM.read_text(encoding="utf-8"))
    return {key: value for key, value in form.items() if key not in ("$schema", "title")}


_CASE = {"$ref": "#/components/schemas/Case"}
_TASK = {"$ref": "#/components/schemas/Task"}
_ANY_OBJECT = {"type": "object", "additionalProperties": True}
_DOCUMENT = {"$ref": "#/components/schemas/Document"}


def _file(mimetype: str, what: str, *errors: str) -> dict:
    """The responses of a call that returns a stored letter as a file; errors in the JSON shape."""
    responses = _responses("200", {}, *errors)
    responses["200"] = {"description": what, "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}}}
    return responses


def document() -> dict:
    """Return the OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wmo-route API",
            "version": "1",
            "description": "De Wmo 2015-route van melding tot hulp. Elke actie van de werkvoorraad is hier ook te doen. "
                           "Fouten hebben altijd de vorm {\"error\": tekst, \"fields\": {veld: reden}}.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/meldingen": {"post": {
                "summary": "Een melding registreren en de route starten",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Melding"}}}},
                "responses": _responses("201", {"type": "object", "required": ["case_id"], "properties": {"case_id": {"type": "integer"}}},
                                        "400", "403", "422", "500"),
            }},
            "/api/v1/cases/{case_id}": {"get": {
                "summary": "Een zaak: status, open taken, termijnen, gegevens en geschiedenis",
                "parameters": [_path_param("case_id", {"type": "integer"})],
                "responses": _responses("200", _CASE, "403", "404"),
            }},
            "/api/v1/cases/{case_id}/events/{name}": {"post": {
                "summary": "Een gebeurtenis van buiten aan de zaak melden (bv. bezwaar_ingediend, zorg_gestart, overlijden)",
                "parameters": [_path_param("case_id", {"type": "integer"}), _path_param("name", {"type": "string"})],
                "requestBody": {"required": False, "content": {"application/json": {"schema": _ANY_OBJECT}}},
                "responses": _responses("200", _CASE, "400", "403", "404", "409", "422", "500"),
            }},
            "/api/v1/cases/{case_id}/documents": {
                "get": {
                    "summary": "De brieven van een zaak, oudste eerst (zonder inhoud); elke keer gelogd als inzage",
                    "parameters": [_path_param("case_id", {"type": "integer"})],
                    "responses": _responses("200", {"type": "object", "required": ["documents"], "properties": {
                        "documents": {"type": "array", "items": _DOCUMENT}}}, "403", "404"),
                },
                "post": {
                    "summary": "Een brief met de hand schrijven (klantmanager of beslisser), of met corrigeert een "
                               "correctie van een bewaarde brief sturen: een nieuwe brief; de oude blijft zoals hij was",
                    "parameters": [_path_param("case_id", {"type": "integer"})],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/HandwrittenLetter"}}}},
                    "responses": _responses("201", _DOCUMENT, "400", "403", "404", "409", "422"),
                },
            },
            "/api/v1/cases/{case_id}/documents/{document_id}.pdf": {"get": {
                "summary": "Een brief van de zaak als PDF, zoals hij is bewaard",
                "parameters": [_path_param("case_id", {"type": "integer"}), _path_param("document_id", {"type": "integer"})],
                "responses": _file("application/pdf", "De PDF", "403", "404", "503"),
            }},
            "/api/v1/cases/{case_id}/documents/{document_id}.html": {"get": {
                "summary": "Een brief van de zaak als HTML, zoals hij is bewaard",
                "parameters": [_path_param("case_id", {"type": "integer"}), _path_param("document_id", {"type": "integer"})],
                "responses": _file("text/html", "De HTML", "403", "404"),
            }},
            "/api/v1/tasks": {"get": {
                "summary": "Open gebruikerstaken, op vervaldatum",
                "parameters": [
                    {"name": "role", "in": "query", "schema": {"type": "string", "enum": ["inwoner", "klantmanager", "pgb-consulent", "beslisser", "teamleider"]}},
                    {"name": "case_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                ],
                "responses": _responses("200", {"type": "object", "required": ["tasks"], "properties": {"tasks": {"type": "array", "items": _TASK}}},
                                        "403", "422"),
            }},
            "/api/v1/tasks/{task_id}": {"get": {
                "summary": "Een taak met haar formulier (JSON Schema) onder form",
                "parameters": [_path_param("task_id", {"type": "string"})],
                "responses": _responses("200", {"allOf": [_TASK, {"type": "object", "properties": {
                    "form": _ANY_OBJECT, "status": {"type": "string", "enum": ["open", "gesloten"]},
                    "may_complete": {"type": "boolean"}, "case_status": {"type": "string"}}}]}, "403", "404"),
            }},
            "/api/v1/tasks/{task_id}/complete": {"post": {
                "summary": "Een taak afronden met de formuliergegevens",
                "parameters": [_path_param("task_id", {"type": "string"})],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ANY_OBJECT}}},
                "responses": _responses("200", _CASE, "400", "403", "404", "409", "422", "500"),
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Token van `wmo user add`."}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "fields"], "properties": {
                    "error": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "Melding": _melding(),
                "Task": {"type": "object", "required": ["id", "name", "title", "case_id", "lane", "due"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string", "description": "BPMN-id van de taak, bv. gesprek_plannen"},
                    "title": {"type": "string"}, "case_id": {"type": "integer"}, "lane": {"type": ["string", "null"]},
                    "due": {"type": ["string", "null"], "format": "date"},
                    "signaal": {"type": ["string", "null"], "enum": ["nadert", "verstreken", None],
                                "description": "De termijn van de taak nadert of is verstreken"},
                    "claimed_by": {"type": ["string", "null"]}}},
                "Document": {"type": "object", "required": ["id", "kind", "title", "created_at", "corrects_id", "replaced_by", "html", "pdf"],
                             "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string", "description": "De brief, bv. ontvangstbevestiging; brief of correctie als hij met de hand is geschreven"},
                    "title": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                    "created_by": {"type": "string"},
                    "corrects_id": {"type": ["integer", "null"], "description": "De brief die deze vervangt"},
                    "replaced_by": {"type": ["integer", "null"], "description": "De brief die deze heeft vervangen"},
                    "html": {"type": "string", "description": "Pad van de HTML"}, "pdf": {"type": "string", "description": "Pad van de PDF"}}},
                "HandwrittenLetter": {"type": "object", "required": ["onderwerp", "tekst"], "additionalProperties": False, "properties": {
                    "onderwerp": {"type": "string", "minLength": 1, "maxLength": 200},
                    "tekst": {"type": "string", "minLength": 1, "maxLength": 20000,
                              "description": "Gewone tekst; een lege regel begint een nieuwe alinea"},
                    "corrigeert": {"type": "integer", "description": "De brief van deze zaak die deze brief vervangt"}}},
                "Deadline": {"type": "object", "required": ["name", "due", "status"], "properties": {
                    "name": {"type": "string"}, "start": {"type": "string", "format": "date"},
                    "due": {"type": "string", "format": "date"},
                    "status": {"type": "string", "enum": ["open", "met", "overdue"]},
                    "met_on": {"type": ["string", "null"], "format": "date"}}},
                "Case": {"type": "object", "required": ["id", "status", "gemeente", "process_version", "open_tasks", "deadlines", "data", "history"],
                         "properties": {
                    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["lopend", "afgehandeld"]},
                    "gemeente": {"type": "string"},
                    "process_version": {"type": "object", "properties": {"id": {"type": "integer"}, "hash": {"type": "string"}}},
                    "inwoner": _ANY_OBJECT,
                    "open_tasks": {"type": "array", "items": _TASK},
                    "waiting_for_events": {"type": "array", "items": {"type": "string"}},
                    "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
                    "dwangsom": {"type": ["object", "null"], "description": "Awb 4:17: na een ingebrekestelling", "properties": {
                        "ingebrekestelling_ontvangen_op": {"type": "string", "format": "date"},
                        "loopt_vanaf": {"type": "string", "format": "date"}, "dagen": {"type": "integer"},
                        "bedrag": {"type": "number"}, "maximum": {"type": "number"},
                        "status": {"type": "string", "enum": ["nog_niet", "loopt", "gestopt", "maximum", "niet_verschuldigd"]}}},
                    "data": _ANY_OBJECT,
                    "history": {"type": "array", "items": {"type": "object", "properties": {
                        "at": {"type": "string"}, "actor": {"type": "string"}, "kind": {"type": "string"},
                        "name": {"type": "string"}, "task_id": {"type": ["string", "null"]}, "changes": _ANY_OBJECT}}}}},
            },
        },
    }
