"""Thin routes for the task page: show a task's form beside its case, save a concept, complete it."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from ..access.service import record_view
from ..errors import Conflict, InvalidInput
from ..tasks import service as tasks
from . import bp, formulier
from .security import login_required


def _settings():
    return current_app.extensions["wmo"]


@bp.get("/taken/<task_id>")
@login_required
def taak(task_id):
    return _show(tasks.task_page(_settings(), task_id, g.actor))


@bp.post("/taken/<task_id>")
@login_required
def taak_opslaan(task_id):
    page = tasks.task_page(_settings(), task_id, g.actor)
    answers, errors = formulier.parse(page["schema"], request.form)
    action = request.form.get("actie")
    try:
        if action == "concept":
            if errors:
                raise InvalidInput("het concept bevat fouten", errors)
            tasks.save_draft(task_id, answers, g.actor)
            flash("Concept opgeslagen.", "ok")
            return redirect(url_for("web.taak", task_id=task_id))
        if action == "afronden":
            tasks.complete(_settings(), task_id, answers, errors, g.actor)
            flash("Taak afgerond.", "ok")
            return redirect(url_for("web.werkvoorraad"))
        abort(400, "Kies 'Taak afronden' of 'Opslaan als concept'.")
    except InvalidInput as error:
        kop = "Het concept is niet opgeslagen" if action == "concept" else "Er zijn fouten in het formulier"
        return _show(page, raw=formulier.from_post(request.form), errors=error.fields, kop=kop, status=422)
    except Conflict as error:
        return _show(tasks.task_page(_settings(), task_id, g.actor), raw=formulier.from_post(request.form),
                     conflict=error.message, status=409)


def _show(page: dict, raw: dict | None = None, errors: dict | None = None, kop: str | None = None,
          conflict: str | None = None, status: int = 200):
    schema = page["schema"]
    errors = formulier.explain(errors or {}, schema)
    if raw is None:
        raw = formulier.to_raw(page["draft"]["answers"]) if page["draft"] else {}
    velden = formulier.fields(schema, raw, errors, defaults=page["mode"] == "invullen")
    record_view(g.actor, page["case"]["id"], f"taak {page['task']['name']}", request.path)
    html = render_template("web/taak.html", page=page, velden=velden, conflict=conflict,
                           samenvatting=formulier.error_summary(velden, errors),
                           samenvatting_kop=kop or "Er zijn fouten in het formulier")
    return html, status
