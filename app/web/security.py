"""Sessions, CSRF tokens and security headers for the web pages."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from ..auth.service import actor_for_username

SESSION_TIMEOUT = 30 * 60  # seconds without activity before the user must log in again
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def log_in(actor) -> None:
    """Start a fresh session for ``actor`` (a new session id guards against fixation)."""
    session.clear()
    session["user"] = actor.username
    session["seen"] = time.time()
    session["csrf"] = secrets.token_urlsafe(32)


def csrf_token() -> str:
    """The session's CSRF token, for every form."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse a POST whose form does not carry the session's token."""
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            abort(400, "Het formulier is verlopen of niet door deze site gemaakt. Laad de pagina opnieuw.")


def login_required(view):
    """Let the view run for a logged-in user whose session has not timed out."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        seen = session.get("seen", 0)
        actor = actor_for_username(session.get("user"), current_app.extensions["wmo"].gemeente_config().lane_roles)
        if actor is None or time.time() - seen > SESSION_TIMEOUT:
            expired = actor is not None
            session.clear()
            return redirect(url_for("web.login", next=request.path, verlopen=1 if expired else None))
        session["seen"] = time.time()
        g.actor = actor
        return view(*args, **kwargs)

    return wrapped


def letter_csp(html: str) -> str:
    """The CSP for a stored letter: the app's own, plus the hash of exactly the letter's inline print stylesheet.

    A letter carries its stylesheet inline so the stored copy (and its PDF) stands alone; only that very block
    may apply, no other inline style and still no script.
    """
    hashes = [base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode()
              for block in re.findall(r"<style>(.*?)</style>", html, re.S)]
    allowed = " ".join(f"'sha256-{h}'" for h in hashes)
    return HEADERS["Content-Security-Policy"] + (f"; style-src 'self' {allowed}" if allowed else "")


def add_headers(response):
    """Security headers on every response."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
