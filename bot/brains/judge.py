"""The model judge: k samples per question, checked in code, and honest when unsure.

A real small model returned every score with `"evidence": []` (quotes in the
justification instead) and gave 1/5 "no information about the execution plan" to an
answer saying "I think execution plan matters here". So: quotes must occur verbatim; a
score above 3 with none is capped at 3; a score of 1-2 with none on an answer that has
words is asked again, and if it stays unevidenced it is blended with the offline rubric
coverage. Each question is judged `samples` times and the median kept; samples spreading
by 2 or more mark the question for human review. The judge never sees the candidate's
name (redacted from the answers). Every score carries the model, prompt version, rubric
hash and sample scores, so a re-run can be compared and drift seen.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from bot.brains.prompts import JUDGE_PROMPT_VERSION, JUDGE_RULES, judge_user
from bot.brains.redaction import redact
from bot.brains.structured import Meter, ModelClient, ModelUnavailableError
from bot.intents import injection_attempt, strip_injection
from bot.scoring.evaluation import Flag, QuestionEvaluation, ScoreItem
from bot.scoring.offline import rubric_hash, score_offline
from bot.text import STOPWORDS, has_words, word_count, words

logger = logging.getLogger(__name__)

SCORER = "openai"
UNEVIDENCED_CAP = 3
LOW_SCORE = 2
REVIEW_SPREAD = 2
SAMPLING_TEMPERATURE = 0.7
MIN_ONE_WORD_QUOTE = 8  # a one-word quote must be a term ("pg_stat_statements")

_MODEL_FLAGS = (("off_topic", Flag.OFF_TOPIC), ("injection_suspected", Flag.INJECTION),
                ("unverifiable_claim", Flag.UNVERIFIABLE), ("repetition", Flag.REPETITION),
                ("did_not_answer", Flag.NO_ANSWER))
# Findings the software makes itself and keeps, whatever the model says.
_SOFTWARE_FLAGS = (Flag.INCORRECT, Flag.STUFFING, Flag.GENERIC_RUBRIC)


class ScoreOutput(BaseModel):
    """Flat on purpose: local servers handle `$ref` in JSON schemas unevenly. Evidence
    comes first so the model quotes before it justifies and scores."""

    model_config = ConfigDict(extra="forbid")

    evidence: list[str]
    justification: str
    score: int
    off_topic: bool
    injection_suspected: bool
    unverifiable_claim: bool
    repetition: bool
    did_not_answer: bool


@dataclass
class Sample:
    score: int
    justification: str
    evidence: list[str]
    flags: set[str] = field(default_factory=set)
    unevidenced_low: bool = False


def verbatim_quotes(quotes: list[str], answers: tuple[str, ...]) -> list[str]:
    """Only quotes that really occur in what the candidate wrote, and say something (not
    "and"), survive."""
    kept = []
    for quote in quotes:
        cleaned = str(quote).strip().strip('"“”').strip()
        if _meaningful(cleaned) and any(cleaned in answer for answer in answers) \
                and cleaned not in kept:
            kept.append(cleaned)
    return kept


def _meaningful(quote: str) -> bool:
    content = [w for w in words(quote) if w not in STOPWORDS]
    return bool(content) and (word_count(quote) >= 2 or len(quote) >= MIN_ONE_WORD_QUOTE)


def _check_score(out: ScoreOutput) -> str | None:
    return None if 1 <= out.score <= 5 else f"score {out.score} is not 1-5"


class Judge:
    def __init__(self, caller: ModelClient, *, model: str, samples: int,
                 max_tokens: int) -> None:
        self.caller = caller
        self.model = model
        self.samples = samples
        self.max_tokens = max_tokens

    async def score(self, item: ScoreItem, *, candidate_name: str,
                    meter: Meter) -> tuple[QuestionEvaluation, str | None]:
        """The evaluation, and why it fell back to the offline scorer (None when it did
        not). An unanswered question needs no model."""
        offline = score_offline(item)
        if not item.answer_text.strip():
            return offline, None
        answers = tuple(redact(a, candidate_name) for a in item.answers)
        prompt = judge_user(item, answers)
        temperature = 0.0 if self.samples == 1 else SAMPLING_TEMPERATURE
        samples: list[Sample] = []
        for _ in range(self.samples):
            try:
                sample = await self._sample(item, prompt, temperature, meter)
            except ModelUnavailableError as exc:
                logger.warning("model unavailable scoring %s: %s", item.question_id, exc)
                if samples:
                    break  # keep the samples already given
                return offline, "unavailable"
            if sample is None:
                break  # twice unusable: more samples would only repeat the cost
            samples.append(sample)
        if not samples:
            return offline, "unusable"
        return self._combine(item, samples, offline), None

    async def _sample(self, item: ScoreItem, prompt: str, temperature: float,
                      meter: Meter) -> Sample | None:
        out, _ = await self.caller.structured(
            model=self.model, system=JUDGE_RULES, user=prompt, schema=ScoreOutput,
            max_tokens=self.max_tokens, temperature=temperature, meter=meter,
            check=_check_score)
        if out is None:
            return None
        sample = self._reading(item, out)
        if sample.unevidenced_low:
            again = (f"{prompt}\n\nYou scored {out.score} without quoting the answer. Quote "
                     "the candidate's sentences you relied on, or name the rubric points "
                     "that are absent, and score again.")
            retried, _ = await self.caller.structured(
                model=self.model, system=JUDGE_RULES, user=again, schema=ScoreOutput,
                max_tokens=self.max_tokens, temperature=temperature, meter=meter,
                check=_check_score)
            if retried is not None:
                sample = self._reading(item, retried)
        return sample

    @staticmethod
    def _reading(item: ScoreItem, out: ScoreOutput) -> Sample:
        evidence = verbatim_quotes(out.evidence, item.answers)
        score, justification = out.score, out.justification.strip()
        if not evidence and score > UNEVIDENCED_CAP:
            # A high score must rest on words the candidate actually wrote.
            score = UNEVIDENCED_CAP
            justification += (f" (Capped at {UNEVIDENCED_CAP}: none of the quoted evidence "
                              "occurs in the answer.)")
        content = strip_injection(item.answer_text)
        low = score <= LOW_SCORE and not evidence and has_words(content)
        flags = {flag for name, flag in _MODEL_FLAGS if getattr(out, name)}
        return Sample(score, justification, evidence, flags, low)

    def _combine(self, item: ScoreItem, samples: list[Sample],
                 offline: QuestionEvaluation) -> QuestionEvaluation:
        scores = [s.score for s in samples]
        median = statistics.median_low(scores)
        chosen = next(s for s in samples if s.score == median)
        spread = max(scores) - min(scores)
        score, justification, evidence = median, chosen.justification, list(chosen.evidence)
        reasons: list[str] = []
        confidence = 0.85 if len(samples) > 1 else 0.75
        if chosen.unevidenced_low:
            score = int((median + offline.score) / 2 + 0.5)
            justification += (f" (Blended with the offline rubric coverage, "
                              f"{offline.score}/5: the model gave {median}/5 without quoting "
                              "the answer.)")
            evidence += [q for q in offline.evidence if q not in evidence]
            reasons.append(f"the model gave {median}/5 without quoting the answer; blended "
                           f"with rubric coverage ({offline.score}/5)")
            confidence -= 0.25
        majority = (len(samples) + 1) // 2
        flags = [flag for _, flag in _MODEL_FLAGS
                 if sum(flag in s.flags for s in samples) >= majority]
        if injection_attempt(item.answer_text) and Flag.INJECTION not in flags:
            flags.append(Flag.INJECTION)
        flags += [f for f in _SOFTWARE_FLAGS if f in offline.flags and f not in flags]
        if spread >= REVIEW_SPREAD:
            flags.append(Flag.NEEDS_REVIEW)
            reasons.insert(0, f"the {len(samples)} judge samples disagree "
                              f"({', '.join(map(str, scores))})")
            confidence = min(confidence, 0.4)
        elif spread:
            confidence -= 0.1
        return QuestionEvaluation(
            position=item.position, question_id=item.question_id, topic=item.topic,
            question=item.question, score=max(1, min(5, score)), justification=justification,
            evidence=evidence, flags=flags, covered=offline.covered, missed=offline.missed,
            incorrect_claims=offline.incorrect_claims, confidence=round(confidence, 2),
            review_reasons=reasons, rubric=item.rubric, scorer=SCORER, model=self.model,
            prompt_version=JUDGE_PROMPT_VERSION, rubric_hash=rubric_hash(item),
            samples=len(samples), sample_scores=scores)
