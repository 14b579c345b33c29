"""Scoring a whole conversation read from a file (`evaluate`, `calibrate`): the same items,
signals and report as a live interview, with no database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.brains.base import Brain, ReportRequest, TokenUsage
from bot.candidate_acts import floor_questions, role_questions
from bot.grounding import questions_for_recruiter
from bot.report import HRReport
from bot.roles import Role
from bot.scoring.evaluation import QuestionEvaluation, ScoreItem
from bot.scoring.items import ConversationTurn, items_from_conversation, unassessed_topics
from bot.scoring.signals import analyse_turns


@dataclass(frozen=True)
class ConversationEvaluation:
    items: list[ScoreItem]
    evaluations: list[QuestionEvaluation]
    report: HRReport
    usage: TokenUsage = TokenUsage()


def report_request(role: Role, turns: list[ConversationTurn], items: list[ScoreItem],
                   evaluations: list[QuestionEvaluation], *, candidate_name: str,
                   partial: bool = False, notes: list[str] | None = None) -> ReportRequest:
    """Everything the report needs besides the scores: signals over every candidate
    message, the topics not assessed, and the questions left for the recruiter."""
    # Only real questions reach the recruiter's list: about the role when slipped into an
    # answer, any real one once invited; never "Honestly?" or a hedge put as a question.
    answers = [" ".join(role_questions(t.text)) for t in turns
               if t.speaker == "candidate" and t.kind == "answer"]
    asked = [" ".join(floor_questions(t.text)) for t in turns
             if t.speaker == "candidate" and t.kind == "question"]
    return ReportRequest(candidate_name=candidate_name, role=role, evaluations=evaluations,
                         signals=analyse_turns(turns),
                         unassessed_topics=unassessed_topics(role, items), partial=partial,
                         notes=list(notes or []),
                         follow_up_questions=questions_for_recruiter(role, answers, asked))


async def evaluate_conversation(role: Role, turns: list[ConversationTurn], brain: Brain, *,
                                candidate_name: str) -> ConversationEvaluation:
    items = items_from_conversation(role, turns)
    scored = await brain.evaluate(items, candidate_name=candidate_name)
    request = report_request(role, turns, items, scored.evaluations,
                             candidate_name=candidate_name, notes=list(scored.notes))
    reported = await brain.report(request)
    return ConversationEvaluation(items, scored.evaluations, reported.report,
                                  scored.usage + reported.usage)
