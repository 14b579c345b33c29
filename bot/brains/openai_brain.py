"""A brain on the `openai` SDK, for OpenAI and any OpenAI-compatible server (Ollama, vLLM).

The flow still decides what kind of message comes next; the model only words it (one call
per candidate turn) and judges answers after the interview (one call per question, in
parallel, bounded). The SDK's own bounded retries handle timeouts, 429 and 5xx; after that
the service falls back to the offline brain for that turn. Structured outputs are checked
again in code: scores clamped, evidence quotes kept only if they occur verbatim.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.brains.base import (
    Composed,
    ComposeRequest,
    Reported,
    ReportRequest,
    Scored,
    TokenUsage,
)
from bot.brains.offline import OfflineBrain, consent_notice
from bot.brains.prompts import (
    DEFLECTION_TASK,
    JUDGE_RULES,
    REPORT_RULES,
    TASKS,
    interviewer_system,
    interviewer_user,
    judge_user,
)
from bot.conduct import INTRO_PROMPT
from bot.flow import Kind
from bot.grounding import answer_questions
from bot.guard import find_violations
from bot.intents import injection_attempt
from bot.report import HRReport, ReportSections
from bot.scoring.evaluation import Flag, QuestionEvaluation, ScoreItem
from bot.scoring.offline import score_offline
from bot.scoring.rubric import coverage
from bot.settings import Settings

logger = logging.getLogger(__name__)

ATTEMPTS_ON_BAD_OUTPUT = 2
MAX_REPLY_TOKENS = 500
UNEVIDENCED_CAP = 3
MAX_MISSED_IN_TASK = 2  # a follow-up probes one or two gaps, not the whole rubric


Output = TypeVar("Output", bound=BaseModel)


class ModelOutputError(RuntimeError):
    """The model answered, but with something we cannot use (empty, unsafe, off-schema)."""


class ScoreOutput(BaseModel):
    """Flat on purpose: local servers handle `$ref` in JSON schemas unevenly."""

    model_config = ConfigDict(extra="forbid")

    evidence: list[str]
    justification: str
    score: int
    off_topic: bool
    injection_suspected: bool
    unverifiable_claim: bool
    repetition: bool
    did_not_answer: bool


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


def make_client(settings: Settings) -> AsyncOpenAI:
    """The SDK's defaults wait 600 s; a chat bot wants a short timeout and few retries."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return AsyncOpenAI(api_key=key or "not-needed-for-local-servers",
                       base_url=settings.openai_base_url,
                       timeout=settings.openai_timeout_seconds,
                       max_retries=settings.openai_max_retries)


def _usage(response: object) -> TokenUsage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return TokenUsage()
    return TokenUsage(usage.prompt_tokens or 0, usage.completion_tokens or 0)


def verbatim_quotes(quotes: list[str], answers: tuple[str, ...]) -> list[str]:
    """Only quotes that really occur in what the candidate wrote survive."""
    kept = []
    for quote in quotes:
        cleaned = quote.strip().strip('"“”').strip()
        if cleaned and any(cleaned in answer for answer in answers) and cleaned not in kept:
            kept.append(cleaned)
    return kept


