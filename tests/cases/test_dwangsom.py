"""The dwangsom as the Awb prescribes: two weeks after the notice, 23/35/45 euro a day, at most 42 days."""
from datetime import date

import pytest

from app.cases.dwangsom import Tarief, compute

EINDE = date(2026, 12, 3)  # last day of the beslistermijn


def test_no_notice_or_a_notice_before_the_term_passed_counts_for_nothing():
    assert compute(EINDE, None, None, date(2027, 3, 1)) is None
    assert compute(EINDE, EINDE, None, date(2027, 3, 1)) is None


def test_nothing_is_owed_in_the_two_weeks_after_the_notice():
    result = compute(EINDE, date(2026, 12, 7), None, date(2026, 12, 21))
    assert result == {"ingebrekestelling_ontvangen_op": "2026-12-07", "loopt_vanaf": "2026-12-22", "dagen": 0,
                      "bedrag": 0, "maximum": 1442.0, "status": "nog_niet"}


@pytest.mark.parametrize("today,dagen,bedrag", [
    (date(2026, 12, 22), 1, 23.0),
    (date(2027, 1, 4), 14, 322.0),           # 14 x 23
    (date(2027, 1, 5), 15, 357.0),           # + 35
    (date(2027, 1, 18), 28, 812.0),          # 14 x 23 + 14 x 35
    (date(2027, 2, 1), 42, 1442.0),          # the maximum
    (date(2027, 6, 1), 42, 1442.0),
])
def test_amounts_per_day_in_steps(today, dagen, bedrag):
    result = compute(EINDE, date(2026, 12, 7), None, today)
    assert (result["dagen"], result["bedrag"]) == (dagen, bedrag)
    assert result["status"] == ("maximum" if dagen == 42 else "loopt")


def test_the_besluit_stops_it():
    result = compute(EINDE, date(2026, 12, 7), date(2026, 12, 25), date(2027, 2, 1))
    assert (result["dagen"], result["bedrag"], result["status"]) == (3, 69.0, "gestopt")


def test_a_besluit_within_the_two_weeks_means_nothing_is_owed():
    result = compute(EINDE, date(2026, 12, 7), date(2026, 12, 15), date(2027, 2, 1))
    assert (result["dagen"], result["status"]) == (0, "niet_verschuldigd")


def test_tariff_from_config():
    tarief = Tarief.from_config({"bedragen_per_dag": [20, 30, 40], "dagen_per_stap": 14})
    assert compute(EINDE, date(2026, 12, 7), None, date(2027, 6, 1), tarief)["bedrag"] == 1260.0  # the 2009 amounts
    with pytest.raises(ValueError):
        Tarief.from_config({"bedragen_per_dag": []})
