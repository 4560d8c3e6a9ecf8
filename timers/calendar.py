"""The werkdagen calendar of the Algemene termijnenwet (Atw).

Atw art. 3 lid 1-2 names the algemeen erkende feestdagen: Nieuwjaarsdag, Goede Vrijdag, tweede
Paasdag, Koningsdag, 5 mei (every year, not only every fifth), Hemelvaartsdag, tweede
Pinksterdag and both Kerstdagen. Eerste Paas- and Pinksterdag are Sundays, kept for clarity.
Days set equal by royal decree (lid 3) come from config.

The holidays package supplies the dates (its "optional" category adds 5 mei in the years its
default list leaves it out). Its list is filtered by date, never by name, to the days Atw art. 3
allows, so a future release that adds another day to either category cannot change a term.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

import holidays

# Days after eerste Paasdag: Goede Vrijdag, Pasen, tweede Paasdag, Hemelvaart, Pinksteren, tweede Pinksterdag.
_EASTER_OFFSETS = (-2, 0, 1, 39, 49, 50)


def pasen(year: int) -> date:
    """Return eerste Paasdag (Gregorian Easter Sunday) of ``year``."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _atw_kandidaten(year: int) -> frozenset[date]:
    """The dates that can be an Atw feestdag in ``year``; Koningsdag is any of 26-30 April."""
    fixed = {date(year, 1, 1), date(year, 5, 5), date(year, 12, 25), date(year, 12, 26)}
    easter = pasen(year)
    moving = {easter + timedelta(days=n) for n in _EASTER_OFFSETS}
    # Koningsdag 27/4 (26/4 when that is a Sunday); Koninginnedag was 30/4 (29/4, or 1/5 before 1980).
    koningsdag = {date(year, 4, day) for day in range(26, 31)} | ({date(year, 5, 1)} if year < 1980 else set())
    return frozenset(fixed | moving | koningsdag)


class Kalender:
    """Feestdagen and werkdagen, with the KB-gelijkgestelde days of the configuration."""

    def __init__(self, gelijkgestelde_dagen: Iterable[date] = ()):
        """Take the days set equal to feestdagen by KB (Atw art. 3 lid 3)."""
        self._extra = frozenset(gelijkgestelde_dagen)
        self._years: dict[int, frozenset[date]] = {}

    def feestdagen(self, year: int) -> frozenset[date]:
        """Return the Atw feestdagen of ``year``, KB days included (cached per year)."""
        if year not in self._years:
            found = holidays.country_holidays("NL", years=year, categories=("public", "optional"))
            atw = frozenset(found) & _atw_kandidaten(year)
            self._years[year] = atw | {d for d in self._extra if d.year == year}
        return self._years[year]

    def is_feestdag(self, d: date) -> bool:
        """Whether ``d`` is an algemeen erkende feestdag (Atw art. 3) or a KB day."""
        return d in self.feestdagen(d.year)

    def is_werkdag(self, d: date) -> bool:
        """Whether ``d`` is neither a Saturday, a Sunday nor a feestdag."""
        return d.weekday() < 5 and not self.is_feestdag(d)

    def volgende_werkdag(self, d: date) -> date:
        """Return ``d`` when it is a werkdag, else the first werkdag after it."""
        while not self.is_werkdag(d):
            d += timedelta(days=1)
        return d

    def werkdagen_na(self, d: date, n: int) -> date:
        """Return the n-th werkdag after ``d`` (before it when n < 0; ``d`` itself when n == 0)."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            d += timedelta(days=step)
            if self.is_werkdag(d):
                remaining -= 1
        return d