class OpenAIBrain:
    name = "openai"

    def __init__(self, settings: Settings, *, client: AsyncOpenAI | None = None) -> None:
        self.client = client or make_client(settings)
        self.models = Models.from_settings(settings)
        self.concurrency = settings.openai_scoring_concurrency
        self._offline = OfflineBrain()

    # ---------------------------------------------------------------- wording

    async def compose(self, request: ComposeRequest) -> Composed:
        task = self._task(request)
        if task is None:  # nothing for a model to add: e.g. no passage answers the question
            return Composed(self._offline.word(request), self._offline.name)
        messages = [
            {"role": "system", "content": interviewer_system(request.context.role)},
            {"role": "user", "content": interviewer_user(request, task)},
        ]
        usage = TokenUsage()
        for _ in range(ATTEMPTS_ON_BAD_OUTPUT):
            response = await self.client.chat.completions.create(
                model=self.models.interview, messages=messages, temperature=0.3,
                max_tokens=MAX_REPLY_TOKENS)
            usage = usage + _usage(response)
            text = (response.choices[0].message.content or "").strip()
            if self._usable(request, text):
                return Composed(self._frame(request, text), self.name, usage.prompt,
                                usage.completion)
            logger.warning("model wrote an unusable %s message; %s", request.kind,
                           [v.kind for v in find_violations(text)] or "empty or off-task")
        raise ModelOutputError(f"no usable {request.kind} message after "
                               f"{ATTEMPTS_ON_BAD_OUTPUT} attempts")

    def _task(self, request: ComposeRequest) -> str | None:
        ctx = request.context
        kind = request.kind
        if kind is Kind.ANSWER:
            grounded = [a for a in answer_questions(ctx.role, request.candidate_message)
                        if a.passage]
            if not grounded:
                return None
            closing = ("Then close the interview: thank them, say a person will review their "
                       "answers and the recruiter will be in touch." if request.close_after_answer
                       else "Then ask whether there is anything else they would like to know.")
            passages = "\n".join(f'- "{a.passage}"' for a in grounded)
            return TASKS[kind].format(passages=passages, closing=closing)
        if kind is Kind.FOLLOWUP and request.reason == "deflection":
            asked = (request.question.question if request.question
                     else self._offline.project_question(request.project_line))
            return DEFLECTION_TASK.format(question=asked)
        if kind is Kind.PROJECT and not request.project_line:
            return None
        if kind not in TASKS:
            return None
        question = request.question
        missed = "; ".join(p.point for p in coverage(
            question.key_points, request.candidate_message).missed()[:MAX_MISSED_IN_TASK]) \
            if question else "what they did themselves and the measurable result"
        return TASKS[kind].format(
            name=ctx.candidate_first_name or "the candidate", title=ctx.role.title,
            company=ctx.role.company, line=request.project_line or "",
            number=request.question_number, total=request.question_total,
            topic=question.topic.lower() if question else "", missed=missed or "more depth",
            question=question.question if question else "")

    @staticmethod
    def _usable(request: ComposeRequest, text: str) -> bool:
        if not text or find_violations(text):
            return False
        if request.kind is Kind.PROJECT and request.project_line:
            return request.project_line in text
        if request.kind is Kind.TECHNICAL:
            return f"Question {request.question_number} of {request.question_total}" in text
        return True

    @staticmethod
    def _frame(request: ComposeRequest, text: str) -> str:
        """The consent notice and the first question are fixed text, never model-written."""
        if request.kind is Kind.GREETING:
            return (f"{text}\n\n{consent_notice(request.context)}\n\nYou can answer whenever "
                    "suits you; reply `pause` to take a break, `resume` to carry on and "
                    f"`withdraw` to stop.\n\nTo begin: {INTRO_PROMPT}")
        return text

    # ---------------------------------------------------------------- scoring

    async def evaluate(self, items: list[ScoreItem]) -> Scored:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: ScoreItem) -> tuple[QuestionEvaluation, TokenUsage, str | None]:
            async with gate:
                return await self._score(item)

        results = await asyncio.gather(*(one(item) for item in items))
        usage = sum((u for _, u, _ in results), TokenUsage())
        fallbacks = [note for _, _, note in results if note]
        notes = (f"{len(fallbacks)} of {len(items)} question(s) were scored by the offline "
                 "brain because the model was unavailable or its output was unusable.",
                 ) if fallbacks else ()
        return Scored([e for e, _, _ in results], usage, notes)

    async def _score(self, item: ScoreItem) -> tuple[QuestionEvaluation, TokenUsage, str | None]:
        if not item.answer_text.strip():
            return score_offline(item), TokenUsage(), None
        messages = [{"role": "system", "content": JUDGE_RULES},
                    {"role": "user", "content": judge_user(item)}]
        try:
            parsed, usage = await self._structured(
                self.models.scoring, messages, ScoreOutput, temperature=0,
                usable=lambda out: 1 <= out.score <= 5)
        except openai.OpenAIError as exc:
            logger.warning("model unavailable for scoring %s: %s", item.question_id,
                           type(exc).__name__)
            return score_offline(item), TokenUsage(), "unavailable"
        if parsed is None:
            return score_offline(item), usage, "unusable"
        return self._evaluation(item, parsed), usage, None

    async def _structured(self, model: str, messages: list[dict[str, str]],
                          schema: type[Output], *, temperature: float,
                          usable: Callable[[Output], bool]) -> tuple[Output | None, TokenUsage]:
        """A structured-output call, retried once when the output is malformed, off-schema
        or fails `usable`. Transport failures (after the SDK's retries) propagate."""
        usage = TokenUsage()
        for attempt in range(ATTEMPTS_ON_BAD_OUTPUT):
            try:
                response = await self.client.chat.completions.parse(
                    model=model, messages=messages, response_format=schema,
                    temperature=temperature)
            except (ValidationError, ValueError, openai.LengthFinishReasonError,
                    openai.ContentFilterFinishReasonError) as exc:
                logger.warning("%s output unusable (attempt %d): %s", schema.__name__,
                               attempt + 1, type(exc).__name__)
                continue
            usage = usage + _usage(response)
            parsed = response.choices[0].message.parsed
            if parsed is not None and usable(parsed):
                return parsed, usage
        return None, usage

    @staticmethod
    def _evaluation(item: ScoreItem, out: ScoreOutput) -> QuestionEvaluation:
        flags = [flag for flag, on in (
            (Flag.OFF_TOPIC, out.off_topic),
            (Flag.INJECTION, out.injection_suspected or injection_attempt(item.answer_text)),
            (Flag.UNVERIFIABLE, out.unverifiable_claim),
            (Flag.REPETITION, out.repetition),
            (Flag.NO_ANSWER, out.did_not_answer),
        ) if on]
        cov = coverage(item.key_points, item.answer_text)
        evidence = verbatim_quotes(out.evidence, item.answers)
        score, justification = out.score, out.justification.strip()
        if not evidence and score > UNEVIDENCED_CAP:
            # A high score must rest on words the candidate actually wrote.
            score = UNEVIDENCED_CAP
            justification += (f" (Capped at {UNEVIDENCED_CAP}: none of the quoted evidence "
                              "occurs in the answer.)")
        return QuestionEvaluation(
            position=item.position, question_id=item.question_id, topic=item.topic,
            question=item.question, score=score, justification=justification,
            evidence=evidence, flags=flags,
            covered=[p.point for p in cov.covered()], missed=[p.point for p in cov.missed()])

    # ---------------------------------------------------------------- report

    async def report(self, request: ReportRequest) -> Reported:
        baseline = self._offline.build(request)
        messages = [{"role": "system", "content": REPORT_RULES},
                    {"role": "user", "content": self._report_input(request, baseline)}]
        parsed, usage = await self._structured(
            self.models.report, messages, ReportOutput, temperature=0.2,
            usable=lambda out: not find_violations(out.overall_suitability))
        if parsed is not None:
            return Reported(self._merge(parsed, baseline), usage)
        raise ModelOutputError("no usable report after retries")

    @staticmethod
    def _report_input(request: ReportRequest, baseline: HRReport) -> str:
        lines = [f"Role: {request.role.title}. Recommendation band (decided by software): "
                 f"{baseline.recommendation_label}. Mean score {baseline.overall_score:.1f}/5."]
        for e in request.evaluations:
            lines.append(f"\nQ{e.position} {e.topic}: {e.score}/5. {e.justification}")
            lines += [f'  evidence: "{q}"' for q in e.evidence]
            if e.flags:
                lines.append(f"  flags: {', '.join(e.flags)}")
        lines.append("\nSignals and gaps found by software:")
        lines += [f"- {g}" for g in baseline.areas_for_development]
        lines.append(f"Communication measures: {baseline.communication}")
        return "\n".join(lines)

    def _merge(self, out: ReportOutput, baseline: HRReport) -> HRReport:
        """Model prose where it is sound; software's facts where they must hold."""
        gaps = [g for g in out.areas_for_development if g.strip()]
        return baseline.model_copy(update={
            "overall_suitability": out.overall_suitability.strip(),
            "key_strengths": [s for s in out.key_strengths if s.strip()]
            or baseline.key_strengths,
            "areas_for_development": gaps or baseline.areas_for_development,
            "technical_skills": [s for s in out.technical_skills if s.strip()]
            or baseline.technical_skills,
            "communication": out.communication.strip() or baseline.communication,
            "recommendation": (f"**{baseline.recommendation_label}.** "
                               f"{out.recommendation.strip()} "
                               "This is a recommendation for the recruiter, not a decision: "
                               "a person reviews the transcript and makes every hiring "
                               "decision. Produced by the openai brain "
                               f"({self.models.report})."),
            "brain": self.name,
        })

