"""Thin routes for writing a letter by hand from the dossier, and for correcting a stored letter."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from ..access.service import record_view
from ..cases.service import get_case
from ..engine import clock
from ..errors import InvalidInput
from ..letters import handwritten
from . import bp, formulier
from .security import login_required


@bp.route("/zaken/<int:case_id>/brieven/nieuw", methods=["GET", "POST"])
@login_required
def brief_schrijven(case_id):
    handwritten.require_writer(g.actor)
    return _form(case_id, None)


@bp.route("/zaken/<int:case_id>/documenten/<int:document_id>/correctie", methods=["GET", "POST"])
@login_required
def brief_corrigeren(case_id, document_id):
    old = handwritten.correctable(case_id, document_id, g.actor)
    return _form(case_id, old)


def _form(case_id, old):
    case = get_case(case_id)
    if request.method == "GET":
        raw = {"onderwerp": f"Correctie: {old.title}"[:handwritten.MAX_ONDERWERP]} if old else {}
        return _show(case, old, raw, {})
    posted = {name: request.form.get(name, "") for name in handwritten.FIELDS}
    try:
        made = handwritten.write(current_app.extensions["wmo"], case.id, posted, g.actor,
                                 corrects=old.id if old else None)
    except InvalidInput as error:
        return _show(case, old, posted, error.fields, status=422)
    flash(f"De brief \u201c{made.title}\u201d is gemaakt en bewaard bij de zaak.", "ok")
    return redirect(url_for("web.case_dossier", case_id=case.id, _anchor="documenten"))


def _show(case, old, raw: dict, errors: dict, status: int = 200):
    velden = formulier.fields(handwritten.SCHEMA, raw, errors)
    sent = old.created_at.astimezone(clock.AMSTERDAM).strftime("%d-%m-%Y %H:%M") if old else None
    page = render_template("web/brief_schrijven.html", case=case, oud=old, oud_datum=sent, velden=velden,
                           samenvatting=formulier.error_summary(velden, errors))
    record_view(g.actor, case.id, "brief corrigeren" if old else "brief schrijven", request.path)
    return page, status
