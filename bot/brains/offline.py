"""The default brain: deterministic templates, retrieval and rubric coverage. No network."""

from __future__ import annotations

import zlib

from bot.brains.base import (
    Composed,
    ComposeRequest,
    InterviewContext,
    Reported,
    ReportRequest,
    Scored,
)
from bot.candidate_acts import Act
from bot.flow import Kind
from bot.followups import PROJECT_FOLLOWUPS, pick_followup
from bot.grounding import answer_questions
from bot.report import HRReport, build_report
from bot.scoring.evaluation import ScoreItem
from bot.scoring.offline import score_offline
from bot.small_words import (
    acknowledgement,
    interview_outline,
    mentioned_skill,
    question_heading,
)

FOLLOW_UP_FALLBACK = (
    "Could you go into a little more depth, ideally with a concrete example from your own work?"
)
LAST_QUESTION_NOTICE = ("I can take one more question before we wrap up: is there anything "
                        "else you'd like to know?")
DEFLECTIONS = (
    "I'll keep that question for the end, when there's time for your questions about the "
    "role.",
    "Good to know you'd like to ask that; there's time for your questions at the end, and "
    "the recruiter can pick up anything I can't answer.",
    "Let's come back to that at the end, where there's room for your questions.",
)
_NOT_A_QUESTION = {
    Act.SMALL_TALK: "You're welcome.",
    Act.DONT_KNOW: "That's all my questions done.",
}
RECRUITER_FOLLOWS_UP = (
    "The job description doesn't cover that, so I can't answer it reliably; I've noted it and "
    "the recruiter will follow up with you."
)


def consent_notice(ctx: InterviewContext) -> str:
    role = ctx.role
    return (
        f"Before we start: this is an automated interview for the {role.title} role at "
        f"{role.company}, run by an AI interviewer, not a person. Your messages are saved and "
        "scored against the role's criteria, and a person on the hiring team reviews the whole "
        "interview; no decision is made automatically. We keep the transcript for "
        f"{ctx.retention_days} days. Reply `help` at any time to ask for a person or to have "
        f"your data deleted. (Notice version {ctx.notice_version}.)"
    )


def help_text() -> str:
    return (
        "You can reply at your own pace. Commands: `pause` to take a break, `resume` to carry "
        "on, `withdraw` to stop the interview, `help` for this message. If you'd like to speak "
        "to a person, or want your data deleted, write that here and the recruiter will be in "
        "touch."
    )


def _interview_offset(ctx: InterviewContext) -> int:
    """A stable per-interview start in each wording pool, so that two interviews do not
    word every turn alike (deterministic: the same interview words itself the same way)."""
    return zlib.crc32(f"{ctx.role.name}|{ctx.candidate_first_name}|{ctx.resume[:300]}".encode())


def _step_number(request: ComposeRequest) -> int:
    """Which move between questions this is (1 into the first technical question, one more
    for each after, the last into the candidate's questions): distinct within an interview,
    so a pool's picks do not repeat until it runs out."""
    return request.question_number + (request.kind is Kind.CANDIDATE_QUESTIONS)


