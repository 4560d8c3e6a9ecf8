"""Thin routes: parse the request, call one service, return JSON."""
from __future__ import annotations

import json

from flask import Response, current_app, g, jsonify, request, url_for

from ..access.service import record_view
from ..auth.service import actor_for_token
from ..cases import queries, service
from ..errors import BadRequest, InvalidInput
from ..letters import archive, handwritten, pdfs
from ..web.security import letter_csp
from . import bp
from .openapi import document

MAX_DEPTH = 20


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    g.actor = actor_for_token(token, _settings().gemeente_config().lane_roles)


def _settings():
    return current_app.extensions["wmo"]


def _json_body() -> dict:
    if not request.data:
        return {}
    if not request.is_json:
        raise BadRequest("stuur JSON met Content-Type: application/json")
    try:
        body = json.loads(request.get_data())
    except RecursionError:  # thousands of levels: the parser gives up before _depth could look
        raise BadRequest(f"de JSON is dieper genest dan {MAX_DEPTH} niveaus") from None
    except ValueError:
        raise BadRequest("de body is geen geldige JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("de body moet een JSON-object zijn", {"_": "geen object"})
    if _depth(body) > MAX_DEPTH:
        raise BadRequest(f"de JSON is dieper genest dan {MAX_DEPTH} niveaus")
    return body


def _depth(value, level=1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput("ongeldige zoekvraag", {name: "moet een geheel getal zijn"}) from None


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.post("/meldingen")
def create_melding():
    case = service.create_melding(_settings(), _json_body(), g.actor)
    return jsonify({"case_id": case.id}), 201


@bp.get("/cases/<case_id>")
def get_case(case_id):
    detail = queries.case_detail(_settings(), service.get_case(case_id), g.actor)
    record_view(g.actor, detail["id"], "api zaak", request.path)
    return jsonify(detail)


@bp.post("/cases/<case_id>/events/<name>")
def deliver_event(case_id, name):
    case = service.deliver_event(_settings(), service.get_case(case_id).id, name, _json_body(), g.actor)
    return jsonify(queries.case_detail(_settings(), case, g.actor))


@bp.get("/tasks")
def list_tasks():
    tasks = queries.list_tasks(
        g.actor, role=request.args.get("role"), case_id=request.args.get("case_id"),
        limit=_int_arg("limit", 100), offset=_int_arg("offset", 0),
    )
    return jsonify({"tasks": tasks})


@bp.get("/tasks/<task_id>")
def get_task(task_id):
    detail = queries.task_detail(_settings(), task_id, g.actor)
    record_view(g.actor, detail["case_id"], f"api taak {detail['name']}", request.path)
    return jsonify(detail)


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id):
    case = service.complete_task(_settings(), task_id, _json_body(), g.actor)
    return jsonify(queries.case_detail(_settings(), case, g.actor))


@bp.get("/cases/<case_id>/documents")
def list_documents(case_id):
    case = service.get_case(case_id)
    found = archive.documents(case.id, g.actor)
    record_view(g.actor, case.id, "api documenten", request.path)
    return jsonify({"documents": [_document(case.id, d) for d in found]})


@bp.post("/cases/<case_id>/documents")
def write_document(case_id):
    body = _json_body()
    made = handwritten.write(_settings(), service.get_case(case_id).id, body, g.actor, corrects=body.get("corrigeert"))
    [listed] = [d for d in archive.listing(made.case_id) if d["id"] == made.id]
    return jsonify(_document(made.case_id, listed)), 201


@bp.get("/cases/<case_id>/documents/<int:document_id>.pdf")
def document_pdf(case_id, document_id):
    found = archive.document(case_id, document_id, g.actor)
    response = Response(pdfs.pdf_of(found), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="zaak-{found.case_id}-{found.kind}-{found.id}.pdf"'
    record_view(g.actor, found.case_id, f"api document {found.kind}", request.path)
    return response


@bp.get("/cases/<case_id>/documents/<int:document_id>.html")
def document_html(case_id, document_id):
    found = archive.document(case_id, document_id, g.actor)
    response = Response(found.html, mimetype="text/html")  # the letter as stored
    response.headers["Content-Security-Policy"] = letter_csp(found.html)
    record_view(g.actor, found.case_id, f"api document {found.kind}", request.path)
    return response


def _document(case_id: int, d: dict) -> dict:
    return {
        "id": d["id"], "kind": d["kind"], "title": d["title"], "created_at": d["created_at"].isoformat(),
        "created_by": d["created_by"], "corrects_id": d["corrects_id"], "replaced_by": d["replaced_by"],
        "html": url_for("api.document_html", case_id=case_id, document_id=d["id"]),
        "pdf": url_for("api.document_pdf", case_id=case_id, document_id=d["id"]),
    }
