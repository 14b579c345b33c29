"""A brain on the `openai` SDK, for OpenAI and any OpenAI-compatible server (vLLM, Ollama,
llama.cpp, llama-cpp-python, LM Studio).

The flow still decides what kind of message comes next; the model only words it (one
request per candidate turn), judges answers after the interview (`judge.py`) and writes the
report's prose (`report_checks.py`). Talking to the server (deadlines, `max_tokens`,
structured-output negotiation, usage metering) is `structured.py`. Every message is
checked for meaning (`message_checks.py`) before it is sent; one that fails, or a model
that does not answer in time, gets the offline wording for that turn, and the turn is
counted (the service's `reply_fallback` audit rows) and noted in the report. There is no
second request for a message: on a CPU server each one takes tens of seconds, and the
offline wording is always a correct message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from openai import AsyncOpenAI
from pydantic import ConfigDict

from bot.brains.base import (
    Composed,
    ComposeRequest,
    Reported,
    ReportRequest,
    Scored,
    TokenUsage,
)
from bot.brains.judge import Judge, verbatim_quotes
from bot.brains.message_checks import message_problems
from bot.brains.offline import LAST_QUESTION_NOTICE, OfflineBrain, consent_notice
from bot.brains.prompts import (
    ANSWER_CLOSING,
    ANSWER_CONTINUE,
    DEFLECTION_TASK,
    REPORT_RULES,
    TASKS,
    delimiters,
    interviewer_system,
    interviewer_user,
)
from bot.brains.report_checks import Facts, merge_report
from bot.brains.structured import Meter, ModelClient, ModelUnavailableError
from bot.conduct import INTRO_PROMPT
from bot.flow import Kind
from bot.followups import missing_aspect
from bot.grounding import answer_questions
from bot.guard import find_violations
from bot.report import HRReport, ReportSections, build_report
from bot.scoring.evaluation import QuestionEvaluation, ScoreItem
from bot.settings import Settings
from bot.small_words import interview_outline, question_heading
from bot.text import word_count

logger = logging.getLogger(__name__)

__all__ = ["OpenAIBrain", "make_client", "verbatim_quotes"]

ASPECTS = {
    "example": "a concrete example from their own work",
    "tradeoff": "the trade-offs: what their approach costs and when they would choose otherwise",
    "depth": "more depth: how exactly they would do it and how they would know it worked",
}
# Tokens a message needs at most, by kind; capped by OPENAI_MAX_TOKENS_MESSAGE.
MESSAGE_TOKENS = {Kind.TECHNICAL: 80, Kind.GREETING: 120, Kind.FOLLOWUP: 120,
                  Kind.PROJECT: 160, Kind.CANDIDATE_QUESTIONS: 120, Kind.WRAP_UP: 140}
TOKENS_PER_PASSAGE_WORD = 2


class ReportOutput(ReportSections):
    model_config = ConfigDict(extra="forbid")  # strict structured output: no other keys


@dataclass(frozen=True)
class Models:
    interview: str
    scoring: str
    report: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Models:
        base = settings.openai_model
        return cls(settings.openai_model_interview or base, settings.openai_model_scoring or base,
                   settings.openai_model_report or base)


@dataclass(frozen=True)
class Task:
    text: str
    passages: tuple[str, ...] = ()


def make_client(settings: Settings) -> AsyncOpenAI:
    """The SDK's defaults wait 600 s per read; each request here is also bounded as a whole
    by `ModelClient`'s deadline (the SDK's timeout alone would let a trickle run on)."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return AsyncOpenAI(api_key=key or "not-needed-for-local-servers",
                       base_url=settings.openai_base_url,
                       timeout=settings.openai_timeout_seconds,
                       max_retries=settings.openai_max_retries)


