"""The Atw calendar against dates anyone can check on a wall calendar."""
from datetime import date

import holidays
import pytest

from timers.calendar import Kalender, pasen

K = Kalender()


def test_feestdagen_2026_are_exactly_the_atw_list():
    assert sorted(K.feestdagen(2026)) == [
        date(2026, 1, 1),   # Nieuwjaarsdag (Thu)
        date(2026, 4, 3),   # Goede Vrijdag
        date(2026, 4, 5),   # eerste Paasdag (Sun)
        date(2026, 4, 6),   # tweede Paasdag (Mon)
        date(2026, 4, 27),  # Koningsdag (Mon)
        date(2026, 5, 5),   # Bevrijdingsdag (Tue), every year under the Atw
        date(2026, 5, 14),  # Hemelvaartsdag (Thu)
        date(2026, 5, 24),  # eerste Pinksterdag (Sun)
        date(2026, 5, 25),  # tweede Pinksterdag (Mon)
        date(2026, 12, 25),  # eerste Kerstdag (Fri)
        date(2026, 12, 26),  # tweede Kerstdag (Sat)
    ]


def test_feestdagen_2027_are_exactly_the_atw_list():
    assert sorted(K.feestdagen(2027)) == [
        date(2027, 1, 1),   # Nieuwjaarsdag (Fri)
        date(2027, 3, 26),  # Goede Vrijdag
        date(2027, 3, 28),  # eerste Paasdag (Sun)
        date(2027, 3, 29),  # tweede Paasdag (Mon)
        date(2027, 4, 27),  # Koningsdag (Tue)
        date(2027, 5, 5),   # Bevrijdingsdag (Wed)
        date(2027, 5, 6),   # Hemelvaartsdag (Thu)
        date(2027, 5, 16),  # eerste Pinksterdag (Sun)
        date(2027, 5, 17),  # tweede Pinksterdag (Mon)
        date(2027, 12, 25),  # eerste Kerstdag (Sat)
        date(2027, 12, 26),  # tweede Kerstdag (Sun)
    ]


@pytest.mark.parametrize("day,feestdag", [
    (date(2025, 4, 26), True),    # Koningsdag on Saturday: 27 April 2025 was a Sunday
    (date(2025, 4, 27), False),
    (date(2025, 5, 5), True),     # lustrum year
    (date(2026, 5, 5), True),     # non-lustrum year: still a feestdag under the Atw
    (date(2026, 4, 3), True),     # Goede Vrijdag
    (date(2026, 4, 6), True),     # tweede Paasdag
    (date(2027, 3, 26), True),    # Goede Vrijdag
    (date(2027, 3, 29), True),    # tweede Paasdag
    (date(2026, 5, 14), True),    # Hemelvaartsdag
    (date(2026, 5, 25), True),    # tweede Pinksterdag
    (date(2026, 5, 1), False),    # Dag van de Arbeid is no Atw feestdag
    (date(2026, 12, 24), False),  # Kerstavond
    (date(2026, 12, 31), False),  # Oudejaarsdag
    (date(2026, 5, 15), False),   # Friday after Hemelvaart: only by KB
])
def test_is_feestdag(day, feestdag):
    assert K.is_feestdag(day) is feestdag


@pytest.mark.parametrize("year,easter", [
    (2008, date(2008, 3, 23)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
    (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)),
])
def test_pasen(year, easter):
    assert pasen(year) == easter


def test_days_the_package_adds_outside_the_atw_are_dropped(monkeypatch):
    real = holidays.country_holidays

    def with_extras(*args, **kwargs):
        found = real(*args, **kwargs)
        found.update({date(2026, 5, 1): "x", date(2026, 9, 15): "y", date(2026, 12, 31): "z"})
        return found

    monkeypatch.setattr(holidays, "country_holidays", with_extras)
    kalender = Kalender()
    assert len(kalender.feestdagen(2026)) == 11
    assert kalender.is_werkdag(date(2026, 9, 15))  # Tue, Prinsjesdag
    assert not kalender.is_werkdag(date(2026, 5, 5))


@pytest.mark.parametrize("day,werkdag", [
    (date(2026, 11, 23), True),    # Monday
    (date(2026, 11, 21), False),   # Saturday
    (date(2026, 11, 22), False),   # Sunday
    (date(2026, 12, 25), False),   # Friday, eerste Kerstdag
    (date(2027, 1, 1), False),     # Friday, Nieuwjaarsdag
    (date(2026, 4, 27), False),    # Monday, Koningsdag
    (date(2026, 5, 5), False),     # Tuesday, 5 mei in a non-lustrum year
    (date(2026, 5, 15), True),     # Friday after Hemelvaart: only a feestdag by KB
])
def test_is_werkdag(day, werkdag):
    assert K.is_werkdag(day) is werkdag


@pytest.mark.parametrize("day,expected", [
    (date(2026, 11, 23), date(2026, 11, 23)),  # Monday stays
    (date(2026, 11, 21), date(2026, 11, 23)),  # Saturday → Monday
    (date(2026, 12, 25), date(2026, 12, 28)),  # Kerst (Fri), Sat, Sun → Mon
    (date(2027, 1, 1), date(2027, 1, 4)),      # Nieuwjaarsdag (Fri) → Mon
    (date(2026, 4, 3), date(2026, 4, 7)),      # Goede Vrijdag, weekend, tweede Paasdag → Tue
])
def test_volgende_werkdag(day, expected):
    assert K.volgende_werkdag(day) == expected


@pytest.mark.parametrize("start,n,expected", [
    # Thu 24 Dec 2026: skips Fri 25, Sat 26, Sun 27 → Mon 28 Dec.
    (date(2026, 12, 24), 1, date(2026, 12, 28)),
    # 28, 29, 30, 31 Dec, (Fri 1 Jan Nieuwjaarsdag, 2-3 Jan weekend), Mon 4 Jan 2027.
    (date(2026, 12, 24), 5, date(2027, 1, 4)),
    (date(2026, 12, 31), 1, date(2027, 1, 4)),
    (date(2026, 11, 23), 0, date(2026, 11, 23)),
    (date(2026, 11, 21), 0, date(2026, 11, 21)),   # n=0 is the day itself, even a Saturday
    (date(2026, 11, 23), -1, date(2026, 11, 20)),  # Mon → Fri before
    (date(2027, 1, 4), -1, date(2026, 12, 31)),
    (date(2027, 1, 4), -5, date(2026, 12, 24)),
    (date(2026, 4, 2), 1, date(2026, 4, 7)),       # Thu before Easter → Tue after tweede Paasdag
])
def test_werkdagen_na(start, n, expected):
    assert K.werkdagen_na(start, n) == expected


def test_kb_gelijkgestelde_dag_counts_as_feestdag():
    kalender = Kalender([date(2026, 5, 15)])  # Friday after Hemelvaart 2026
    assert kalender.is_feestdag(date(2026, 5, 15))
    assert not kalender.is_werkdag(date(2026, 5, 15))
    assert kalender.werkdagen_na(date(2026, 5, 13), 1) == date(2026, 5, 18)
    assert len(kalender.feestdagen(2026)) == 12
    assert len(kalender.feestdagen(2027)) == 11
