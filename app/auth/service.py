"""Users and their API tokens; the rules of which role may do what."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from sqlalchemy import select

from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, Unauthorized
from ..models import User

# Residents are no users: they act on their own case only, through a personal link (issue 4).
ROLES = ("klantmanager", "pgb-consulent", "beslisser", "teamleider", "procesbeheerder")
CASEWORKERS = frozenset({"klantmanager", "pgb-consulent", "beslisser", "teamleider"})
# Who may complete a task of each lane. A klantmanager may record a verslag the resident signed on paper.
LANE_ROLES = {
    "inwoner": frozenset({"klantmanager"}),
    "klantmanager": frozenset({"klantmanager"}),
    "pgb-consulent": frozenset({"pgb-consulent"}),
    "beslisser": frozenset({"beslisser"}),
    "teamleider": frozenset({"teamleider"}),
}
# A resident acts through their personal link: only the "inwoner" lane's tasks and these events, on their own case.
RESIDENT = "inwoner"
RESIDENT_EVENTS = frozenset({"persoonlijk_plan_ontvangen"})
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class Actor:
    """Who performs a step: a user with roles, the system (timers), or a resident bound to one case."""

    username: str
    roles: frozenset[str]
    case_id: int | None = None  # a resident's own case; None for caseworkers and the system

    @property
    def is_resident(self) -> bool:
        return RESIDENT in self.roles

    def may_complete(self, lane: str | None, case_id: int | None = None) -> bool:
        if self.is_resident:
            return lane == RESIDENT and self.owns(case_id)
        return bool(self.roles & LANE_ROLES.get(lane or "", frozenset()))

    def owns(self, case_id) -> bool:
        """Whether a resident actor is bound to ``case_id`` (never true without a case)."""
        return self.case_id is not None and str(case_id) == str(self.case_id)

    def require(self, allowed: frozenset[str] | set[str], what: str) -> None:
        if not self.roles & allowed:
            raise Forbidden(f"uw rol mag niet: {what}")


SYSTEM = Actor("systeem", frozenset())


def resident(case_id: int) -> Actor:
    """The actor of a resident who opened the personal link of ``case_id``."""
    return Actor(RESIDENT, frozenset({RESIDENT}), case_id=int(case_id))


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(username: str, roles: list[str]) -> tuple[User, str]:
    """Create a user with ``roles``; return it with its new API token (shown once, stored hashed)."""
    fields = {}
    if not _USERNAME.match(username or ""):
        fields["username"] = "2-64 tekens: kleine letters, cijfers, punt, streepje of liggend streepje"
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        fields["role"] = f"onbekende rol {', '.join(unknown) or '(geen)'}; kies uit {', '.join(ROLES)}"
    if fields:
        raise InvalidInput("ongeldige gebruiker", fields)
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"gebruiker {username!r} bestaat al", {"username": "bestaat al"})
    token = secrets.token_urlsafe(32)
    user = User(username=username, roles=sorted(set(roles)), token_hash=hash_token(token))
    db.session.add(user)
    db.session.commit()
    return user, token


def actor_for_token(token: str | None) -> Actor:
    """Return the actor a bearer token belongs to, or raise Unauthorized."""
    if not token:
        raise Unauthorized("inloggen vereist: stuur Authorization: Bearer <token>")
    user = db.session.scalar(select(User).where(User.token_hash == hash_token(token)))
    if user is None:
        raise Unauthorized("onbekend of ingetrokken token")
    return Actor(user.username, frozenset(user.roles))


MIN_PASSWORD = 10
_DUMMY_HASH = generate_password_hash("no user has this password")


def set_password(username: str, password: str) -> None:
    """Give a user a password for the web app (stored as a salted scrypt hash)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput("onbekende gebruiker", {"username": "bestaat niet"})
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput("wachtwoord te kort", {"password": f"minstens {MIN_PASSWORD} tekens"})
    user.password_hash = generate_password_hash(password)
    db.session.commit()


def actor_for_login(username: str, password: str) -> Actor | None:
    """Return the actor for a correct username and password, else None (same work either way)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, password or "") or user is None or not user.password_hash:
        return None
    return Actor(user.username, frozenset(user.roles))


def actor_for_username(username: str | None) -> Actor | None:
    """Return the actor of a logged-in session's user (None when the user is gone)."""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    return Actor(user.username, frozenset(user.roles)) if user is not None else None
