"""The werkdagen calendar of the Algemene termijnenwet (Atw).

Atw art. 3 lid 1-2 names the algemeen erkende feestdagen: Nieuwjaarsdag, Goede Vrijdag, eerste
en tweede Paasdag, Koningsdag, 5 mei (every year, not only every fifth), Hemelvaartsdag, eerste
en tweede Pinksterdag, eerste en tweede Kerstdag. The holidays package gives exactly these with
the "public" and "optional" categories (its default list has 5 mei only every fifth year).
Days set equal by royal decree (lid 3) come from config.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

import holidays


class Kalender:
    """Feestdagen and werkdagen, with the KB-gelijkgestelde days of the configuration."""

    def __init__(self, gelijkgestelde_dagen: Iterable[date] = ()):
        self._extra = frozenset(gelijkgestelde_dagen)
        self._years: dict[int, frozenset[date]] = {}

    def feestdagen(self, year: int) -> frozenset[date]:
        """Return the Atw feestdagen of ``year``, KB days included."""
        if year not in self._years:
            found = holidays.country_holidays("NL", years=year, categories=("public", "optional"))
            self._years[year] = frozenset(found) | {d for d in self._extra if d.year == year}
        return self._years[year]

    def is_feestdag(self, d: date) -> bool:
        """Whether ``d`` is an algemeen erkende feestdag (Atw art. 3)."""
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
