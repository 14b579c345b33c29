"""Bounds a recruiter's requests share on every surface (CLI, Slack, Discord), so one
surface never accepts what another refuses."""

from __future__ import annotations

import math

MIN_EXTEND_DAYS = 0.5
MAX_EXTEND_DAYS = 60.0


def extend_days_problem(days: float) -> str | None:
    """Why `days` is not an extension we accept, or None. NaN and infinity are refused."""
    if not math.isfinite(days) or not MIN_EXTEND_DAYS <= days <= MAX_EXTEND_DAYS:
        return (f"days must be from {MIN_EXTEND_DAYS:g} to {MAX_EXTEND_DAYS:g} "
                f"(e.g. 3 or 1.5), not {days:g}")
    return None
