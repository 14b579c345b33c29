"""Erasure as both chat adapters show it: the preview before `/interview forget ...
confirm` (what would go, what is still open, how to confirm). Platform wording comes in as
text; the erasure itself is the service's (`forget_candidate`, scoped to the workspace or
server the command comes from)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.flow import OPEN_STATUSES
from bot.service import InterviewSummary

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
