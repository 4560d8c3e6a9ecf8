"""Terms counted as the Awb and the Algemene termijnenwet prescribe."""
from datetime import date, datetime, timezone

import pytest

from timers.calendar import Kalender
from timers.termijnen import Duur, begin_van_dag, datum_van, einde_termijn, parse_duur

K = Kalender()


@pytest.mark.parametrize("text,duur", [
    ("2 weken", Duur(2, "weken")), ("1 week", Duur(1, "weken")), ("10 werkdagen", Duur(10, "werkdagen")),
    ("1 werkdag", Duur(1, "werkdagen")), ("7 dagen", Duur(7, "dagen")), ("1 dag", Duur(1, "dagen")),
    ("3 maanden", Duur(3, "maanden")), ("1 maand", Duur(1, "maanden")), ("-8 weken", Duur(-8, "weken")),
    ("+2 weken", Duur(2, "weken")), ("  6 Weken ", Duur(6, "weken")),
])
def test_parse_duur(text, duur):
    assert parse_duur(text) == duur


@pytest.mark.parametrize("text", ["", "twee weken", "2", "2 jaren", "2 weken extra", "2,5 weken", "weken 2", "2weken"])
def test_parse_duur_refuses_bad_text(text):
    with pytest.raises(ValueError, match="ongeldige duur") as error:
        parse_duur(text)
    assert repr(text) in str(error.value)


def test_beslistermijn_ending_on_bevrijdingsdag_moves_a_day():
    # Aanvraag Tue 21-04-2026 + 2 weken = Tue 05-05-2026, a feestdag under the Atw → Wed 06-05-2026.
    assert einde_termijn(date(2026, 4, 21), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 6)
    assert einde_termijn(date(2026, 4, 21), parse_duur("2 weken"), K, atw=False) == date(2026, 5, 5)


def test_statutory_term_ending_on_saturday_moves_to_monday():
    # Beschikking Sat 26-09-2026 + 6 weken = Sat 07-11-2026: the bezwaartermijn ends on Mon 09-11-2026.
    assert einde_termijn(date(2026, 9, 26), parse_duur("6 weken"), K, atw=True) == date(2026, 11, 9)
    assert einde_termijn(date(2026, 9, 26), parse_duur("6 weken"), K) == date(2026, 11, 7)


@pytest.mark.parametrize("vanaf,duur,expected", [
    (date(2026, 12, 1), "6 weken", date(2027, 1, 12)),   # Tue + 42 days = Tue 12-01-2027
    (date(2026, 11, 30), "6 weken", date(2027, 1, 11)),  # Mon + 42 days = Mon 11-01-2027
    (date(2026, 11, 20), "6 weken", date(2027, 1, 4)),   # Fri + 42 = Fri 01-01 (Nieuwjaarsdag) → Mon 04-01
    (date(2026, 12, 11), "2 weken", date(2026, 12, 28)),  # Fri + 14 = Fri 25-12 (Kerst) → Mon 28-12
])
def test_terms_over_the_year_end(vanaf, duur, expected):
    assert einde_termijn(vanaf, parse_duur(duur), K, atw=True) == expected


def test_persoonlijk_plan_over_christmas():
    # Melding Fri 18-12-2026 + 7 dagen = Fri 25-12 (Kerst) → art 1: Mon 28-12. Werkdagen in 19..28 Dec:
    # 21, 22, 23, 24, 28 Dec → art 2 is satisfied, so Mon 28-12-2026.
    assert einde_termijn(date(2026, 12, 18), parse_duur("7 dagen"), K, atw=True) == date(2026, 12, 28)


def test_persoonlijk_plan_over_easter():
    # Melding Mon 30-03-2026 + 7 dagen = Mon 06-04 (tweede Paasdag) → Tue 07-04-2026.
    assert einde_termijn(date(2026, 3, 30), parse_duur("7 dagen"), K, atw=True) == date(2026, 4, 7)


