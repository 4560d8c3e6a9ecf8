"""Read config.toml (or the file WMO_CONFIG names) into one plain settings object.

Nothing reads configuration at import time: ``load_settings`` is called by ``create_app``
and by the CLI, and the result travels from there.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from timers.calendar import Kalender

from .engine.helpers import Termijn


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
    script_engine: object = field(default=None, repr=False)  # built once, by app.processes


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
    )
    settings.gemeente_config()  # fail now, not at the first melding
    return settings


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
    return Gemeente(
        naam=naam,
        titel=section.get("naam", naam),
        process_dirs=process_dirs,
        form_dirs=[forms / d for d in dirs if (forms / d).is_dir()],
        termijnen=termijnen,
        kalender=Kalender(dagen),
    )
