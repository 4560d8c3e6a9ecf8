"""A resident's personal link: a signed, expiring token that names one case.

The token is itsdangerous' URL-safe, timestamped signature of ``{"zaak": case_id}`` with the
app's secret key and a salt of its own, so a session cookie or another signed value never
passes for a link. It expires ``[inwoner] link_geldig_dagen`` days after it was made.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from ..config import Settings
from ..errors import Forbidden

SALT = "wmo-inwonerlink"


class LinkRefused(Forbidden):
    """The link is altered, expired or not a link; ``case_id`` is the case it named, when that is known."""

    def __init__(self, message: str, reason: str, case_id: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.case_id = case_id


@dataclass(frozen=True)
class Link:
    token: str
    case_id: int
    valid_until: datetime  # UTC


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    if not settings.secret_key:
        raise RuntimeError("[server] secret_key ontbreekt: zonder geheim geen inwonerlinks")
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT)


def make(settings: Settings, case_id: int) -> Link:
    """Sign a new link for ``case_id``, valid for the configured number of days from now."""
    token = _serializer(settings).dumps({"zaak": int(case_id)})
    issued = datetime.now(timezone.utc).replace(microsecond=0)
    return Link(token, int(case_id), issued + timedelta(days=settings.link_geldig_dagen))


def verify(settings: Settings, token: str) -> int:
    """Return the case id a valid, unexpired link names; raise LinkRefused otherwise."""
    serializer = _serializer(settings)
    try:
        payload = serializer.loads(token or "", max_age=settings.link_geldig_dagen * 24 * 3600)
    except SignatureExpired as error:
        raise LinkRefused("Deze link is verlopen.", "verlopen", _case_of(serializer, error.payload)) from None
    except BadData:
        raise LinkRefused("Deze link klopt niet.", "ongeldig") from None
    case_id = _case_id(payload)
    if case_id is None:
        raise LinkRefused("Deze link klopt niet.", "ongeldig")
    return case_id


def _case_of(serializer: URLSafeTimedSerializer, raw) -> int | None:
    try:
        return _case_id(serializer.load_payload(raw))
    except BadData:
        return None


def _case_id(payload) -> int | None:
    value = payload.get("zaak") if isinstance(payload, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
