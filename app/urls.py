"""URL path parts: a segment the app routes on never holds a NUL byte or another control character.

No id, name or link contains one, and PostgreSQL refuses a NUL in text: such a URL matches no route
(404) instead of reaching a query that fails.
"""
from __future__ import annotations

from werkzeug.routing import BaseConverter


class Segment(BaseConverter):
    """Werkzeug's default (string) converter without control characters."""

    regex = r"[^/\x00-\x1f\x7f]+"


def init_app(app) -> None:
    """Make ``Segment`` the converter of every ``<name>`` and ``<string:name>`` in the routes registered after this."""
    app.url_map.converters["default"] = Segment
    app.url_map.converters["string"] = Segment
