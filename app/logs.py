"""Logs: one line per record, as JSON or as text, never with a BSN or what people typed.

``configure(settings)`` sets the root logger from ``[logging]`` (``format = "json" | "text"``, ``level``);
``init_app(app)`` adds one line per web request: request id, method, path, status, duration, user and case.
Every record passes ``MaskBsn``, which replaces anything that looks like a BSN (nine digits, also grouped as 1234.56.789) with ``*********``,
in the message, the extra fields and the traceback. Form data and case data are never put in a record: the
request line carries the path without its query string, and the engine hides SQL parameters from its errors.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

from .cases.ids import row_id

# Nine digits, also as people write them: 1234.56.789, 123 456 789, 123-45-6789 (any of . space - between groups).
BSN = re.compile(r"\b(?:\d{9}|\d{4}[. -]\d{2}[. -]\d{3}|\d{3}[. -]\d{3}[. -]\d{3}|\d{3}[. -]\d{2}[. -]\d{4})\b")
MASK = "*********"
# The extra fields a record may carry, in the order a line shows them.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user", "case_id", "timers", "fired", "host", "pid")
QUIET = ("werkzeug", "spiff", "weasyprint", "fontTools")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("app.request")


def mask(text: str) -> str:
    """Return ``text`` with every run of exactly nine digits, grouped or not, masked."""
    return BSN.sub(MASK, text)


class MaskBsn(logging.Filter):
    """Mask BSNs in a record before any handler writes it, and give it the current request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for name in FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, mask(value))
        if not hasattr(record, "request_id") and has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, the extra fields it has, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message key=value ...``, for a terminal."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS if getattr(record, name, None) is not None)
        return super().formatMessage(record) + (f" {extras}" if extras else "")


class _StderrHandler(logging.StreamHandler):
    """Write to whatever ``sys.stderr`` is at the moment of writing."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def configure(settings) -> None:
    """Send every log record through one handler on stderr, in the configured format and from the configured level."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "wmo", False)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.wmo = True
    handler.addFilter(MaskBsn())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # Werkzeug's own request line repeats ours with the query string; SpiffWorkflow logs every task's state change
    # and WeasyPrint every layout step: keep only their warnings.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def init_app(app) -> None:
    """Log one line per request, and hand every response its request id (``X-Request-ID``)."""

    @app.before_request
    def _start():
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _line(response):
        started = g.get("request_started")
        if started is None:
            return response
        args = request.view_args or {}
        actor = g.get("actor")
        path = _path()
        level = logging.DEBUG if request.path == "/healthz" else logging.INFO
        log.log(level, "%s %s %s", request.method, path, response.status_code, extra={
            "request_id": g.request_id,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": getattr(actor, "username", None),
            "case_id": row_id(args.get("case_id")),  # a number, as the timer lines have it; None when it names no case
        })
        response.headers["X-Request-ID"] = g.request_id
        return response


def _path() -> str:
    """The request's path without its query string, a resident's link token replaced by ``<link>``."""
    path = request.path
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token:
        path = path.replace(token, "<link>")
    return path