class OpenAIBrain:
    name = "openai"

    def __init__(self, settings: Settings, *, client: AsyncOpenAI | None = None) -> None:
        self.client = client or make_client(settings)
        self.models = Models.from_settings(settings)
        self.caller = ModelClient(self.client, deadline=settings.openai_timeout_seconds,
                                  response_format=settings.openai_response_format)
        self.concurrency = settings.openai_scoring_concurrency
        self.max_tokens_message = settings.openai_max_tokens_message
        self.max_tokens_report = settings.openai_max_tokens_report
        self.judge = Judge(self.caller, model=self.models.scoring,
                           samples=settings.openai_scoring_samples,
                           max_tokens=settings.openai_max_tokens_scoring)
        self._offline = OfflineBrain()

    # ---------------------------------------------------------------- wording

    async def compose(self, request: ComposeRequest) -> Composed:
        markers = delimiters()
        task = self._task(request, markers)
        if task is None:  # nothing for a model to add: e.g. no passage answers the question
            return Composed(self._offline.word(request), self._offline.name)
        messages = [
            {"role": "system", "content": interviewer_system(request.context.role)},
            {"role": "user", "content": interviewer_user(request, task.text, markers)},
        ]
        meter = Meter()
        try:
            completion = await self.caller.complete(
                model=self.models.interview, messages=messages, temperature=0.3,
                max_tokens=self._max_tokens(request, task), meter=meter)
        except ModelUnavailableError as exc:
            logger.warning("model unavailable for a %s message: %s", request.kind, exc)
            return self._offline_for(request, meter, "model unavailable")
        text = completion.text.strip()
        problems = message_problems(request, text, finish_reason=completion.finish_reason,
                                    passages=task.passages)
        framed = self._frame(request, text)
        problems += [v.kind for v in find_violations(framed)] if not problems else []
        if problems:
            # The reasons name categories only: candidate text never goes into logs.
            logger.warning("model's %s message replaced by the offline wording: %s",
                           request.kind, "; ".join(problems))
            return self._offline_for(request, meter, "; ".join(problems))
        return Composed(framed, self.name, meter.usage.prompt, meter.usage.completion)

    def _offline_for(self, request: ComposeRequest, meter: Meter, reason: str) -> Composed:
        """The offline wording for this turn, carrying the tokens the model spent and the
        note that makes the service count the turn as replaced."""
        return Composed(self._offline.word(request), self._offline.name, meter.usage.prompt,
                        meter.usage.completion, notes=(f"model output replaced: {reason}",))

    def _max_tokens(self, request: ComposeRequest, task: Task) -> int:
        cap = self.max_tokens_message
        if request.kind is Kind.ANSWER:
            needed = sum(word_count(p) for p in task.passages) * TOKENS_PER_PASSAGE_WORD
            return min(cap * 3, cap + needed)
        if request.kind is Kind.FOLLOWUP and request.reason == "deflection":
            return min(cap, MESSAGE_TOKENS[Kind.TECHNICAL])
        return min(cap, MESSAGE_TOKENS.get(request.kind, cap))

    def _task(self, request: ComposeRequest, markers: tuple[str, str]) -> Task | None:
        start, end = markers
        ctx = request.context
        kind = request.kind
        name = f"{start}{ctx.candidate_first_name}{end}" if ctx.candidate_first_name \
            else "not given"
        if kind is Kind.ANSWER:
            if request.act in ("small_talk", "dont_know") or (
                    request.act == "answer" and "?" not in request.candidate_message):
                return None  # nothing asked: the offline brain's short reply
            grounded = [a for a in answer_questions(ctx.role, request.candidate_message)
                        if a.passage]
            if not grounded:
                return None
            passages = tuple(dict.fromkeys(a.passage or "" for a in grounded))
            listed = "\n".join(f'- "{p}"' for p in passages)
            closing = ANSWER_CLOSING if request.close_after_answer else ANSWER_CONTINUE
            return Task(TASKS[kind].format(passages=listed, closing=closing), passages)
        if kind is Kind.FOLLOWUP and request.reason == "deflection":
            return Task(DEFLECTION_TASK)
        if kind is Kind.PROJECT and not request.project_line:
            return None
        if kind not in TASKS:
            return None
        question = request.question
        # What the answer lacks, never the rubric's words (issue 15): a model told the
        # missed key points pastes them into the question.
        missed = ASPECTS[missing_aspect(request.candidate_message,
                                        hedged=request.reason in ("hedged", "incorrect"))] \
            if question else "what they did themselves and the measurable result"
        return Task(TASKS[kind].format(
            name=name, title=ctx.role.title, company=ctx.role.company,
            line=f"{start}{request.project_line or ''}{end}", missed=missed or "more depth"))

    def _frame(self, request: ComposeRequest, text: str) -> str:
        """Fixed text around the model's part: the consent notice and first question after
        the welcome, the bank question verbatim after an acknowledgement, the current
        question again after a deflection note."""
        if request.kind is Kind.GREETING:
            return (f"{text}\n\n{consent_notice(request.context)}\n\n"
                    f"{interview_outline(request.question_total or 4)}\n\n"
                    f"To begin: {INTRO_PROMPT}")
        if request.kind is Kind.TECHNICAL and request.question is not None:
            q = request.question
            heading = question_heading(request.question_number, request.question_total,
                                       q.topic)
            return f"{text} {heading} {q.question}"
        if request.kind is Kind.FOLLOWUP and request.reason == "deflection":
            asked = (request.question.question if request.question
                     else self._offline.project_question(request.project_line))
            return f"{text} For now, could you answer this one: {asked}"
        if request.kind is Kind.ANSWER and request.reason == "last":
            return f"{text}\n\n{LAST_QUESTION_NOTICE}"
        return text

    # ---------------------------------------------------------------- scoring

    async def evaluate(self, items: list[ScoreItem], *, candidate_name: str = "") -> Scored:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: ScoreItem) -> tuple[QuestionEvaluation, Meter, str | None]:
            meter = Meter()
            async with gate:
                evaluation, fallback = await self.judge.score(
                    item, candidate_name=candidate_name, meter=meter)
            return evaluation, meter, fallback

        results = await asyncio.gather(*(one(item) for item in items))
        usage = sum((m.usage for _, m, _ in results), TokenUsage())
        fallbacks = [note for _, _, note in results if note]
        notes = (f"{len(fallbacks)} of {len(items)} question(s) were scored by the offline "
                 "brain because the model was unavailable or its output was unusable.",
                 ) if fallbacks else ()
        return Scored([e for e, _, _ in results], usage, notes)

    # ---------------------------------------------------------------- report

    async def report(self, request: ReportRequest) -> Reported:
        """The software's report with the model's sound prose merged in. Never raises for a
        bad or missing reply: the tokens spent are returned either way."""
        baseline = build_report(
            candidate_name=request.candidate_name, role_title=request.role.title,
            evaluations=request.evaluations, signals=request.signals,
            unassessed_topics=request.unassessed_topics, brain=self.name,
            partial=request.partial, follow_up_questions=request.follow_up_questions,
            notes=request.notes)
        meter = Meter()
        try:
            parsed, reason = await self.caller.structured(
                model=self.models.report, system=REPORT_RULES,
                user=self._report_input(request, baseline), schema=ReportOutput,
                max_tokens=self.max_tokens_report, temperature=0.2, meter=meter)
        except ModelUnavailableError as exc:
            logger.warning("model unavailable for the report: %s", exc)
            parsed, reason = None, "unavailable"
        if parsed is None:
            why = "unavailable" if reason == "unavailable" else f"unusable: {reason}"
            fallback = self._offline.build(replace(request, notes=[
                *request.notes, f"The report fell back to the offline brain (model {why})."]))
            return Reported(fallback, meter.usage)
        facts = Facts.of(baseline.recommendation_label, request.evaluations,
                         baseline.overall_score)
        checked = merge_report(parsed, baseline, facts,
                               produced_by=f"Produced by the openai brain ({self.models.report}).")
        report = checked.report
        if checked.replaced:
            report = report.model_copy(update={"notes": [*report.notes, (
                f"{len(checked.replaced)} part(s) of the model's report failed the software's "
                "checks and were replaced by the software's: " + "; ".join(checked.replaced)
                + ".")]})
        return Reported(report, meter.usage)

    @staticmethod
    def _report_input(request: ReportRequest, baseline: HRReport) -> str:
        start, end = delimiters()
        lines = [f"Role: {request.role.title}. Recommendation band (decided by software): "
                 f"{baseline.recommendation_label}. Mean score {baseline.overall_score:.1f}/5.",
                 f"Quotes from the candidate are between {start} and {end}."]
        for e in request.evaluations:
            lines.append(f"\nQ{e.position} {e.topic}: {e.score}/5.")
            lines += [f"  evidence: {start}{q}{end}" for q in e.evidence]
            if e.covered:
                lines.append(f"  shown: {'; '.join(e.covered)}")
            if e.flags:
                lines.append(f"  flags: {', '.join(e.flags)}")
        lines.append("\nGaps and signals found by software, already in the report (they may "
                     "quote the candidate, so they are data too):")
        lines += [f"- {start}{g}{end}" for g in baseline.areas_for_development]
        lines.append(f"Communication measures: {baseline.communication}")
        return "\n".join(lines)
