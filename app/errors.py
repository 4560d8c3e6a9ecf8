"""The app's errors, one tree, mapped to HTTP in one place.

    AppError (500)
     ├── BadRequest (400)        malformed input: not JSON, not an object, too deep
     ├── Unauthorized (401)      no or unknown credentials
     ├── Forbidden (403)         the user's role may not do this
     ├── NotFound (404)          no such case, task or event
     ├── Conflict (409)          the task is no longer open, the case does not wait for it
     ├── InvalidInput (422)      field errors: {"field": "reason"}
     ├── ProcessError (500)      the diagram failed while running a step; nothing was stored
     └── Unavailable (503)       something the request needs cannot be made now (a letter's PDF); try again later

Services and the engine layer raise them; ``init_app`` renders every one as
``{"error": ..., "fields": {...}}`` for the API.

A database that cannot be reached (down, restarting, connection cut) is no bug: ``database_down``
recognises it and the request gets 503 with ``Retry-After``, in Dutch or in the API's shape. Nor is PostgreSQL
rolling back one of two colliding transactions (deadlock, serialization failure, ``concurrent_change``): that
request gets 409, like a step on a stale version, and nothing is stored.
"""
from __future__ import annotations

import logging

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 500

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def to_dict(self) -> dict:
        return {"error": self.message, "fields": self.fields}

    def headers(self) -> dict[str, str]:
        """HTTP headers that go with this error, on every page and API response that reports it."""
        return {}


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class InvalidInput(AppError):
    status_code = 422


class ProcessError(AppError):
    status_code = 500


class Unavailable(AppError):
    status_code = 503

    def headers(self) -> dict[str, str]:
        return {"Retry-After": RETRY_AFTER}


DATABASE_DOWN = "De database is even niet bereikbaar. Probeer het over een minuut opnieuw."
RETRY_AFTER = "30"
CONCURRENT_CHANGE = "Iemand anders wijzigde deze zaak op hetzelfde moment. Er is niets opgeslagen; probeer het opnieuw."


def concurrent_change(error: BaseException) -> bool:
    """Whether ``error`` is PostgreSQL rolling back one of two colliding transactions (deadlock, serialization)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError) or error.connection_invalidated:
        return False
    return str(getattr(error.orig, "sqlstate", None) or "").startswith("40")  # SQLSTATE class 40: transaction rollback


def database_down(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached now, rather than a fault in the app."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    import psycopg

    if isinstance(error.orig, psycopg.OperationalError):  # connection refused or lost, server shutting down
        return True
    return "database is locked" in str(error.orig)  # SQLite: another writer held it past the busy timeout


def rollback_quietly() -> None:
    """Roll the session back; when the connection is gone that fails too, and there is nothing left to undo."""
    from .db import db

    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback failed; the connection is gone")


def _unavailable(error: BaseException):
    rollback_quietly()
    reason = str(getattr(error, "orig", error)).strip().splitlines()
    log.error("database unreachable on %s %s: %s", request.method, request.path, reason[0] if reason else type(error).__name__)
    if _wants_html():
        page, status = _html(DATABASE_DOWN, 503)
        response = current_app.make_response((page, status))
    else:
        response = jsonify({"error": DATABASE_DOWN, "fields": {}})
        response.status_code = 503
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def _wants_html() -> bool:
    return not request.path.startswith("/api/")


def _html(message: str, status: int, fields: dict[str, str] | None = None):
    from flask import render_template

    if request.path.startswith("/inwoner/"):  # a resident never sees the caseworkers' pages or links
        return render_template("inwoner/fout.html", melding=message, status=status, terug=None), status
    return render_template("web/fout.html", melding=message, status=status, velden=fields or {}), status


HTTP_DUTCH = {
    400: "Het verzoek klopt niet.",
    401: "U moet eerst inloggen.",
    403: "Dit mag u niet doen.",
    404: "Deze pagina bestaat niet.",
    405: "Deze handeling kan hier niet.",
    413: "Wat u stuurde is te groot (hoogstens 1 MB).",
    415: "Dit soort gegevens kan hier niet worden verwerkt.",
    429: "Te veel verzoeken; probeer het zo opnieuw.",
}


def _dutch(error: HTTPException) -> str:
    """Werkzeug's own (English) texts become Dutch; a message the app gave itself stays as it is."""
    if not error.description or error.description == type(error).description:
        return HTTP_DUTCH.get(error.code or 500, "Er ging iets mis; er is niets opgeslagen.")
    return error.description


def _log_refusal(error: "Forbidden") -> None:
    """Every refusal goes into the access log, with the case when the URL names one."""
    from flask import g

    from .access.service import record_refusal

    actor = getattr(g, "actor", None)
    args = request.view_args or {}
    case_id = args.get("case_id")
    if case_id is None and args.get("task_id"):
        from .db import db
        from .models import Task

        task = db.session.get(Task, str(args["task_id"]))
        case_id = task.case_id if task is not None else None
    try:
        record_refusal(actor.username if actor else "onbekend", case_id, error.message, request.path)
    except Exception:  # the refusal itself must still reach the user
        log.exception("could not log a refusal")


def init_app(app) -> None:
    """Render AppErrors and HTTP errors as JSON in the documented shape (API) or as a page (web)."""

    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        from .db import db

        db.session.rollback()
        if isinstance(error, Forbidden):
            log.warning("refused: %s %s: %s", request.method, request.path, error.message)
            _log_refusal(error)
        elif error.status_code >= 500:
            log.error("%s %s failed: %s", request.method, request.path, error.message)
        if _wants_html():
            response = current_app.make_response(_html(error.message, error.status_code, error.fields))
        else:
            response = jsonify(error.to_dict())
            response.status_code = error.status_code
        if isinstance(error, Unauthorized):
            response.headers["WWW-Authenticate"] = "Bearer"
        response.headers.update(error.headers())
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        message = _dutch(error)
        if _wants_html():
            body, status = _html(message, error.code or 500)
            response = app.make_response((body, status))
        else:
            response = jsonify({"error": message, "fields": {}})
            response.status_code = error.code or 500
        for name, value in error.get_headers():  # e.g. Allow on a 405, as HTTP requires
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if concurrent_change(error):  # not the database away: someone else's step won, as with a stale version
            rollback_quietly()
            log.warning("concurrent change on %s %s: %s", request.method, request.path, type(error.orig).__name__)
            if _wants_html():
                return _html(CONCURRENT_CHANGE, 409)
            return jsonify({"error": CONCURRENT_CHANGE, "fields": {}}), 409
        if database_down(error):
            return _unavailable(error)
        rollback_quietly()
        log.exception("unexpected error on %s %s", request.method, request.path)
        if _wants_html():
            return _html("Er ging iets mis; er is niets opgeslagen.", 500)
        return jsonify({"error": "interne fout; er is niets opgeslagen", "fields": {}}), 500
