"""Thin routes for the front desk: register a new melding."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request

from ..cases import intake
from ..errors import InvalidInput
from . import bp, formulier
from .security import login_required


@bp.route("/meldingen/nieuw", methods=["GET", "POST"])
@login_required
def nieuwe_melding():
    settings = current_app.extensions["wmo"]
    schema = intake.melding_form(settings, g.actor)
    if request.method == "GET":
        return _show(schema, {}, {})
    answers, errors = formulier.parse(schema, request.form)
    try:
        case = intake.register(settings, answers, errors, g.actor)
    except InvalidInput as error:
        return _show(schema, formulier.from_post(request.form), error.fields, status=422)
    flash(f"Melding geregistreerd: zaak {case.id}.", "ok")
    return redirect(f"/zaken/{case.id}")


def _show(schema: dict, raw: dict, errors: dict, status: int = 200):
    errors = formulier.explain(errors, schema)
    velden = formulier.fields(schema, raw, errors)
    return render_template("web/melding_nieuw.html", schema=schema, velden=velden,
                           samenvatting=formulier.error_summary(velden, errors)), status
