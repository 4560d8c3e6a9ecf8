from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine


@pytest.fixture(autouse=True)
def thursday_5_november_2026():
    """API tests run on Thu 5 Nov 2026, so terms counted from a melding of Mon 2 Nov are predictable."""
    with time_machine.travel(datetime(2026, 11, 5, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=True):
        yield