class OfflineBrain:
    name = "offline"

    async def compose(self, request: ComposeRequest) -> Composed:
        return Composed(text=self.word(request), brain=self.name)

    def word(self, request: ComposeRequest) -> str:
        ctx = request.context
        kind = request.kind
        ack = acknowledgement(answered=request.answered, reason=request.reason,
                              index=_interview_offset(ctx) + _step_number(request),
                              name=ctx.candidate_first_name,
                              mentioned=mentioned_skill(request.candidate_message,
                                                        ctx.role.skills))
        if kind is Kind.GREETING:
            return self._greeting(ctx, request.question_total)
        if kind is Kind.PROJECT:
            return f"{ack} {self.project_question(request.project_line)}"
        if kind is Kind.TECHNICAL and request.question is not None:
            q = request.question
            heading = question_heading(request.question_number, request.question_total,
                                       q.topic)
            return f"{ack} {heading} {q.question}"
        if kind is Kind.FOLLOWUP:
            return self._followup(request)
        if kind is Kind.CANDIDATE_QUESTIONS:
            return (f"{ack} That was my last question. Do you have any questions about the role "
                    "or the process? If not, just say so.")
        if kind is Kind.ANSWER:
            return self._answer(request)
        if kind is Kind.WRAP_UP:
            return self.wrap_up(ctx, request.reason)
        return FOLLOW_UP_FALLBACK

    def _greeting(self, ctx: InterviewContext, technical: int) -> str:
        """Names the role once (in the notice), says how many questions and roughly how
        long, and that they can pause."""
        hello = f"Hello {ctx.candidate_first_name}!" if ctx.candidate_first_name else "Hello!"
        return (
            f"{hello} Thank you for taking the time for this interview.\n\n"
            f"{consent_notice(ctx)}\n\n{interview_outline(technical or 4)}\n\n"
            "To begin, could you briefly introduce yourself and your experience relevant to "
            "this role?"
        )

    @staticmethod
    def project_question(line: str | None) -> str:
        if line:
            return (f'You mentioned "{line}". Could you walk me through a specific challenge '
                    "you faced there: what the problem was, what you did, and what the outcome "
                    "was?")
        return ("Could you walk me through a recent project relevant to this role: the "
                "problem, what you did yourself, and the outcome?")

    def _followup(self, request: ComposeRequest) -> str:
        """By what the answer lacks (bot.followups), never a key point's text."""
        question = request.question
        turn = request.context.turn_number
        if request.reason == "deflection":
            asked = question.question if question else self.project_question(
                request.project_line)
            opening = DEFLECTIONS[(request.question_number + turn) % len(DEFLECTIONS)]
            return f"{opening} For now, could you answer this one: {asked}"
        if question is None:
            return PROJECT_FOLLOWUPS[turn % len(PROJECT_FOLLOWUPS)]
        return pick_followup(question, request.candidate_message,
                             hedged=request.reason in ("hedged", "incorrect"), turn=turn)

    def _answer(self, request: ComposeRequest) -> str:
        if request.act in (Act.SMALL_TALK, Act.DONT_KNOW) or (
                request.act == Act.ANSWER and "?" not in request.candidate_message):
            # Not a question ("Thanks, that's helpful", "I also wanted to add..."): no
            # passage to look up, and nothing for the recruiter to answer.
            body = _NOT_A_QUESTION.get(request.act, "Thanks for adding that.")
            return self._then(request, body)
        answers = answer_questions(request.context.role, request.candidate_message)
        parts = []
        for answer in answers:
            if answer.passage:
                parts.append(f'From the job description: "{answer.passage}"')
            elif answer.topic:
                parts.append(f"On {answer.topic}: the job description doesn't say, so the "
                             "recruiter will follow up with you on that.")
            else:
                parts.append(RECRUITER_FOLLOWS_UP)
        return self._then(request, "\n\n".join(dict.fromkeys(parts)))

    def _then(self, request: ComposeRequest, body: str) -> str:
        """After an answer: the wrap-up, the last-question notice, or the floor again."""
        if request.close_after_answer:
            return f"{body}\n\n{self.wrap_up(request.context, 'completed')}"
        if request.reason == "last":
            return f"{body}\n\n{LAST_QUESTION_NOTICE}"
        return f"{body}\n\nIs there anything else you'd like to know?"

    @staticmethod
    def wrap_up(ctx: InterviewContext, reason: str) -> str:
        name = f", {ctx.candidate_first_name}" if ctx.candidate_first_name else ""
        opening = "That brings us to the end of the interview"
        if reason == "turn budget reached":
            opening = "We've reached the end of the time set aside for this interview"
        return (f"{opening}. Thank you for your time{name}. A person on the hiring team will "
                "review your answers, and the recruiter will contact you about next steps. "
                "Have a good day!")

    async def evaluate(self, items: list[ScoreItem], *, candidate_name: str = "") -> Scored:
        return Scored([score_offline(item) for item in items])

    async def report(self, request: ReportRequest) -> Reported:
        return Reported(self.build(request))

    def build(self, request: ReportRequest) -> HRReport:
        return build_report(
            candidate_name=request.candidate_name,
            role_title=request.role.title,
            evaluations=request.evaluations,
            signals=request.signals,
            unassessed_topics=request.unassessed_topics,
            brain=self.name,
            partial=request.partial,
            follow_up_questions=request.follow_up_questions,
            notes=request.notes,
        )
