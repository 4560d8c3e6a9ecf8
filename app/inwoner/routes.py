"""Thin routes for the resident's pages (/inwoner/<token>) and the caseworker's link page."""
from __future__ import annotations

import logging

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ..access.service import record_refusal, record_view
from ..cases.service import get_case
from ..db import db
from ..engine import clock
from ..errors import (CONCURRENT_CHANGE, DATABASE_DOWN, RETRY_AFTER, AppError, Forbidden, InvalidInput, concurrent_change,
                      database_down, rollback_quietly)
from ..letters import archive, pdfs
from ..models import Task
from ..web.security import check_csrf, letter_csp, login_required
from . import bp, link_bp, links, service, texts

log = logging.getLogger(__name__)
bp.before_request(check_csrf)


def _settings():
    return current_app.extensions["wmo"]


def _path() -> str:
    """The request path without the token: a link is a credential and stays out of the logs."""
    token = (request.view_args or {}).get("token")
    return request.path.replace(token, "<link>") if token else request.path


def _public_url(path: str) -> str:
    """The link as the resident must open it: [server] public_url when set (behind a proxy), else this request's host."""
    base = _settings().public_url
    return base.rstrip("/") + path if base else request.host_url.rstrip("/") + path


@link_bp.get("/zaken/<int:case_id>/inwonerlink")
@login_required
def link(case_id):
    made = service.issue_link(_settings(), case_id, g.actor)
    case = get_case(case_id)
    response = render_template(
        "inwoner/link.html", case=case, url=_public_url(url_for("inwoner.page", token=made.token)),
        geldig_tot=_moment(made.valid_until), dagen=_settings().link_geldig_dagen,
    )
    record_view(g.actor, case_id, "inwonerlink gemaakt", request.path)
    return response


@bp.get("/<token>")
def page(token):
    return _render(service.open_link(_settings(), token))


@bp.post("/<token>/taken/<task_id>")
def sign(token, task_id):
    actor = service.open_link(_settings(), token)
    service.check_task(actor, task_id)
    try:
        service.sign_verslag(_settings(), actor, task_id, request.form)
    except InvalidInput as error:
        return _render(actor, fouten=error.fields, status=422)
    flash("Dank u. Wij hebben uw ondertekende verslag ontvangen.", "ok")
    return redirect(url_for("inwoner.page", token=token))


@bp.post("/<token>/plan")
def plan(token):
    actor = service.open_link(_settings(), token)
    try:
        service.hand_in_plan(_settings(), actor, request.form)
    except InvalidInput as error:
        return _render(actor, fouten=error.fields, status=422)
    flash("Dank u. Wij hebben uw persoonlijk plan ontvangen.", "ok")
    return redirect(url_for("inwoner.page", token=token))


@bp.get("/<token>/brieven/<int:document_id>.html")
def letter_html(token, document_id):
    actor = service.open_link(_settings(), token)
    found = service.letter(actor, document_id)
    response = Response(found.html, mimetype="text/html")  # the letter as stored
    response.headers["Content-Security-Policy"] = letter_csp(found.html)
    record_view(actor, actor.case_id, f"document {found.kind}", _path())
    return response


@bp.get("/<token>/brieven/<int:document_id>.pdf")
def letter_pdf(token, document_id):
    actor = service.open_link(_settings(), token)
    found = service.letter(actor, document_id)
    response = Response(pdfs.pdf_of(found), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="brief-{found.id}.pdf"'
    record_view(actor, actor.case_id, f"document {found.kind}", _path())
    return response


def _render(actor, fouten=None, status=200):
    view = service.page(_settings(), actor)
    body = render_template("inwoner/pagina.html", p=view, token=request.view_args["token"], fouten=fouten or {},
                           waarden=request.form if request.method == "POST" else {})
    record_view(actor, actor.case_id, "inwonerpagina", _path())
    return body, status


@bp.errorhandler(AppError)
def _refused(error: AppError):
    db.session.rollback()
    if isinstance(error, Forbidden):
        _log_refusal(error)
    link_refused = isinstance(error, links.LinkRefused)
    return render_template("inwoner/fout.html", melding=error.message, status=error.status_code, link_fout=link_refused,
                           terug=None if link_refused else _back_link()), error.status_code, error.headers()


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return render_template("inwoner/fout.html", melding=error.description or error.name, status=error.code,
                           terug=_back_link()), error.code or 500


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    if concurrent_change(error):
        rollback_quietly()
        return render_template("inwoner/fout.html", melding=CONCURRENT_CHANGE, status=409, terug=_back_link()), 409
    if database_down(error):
        rollback_quietly()
        log.error("database unreachable on %s %s", request.method, _path())
        return render_template("inwoner/fout.html", melding=DATABASE_DOWN, status=503, terug=None), 503, \
            {"Retry-After": RETRY_AFTER}
    db.session.rollback()
    log.exception("unexpected error on %s %s", request.method, _path())
    return render_template("inwoner/fout.html", melding="Er ging iets mis. Er is niets opgeslagen. Probeer het later opnieuw.",
                           status=500, terug=None), 500


def _log_refusal(error: Forbidden) -> None:
    """Log a refused link or step with the case it was aimed at (the task's case, else the link's)."""
    case_id = getattr(error, "case_id", None)
    what = f"inwonerlink {getattr(error, 'reason', 'geweigerd')}: {error.message}"
    task_id = (request.view_args or {}).get("task_id")
    if task_id:
        task = db.session.get(Task, str(task_id))
        if task is not None:
            case_id = task.case_id
    document_id = (request.view_args or {}).get("document_id")
    if document_id is not None:  # a letter of another case: that case's log shows the try
        document = archive.find(document_id)
        if document is not None:
            case_id = document.case_id
    try:
        linked = links.verify(_settings(), request.view_args.get("token", ""))
        case_id = case_id or linked
        what += f" (link van zaak {linked})"
    except links.LinkRefused:
        pass
    try:
        record_refusal("inwoner", case_id, what, _path())
    except Exception:  # the refusal itself must still reach the resident
        log.exception("could not log a refusal")


def _back_link() -> str | None:
    token = (request.view_args or {}).get("token")
    try:
        links.verify(_settings(), token or "")
    except links.LinkRefused:
        return None
    return url_for("inwoner.page", token=token)


def _moment(instant) -> str:
    local = instant.astimezone(clock.AMSTERDAM)
    return f"{texts.datum(local.date())} om {local:%H:%M} uur"
