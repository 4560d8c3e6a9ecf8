"""What counts as a row id (of a case, a process version) in a URL or a query: digits only, within the id column's range."""
from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # the largest id the column holds (a 4-byte integer on PostgreSQL)
_DIGITS = re.compile(r"[0-9]{1,10}")


def row_id(value) -> int | None:
    """Return ``value`` as a row id, or None when it cannot name a row (not digits, or beyond the column)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
