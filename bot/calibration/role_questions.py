"""Candidates' questions about the role: the gold set, how an answer is judged, and asking
each question the way a candidate would, in the question stage of a real interview.

The gold is `tests/data/role_questions.yaml` (tuned) and `role_questions_held_back.yaml`
(never tuned against). An answer is judged on the bot's reply text alone, so the whole path
is measured: intent reading, the flow, retrieval, the wording and the outgoing-message guard.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.flow import Kind
from bot.ports import IncomingMessage, OutgoingMessage
from bot.roles import Role, load_role
from bot.service import InterviewService, StartRequest

NOT_COVERED = "not covered"
DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
TUNED_FILE = DATA_DIR / "role_questions.yaml"
HELD_BACK_FILE = DATA_DIR / "role_questions_held_back.yaml"
RECRUITER_PHRASE = "recruiter will follow up"
_QUOTE = re.compile(r'"([^"]+)"')

# Enough of an answer to the one technical question that the flow moves on to the
# candidate's questions (the driver also turns follow-ups off).
_INTRODUCTION = "Hi, I'm Sam. I have worked in this field for six years across two companies."
_ANSWER = ("In my last role I owned this area end to end: I measured the problem first, "
           "compared two approaches and their trade-offs, rolled the change out behind a flag, "
           "watched the metrics and wrote up what we learned for the team.")


class GoldQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    ask: str = Field(min_length=2)
    expect: str | list[str]

    @property
    def covered(self) -> bool:
        return self.expect != NOT_COVERED

    @property
    def passages(self) -> list[str]:
        return [self.expect] if isinstance(self.expect, str) else list(self.expect)


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: list[GoldQuestion]


class Verdict(StrEnum):
    RIGHT = "right"
    MISSED = "missed"            # the description says it, the bot handed it to the recruiter
    WRONG_PASSAGE = "wrong passage"  # quoted a real sentence, not the one that answers
    INVENTED = "invented"        # quoted something the description does not say, or
    #                              answered a question the description does not cover
    NO_ANSWER = "no answer"      # neither a quote nor a hand-over (e.g. taken as no question)


@dataclass(frozen=True)
class Judged:
    question: GoldQuestion
    reply: str
    verdict: Verdict


def load_gold(path: Path) -> list[GoldQuestion]:
    return GoldFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).questions


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def quotes_in(reply: str) -> list[str]:
    return _QUOTE.findall(reply)


def judge(question: GoldQuestion, role: Role, reply: str) -> Verdict:
    """Right means: a covered question quotes a sentence holding the expected passage, or an
    uncovered one quotes nothing and says the recruiter will follow up. Every quote must be
    verbatim job-description text, or the answer is invented."""
    description = _flat(role.job_description)
    quotes = [_flat(q) for q in quotes_in(reply)]
    if any(q.rstrip(".…") not in description for q in quotes):
        return Verdict.INVENTED
    hands_over = RECRUITER_PHRASE in _flat(reply)
    if not question.covered:
        if quotes:
            return Verdict.INVENTED
        return Verdict.RIGHT if hands_over else Verdict.NO_ANSWER
    if any(_flat(p) in q for p in question.passages for q in quotes):
        return Verdict.RIGHT
    if quotes:
        return Verdict.WRONG_PASSAGE
    return Verdict.MISSED if hands_over else Verdict.NO_ANSWER


async def ask_in_question_stage(service: InterviewService, role: Role, text: str, *,
                                candidate_id: str) -> str:
    """Runs a fresh interview to the candidate's-questions stage and asks `text` as the first
    question; returns the bot's reply to it. The service's settings should allow one
    technical question and no follow-ups, so every interview gets there in three turns."""
    started = await service.start_interview(StartRequest(
        role=role.name, candidate_id=candidate_id, candidate_name="Sam Rivera",
        platform="console", resume=role.sample_resume, recruiter_id="R1"))
    ids = iter(range(1, 100))

    async def say(message: str) -> list[OutgoingMessage]:
        return await service.handle_message(IncomingMessage(
            conversation=started.conversation, author_id=candidate_id, text=message,
            message_id=f"{candidate_id}-{next(ids)}"))

    await say(_INTRODUCTION)
    for _ in range(8):  # project, technical question(s): bounded, the flow always moves on
        if any(r.kind == Kind.CANDIDATE_QUESTIONS.value for r in await say(_ANSWER)):
            break
    else:
        raise AssertionError(f"{role.name}: the interview never reached the question stage")
    return "\n".join(r.text for r in await say(text))


async def ask_and_judge(service: InterviewService, question: GoldQuestion, *,
                        candidate_id: str) -> Judged:
    """One gold question asked in a fresh interview's question stage, and judged."""
    role = load_role(question.role)
    reply = await ask_in_question_stage(service, role, question.ask, candidate_id=candidate_id)
    return Judged(question, reply, judge(question, role, reply))


def rates(judged: Iterable[Judged]) -> Counter[Verdict]:
    return Counter(j.verdict for j in judged)
