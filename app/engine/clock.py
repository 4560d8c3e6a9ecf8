"""One clock for the engine, so timers can be fired "as of" any instant.

SpiffWorkflow decides whether a timer is due with its own ``datetime.now(timezone.utc)``
(in ``SpiffWorkflow.bpmn.specs.event_definitions.timer``). ``install()`` replaces that
module's ``datetime`` with a subclass whose ``now()`` reads this clock; that is the one
patch point, tested in tests/engine/test_clock.py.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_frozen: ContextVar[datetime | None] = ContextVar("wmo_clock", default=None)


def now() -> datetime:
    """Return the engine's current instant (timezone-aware, UTC)."""
    frozen = _frozen.get()
    return frozen if frozen is not None else datetime.now(timezone.utc)


def today_iso() -> str:
    """Return today's date in Europe/Amsterdam as YYYY-MM-DD."""
    return now().astimezone(AMSTERDAM).date().isoformat()


@contextmanager
def at(instant: datetime | None):
    """Run the enclosed block as if it were ``instant`` (aware). ``None`` keeps the real clock."""
    if instant is None:
        yield
        return
    if instant.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware instant")
    token = _frozen.set(instant.astimezone(timezone.utc))
    try:
        yield
    finally:
        _frozen.reset(token)


class _ClockDatetime(datetime):
    """``datetime`` whose ``now()`` reads the engine clock."""

    @classmethod
    def now(cls, tz=None):
        current = now()
        return current.astimezone(tz) if tz is not None else current.astimezone(AMSTERDAM).replace(tzinfo=None)


def install() -> None:
    """Make SpiffWorkflow's timer module read this clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockDatetime
