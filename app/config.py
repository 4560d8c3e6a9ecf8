"""Read config.toml (or the file WMO_CONFIG names) into one plain settings object.

Nothing reads configuration at import time: ``load_settings`` is called by ``create_app``
and by the CLI, and the result travels from there.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from timers.calendar import Kalender

from .engine.helpers import Termijn
from .roles import LANE_ROLES, ROLES

# The letterhead of a gemeente's letters ([gemeenten.<naam>.briefhoofd]); every key optional but naam.
BRIEFHOOFD = ("naam", "bezoekadres", "postadres", "telefoon", "e-mail", "website")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,20}$")


class ConfigError(ValueError):
    """The configuration file is missing or wrong; the message names the key."""


@dataclass
class Gemeente:
    """One gemeente's route: where its files are and which terms apply."""

    naam: str
    titel: str
    process_dirs: list[Path]
    form_dirs: list[Path]
    termijnen: dict[str, Termijn]
    kalender: Kalender
    # lane -> the user roles that may do its tasks: LANE_ROLES overlaid by [gemeenten.<naam>.rollen]
    lane_roles: dict[str, frozenset[str]] = field(default_factory=lambda: dict(LANE_ROLES))
    briefhoofd: dict[str, str] = field(default_factory=dict)  # [gemeenten.<naam>.briefhoofd]
    script_engine: object = field(default=None, repr=False)  # built once, by app.processes

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles a user can have here: ROLES plus the roles this gemeente's lanes add."""
        extra = sorted({r for roles in self.lane_roles.values() for r in roles} - set(ROLES))
        return ROLES + tuple(extra)


