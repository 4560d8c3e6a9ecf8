"""The functions a diagram may call: dates, werkdagen and the gemeente's termijnen.

Every date goes in and out as a "YYYY-MM-DD" string (task data must stay JSON), and every
instant a timer uses is a timezone-aware ISO string (Europe/Amsterdam), never naive.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from timers.calendar import Kalender
from timers.termijnen import Duur, begin_van_dag, datum_van, einde_termijn, parse_duur

from . import clock


@dataclass(frozen=True)
class Termijn:
    """A named term of the route: how long, from which data field, met by which field."""

    naam: str
    duur: Duur
    vanaf: str
    voldaan: str | None
    atw: bool
    verlengd_met: str | None = None  # data field with an extension in the term's unit (verdaging, Awb 4:14)
    verlengd_op: str | None = None  # data field with the date of that extension: one from an earlier round does not count
    max_verlenging: int = 0

    @classmethod
    def from_config(cls, naam: str, entry: dict) -> "Termijn":
        """Build a term from its config table (``duur``, ``vanaf``, ``voldaan``, ``wettelijk``)."""
        try:
            return cls(
                naam=naam,
                duur=parse_duur(str(entry["duur"])),
                vanaf=str(entry["vanaf"]),
                voldaan=entry.get("voldaan"),
                atw=bool(entry.get("wettelijk", False)),
                verlengd_met=entry.get("verlengd_met"),
                verlengd_op=entry.get("verlengd_op"),
                max_verlenging=int(entry.get("max_verlenging", 0)),
            )
        except KeyError as missing:
            raise ValueError(f"termijn {naam!r} mist {missing.args[0]!r} in de configuratie") from None

    def duur_met_verlenging(self, data: dict, start: date | None = None) -> Duur:
        """The term's length with the extension the case data holds, capped at ``max_verlenging``."""
        if not self.verlengd_met:
            return self.duur
        if start is not None and self.verlengd_op:
            try:
                if datum_van(data.get(self.verlengd_op)) < start:
                    return self.duur
            except ValueError:
                return self.duur
        try:
            extra = int(data.get(self.verlengd_met) or 0)
        except (TypeError, ValueError):
            extra = 0
        extra = max(0, min(extra, self.max_verlenging))
        return Duur(self.duur.aantal + extra, self.duur.eenheid) if extra else self.duur


def make_helpers(termijnen: dict[str, Termijn], kalender: Kalender) -> dict:
    """Return the helper functions for one gemeente's terms and calendar."""

    def _iso(d: date) -> str:
        return d.isoformat()

    def vandaag() -> str:
        return clock.today_iso()

    def termijn(naam, vanaf, verlenging=0) -> str:
        if naam not in termijnen:
            raise ValueError(f"onbekende termijn {naam!r}")
        t = termijnen[naam]
        duur = t.duur_met_verlenging({t.verlengd_met: verlenging}) if verlenging else t.duur
        return _iso(einde_termijn(datum_van(vanaf), duur, kalender, atw=t.atw))

    def tijdstip(datum) -> str:
        return begin_van_dag(datum_van(datum)).isoformat()

    def termijn_verlopen(naam, vanaf) -> str:
        return tijdstip(datum_van(termijn(naam, vanaf)) + timedelta(days=1))

    def dagen_na(datum, n) -> str:
        return _iso(datum_van(datum) + timedelta(days=int(n)))

    def weken_na(datum, n) -> str:
        return _iso(datum_van(datum) + timedelta(weeks=int(n)))

    def werkdagen_na(datum, n) -> str:
        return _iso(kalender.werkdagen_na(datum_van(datum), int(n)))

    def leeftijd(geboortedatum, op_datum) -> int:
        born, on = datum_van(geboortedatum), datum_van(op_datum)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def jaar(datum) -> int:
        return datum_van(datum).year

    return {
        "vandaag": vandaag, "termijn": termijn, "termijn_verlopen": termijn_verlopen,
        "tijdstip": tijdstip, "dagen_na": dagen_na, "weken_na": weken_na,
        "werkdagen_na": werkdagen_na, "leeftijd": leeftijd, "jaar": jaar,
    }
