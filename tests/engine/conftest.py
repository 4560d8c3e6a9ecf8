from datetime import datetime, timezone
from pathlib import Path

import pytest

from app import engine
from app.engine.helpers import Termijn, make_helpers
from timers.calendar import Kalender

DATA = Path(__file__).parent / "data"
NOV_2 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


@pytest.fixture
def mini():
    return engine.load({"mini.bpmn": (DATA / "mini.bpmn").read_bytes()})


@pytest.fixture
def script_engine():
    terms = {"onderzoek": Termijn.from_config("onderzoek", {"duur": "6 weken", "vanaf": "onderzoek_vanaf", "wettelijk": True})}
    return engine.make_script_engine(make_helpers(terms, Kalender()))