@pytest.mark.parametrize("vanaf,expected", [
    # Thu 24-12-2026 + 3 dagen = Sun 27-12 → art 1: Mon 28-12; the term 25..28 Dec holds one werkdag
    # (28 Dec), so art 2 extends it to Tue 29-12-2026.
    (date(2026, 12, 24), date(2026, 12, 29)),
    # Thu 02-04-2026 + 3 dagen = Sun 05-04 → art 1: Tue 07-04 (Fri 3 Goede Vrijdag, Mon 6 tweede
    # Paasdag); the term 3..7 Apr holds one werkdag, so art 2 extends it to Wed 08-04-2026.
    (date(2026, 4, 2), date(2026, 4, 8)),
])
def test_atw_art_2_three_day_term_gets_two_werkdagen(vanaf, expected):
    assert einde_termijn(vanaf, parse_duur("3 dagen"), K, atw=True) == expected


def test_atw_art_2_seven_day_term_with_kb_days():
    # With 28-31 Dec 2026 set equal by KB, 7 dagen from Fri 25-12 ends Fri 01-01-2027 (Nieuwjaarsdag);
    # art 1 gives Mon 04-01, the only werkdag in 26-12..04-01, so art 2 extends to Tue 05-01-2027.
    kalender = Kalender([date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    assert einde_termijn(date(2026, 12, 25), parse_duur("7 dagen"), kalender, atw=True) == date(2027, 1, 5)


@pytest.mark.parametrize("vanaf,duur,expected", [
    # Art 2 is for terms of three days or more: a 1- or 2-day term only gets art 1.
    (date(2026, 11, 20), "1 dag", date(2026, 11, 23)),    # Fri + 1 = Sat → Mon
    (date(2026, 12, 24), "2 dagen", date(2026, 12, 28)),  # Thu + 2 = Sat 26-12 → Mon 28-12
])
def test_short_terms_get_only_art_1(vanaf, duur, expected):
    assert einde_termijn(vanaf, parse_duur(duur), K, atw=True) == expected


def test_easter_pinksteren_hemelvaart_koningsdag():
    # Wed 25-03-2026 + 12 dagen = Mon 06-04-2026 (tweede Paasdag) → Tue 07-04.
    assert einde_termijn(date(2026, 3, 25), parse_duur("12 dagen"), K, atw=True) == date(2026, 4, 7)
    # Mon 11-05-2026 + 2 weken = Mon 25-05-2026 (tweede Pinksterdag) → Tue 26-05.
    assert einde_termijn(date(2026, 5, 11), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 26)
    # Thu 30-04-2026 + 2 weken = Thu 14-05-2026 (Hemelvaartsdag) → Fri 15-05.
    assert einde_termijn(date(2026, 4, 30), parse_duur("2 weken"), K, atw=True) == date(2026, 5, 15)
    # Mon 13-04-2026 + 2 weken = Mon 27-04-2026 (Koningsdag) → Tue 28-04.
    assert einde_termijn(date(2026, 4, 13), parse_duur("2 weken"), K, atw=True) == date(2026, 4, 28)


def test_kb_day_extends_a_statutory_term():
    # Thu 30-04-2026 + 2 weken = Thu 14-05 (Hemelvaart) → Fri 15-05, unless that is a KB day → Mon 18-05.
    kalender = Kalender([date(2026, 5, 15)])
    assert einde_termijn(date(2026, 4, 30), parse_duur("2 weken"), kalender, atw=True) == date(2026, 5, 18)


@pytest.mark.parametrize("vanaf,duur,expected", [
    # Each term ends on Sat 28-11-2026: extended to Mon 30-11 up to the Atw art 4 limit, not beyond it.
    (date(2026, 9, 5), "12 weken", date(2026, 11, 30)),
    (date(2026, 8, 29), "13 weken", date(2026, 11, 28)),
    (date(2026, 8, 30), "90 dagen", date(2026, 11, 30)),
    (date(2026, 8, 29), "91 dagen", date(2026, 11, 28)),
    (date(2026, 8, 28), "3 maanden", date(2026, 11, 30)),
    (date(2026, 7, 28), "4 maanden", date(2026, 11, 28)),
    # 14 weken from Fri 18-09-2026 = Fri 25-12-2026 (Kerst): too long for the Atw, stays.
    (date(2026, 9, 18), "14 weken", date(2026, 12, 25)),
])
def test_atw_art_4_limits(vanaf, duur, expected):
    assert einde_termijn(vanaf, parse_duur(duur), K, atw=True) == expected


@pytest.mark.parametrize("vanaf,duur,expected", [
    # 8 weeks before Sat 20-02-2027 = Sat 26-12-2026 (tweede Kerstdag): counted back, kept as it is.
    (date(2027, 2, 20), "-8 weken", date(2026, 12, 26)),
    (date(2027, 1, 1), "-7 dagen", date(2026, 12, 25)),
    (date(2027, 1, 4), "-5 werkdagen", date(2026, 12, 24)),
    (date(2027, 1, 15), "-2 maanden", date(2026, 11, 15)),
    (date(2026, 5, 31), "-3 maanden", date(2026, 2, 28)),
])
def test_negative_terms_count_back_without_atw(vanaf, duur, expected):
    assert einde_termijn(vanaf, parse_duur(duur), K, atw=True) == expected
    assert einde_termijn(vanaf, parse_duur(duur), K) == expected


@pytest.mark.parametrize("vanaf,duur,expected,expected_atw", [
    # Werkdagen terms end on a werkdag; the Atw leaves them alone.
    (date(2026, 12, 24), "5 werkdagen", date(2027, 1, 4), date(2027, 1, 4)),
    (date(2026, 12, 24), "1 werkdag", date(2026, 12, 28), date(2026, 12, 28)),
    # Months: same day number, clamped to the month end; the Atw moves a weekend end to Monday.
    (date(2026, 1, 31), "1 maand", date(2026, 2, 28), date(2026, 3, 2)),      # Sat 28-02 → Mon 02-03
    (date(2028, 1, 31), "1 maand", date(2028, 2, 29), date(2028, 2, 29)),     # leap year, Tue
    (date(2026, 11, 30), "3 maanden", date(2027, 2, 28), date(2027, 3, 1)),   # Sun 28-02 → Mon 01-03
    (date(2026, 10, 15), "3 maanden", date(2027, 1, 15), date(2027, 1, 15)),  # Fri
])
def test_werkdagen_and_months(vanaf, duur, expected, expected_atw):
    assert einde_termijn(vanaf, parse_duur(duur), K) == expected
    assert einde_termijn(vanaf, parse_duur(duur), K, atw=True) == expected_atw


@pytest.mark.parametrize("value,expected", [
    ("2026-11-22", date(2026, 11, 22)),
    (" 2026-11-22 ", date(2026, 11, 22)),
    ("2026-11-22T09:30:00+01:00", date(2026, 11, 22)),
    ("2026-11-22T23:30:00Z", date(2026, 11, 23)),      # 00:30 in Amsterdam (CET, +01)
    ("2026-11-22T22:59:59Z", date(2026, 11, 22)),
    ("2026-06-30T21:59:59Z", date(2026, 6, 30)),       # 23:59:59 in Amsterdam (CEST, +02)
    ("2026-06-30T22:00:00Z", date(2026, 7, 1)),
    ("2026-11-22T23:30:00", date(2026, 11, 22)),       # naive: Amsterdam local
    (datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc), date(2026, 7, 1)),
    (datetime(2026, 11, 22, 23, 30), date(2026, 11, 22)),
    (date(2026, 1, 2), date(2026, 1, 2)),
])
def test_datum_van(value, expected):
    assert datum_van(value) == expected


@pytest.mark.parametrize("value", ["22-11-2026", "", "morgen", None, 20261122, 3.5, "2026-13-01", "2026-02-30"])
def test_datum_van_refuses(value):
    with pytest.raises(ValueError) as error:
        datum_van(value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize("day,iso", [
    (date(2026, 10, 24), "2026-10-24T00:00:00+02:00"),
    (date(2026, 10, 25), "2026-10-25T00:00:00+02:00"),  # summer time ends at 03:00 that day
    (date(2026, 10, 26), "2026-10-26T00:00:00+01:00"),
    (date(2027, 3, 28), "2027-03-28T00:00:00+01:00"),   # summer time starts at 02:00 that day
    (date(2027, 3, 29), "2027-03-29T00:00:00+02:00"),
])
def test_begin_van_dag_follows_daylight_saving(day, iso):
    start = begin_van_dag(day)
    assert start.isoformat() == iso
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Amsterdam"
