"""Users and their API tokens; the rules of which role may do what."""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from sqlalchemy import select

from ..db import db
from ..errors import Conflict, Forbidden, InvalidInput, Unauthorized
from ..models import User
from ..roles import CASEWORKERS, LANE_ROLES, ROLES

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
    # Which roles may do each lane: the gemeente's mapping (Gemeente.lane_roles), the national one by default.
    lane_roles: Mapping[str, frozenset[str]] = field(default_factory=lambda: LANE_ROLES, compare=False, repr=False)

    @property
    def is_resident(self) -> bool:
        return RESIDENT in self.roles

    def may_complete(self, lane: str | None, case_id: int | None = None,
                     lane_roles: Mapping[str, frozenset[str]] | None = None) -> bool:
        """Whether the actor may do a task of ``lane`` (in ``lane_roles``, default the actor's gemeente)."""
        if self.is_resident:
            return lane == RESIDENT and self.owns(case_id)
        mapping = self.lane_roles if lane_roles is None else lane_roles
        return bool(self.roles & mapping.get(lane or "", frozenset()))

    def owns(self, case_id) -> bool:
        """Whether a resident actor is bound to ``case_id`` (never true without a case)."""
        return self.case_id is not None and str(case_id) == str(self.case_id)

    def require(self, allowed: frozenset[str] | set[str], what: str) -> None:
        if CASEWORKERS <= set(allowed):
            allowed = set(allowed) | gemeente_roles(self.lane_roles)  # a role a gemeente adds for a lane is a caseworker
        if not self.roles & allowed:
            raise Forbidden(f"uw rol mag niet: {what}")


SYSTEM = Actor("systeem", frozenset())


def gemeente_roles(lane_roles: Mapping[str, frozenset[str]]) -> set[str]:
    """The roles a gemeente's lanes name beyond the national ROLES (config ``[gemeenten.<naam>.rollen]``)."""
    return {role for roles in lane_roles.values() for role in roles} - set(ROLES)


def resident(case_id: int) -> Actor:
    """The actor of a resident who opened the personal link of ``case_id``."""
    return Actor(RESIDENT, frozenset({RESIDENT}), case_id=int(case_id))


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(username: str, roles: list[str], known_roles=ROLES) -> tuple[User, str]:
    """Create a user with ``roles`` (each one of ``known_roles``: ROLES plus the gemeente's own);
    return it with its new API token (shown once, stored hashed)."""
    fields = {}
    if not _USERNAME.match(username or ""):
        fields["username"] = "2-64 tekens: kleine letters, cijfers, punt, streepje of liggend streepje"
    unknown = [r for r in roles if r not in known_roles]
    if not roles or unknown:
        fields["role"] = f"onbekende rol {', '.join(unknown) or '(geen)'}; kies uit {', '.join(known_roles)}"
    if fields:
        raise InvalidInput("ongeldige gebruiker", fields)
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"gebruiker {username!r} bestaat al", {"username": "bestaat al"})
    token = secrets.token_urlsafe(32)
    user = User(username=username, roles=sorted(set(roles)), token_hash=hash_token(token))
    db.session.add(user)
    db.session.commit()
    return user, token


def actor_for_token(token: str | None, lane_roles: Mapping[str, frozenset[str]] = LANE_ROLES) -> Actor:
    """Return the actor a bearer token belongs to, or raise Unauthorized."""
    if not token:
        raise Unauthorized("inloggen vereist: stuur Authorization: Bearer <token>")
    user = db.session.scalar(select(User).where(User.token_hash == hash_token(token)))
    if user is None:
        raise Unauthorized("onbekend of ingetrokken token")
    return Actor(user.username, frozenset(user.roles), lane_roles=lane_roles)


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


def actor_for_login(username: str, password: str, lane_roles: Mapping[str, frozenset[str]] = LANE_ROLES) -> Actor | None:
    """Return the actor for a correct username and password, else None (same work either way)."""
    name = (username or "").strip()
    # A NUL byte names no user (and PostgreSQL refuses it in a query); the password is still checked, against the dummy.
    user = db.session.scalar(select(User).where(User.username == name)) if "\x00" not in name else None
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, password or "") or user is None or not user.password_hash:
        return None
    return Actor(user.username, frozenset(user.roles), lane_roles=lane_roles)


def actor_for_username(username: str | None, lane_roles: Mapping[str, frozenset[str]] = LANE_ROLES) -> Actor | None:
    """Return the actor of a logged-in session's user (None when the user is gone)."""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    return Actor(user.username, frozenset(user.roles), lane_roles=lane_roles) if user is not None else None
