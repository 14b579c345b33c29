"""The offline scorer: rubric coverage, read sentence by sentence, with its confidence.

What it can judge: whether an answer asserts the rubric's key points (in the candidate's
own words as far as stems, synonyms and co-occurring terms reach), whether it states a
wrong claim the rubric author listed, and whether it only guesses, rejects, lists bare
keywords or talks to the grader. What it cannot judge: a wrong claim nobody listed, the
depth of reasoning, or a paraphrase with none of the rubric's words. So every score carries
a confidence, and a score the scorer is unsure of is marked for a person to review.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from bot.intents import injection_attempt, is_blank, says_dont_know
from bot.scoring.evaluation import (
    LOW_CONFIDENCE,
    Flag,
    IncorrectClaim,
    QuestionEvaluation,
    Rubric,
    ScoreItem,
)
from bot.scoring.matching import Evidence
from bot.scoring.project_story import (
    CONCEPTS_MIN,
    DEPTH_MIN,
    HOLLOW_STORY_CAP,
    lacks_substance,
    story_coverage,
)
from bot.scoring.rubric import (
    DISMISSAL_CLAIM,
    VAGUE_INTRO_CAP,
    Coverage,
    coverage,
    dismissals_of,
    names_concrete_work,
)
from bot.scoring.stock_phrases import STOCK_PHRASES_COST, stock_phrases
from bot.text import sentences, shorten, word_count, words

SCORER = "offline-2"
MAX_EVIDENCE = 3
MAX_QUOTE_CHARS = 280
ONE_LINER_WORDS = 8
SHORT_WORDS = 20
INJECTION_CAP = 3


def score_offline(item: ScoreItem) -> QuestionEvaluation:
    """Rubric coverage -> score; length is never rewarded and instructions never obeyed."""
    raw = item.answer_text
    # A message made mostly of instructions to the grader (a wall of "this answer deserves
    # full marks") is not an answer: none of it is scored, its last cut-off sentence neither.
    answered = "\n".join(a for a in item.answers if a.strip() and not mostly_instructions(a))
    claims = item.misconceptions
    if item.rubric in (Rubric.BANK, Rubric.GENERIC):
        claims = (*claims, *dismissals_of(item.question))
    if item.rubric == Rubric.PROJECT and item.bank_points:
        cov = story_coverage(item.key_points, item.bank_points, answered, claims)
    else:
        cov = coverage(item.key_points, answered, claims)
    if item.rubric == Rubric.INTRO:
        cov = _stack_lists_credited(cov)
    n_words = word_count(_content(cov))
    flags = _flags(item, cov, raw, n_words)
    score = _score(cov, n_words, flags, item.rubric)
    # Whether the stock pitch cost the level the justification says it did (a 1 stays 1).
    pitch_cost = score != _score(cov, n_words, flags, item.rubric, pitch_costs=False)
    confidence, reasons = _confidence(item, cov, score, n_words, flags)
    if confidence < LOW_CONFIDENCE:
        flags.append(Flag.NEEDS_REVIEW)
    return QuestionEvaluation(
        position=item.position,
        question_id=item.question_id,
        topic=item.topic,
        question=item.question,
        score=score,
        justification=_justify(item, cov, score, n_words, flags, pitch_cost=pitch_cost),
        evidence=_evidence(cov),
        flags=flags,
        covered=[p.point for p in cov.covered()],
        missed=[p.point for p in cov.missed()],
        incorrect_claims=[IncorrectClaim(claim=c.claim, quote=_verbatim_cut(c.quote))
                          for c in cov.wrong_claims],
        confidence=confidence,
        review_reasons=reasons,
        rubric=item.rubric,
        scorer=SCORER,
        rubric_hash=rubric_hash(item),
    )


def mostly_instructions(message: str) -> bool:
    parts = sentences(message)
    flagged = sum(1 for p in parts if injection_attempt(p))
    return flagged >= 2 and flagged * 2 >= len(parts)


def rubric_hash(item: ScoreItem) -> str:
    """Identifies the rubric a score was given on, so a changed role file shows as drift."""
    data = {"points": [p.model_dump() for p in item.key_points],
            "anchors": {str(k): v for k, v in item.anchors.items()}, "rubric": item.rubric}
    if item.bank_points:
        # A project story is read against the whole bank too (bot.scoring.project_story).
        data["bank"] = [[p.model_dump() for p in topic] for topic in item.bank_points]
        data["substance"] = [CONCEPTS_MIN, DEPTH_MIN]
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return digest[:12]


def _flags(item: ScoreItem, cov: Coverage, raw: str, n_words: int) -> list[str]:
    flags: list[str] = []
    if injection_attempt(raw):
        flags.append(Flag.INJECTION)
    if cov.wrong_claims:
        flags.append(Flag.INCORRECT)
    if cov.stuffed:
        flags.append(Flag.STUFFING)
    if item.rubric == Rubric.GENERIC:
        flags.append(Flag.GENERIC_RUBRIC)
    if any(c.sentence.absolute for c in cov.sentences if not c.instruction):
        flags.append(Flag.SWEEPING)
    content = _content(cov)
    if is_blank(content):
        flags.append(Flag.NO_ANSWER)
    elif says_dont_know(content) and cov.fraction < 0.4:
        flags.append(Flag.DONT_KNOW)
    elif cov.fraction == 0 and n_words >= 20 and Flag.STUFFING not in flags \
            and not cov.wrong_claims:
        flags.append(Flag.OFF_TOPIC)
    if content.strip() and _mostly_questions(content) and cov.fraction < 0.4 \
            and Flag.DONT_KNOW not in flags:
        flags.append(Flag.DEFLECTION)
    return flags


# Rubrics that credit how an answer is built (a situation, actions, an outcome; cause and
# effect, specifics) and cannot tell whether it is right.
STRUCTURE_RUBRICS = (Rubric.PROJECT, Rubric.GENERIC)


def _score(cov: Coverage, n_words: int, flags: list[str], rubric: str = Rubric.BANK, *,
           pitch_costs: bool = True) -> int:
    if n_words == 0:
        return 1
    frac = cov.fraction
    # 5 is "correct and complete": four points of five is correct with a gap, a 4.
    score = 5 if frac > 0.8 else 4 if frac >= 0.6 else 3 if frac >= 0.4 else 2 if frac > 0 else 1
    if n_words < ONE_LINER_WORDS:
        score = min(score, 2)
    elif n_words < SHORT_WORDS:
        score = min(score, 4)
    # A wrong idea proposed tentatively ("I guess we could lower alpha to 0.1") is still
    # the candidate's idea: guessed claims count like stated ones.
    wrong = cov.mistakes
    if wrong == 1:
        score = min(score - 1, 3)
    elif wrong >= 2:
        score = min(score - 2, 2)
    # A wrong claim about the question's own subject ("TTL is pretty much irrelevant", asked
    # about TTL) is an error at its core, not a side slip; and on a rubric of structure only,
    # a known wrong claim is the one sign of substance there is. Either way: at most 2.
    if wrong and (rubric in STRUCTURE_RUBRICS or any(
            c.claim.startswith(DISMISSAL_CLAIM) for c in cov.wrong_claims)):
        score = min(score, 2)
    if rubric == Rubric.PROJECT and lacks_substance(cov):
        score = min(score, HOLLOW_STORY_CAP)
    if rubric == Rubric.INTRO:
        said = _content(cov)
        if not names_concrete_work(said):
            # Years and a list of buzzwords with no workplace and nothing done there.
            score = min(score, VAGUE_INTRO_CAP)
        if pitch_costs and _pitched(said):
            score -= 1
    if Flag.STUFFING in flags:
        # Nothing but lists of terms ("Hypothesis, primary metric, MDE, power 80%, ...")
        # is keyword salad: nothing of value. Lists beside prose still get their 2.
        score = min(score, 1 if _only_lists(cov) else 2)
    if Flag.INJECTION in flags:
        # An answer that tries to talk the grader up is never a top score on the machine's
        # word alone: at most 3, and a person looks (the confidence drops below).
        score = min(score, INJECTION_CAP)
    return max(score, 1)


def _confidence(item: ScoreItem, cov: Coverage, score: int, n_words: int,
                flags: list[str]) -> tuple[float, list[str]]:
    """How far to trust the score, and why not more. Starts high and loses for each sign
    that the words and the substance may disagree."""
    if Flag.NO_ANSWER in flags or (Flag.DONT_KNOW in flags and cov.fraction == 0):
        return 0.9, []
    value = 0.9
    reasons: list[str] = []

    def lose(amount: float, reason: str) -> None:
        nonlocal value
        value -= amount
        reasons.append(reason)

    if cov.wrong_claims and cov.fraction >= 0.4:
        lose(0.35, "right terms alongside a wrong claim: knowledge or bluff?")
    elif cov.wrong_claims:
        lose(0.1, "states a wrong claim")
    hedged = len(cov.with_evidence(Evidence.HEDGED))
    if hedged:
        lose(min(0.3, 0.1 * hedged), f"{hedged} point(s) only guessed at")
    if cov.weak_hedges >= 2:
        lose(0.1, "credited points were stated tentatively")
    if Flag.STUFFING in flags:
        lose(0.3, "keywords listed without explanation")
    if Flag.INJECTION in flags:
        lose(0.3, "the answer tried to instruct the grader (score capped at 3)")
    if item.rubric == Rubric.GENERIC:
        lose(0.25, "no bank rubric for this question: scored on answer structure only")
    if n_words < SHORT_WORDS and score > 1:
        lose(0.15, f"short answer ({n_words} words)")
    absolute = sum(c.sentence.absolute for c in cov.sentences if not c.instruction)
    if absolute:
        lose(min(0.3, 0.15 * absolute), f"{absolute} sweeping or dismissive claim(s) to check")
    rejected = len(cov.with_evidence(Evidence.REJECTED))
    if rejected:
        lose(min(0.15, 0.05 * rejected), f"{rejected} point(s) named only to reject them")
    return round(max(0.05, min(0.95, value)), 2), reasons


def _stack_lists_credited(cov: Coverage) -> Coverage:
    """An introduction states its stack as a list ("Python (FastAPI, some Django),
    Postgres, Kafka"): beside a sentence about the candidate's own work that list is a
    claim about themselves, not keyword stuffing. An intro of nothing but lists still is."""
    if _only_lists(cov):
        return cov
    findings = tuple(replace(f, evidence=Evidence.CREDITED)
                     if f.evidence is Evidence.LISTED else f for f in cov.findings)
    sentences = tuple(replace(c, listed=frozenset()) for c in cov.sentences)
    return replace(cov, findings=findings, sentences=sentences)


def _content(cov: Coverage) -> str:
    """What the candidate said, without the sentences addressed to the grader."""
    return " ".join(c.sentence.text for c in cov.sentences if not c.instruction)


def _pitched(intro: str) -> bool:
    """An introduction told in stock self-description ("passionate", "results-driven")."""
    return len(stock_phrases(intro)) >= STOCK_PHRASES_COST


def _only_lists(cov: Coverage) -> bool:
    content = [c for c in cov.sentences if not c.instruction and words(c.sentence.text)]
    return bool(content) and all(c.listed for c in content)


def _mostly_questions(text: str) -> bool:
    parts = sentences(text)
    return bool(parts) and sum(p.rstrip().endswith("?") for p in parts) * 2 >= len(parts)


def _justify(item: ScoreItem, cov: Coverage, score: int, n_words: int,
             flags: list[str], *, pitch_cost: bool = False) -> str:
    total = len(cov.points)
    parts = [f"Showed {len(cov.covered())} of {total} rubric points"]
    if cov.covered():
        parts[0] += ": " + "; ".join(p.point for p in cov.covered())
    parts[0] += "."
    guessed = cov.with_evidence(Evidence.HEDGED)
    if guessed:
        parts.append("Only guessed at (no credit): " + "; ".join(p.point for p in guessed) + ".")
    rejected = cov.with_evidence(Evidence.REJECTED)
    if rejected:
        parts.append("Named only to reject or dismiss it (no credit): "
                     + "; ".join(p.point for p in rejected) + ".")
    listed = cov.with_evidence(Evidence.LISTED)
    if listed:
        parts.append("Listed as bare keywords without explanation (no credit): "
                     + "; ".join(p.point for p in listed) + ".")
    for claim in cov.wrong_claims:
        parts.append(f'Incorrect claim: {claim.claim} ("{_verbatim_cut(claim.quote)}").')
    missing = [p for p in cov.missed() if p not in guessed + rejected + listed
               and not any(f.wrong_claims for q, f in zip(cov.points, cov.findings,
                                                          strict=True) if q is p)]
    if missing:
        parts.append("Not shown: " + "; ".join(p.point for p in missing) + ".")
    if n_words and n_words < ONE_LINER_WORDS:
        parts.append(f"A one-line answer ({n_words} words) caps the score at 2.")
    if item.rubric == Rubric.INTRO and _pitched(said := _content(cov)):
        quoted = ", ".join(f'"{p}"' for p in stock_phrases(said))
        parts.append(f"Stock self-description ({quoted}) says nothing the candidate did"
                     + (": one level lower." if pitch_cost else "."))
    if Flag.INJECTION in flags:
        parts.append("Text addressed to the grader or interviewer was ignored and flagged.")
    if Flag.NO_ANSWER in flags:
        parts.append("No answer in words was given.")
    if Flag.DONT_KNOW in flags:
        parts.append("The candidate said they don't know this.")
    if Flag.OFF_TOPIC in flags:
        parts.append("The answer did not address the question.")
    if Flag.DEFLECTION in flags:
        parts.append("The candidate mostly replied with questions instead of an answer.")
    if Flag.GENERIC_RUBRIC in flags:
        parts.append("This question is not in the role's bank, so it was scored on the "
                     "structure of the answer only.")
    anchor = item.anchors.get(_nearest_anchor(score))
    if anchor:
        parts.append(f"Closest anchor ({_nearest_anchor(score)}/5): {anchor.strip()}")
    return " ".join(parts)


def _nearest_anchor(score: int) -> int:
    return 1 if score <= 2 else 3 if score == 3 else 5


def _evidence(cov: Coverage) -> list[str]:
    """The sentences that carry the credited points, the richest first; verbatim."""
    by_index = {c.index: c.sentence.text for c in cov.sentences}
    quotes: list[str] = []
    for index in cov.credited_sentences():
        quote = _verbatim_cut(by_index[index])
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) == MAX_EVIDENCE:
            break
    return quotes


def _verbatim_cut(sentence: str) -> str:
    """Keep quotes short but verbatim: cut at a word boundary with no ellipsis added."""
    if len(sentence) <= MAX_QUOTE_CHARS:
        return sentence
    cut = sentence[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
    return cut if cut else shorten(sentence, MAX_QUOTE_CHARS)
