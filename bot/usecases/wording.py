"""The text of a bot reply, guarded: a brain failure or an unsafe text falls back to the
offline wording, then to a fixed sentence. Nothing unsafe reaches a candidate."""

from __future__ import annotations

import logging

from bot.brains.base import Composed
from bot.conduct import Decision
from bot.flow import Kind
from bot.guard import find_violations
from bot.usecases.core import ServiceCore

logger = logging.getLogger(__name__)

SAFE_TEXT = {
    Kind.WRAP_UP: "Thank you for your time. The recruiter will contact you about next steps.",
}
SAFE_DEFAULT = "Thank you. Could you tell me a little more about that?"


async def word(core: ServiceCore, decision: Decision, kind: Kind) -> tuple[str, Composed | None]:
    """The reply text and, when a brain wrote it (or was replaced), what it cost."""
    if decision.fixed_text is not None:
        return decision.fixed_text, None
    assert decision.request is not None
    composed: Composed | None
    try:
        composed = await core.brain.compose(decision.request)
    except Exception:
        logger.exception("brain %s failed to word a %s; using offline", core.brain.name, kind)
        composed = None
    if composed is not None and not find_violations(composed.text):
        return composed.text, composed
    if composed is not None:
        logger.warning("guard stopped a %s message: %s", kind,
                       [v.kind for v in find_violations(composed.text)])
    fallback = core.offline.word(decision.request)
    if find_violations(fallback):
        fallback = SAFE_TEXT.get(kind, SAFE_DEFAULT)
    notes = ("offline fallback",)
    return fallback, Composed(fallback, core.offline.name, notes=notes) if composed is None \
        else Composed(fallback, core.offline.name, composed.prompt_tokens,
                      composed.completion_tokens, notes=("guard replaced output",))
