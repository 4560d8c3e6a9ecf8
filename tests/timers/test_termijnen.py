"""Terms counted as the Awb and the Algemene termijnenwet prescribe."""
from datetime import date, datetime, timezone

import pytest

from timers.calendar import Kalender
from timers.termijnen import Duur, begin_van_dag, datum_van, einde_termijn, parse_duur

K = Kalender()


@pytest.mark.parametrize("text,duur", [
    ("2 weken", Duur(2, "weken")), ("1 week", Duur(1, "weken")), ("10 werkdagen", Duur(10, "werkdagen")),
    ("7 dagen", Duur(7, "dagen")), ("1 dag", Duur(1, "dagen")), ("3 maanden", Duur(3, "maanden")),
    ("-8 weken", Duur(-8, "weken")), ("  6 Weken ", Duur(6, "weken")),
])
def test_parse_duur(text, duur):
    assert parse_duur(text) == duur


@pytest.mark.parametrize("text", ["", "twee weken", "2", "2 jaren", "2 weken extra"])
def test_parse_duur_refuses_bad_text(text):
    with pytest.raises(ValueError, match="ongeldige duur"):
        parse_duur(text)


def test_beslistermijn_ending_on_bevrijdingsdag_moves_a_day():
    # Aanvraag Tue 21-04-2026 + 2 weken = Tue 05-05-2026, a feestdag under the Atw → Wed 06-05-2026.
    assert einde_termijn(date(2026, 4, 21), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 6)
    assert einde_termijn(date(2026, 4, 21), parse_duur("2 weken"), K, atw=False) == date(2026, 5, 5)


def test_statutory_term_ending_on_saturday_moves_to_monday():
    # Sat 07-11-2026 - 6 weken = Sat 26-09-2026: the bezwaartermijn ends on Mon 09-11-2026.
    assert einde_termijn(date(2026, 9, 26), parse_duur("6 weken"), K, atw=True) == date(2026, 11, 9)


def test_bezwaartermijn_over_the_year_end():
    # Beschikking sent Mon 30-11-2026: 6 weken → Mon 11-01-2027.
    assert einde_termijn(date(2026, 11, 30), parse_duur("6 weken"), K, atw=True) == date(2027, 1, 11)


def test_persoonlijk_plan_over_christmas_holds_two_werkdagen():
    # Melding Fri 18-12-2026 + 7 dagen = Fri 25-12 (Kerst) → art 1: Mon 28-12. Werkdagen in 19..28 Dec:
    # 21, 22, 23, 24, 28 Dec → enough, so Mon 28-12-2026.
    assert einde_termijn(date(2026, 12, 18), parse_duur("7 dagen"), K, atw=True) == date(2026, 12, 28)


def test_three_day_term_gets_two_werkdagen():
    # Thu 24-12-2026 + 3 dagen = Sun 27-12 → art 1: Mon 28-12; only 28 Dec is a werkdag in 25..28 Dec,
    # so art 2 extends to Tue 29-12-2026.
    assert einde_termijn(date(2026, 12, 24), parse_duur("3 dagen"), K, atw=True) == date(2026, 12, 29)


def test_easter_and_pinksteren():
    # Wed 25-03-2026 + 12 dagen = Mon 06-04-2026 (tweede Paasdag) → Tue 07-04.
    assert einde_termijn(date(2026, 3, 25), parse_duur("12 dagen"), K, atw=True) == date(2026, 4, 7)
    # Mon 11-05-2026 + 2 weken = Mon 25-05-2026 (tweede Pinksterdag) → Tue 26-05.
    assert einde_termijn(date(2026, 5, 11), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 26)
    # Thu 30-04-2026 + 2 weken = Thu 14-05-2026 (Hemelvaartsdag) → Fri 15-05.
    assert einde_termijn(date(2026, 4, 30), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 15)


def test_koningsdag():
    # Mon 13-04-2026 + 2 weken = Mon 27-04-2026 (Koningsdag) → Tue 28-04.
    assert einde_termijn(date(2026, 4, 13), parse_duur("2 weken"), K, atw=True) == date(2026, 4, 28)


def test_long_terms_and_backward_terms_are_not_extended():
    # 13 weken from Fri 18-09-2026 = Fri 18-12-2026; 14 weken = Fri 25-12: longer than 12 weeks, stays.
    assert einde_termijn(date(2026, 9, 18), parse_duur("14 weken"), K, atw=True) == date(2026, 12, 25)
    # 8 weeks before Sat 20-02-2027 = Sat 26-12-2026, kept as it is.
    assert einde_termijn(date(2027, 2, 20), parse_duur("-8 weken"), K, atw=True) == date(2026, 12, 26)


def test_werkdagen_and_months():
    assert einde_termijn(date(2026, 12, 24), parse_duur("5 werkdagen"), K) == date(2027, 1, 4)
    assert einde_termijn(date(2026, 1, 31), parse_duur("1 maand"), K) == date(2026, 2, 28)


@pytest.mark.parametrize("value,expected", [
    ("2026-11-22", date(2026, 11, 22)),
    ("2026-11-22T09:30:00+01:00", date(2026, 11, 22)),
    ("2026-11-22T23:30:00Z", date(2026, 11, 23)),
    (datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc), date(2026, 7, 1)),
    (date(2026, 1, 2), date(2026, 1, 2)),
])
def test_datum_van(value, expected):
    assert datum_van(value) == expected


@pytest.mark.parametrize("value", ["22-11-2026", "", None, 20261122, "2026-13-01"])
def test_datum_van_refuses(value):
    with pytest.raises(ValueError):
        datum_van(value)


def test_begin_van_dag_follows_daylight_saving():
    assert begin_van_dag(date(2026, 10, 25)).isoformat() == "2026-10-25T00:00:00+02:00"
    assert begin_van_dag(date(2026, 10, 26)).isoformat() == "2026-10-26T00:00:00+01:00"
    assert begin_van_dag(date(2027, 3, 28)).isoformat() == "2027-03-28T00:00:00+01:00"
    assert begin_van_dag(date(2027, 3, 29)).isoformat() == "2027-03-29T00:00:00+02:00"
