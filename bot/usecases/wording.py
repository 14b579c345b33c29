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
    return guarded(core, decision, kind, composed)


def word_now(core: ServiceCore, decision: Decision,
             kind: Kind) -> tuple[str, Composed | None] | None:
    """`word` without waiting, in the caller's thread, when no model is asked: a fixed text,
    or a brain whose wording is the offline brain's. None when the brain must be awaited."""
    if decision.fixed_text is not None:
        return decision.fixed_text, None
    if not core.words_without_waiting:
        return None
    assert decision.request is not None
    composed: Composed | None
    try:
        composed = Composed(text=core.brain.word(decision.request),  # type: ignore[attr-defined]
                            brain=core.brain.name)
    except Exception:
        logger.exception("brain %s failed to word a %s; using offline", core.brain.name, kind)
        composed = None
    return guarded(core, decision, kind, composed)


def guarded(core: ServiceCore, decision: Decision, kind: Kind,
            composed: Composed | None) -> tuple[str, Composed | None]:
    """The composed text if the guard passes it, else the offline wording, else a fixed
    sentence; the `Composed` says which (its notes go to the audit log)."""
    assert decision.request is not None
    job = decision.request.context.role.job_description  # the only sites links may go to
    stopped = find_violations(composed.text, job_description=job) if composed else []
    if composed is not None and not stopped:
        return composed.text, composed
    if composed is not None:
        logger.warning("guard stopped a %s message: %s", kind, [v.kind for v in stopped])
    fallback = core.offline.word(decision.request)
    if find_violations(fallback, job_description=job):
        fallback = SAFE_TEXT.get(kind, SAFE_DEFAULT)
    notes = ("offline fallback",)
    return fallback, Composed(fallback, core.offline.name, notes=notes) if composed is None \
        else Composed(fallback, core.offline.name, composed.prompt_tokens,
                      composed.completion_tokens, notes=("guard replaced output",))
