"""Erasure as both chat adapters do it: the preview shown before `/interview forget ...
confirm` (what would go, what is still open, how to confirm) and the erasure itself.
Platform wording comes in as text."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.errors import InvalidRequestError
from bot.flow import OPEN_STATUSES
from bot.service import InterviewService, InterviewSummary

logger = logging.getLogger(__name__)

SHOWN = 10


def erasure_preview(found: Sequence[InterviewSummary], *, who: str, confirm: str,
                    platform_name: str, cancel_hint: str,
                    status_line: Callable[[InterviewSummary], str]) -> str:
    if not found:
        return (f"I have no interviews with {who}. If anything else is stored about them (a "
                f"résumé from a start that failed), it would be erased. {confirm}")
    still_open = [s for s in found if s.status in OPEN_STATUSES]
    warning = (f" Still open: {len(still_open)}; erasing ends "
               f"{'it' if len(still_open) == 1 else 'them'} without a word to the candidate, "
               f"so {cancel_hint} first if they should be told." if still_open else "")
    lines = [f"This would erase everything I stored about {who}: {len(found)} interview(s) "
             "with their transcripts, scores, reports, reminders and audit trail. It cannot "
             f"be undone.{warning}",
             *(status_line(s) for s in found[:SHOWN])]
    if len(found) > SHOWN:
        lines.append(f"… and {len(found) - SHOWN} more.")
    lines.append(f"{confirm} (Messages already posted in {platform_name} stay.)")
    return "\n".join(lines)


async def erase_candidate(service: InterviewService, platform: str, user_id: str, *,
                          actor: str) -> dict[str, int] | None:
    """Erase one platform user's data; rows deleted per table, or None when nothing was
    stored about them (`platform:user` names at most one candidate)."""
    try:
        counts = await service.forget_candidate(f"{platform}:{user_id}")
    except InvalidRequestError:
        return None
    # The candidate's own audit rows are gone; who asked for the erasure is kept here.
    logger.info("recruiter %s erased a candidate's data", actor)
    return counts
