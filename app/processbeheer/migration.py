"""Thin routes for moving running cases to a newer version and for where a version's cases are.

On the blueprint of the workbench (``/processen``); its ``before_request`` checks the CSRF token
of every POST. The services refuse anyone who is not a procesbeheerder (403).
"""
from __future__ import annotations

from flask import Response, current_app, g, jsonify, render_template, request

from ..cases import heatmap, migration
from ..errors import InvalidInput
from ..web.security import login_required
from . import bp


def _settings():
    return current_app.extensions["wmo"]


def _page(gemeente, version_id, naar, report=None, problem=None, status=200):
    page = migration.targets(gemeente, version_id, g.actor)
    return render_template("processbeheer/verplaatsen.html", gemeente=gemeente, naar=naar, rapport=report,
                           probleem=problem, **page), status


@bp.get("/<gemeente>/versies/<int:version_id>/verplaatsen")
@login_required
def move_cases(gemeente, version_id):
    """Choose the newer version; with ``?naar=`` the dry run: which cases can move, which cannot and why."""
    naar = request.args.get("naar", type=int)
    if naar is None:
        return _page(gemeente, version_id, None)
    try:
        report = migration.plan_migration(_settings(), gemeente, version_id, naar, g.actor)
    except InvalidInput as error:
        return _page(gemeente, version_id, naar, problem=error.fields.get("naar") or error.message, status=422)
    return _page(gemeente, version_id, naar, report)


@bp.post("/<gemeente>/versies/<int:version_id>/verplaatsen")
@login_required
def move_cases_confirm(gemeente, version_id):
    """Move every case that can move; the report shows what moved and what stayed, and why."""
    naar = request.form.get("naar", type=int)
    try:
        report = migration.migrate_cases(_settings(), gemeente, version_id, naar, g.actor)
    except InvalidInput as error:
        return _page(gemeente, version_id, naar, problem=error.fields.get("naar") or error.message, status=422)
    return _page(gemeente, version_id, naar, report)


@bp.get("/<gemeente>/versies/<int:version_id>/zaken")
@login_required
def where_cases_are(gemeente, version_id):
    found = heatmap.heatmap(_settings(), gemeente, version_id, g.actor)
    shown = request.args.get("proces")
    if shown not in {p["id"] for p in found["processen"]}:
        shown = found["processen"][0]["id"]
    return render_template("processbeheer/zaken.html", gemeente=gemeente, kaart=found, getoond=shown)


@bp.get("/<gemeente>/versies/<int:version_id>/zaken.json")
@login_required
def where_cases_are_json(gemeente, version_id):
    return jsonify(heatmap.heatmap(_settings(), gemeente, version_id, g.actor))


@bp.get("/<gemeente>/versies/<int:version_id>/zaken/<process_id>.bpmn")
@login_required
def where_cases_are_xml(gemeente, version_id, process_id):
    return Response(heatmap.diagram_xml(gemeente, version_id, process_id, g.actor), mimetype="application/xml")
