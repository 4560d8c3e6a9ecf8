"""Thin routes for the case dossier: the page, its diagram (BPMN XML and markers), the access log.

Every read of a case's personal data is logged (AVG) after the answer was built. bpmn-js is
served from node_modules, never copied into the repository.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Response, abort, current_app, g, jsonify, render_template, request, send_from_directory

from ..access.service import record_view
from ..cases import dossier
from ..letters import pdfs
from . import bp
from .security import letter_csp, login_required

BPMN_JS = Path(__file__).resolve().parents[2] / "node_modules" / "bpmn-js"
VENDOR_SUFFIXES = (".js", ".css", ".woff", ".woff2", ".ttf", ".eot", ".svg")
VENDOR_MAX_AGE = 30 * 24 * 3600  # the URL carries bpmn-js's version, so a new version is a new URL


def _settings():
    return current_app.extensions["wmo"]


@lru_cache(maxsize=1)
def bpmn_js_version() -> str:
    """The installed bpmn-js version, for cache-busting vendor URLs."""
    try:
        return json.loads((BPMN_JS / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "0"


@bp.app_context_processor
def _vendor_helpers():
    return {"bpmn_js_version": bpmn_js_version}


@bp.get("/zaken/<int:case_id>")
@login_required
def case_dossier(case_id):
    found = dossier.dossier(_settings(), case_id, g.actor)
    shown = request.args.get("proces")
    if shown not in {p["id"] for p in found["proces"]["processes"]}:
        shown = found["proces"]["current"]
    page = render_template("web/dossier.html", zaak=found, getoond=shown)
    record_view(g.actor, case_id, "dossier", request.path)
    return page


@bp.get("/zaken/<int:case_id>/diagram.json")
@login_required
def case_diagram_markers(case_id):
    markers = dossier.diagram_progress(_settings(), case_id, g.actor)
    record_view(g.actor, case_id, "dossier diagram", request.path)
    return jsonify(markers)


@bp.get("/zaken/<int:case_id>/diagram/<process_id>.bpmn")
@login_required
def case_diagram_xml(case_id, process_id):
    # The process model holds no personal data: not logged as a view.
    xml = dossier.diagram_xml(_settings(), case_id, process_id, g.actor)
    return Response(xml, mimetype="application/xml")


@bp.get("/zaken/<int:case_id>/inzage")
@login_required
def case_access_log(case_id):
    page = render_template("web/inzage.html", **dossier.access_log(case_id, g.actor))
    record_view(g.actor, case_id, "inzagelogboek", request.path)
    return page


@bp.get("/zaken/<int:case_id>/documenten/<int:document_id>.html")
@login_required
def case_document_html(case_id, document_id):
    # The stored letter as sent; the app's CSP, with the hash of the letter's own inline print stylesheet only.
    found = dossier.document(case_id, document_id, g.actor)
    response = Response(found.html, mimetype="text/html")  # the letter as stored
    response.headers["Content-Security-Policy"] = letter_csp(found.html)
    record_view(g.actor, case_id, f"document {found.kind}", request.path)
    return response


@bp.get("/zaken/<int:case_id>/documenten/<int:document_id>.pdf")
@login_required
def case_document_pdf(case_id, document_id):
    found = dossier.document(case_id, document_id, g.actor)
    response = Response(pdfs.pdf_of(found), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="zaak-{case_id}-{found.kind}-{found.id}.pdf"'
    record_view(g.actor, case_id, f"document {found.kind}", request.path)
    return response


@bp.get("/vendor/bpmn-js/<path:filename>")
def vendor_bpmn_js(filename):
    # Only the built files in dist/; send_from_directory refuses paths that leave that folder.
    if not filename.endswith(VENDOR_SUFFIXES):
        abort(404)
    return send_from_directory(BPMN_JS / "dist", filename, max_age=VENDOR_MAX_AGE)