@dataclass
class Settings:
    """Everything the app and the CLI need from the configuration."""

    path: Path
    gemeente: str
    database_url: str
    secret_key: str
    timers_enabled: bool
    timer_interval: int
    raw: dict = field(repr=False, default_factory=dict)
    link_geldig_dagen: int = 14  # [inwoner]: how long a resident's personal link works
    public_url: str = ""  # [server]: the address residents open links on (behind a reverse proxy); empty: the request's
    timers_stale_after: int = 90  # [timers]: /healthz fails when no timer worker beat for this many seconds
    log_format: str = "text"  # [logging] format: "json" (one object per line) or "text"
    log_level: str = "INFO"  # [logging] level
    _gemeenten: dict = field(repr=False, default_factory=dict)

    def gemeente_config(self, naam: str | None = None) -> Gemeente:
        """Return the configuration of ``naam`` (default: the gemeente in use), read once."""
        naam = naam or self.gemeente
        if naam not in self._gemeenten:
            self._gemeenten[naam] = _gemeente(self, naam)
        return self._gemeenten[naam]


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Load the settings from ``path``, WMO_CONFIG or ./config.toml, with env overrides."""
    path = Path(path or os.environ.get("WMO_CONFIG") or "config.toml").resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuratiebestand {path} bestaat niet") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: geen geldige TOML: {error}") from None
    gemeente = raw.get("gemeente")
    if not isinstance(gemeente, str) or not gemeente:
        raise ConfigError(f"{path}: 'gemeente' ontbreekt")
    url = os.environ.get("WMO_DATABASE_URL") or raw.get("database", {}).get("url")
    if not url:
        raise ConfigError(f"{path}: [database] url ontbreekt")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str((path.parent / url[len("sqlite:///"):]).resolve())
    timers = raw.get("timers", {})
    settings = Settings(
        path=path,
        gemeente=gemeente,
        database_url=url,
        secret_key=os.environ.get("WMO_SECRET_KEY") or raw.get("server", {}).get("secret_key", ""),
        timers_enabled=bool(timers.get("enabled", True)),
        timer_interval=int(os.environ.get("WMO_TIMERS_INTERVAL") or timers.get("interval_seconds", 30)),
        raw=raw,
        link_geldig_dagen=_positive(path, raw.get("inwoner", {}), "link_geldig_dagen", 14),
        public_url=_public_url(path, raw.get("server", {})),
    )
    settings.timers_stale_after = _stale_after(path, timers, settings.timer_interval)
    settings.log_format, settings.log_level = _logging(path, raw.get("logging", {}))
    settings.gemeente_config()  # fail now, not at the first melding
    return settings


def _public_url(path: Path, section: dict) -> str:
    value = os.environ.get("WMO_PUBLIC_URL") or section.get("public_url", "")
    if not isinstance(value, str) or (value and not value.startswith(("https://", "http://"))):
        raise ConfigError(f"{path}: [server] public_url moet met https:// (of http://) beginnen")
    return value


def _stale_after(path: Path, section: dict, interval: int) -> int:
    value = os.environ.get("WMO_TIMERS_STALE_AFTER") or section.get("stale_after_seconds", 3 * interval)
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise ConfigError(f"{path}: [timers] stale_after_seconds moet een geheel getal van 1 of meer zijn")
    return value


LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _logging(path: Path, section: dict) -> tuple[str, str]:
    form = os.environ.get("WMO_LOG_FORMAT") or section.get("format", "text")
    level = str(os.environ.get("WMO_LOG_LEVEL") or section.get("level", "INFO")).upper()
    if form not in LOG_FORMATS:
        raise ConfigError(f"{path}: [logging] format moet \"json\" of \"text\" zijn")
    if level not in LOG_LEVELS:
        raise ConfigError(f"{path}: [logging] level moet een van {', '.join(LOG_LEVELS)} zijn")
    return form, level


def _positive(path: Path, section: dict, key: str, default: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{path}: [inwoner] {key} moet een geheel getal van 1 of meer zijn")
    return value


def _gemeente(settings: Settings, naam: str) -> Gemeente:
    raw, base = settings.raw, settings.path.parent
    paden = raw.get("paden", {})
    processes = base / paden.get("processes", "processes")
    forms = base / paden.get("forms", "forms")
    section = raw.get("gemeenten", {}).get(naam)
    if naam != "base" and section is None:
        raise ConfigError(f"{settings.path}: gemeente {naam!r} heeft geen sectie [gemeenten.{naam}]")
    section = section or {}
    entries = {k: dict(v) for k, v in raw.get("termijnen", {}).items()}
    for term, override in section.get("termijnen", {}).items():
        entries.setdefault(term, {}).update(override)
    try:
        termijnen = {term: Termijn.from_config(term, entry) for term, entry in entries.items()}
        dagen = [date.fromisoformat(d) for d in raw.get("kalender", {}).get("gelijkgestelde_dagen", [])]
    except ValueError as error:
        raise ConfigError(f"{settings.path}: {error}") from None
    dirs = ["base"] + ([naam] if naam != "base" else [])
    process_dirs = [processes / d for d in dirs if (processes / d).is_dir()]
    if not process_dirs or process_dirs[0] != processes / "base":
        raise ConfigError(f"map {processes / 'base'} met de landelijke route ontbreekt")
    titel = section.get("naam", naam)
    if not isinstance(titel, str) or not titel.strip():
        raise ConfigError(f"{settings.path}: [gemeenten.{naam}] naam moet tekst zijn")
    return Gemeente(
        naam=naam,
        titel=titel,
        process_dirs=process_dirs,
        form_dirs=[forms / d for d in dirs if (forms / d).is_dir()],
        termijnen=termijnen,
        kalender=Kalender(dagen),
        lane_roles=_lane_roles(settings.path, naam, section.get("rollen", {})),
        briefhoofd=_briefhoofd(settings.path, naam, section.get("briefhoofd", {})),
    )


def _lane_roles(path: Path, naam: str, rollen) -> dict[str, frozenset[str]]:
    """LANE_ROLES overlaid by ``[gemeenten.<naam>.rollen]``: ``lane = ["role", ...]`` adds a lane or says who does it."""
    where = f"{path}: [gemeenten.{naam}.rollen]"
    if not isinstance(rollen, dict):
        raise ConfigError(f"{where} moet een tabel zijn: lane = [\"rol\", ...]")
    mapping = dict(LANE_ROLES)
    for lane, roles in rollen.items():
        if not _NAME.match(lane):
            raise ConfigError(f"{where} {lane}: een lane heet met kleine letters, cijfers, - of _")
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) and _NAME.match(r) for r in roles):
            raise ConfigError(f"{where} {lane} moet een lijst van een of meer rollen zijn (kleine letters, cijfers, -), "
                              f"bv. [\"klantmanager\"]")
        if "inwoner" in roles:
            raise ConfigError(f"{where} {lane}: 'inwoner' is geen rol van een gebruiker; een inwoner doet de lane inwoner")
        mapping[lane] = frozenset(roles)
    return mapping


def _briefhoofd(path: Path, naam: str, briefhoofd) -> dict[str, str]:
    """The letterhead: only the keys of BRIEFHOOFD, each text; e-mail, telefoon and website must look like one."""
    where = f"{path}: [gemeenten.{naam}.briefhoofd]"
    if not isinstance(briefhoofd, dict):
        raise ConfigError(f"{where} moet een tabel zijn")
    if not briefhoofd:
        return {}
    for key, value in briefhoofd.items():
        if key not in BRIEFHOOFD:
            raise ConfigError(f"{where} {key}: onbekende sleutel; kies uit {', '.join(BRIEFHOOFD)}")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} {key} moet niet-lege tekst zijn")
    if "naam" not in briefhoofd:
        raise ConfigError(f"{where} naam ontbreekt")
    if "e-mail" in briefhoofd and not _EMAIL.match(briefhoofd["e-mail"]):
        raise ConfigError(f"{where} e-mail {briefhoofd['e-mail']!r} is geen e-mailadres")
    if "telefoon" in briefhoofd and not _PHONE.match(briefhoofd["telefoon"]):
        raise ConfigError(f"{where} telefoon {briefhoofd['telefoon']!r} is geen telefoonnummer")
    if "website" in briefhoofd and not briefhoofd["website"].startswith("https://"):
        raise ConfigError(f"{where} website {briefhoofd['website']!r} moet met https:// beginnen")
    return {key: value.strip() for key, value in briefhoofd.items()}
