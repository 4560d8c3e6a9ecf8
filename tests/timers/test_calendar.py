"""The Atw calendar against dates anyone can check on a wall calendar."""
from datetime import date

import pytest

from timers.calendar import Kalender

K = Kalender()


def test_feestdagen_2026_are_exactly_the_atw_list():
    assert sorted(K.feestdagen(2026)) == [
        date(2026, 1, 1),   # Nieuwjaarsdag
        date(2026, 4, 3),   # Goede Vrijdag
        date(2026, 4, 5),   # eerste Paasdag
        date(2026, 4, 6),   # tweede Paasdag
        date(2026, 4, 27),  # Koningsdag
        date(2026, 5, 5),   # Bevrijdingsdag, every year under the Atw
        date(2026, 5, 14),  # Hemelvaartsdag
        date(2026, 5, 24),  # eerste Pinksterdag
        date(2026, 5, 25),  # tweede Pinksterdag
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]


def test_feestdagen_2027():
    days = K.feestdagen(2027)
    assert {date(2027, 3, 26), date(2027, 3, 29), date(2027, 4, 27), date(2027, 5, 5), date(2027, 5, 6),
            date(2027, 5, 17), date(2027, 12, 25), date(2027, 12, 26)} <= days
    assert len(days) == 11


def test_koningsdag_moves_to_saturday_when_27_april_is_a_sunday():
    assert K.is_feestdag(date(2025, 4, 26))
    assert not K.is_feestdag(date(2025, 4, 27))


@pytest.mark.parametrize("day,werkdag", [
    (date(2026, 11, 23), True),    # Monday
    (date(2026, 11, 21), False),   # Saturday
    (date(2026, 11, 22), False),   # Sunday
    (date(2026, 12, 25), False),
    (date(2026, 5, 5), False),     # 5 mei in a non-lustrum year
    (date(2026, 5, 15), True),     # Friday after Hemelvaart: only a feestdag by KB
])
def test_is_werkdag(day, werkdag):
    assert K.is_werkdag(day) is werkdag


def test_werkdagen_over_the_year_end():
    # Thu 24 Dec 2026 + 1 werkdag: skips Fri 25, Sat 26, Sun 27 → Mon 28 Dec.
    assert K.werkdagen_na(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # + 5 werkdagen: 28, 29, 30, 31 Dec, (1 Jan is Nieuwjaarsdag, 2-3 Jan weekend), Mon 4 Jan 2027.
    assert K.werkdagen_na(date(2026, 12, 24), 5) == date(2027, 1, 4)


def test_werkdagen_back_and_zero():
    assert K.werkdagen_na(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert K.werkdagen_na(date(2026, 11, 23), -1) == date(2026, 11, 20)


def test_kb_gelijkgestelde_dag_counts_as_feestdag():
    kalender = Kalender([date(2026, 5, 15)])
    assert not kalender.is_werkdag(date(2026, 5, 15))
    assert kalender.werkdagen_na(date(2026, 5, 13), 1) == date(2026, 5, 18)
