"""The default brain: deterministic templates, retrieval and rubric coverage. No network."""

from __future__ import annotations

from bot.brains.base import (
    Composed,
    ComposeRequest,
    InterviewContext,
    Reported,
    ReportRequest,
    Scored,
)
from bot.flow import Kind
from bot.grounding import answer_questions
from bot.report import HRReport, build_report
from bot.scoring.evaluation import ScoreItem
from bot.scoring.offline import score_offline
from bot.scoring.rubric import coverage

ACKNOWLEDGEMENTS = ("Thank you.", "Thanks for that.", "Understood, thank you.", "Thanks.")

FOLLOW_UP_FALLBACK = (
    "Could you go into a little more depth, ideally with a concrete example from your own work?"
)
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


class OfflineBrain:
    name = "offline"

    async def compose(self, request: ComposeRequest) -> Composed:
        return Composed(text=self.word(request), brain=self.name)

    def word(self, request: ComposeRequest) -> str:
        ctx = request.context
        ack = ACKNOWLEDGEMENTS[ctx.turn_number % len(ACKNOWLEDGEMENTS)]
        kind = request.kind
        if kind is Kind.GREETING:
            return self._greeting(ctx)
        if kind is Kind.PROJECT:
            return f"{ack} {self.project_question(request.project_line)}"
        if kind is Kind.TECHNICAL and request.question is not None:
            q = request.question
            return (f"{ack} Question {request.question_number} of {request.question_total}, "
                    f"on {q.topic.lower()}: {q.question}")
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

    def _greeting(self, ctx: InterviewContext) -> str:
        hello = f"Hello {ctx.candidate_first_name}!" if ctx.candidate_first_name else "Hello!"
        return (
            f"{hello} Thank you for taking the time to interview for the {ctx.role.title} "
            f"position at {ctx.role.company}.\n\n{consent_notice(ctx)}\n\n"
            "You can answer whenever suits you; reply `pause` to take a break, `resume` to "
            "carry on and `withdraw` to stop.\n\n"
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
        question = request.question
        if request.reason == "deflection":
            asked = question.question if question else self.project_question(
                request.project_line)
            return ("I've noted your question for the recruiter, and there will be time for "
                    f"your questions at the end. For now, could you answer this one: {asked}")
        if question is None:
            return ("Could you add a little more detail: what exactly did you do yourself, and "
                    "how did you measure the result?")
        if question.followup:
            return question.followup
        missed = coverage(question.key_points, request.candidate_message).missed()
        if missed:
            hint = missed[0].point.rstrip(".")
            return ("Thanks. Could you go a little deeper, with a concrete example if you have "
                    f"one? In particular: {hint[0].lower() + hint[1:]}.")
        return FOLLOW_UP_FALLBACK

    def _answer(self, request: ComposeRequest) -> str:
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
        body = "\n\n".join(dict.fromkeys(parts))
        if request.close_after_answer:
            return f"{body}\n\n{self.wrap_up(request.context, 'completed')}"
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
