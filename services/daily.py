"""The day every daily limit counts in (a UTC calendar day), and when it resets."""

from __future__ import annotations

import math
from typing import Any

from storage.usage import LimitReachedError

DAY = 24 * 3600


def day_start(now: float) -> float:
    return now - now % DAY


def reset_in(now: float) -> dict[str, int]:
    """Hours and minutes until the daily limits reset (midnight UTC), as the texts take them."""
    hours, minutes = divmod(math.ceil((day_start(now) + DAY - now) / 60), 60)
    return {"h": hours, "m": minutes}


def limit_values(error: LimitReachedError, now: float) -> dict[str, Any]:
    """The values a limit's text shows: the limit itself and when it resets."""
    return {"n": error.limit, "limit": f"{error.limit:,}", **reset_in(now)}
