"""Term arithmetic: "2 weken", "10 werkdagen", "7 dagen", "-8 weken", with the Algemene termijnenwet.

A term of n days, weeks or months starts the day after its start date (Awb 6:8), so its last
day is the start date plus n. A statutory term (``atw=True``) that ends on a Saturday, Sunday
or feestdag moves to the next day that is none of those (Atw art. 1), and a term of three days
or more holds at least two such days (art. 2). The Atw leaves alone terms stated as more than
90 dagen, 12 weken or 3 maanden (art. 4 sub a) and terms counted back (art. 1 lid 2); werkdagen
terms are left alone as well, as they end on a werkdag anyway.
"""
from __future__ import annotations

import calendar as _months
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .calendar import Kalender

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_UNITS = {
    "dag": "dagen", "dagen": "dagen", "werkdag": "werkdagen", "werkdagen": "werkdagen",
    "week": "weken", "weken": "weken", "maand": "maanden", "maanden": "maanden",
}
_DUUR = re.compile(r"^\s*([-+]?\d+)\s+([a-z]+)\s*$")


@dataclass(frozen=True)
class Duur:
    """A term's length: a count (negative = counted back) and a unit."""

    aantal: int
    eenheid: str  # dagen | werkdagen | weken | maanden

    def __str__(self) -> str:
        return f"{self.aantal} {self.eenheid}"


def parse_duur(text: str) -> Duur:
    """Parse "2 weken", "10 werkdagen", "1 maand", "-8 weken" (singular too); ValueError names bad text."""
    match = _DUUR.match(str(text).lower())
    if not match or match.group(2) not in _UNITS:
        raise ValueError(
            f"ongeldige duur {text!r}: schrijf bv. '7 dagen', '10 werkdagen', '6 weken' of '3 maanden'"
        )
    return Duur(int(match.group(1)), _UNITS[match.group(2)])


def _plus(start: date, duur: Duur, kalender: Kalender) -> date:
    if duur.eenheid == "dagen":
        return start + timedelta(days=duur.aantal)
    if duur.eenheid == "weken":
        return start + timedelta(weeks=duur.aantal)
    if duur.eenheid == "werkdagen":
        return kalender.werkdagen_na(start, duur.aantal)
    month_index = start.month - 1 + duur.aantal
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, _months.monthrange(year, month)[1]))


# Atw art. 4 sub a: the longest term, in its own unit, that the Atw still applies to.
_ATW_MAX = {"dagen": 90, "weken": 12, "maanden": 3}


def _atw_applies(duur: Duur) -> bool:
    return 0 <= duur.aantal <= _ATW_MAX.get(duur.eenheid, -1)


def einde_termijn(vanaf: date, duur: Duur, kalender: Kalender, atw: bool = False) -> date:
    """Return the last day of a term of ``duur`` that starts the day after ``vanaf``.

    With ``atw=True`` the term is statutory and gets the Atw art. 1 and 2 extensions where art. 4
    and art. 1 lid 2 allow them.
    """
    einde = _plus(vanaf, duur, kalender)
    if not atw or not _atw_applies(duur):
        return einde
    lengte = (einde - vanaf).days  # the term as stated, before any extension
    einde = kalender.volgende_werkdag(einde)  # art. 1
    if lengte >= 3:  # art. 2: at least two werkdagen from vanaf + 1 up to and including einde
        while sum(kalender.is_werkdag(vanaf + timedelta(days=i)) for i in range(1, (einde - vanaf).days + 1)) < 2:
            einde = kalender.volgende_werkdag(einde + timedelta(days=1))
    return einde


def datum_van(value) -> date:
    """Return the Amsterdam date of a date, a datetime or an ISO string; ValueError otherwise."""
    if isinstance(value, datetime):
        return (value.astimezone(AMSTERDAM) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datum_van(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            pass
    raise ValueError(f"{value!r} is geen datum (verwacht JJJJ-MM-DD)")


def begin_van_dag(d: date) -> datetime:
    """Return 00:00 Europe/Amsterdam of ``d``, timezone-aware."""
    return datetime.combine(d, time(0, 0), tzinfo=AMSTERDAM)
