"""Turn a stored conversation into the items to score: every question asked, with every
answer given to it (follow-up answers belong to their parent question)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.evaluation import ScoreItem
from bot.flow import INTRO_ID, PROJECT_ID, Kind
from bot.roles import Role
from bot.rubric import intro_points, project_points
from bot.text import sentences

QUESTION_KINDS = {Kind.GREETING.value, Kind.PROJECT.value, Kind.TECHNICAL.value}
END_OF_QUESTIONS = {Kind.CANDIDATE_QUESTIONS.value, Kind.ANSWER.value, Kind.WRAP_UP.value,
                    Kind.CLOSING.value}


@dataclass(frozen=True)
class ConversationTurn:
    speaker: str
    kind: str
    text: str
    question_id: str | None = None


def item_for(role: Role, position: int, question_id: str, asked: str,
             answers: list[str]) -> ScoreItem:
    if question_id == INTRO_ID:
        return ScoreItem(position, INTRO_ID, "Introduction", asked, intro_points(role),
                         answers=tuple(answers))
    if question_id == PROJECT_ID:
        return ScoreItem(position, PROJECT_ID, "Project experience", asked, project_points(),
                         answers=tuple(answers))
    try:
        q = role.question(question_id)
    except KeyError:
        # A question from a transcript that no bank question matches: judged as an open
        # question on the generic structure rubric.
        return ScoreItem(position, question_id, "Open question", asked, project_points(),
                         answers=tuple(answers))
    text = q.question if q.question in asked or not asked else asked
    return ScoreItem(position, q.id, q.topic, text, tuple(q.key_points),
                     anchors=dict(q.anchors), answers=tuple(answers))


def items_from_conversation(role: Role, turns: list[ConversationTurn]) -> list[ScoreItem]:
    """One item per question the bot asked, in order, even if never answered."""
    collected: list[tuple[str, str, list[str]]] = []
    for turn in turns:
        if turn.speaker == "bot":
            if turn.kind in QUESTION_KINDS:
                qid = INTRO_ID if turn.kind == Kind.GREETING.value else turn.question_id
                collected.append((qid or PROJECT_ID, _asked_text(turn), []))
            elif turn.kind in END_OF_QUESTIONS and collected:
                collected.append(("", "", []))  # closes the last question
        elif turn.kind == "answer" and collected and collected[-1][0]:
            collected[-1][2].append(turn.text)
    real = [c for c in collected if c[0]]
    return [item_for(role, i + 1, qid, asked, answers)
            for i, (qid, asked, answers) in enumerate(real)]


def _asked_text(turn: ConversationTurn) -> str:
    if turn.kind == Kind.GREETING.value:
        asked = [s for s in sentences(turn.text) if s.endswith("?")]
        return asked[-1] if asked else turn.text
    return turn.text


def unassessed_topics(role: Role, items: list[ScoreItem]) -> list[str]:
    asked = {i.topic for i in items}
    return list(dict.fromkeys(q.topic for q in role.questions if q.topic not in asked))
