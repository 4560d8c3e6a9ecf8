"""The terms of a case, computed from its data and the gemeente's configured termijnen.

A term applies once its start field (``vanaf``) holds a date; it is met when its
``voldaan`` field holds a date of this round (on or after the start, so a date from before
a herindicatie or a new besluit does not count); otherwise it is open until its last day
has passed, and overdue after that.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from timers.termijnen import datum_van, einde_termijn

from ..config import Gemeente


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    due: date
    met_on: date | None


def compute(data: dict, gemeente: Gemeente) -> list[Term]:
    """Return every term that applies to a case with ``data``."""
    terms = []
    for name, termijn in gemeente.termijnen.items():
        start = parse_date(data.get(termijn.vanaf))
        if start is None:
            continue
        due = einde_termijn(start, termijn.duur_met_verlenging(data, start), gemeente.kalender, atw=termijn.atw)
        met = parse_date(data.get(termijn.voldaan)) if termijn.voldaan else None
        # A date from an earlier round does not meet this one. A term counted back (herindicatie
        # before the einddatum) is met from one term-length before its last day on.
        earliest = start if termijn.duur.aantal >= 0 else einde_termijn(due, termijn.duur, gemeente.kalender)
        if met is not None and met < earliest:
            met = None
        terms.append(Term(name, start, due, met))
    return terms


def status(due: date, met_on: date | None, today: date) -> str:
    """Return "met", "open" or "overdue"."""
    if met_on is not None:
        return "met"
    return "overdue" if today > due else "open"


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return datum_van(value)
    except ValueError:
        return None
