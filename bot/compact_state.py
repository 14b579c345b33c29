"""The compact state a model brain sees each turn: a running summary of the questions
already done and the current question's exchange, never the whole transcript. It is
rebuilt from stored turns, so it needs no model call and survives restarts."""

from __future__ import annotations

from bot.roles import Role
from bot.scoring.items import ConversationTurn, items_from_conversation
from bot.scoring.rubric import coverage
from bot.text import shorten, word_count

EXCHANGE_CHARS = 1_500
QUESTION_TURN_KINDS = {"greeting", "project", "technical", "candidate_questions"}


def running_summary(role: Role, turns: list[ConversationTurn]) -> str:
    """One short line per question already answered: topic, length, rubric coverage. Enough
    to tailor the next question; the answers themselves stay out of the prompt."""
    items = items_from_conversation(role, turns)
    lines = []
    for item in items[:-1] if items else []:
        cov = coverage(item.key_points, item.answer_text)
        lines.append(f"- {item.topic}: {word_count(item.answer_text)} words, "
                     f"{len(cov.covered())}/{len(cov.points)} points")
    return "\n".join(lines)


def current_exchange(turns: list[ConversationTurn]) -> tuple[tuple[str, str], ...]:
    """The turns since the bot last asked a new question, each shortened."""
    start = 0
    for index, turn in enumerate(turns):
        if turn.speaker == "bot" and turn.kind in QUESTION_TURN_KINDS:
            start = index
    return tuple((t.speaker, shorten(t.text, EXCHANGE_CHARS)) for t in turns[start:])
