"""A letter's PDF, made after its step: the step stores the letter as HTML, the PDF is rendered from that HTML.

WeasyPrint takes 40 to 200 ms for one letter, several times a whole step, and about every second step of the route
sends one. So a step stores the letter's HTML (the letter as sent: its text, letterhead and print CSS, never changed
again) in the step's own transaction, and its PDF is rendered from it a moment later:

- by the timer worker, after each sweep (``render_pending``), so a letter's PDF is there seconds after its step;
- or on the spot, by whoever opens the PDF first (``pdf_of``): a caseworker, the resident, the API.

Both store it with ``UPDATE document SET pdf = ... WHERE id = ... AND pdf IS NULL``: the first to render it stores it,
a stored PDF is never replaced, and two workers rendering the same letter at once store one PDF.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time

from sqlalchemy import func, select, update

from ..db import db
from ..errors import Unavailable
from ..models import Document
from .render import render_pdf

log = logging.getLogger(__name__)
RETRY_FAILED_AFTER = 600.0  # seconds before the worker tries again a letter whose PDF failed to render
_failed: dict[int, float] = {}  # this process's letters whose rendering failed, and when


PDF_UNAVAILABLE = ("De PDF van deze brief kan nu niet worden gemaakt. De brief zelf is bewaard zoals hij is verstuurd; "
                   "probeer de PDF later opnieuw.")


def pdf_of(document: Document) -> bytes:
    """The letter's PDF: the stored one, or rendered and stored now (the first download before the worker came by).

    Unavailable (503) when it cannot be rendered now: the letter stays as it is, and the failure is logged.
    """
    if document.pdf is not None:
        return document.pdf
    pdf = _render(document.id, document.html, " on download")
    if pdf is None:
        raise Unavailable(PDF_UNAVAILABLE)
    _store(document.id, pdf)
    return db.session.scalar(select(Document.pdf).where(Document.id == document.id))


def render_pending(limit: int | None = None, seconds: float | None = None, stop: threading.Event | None = None) -> int:
    """Render and store the PDFs of letters that have none yet, oldest first; return how many this call stored.

    Stops when none wait (a failed one aside), or after ``limit`` letters or ``seconds`` when given, so a backlog never
    delays the next timer sweep long, and after the letter at hand once ``stop`` is set (the process is stopping, and
    Python waits for the scheduler's job to end before it exits). On PostgreSQL
    each letter is claimed with ``FOR NO KEY UPDATE SKIP LOCKED`` (a correction may still point at it meanwhile), so
    several workers share a backlog without rendering a letter twice; a letter that fails to render is logged and
    left for ``RETRY_FAILED_AFTER`` seconds.
    """
    began, stored = time.monotonic(), 0
    sqlite = db.engine.dialect.name == "sqlite"
    while (limit is None or stored < limit) and (seconds is None or time.monotonic() - began < seconds):
        if stop is not None and stop.is_set():  # the process is stopping (wmo serve): the rest after the next start
            break
        now = time.monotonic()
        skip = [i for i, at in _failed.items() if now - at < RETRY_FAILED_AFTER]
        query = select(Document.id, Document.html).where(Document.pdf.is_(None))
        if skip:
            query = query.where(Document.id.not_in(skip))
        claim = query.order_by(Document.id).limit(1).with_for_update(skip_locked=True, key_share=True)
        row = db.session.execute(claim).first()
        if row is None:
            db.session.rollback()
            break
        if sqlite:  # no row locks there; and a read snapshot must not be held across the rendering
            db.session.commit()
        pdf = _render(row.id, row.html)
        if pdf is None:
            db.session.rollback()
            continue
        stored += _store(row.id, pdf)
    return stored


def pending() -> int:
    """How many letters have no PDF yet (the health report shows it)."""
    return db.session.scalar(select(func.count()).select_from(Document).where(Document.pdf.is_(None)))


def _render(document_id: int, html: str, where: str = "") -> bytes | None:
    """The letter's PDF made from its HTML; None when that fails: logged, and noted so that the worker leaves the letter
    for ``RETRY_FAILED_AFTER`` seconds."""
    try:
        pdf = render_pdf(html)
    except Exception:
        _failed[document_id] = time.monotonic()
        log.exception("letter %s: rendering its pdf failed%s; retrying later", document_id, where,
                      extra={"document_id": document_id})
        return None
    _failed.pop(document_id, None)
    return pdf


def _store(document_id: int, pdf: bytes) -> int:
    """Store a rendered PDF unless one is stored already; commit; 1 when this one was stored."""
    result = db.session.execute(
        update(Document).where(Document.id == document_id, Document.pdf.is_(None))
        .values(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount
