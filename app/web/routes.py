"""Thin routes for the web pages: parse the form, call a service, render or redirect."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from ..access.service import mask_bsn
from ..auth.service import actor_for_login
from ..errors import AppError, Forbidden
from ..inbox import service as inbox
from . import bp
from .security import add_headers, check_csrf, csrf_token, log_in, login_required

bp.after_app_request(add_headers)
bp.before_request(check_csrf)
bp.add_app_template_filter(mask_bsn, "bsn")


@bp.app_context_processor
def _template_helpers():
    return {"csrf_token": csrf_token}


def _safe_next(target: str | None, actor=None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return _home(actor)


def _home(actor) -> str:
    """A process owner without caseworker roles starts at the process definitions, everyone else at the inbox."""
    if actor is not None and "procesbeheerder" in actor.roles and not actor.roles - {"procesbeheerder"}:
        return url_for("processbeheer.overview")
    return url_for("web.werkvoorraad")


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        actor = actor_for_login(request.form.get("gebruikersnaam", ""), request.form.get("wachtwoord", ""))
        if actor is not None:
            log_in(actor)
            return redirect(_safe_next(request.args.get("next"), actor))
        return render_template("web/login.html", fout="Gebruikersnaam of wachtwoord klopt niet."), 401
    return render_template("web/login.html", verlopen=request.args.get("verlopen"))


@bp.post("/uitloggen")
def logout():
    from flask import session

    session.clear()
    return redirect(url_for("web.login"))


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/")
@login_required
def index():
    return redirect(_home(g.actor))


@bp.get("/werkvoorraad")
@login_required
def werkvoorraad():
    filters = inbox.Filters.parse(request.args, current_app.extensions["wmo"].gemeente_config().lane_roles)
    return render_template("web/werkvoorraad.html", filters=filters, **inbox.inbox(current_app.extensions["wmo"], g.actor, filters))


@bp.get("/team")
@login_required
def team():
    filters = inbox.Filters.parse(request.args, current_app.extensions["wmo"].gemeente_config().lane_roles)
    return render_template("web/team.html", filters=filters, **inbox.team(current_app.extensions["wmo"], g.actor, filters))


@bp.post("/taken/<task_id>/toewijzen")
@login_required
def reassign(task_id):
    medewerker = request.form.get("medewerker", "")
    _act(lambda t, a: inbox.reassign(t, medewerker, a), task_id,
         f"Taak toegewezen aan {medewerker}." if medewerker else "Taak teruggegeven aan het team.")
    return redirect(_safe_next(request.form.get("terug")))


@bp.post("/taken/<task_id>/oppakken")
@login_required
def claim(task_id):
    _act(inbox.claim, task_id, "Taak opgepakt.")
    return redirect(_safe_next(request.form.get("terug")))


@bp.post("/taken/<task_id>/vrijgeven")
@login_required
def release(task_id):
    _act(inbox.release, task_id, "Taak vrijgegeven.")
    return redirect(_safe_next(request.form.get("terug")))


def _act(action, task_id, done: str) -> None:
    try:
        action(task_id, g.actor)
        flash(done, "ok")
    except Forbidden:
        raise  # a refusal gets its page and its line in the access log
    except AppError as error:
        reasons = "; ".join(f"{field}: {reason}" for field, reason in error.fields.items())
        flash(f"{error.message}: {reasons}" if reasons else error.message, "fout")
