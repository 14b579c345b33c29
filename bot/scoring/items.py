"""Turn a stored conversation into the items to score: every question asked, with every
answer given to it (follow-up answers belong to their parent question)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.flow import INTRO_ID, PROJECT_ID, Kind
from bot.roles import Misconception, Role
from bot.scoring.evaluation import Rubric, ScoreItem
from bot.scoring.project_story import bank_points
from bot.scoring.rubric import generic_points, intro_points, project_points
from bot.text import sentences

# A bot sentence that asks for an answer without a question mark: "Walk me through ...",
# "Describe ...", "Tell me about ...", "Please introduce yourself.", "I'd like to hear ...",
# "Last design one: a rate limiter that ...".
_REQUEST = re.compile(
    # A short lead-in may come first: "Before we get into it, tell me ...", "Let's start
    # easy: tell me ...".
    r"^(?:(?:before we (?:start|begin|get (?:into it|going|started))|to (?:start|begin|kick "
    r"off)|let'?s start (?:easy|simple|gently|off)|first of all|for starters|for this one)"
    r"[,:]\s+)?"
    r"(?:(?:so|now|next|okay|ok|great|thanks|thank you|right|and|finally|lastly|first|"
    r"to start|to begin|let's move on|moving on)[,.!]?\s+){0,3}(?:please,?\s+)?"
    r"(?:(?:the )?(?:last|next|another|final|one more|quick) (?:\w+ )?(?:one|question|"
    r"scenario|topic)\s*:|"
    r"(?:walk|talk|take|run) (?:me|us) through|describe|explain|tell (?:me|us)|"
    r"give (?:me|us)|give (?:a|an) (?:short |brief |quick )?(?:introduction|overview)\b|"
    r"share|outline|list|design|sketch|compare|discuss|introduce yourself|"
    r"(?:start|begin) (?:by|with) (?:introducing|telling|describing|a |an |your )|"
    r"let'?s (?:start|begin) with (?:a |an |your )|"
    r"(?:pick|choose) (?:one|a|an|the)\b|"
    r"imagine|suppose|picture|consider|say how|talk about|let'?s (?:talk|hear) about|"
    r"i'?d (?:like|love) (?:you|to hear|to know|to understand)|"
    r"i would (?:like|love) (?:you|to hear|to know|to understand)|"
    r"(?:could|can|would) you\b)",
    re.IGNORECASE,
)
QUESTION_KINDS = {Kind.GREETING.value, Kind.PROJECT.value, Kind.TECHNICAL.value}
END_OF_QUESTIONS = {Kind.CANDIDATE_QUESTIONS.value, Kind.ANSWER.value, Kind.WRAP_UP.value,
                    Kind.CLOSING.value}


@dataclass(frozen=True)
class ConversationTurn:
    speaker: str
    kind: str
    text: str
    question_id: str | None = None


# Candidate messages that count toward the question under discussion. An injection-only
# message joins it too, so its question is flagged and the report counts the attempt.
ANSWER_KINDS = {"answer", "injection"}
OPEN_TOPIC = "Open question (not in the role's bank)"


def item_for(role: Role, position: int, question_id: str, asked: str,
             answers: list[str], followups: tuple[str, ...] = ()) -> ScoreItem:
    claims = tuple(role.misconceptions)
    if question_id == INTRO_ID:
        return ScoreItem(position, INTRO_ID, "Introduction", asked, intro_points(role),
                         answers=tuple(answers), rubric=Rubric.INTRO, followups=followups,
                         misconceptions=claims)
    if question_id == PROJECT_ID:
        # A project story touches the bank's topics: a wrong claim the rubric lists under
        # any question is as wrong told as an achievement ("async with Pgpool gave us zero
        # data loss").
        return ScoreItem(position, PROJECT_ID, "Project experience", asked, project_points(),
                         answers=tuple(answers), rubric=Rubric.PROJECT, followups=followups,
                         misconceptions=claims + bank_misconceptions(role),
                         bank_points=bank_points(role))
    try:
        q = role.question(question_id)
    except KeyError:
        # A question from a transcript that no bank question matches: scored on the
        # structure of a good answer, never on an unrelated rubric, and the report says so.
        return ScoreItem(position, question_id, OPEN_TOPIC, asked, generic_points(role),
                         answers=tuple(answers), rubric=Rubric.GENERIC, followups=followups,
                         misconceptions=claims)
    text = q.question if q.question in asked or not asked else asked
    return ScoreItem(position, q.id, q.topic, text, tuple(q.key_points),
                     anchors=dict(q.anchors), answers=tuple(answers), followups=followups,
                     misconceptions=tuple(q.misconceptions) + claims)


def bank_misconceptions(role: Role) -> tuple[Misconception, ...]:
    """Every wrong claim the role's bank lists, for its questions and their key points."""
    return (*(m for q in role.questions for m in q.misconceptions),
            *(m for q in role.questions for p in q.key_points for m in p.misconceptions))


@dataclass
class _Asked:
    question_id: str
    text: str
    answers: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    closed: bool = False


def items_from_conversation(role: Role, turns: list[ConversationTurn]) -> list[ScoreItem]:
    """One item per question the bot asked, in order, even if never answered."""
    asked: list[_Asked] = []
    for turn in turns:
        current = asked[-1] if asked and not asked[-1].closed else None
        if turn.speaker == "bot":
            if turn.kind in QUESTION_KINDS:
                qid = INTRO_ID if turn.kind == Kind.GREETING.value else turn.question_id
                asked.append(_Asked(qid or PROJECT_ID, _asked_text(turn)))
            elif turn.kind == Kind.FOLLOWUP.value and current is not None:
                current.followups.append(turn.text)
            elif turn.kind in END_OF_QUESTIONS and current is not None:
                current.closed = True
        elif turn.kind in ANSWER_KINDS and current is not None:
            current.answers.append(turn.text)
    return [item_for(role, i + 1, a.question_id, a.text, a.answers, tuple(a.followups))
            for i, a in enumerate(asked)]


def asked_sentences(text: str) -> list[str]:
    """The sentences of a bot turn that ask the candidate for an answer."""
    return [s for s in sentences(text) if s.rstrip().endswith("?") or _REQUEST.match(s)]


def _asked_text(turn: ConversationTurn) -> str:
    if turn.kind == Kind.GREETING.value:
        asked = asked_sentences(turn.text)
        return asked[-1] if asked else turn.text
    return turn.text


def unassessed_topics(role: Role, items: list[ScoreItem]) -> list[str]:
    asked = {i.topic for i in items}
    return list(dict.fromkeys(q.topic for q in role.questions if q.topic not in asked))
