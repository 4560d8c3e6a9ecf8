"""What counts as a case number in a URL or a query: digits only, within the id column's range."""
from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # the largest id the column holds (a 4-byte integer on PostgreSQL)
_DIGITS = re.compile(r"[0-9]{1,10}")


def case_number(value) -> int | None:
    """Return ``value`` as a case id, or None when it cannot name a case (not digits, or beyond the column)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
