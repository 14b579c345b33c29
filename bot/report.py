"""The HR report: the reference's six sections, built from per-question scores and
whole-conversation signals, with every claim tied to evidence."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.scoring.evaluation import Flag, QuestionEvaluation, mean_score
from bot.scoring.signals import ConversationSignals

SECTION_TITLES = {
    "overall_suitability": "Candidate Overall Suitability",
    "key_strengths": "Key Strengths",
    "areas_for_development": "Areas for Development & Critical Gaps",
    "technical_skills": "Technical Skills Demonstrated",
    "communication": "Communication Effectiveness",
    "recommendation": "Overall Recommendation",
}

ADVANCE = "Advance to the next round"
CONSIDER = "Consider: advance only if the gaps below are acceptable"
NOT_RECOMMENDED = "Not recommended on this evidence"
NEEDS_REVIEW = "Needs human review: the scores are uncertain or conflict"
SCREENING = "Screening signal: "
# Answers with sweeping claims ("no real downside", "zero data loss") before a person must
# check: one can be a turn of phrase, two are a pattern.
SWEEPING_ANSWERS_FOR_REVIEW = 2

HUMAN_REVIEW = (
    "This is a recommendation for the recruiter, not a decision: a person reviews the "
    "transcript and makes every hiring decision."
)

BRAIN_NOTES = {
    "offline": "Produced by the offline brain: a deterministic screening signal from rubric "
    "coverage, no language model. It credits key points the candidate asserts, not ones "
    "negated, guessed at or listed as bare keywords, and it catches the wrong claims the "
    "rubric lists; it cannot judge a wrong claim nobody listed or the depth of reasoning.",
}


class ReportSections(BaseModel):
    """The six sections of the HR report, in order: what a model brain is asked to write."""

    overall_suitability: str
    key_strengths: list[str]
    areas_for_development: list[str]
    technical_skills: list[str]
    communication: str
    recommendation: str


class HRReport(ReportSections):
    recommendation_label: str
    overall_score: float
    brain: str
    partial: bool = False
    follow_up_questions: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def sections(self) -> dict[str, str | list[str]]:
        """The six sections in the export format's shape."""
        return {key: getattr(self, key) for key in SECTION_TITLES}


def recommend(evaluations: list[QuestionEvaluation]) -> str:
    """The band the scores point to; "needs human review" whenever a score the band rests
    on is uncertain or the signals conflict, so an unsure scorer never advances anyone."""
    mean = mean_score(evaluations)
    lowest = min((e.score for e in evaluations), default=0)
    if review_reasons(evaluations):
        return NEEDS_REVIEW
    if mean >= 4.0 and lowest >= 3:
        return ADVANCE
    if mean >= 3.0:
        return CONSIDER
    return NOT_RECOMMENDED


def review_reasons(evaluations: list[QuestionEvaluation]) -> list[str]:
    """Why a person must look before anyone acts on these scores; empty when none."""
    reasons = []
    uncertain = [e for e in evaluations if e.needs_review]
    if uncertain:
        reasons.append("low confidence on " + ", ".join(
            f"{e.topic} ({e.score}/5)" for e in uncertain))
    wrong = [e for e in evaluations if e.incorrect_claims and e.score >= 3]
    if wrong:
        reasons.append("incorrect claims in answers that still scored 3 or more: "
                       + ", ".join(e.topic for e in wrong))
    stuffed = [e for e in evaluations if Flag.STUFFING in e.flags]
    if stuffed:
        reasons.append("keyword stuffing in " + ", ".join(e.topic for e in stuffed))
    sweeping = [e for e in evaluations if Flag.SWEEPING in e.flags]
    if len(sweeping) >= SWEEPING_ANSWERS_FOR_REVIEW:
        reasons.append("sweeping or dismissive claims in " + _names([e.topic for e in sweeping]))
    return reasons


def labelled(label: str, brain: str) -> str:
    """The offline brain's recommendation is a screening signal, and says so."""
    return SCREENING + label if brain == "offline" else label


def build_report(
    *,
    candidate_name: str,
    role_title: str,
    evaluations: list[QuestionEvaluation],
    signals: ConversationSignals,
    unassessed_topics: list[str],
    brain: str = "offline",
    partial: bool = False,
    follow_up_questions: list[str] | None = None,
    notes: list[str] | None = None,
) -> HRReport:
    label = recommend(evaluations)
    mean = mean_score(evaluations)
    return HRReport(
        overall_suitability=_suitability(candidate_name, role_title, evaluations, label, partial),
        key_strengths=_strengths(evaluations),
        areas_for_development=_gaps(evaluations, signals, unassessed_topics),
        technical_skills=_skills(evaluations),
        communication=_communication(signals, evaluations),
        recommendation=_recommendation(label, evaluations, brain, partial),
        recommendation_label=labelled(label, brain),
        overall_score=mean,
        brain=brain,
        partial=partial,
        follow_up_questions=list(follow_up_questions or []),
        notes=list(notes or []),
    )


def _suitability(
    name: str, title: str, evals: list[QuestionEvaluation], label: str, partial: bool
) -> str:
    if not evals:
        return f"{name} answered no questions for the {title} position, so suitability " \
               "cannot be judged."
    text = (f"{name} scored a mean of {mean_score(evals):.1f}/5 over {len(evals)} scored "
            f"questions for the {title} position ({_range(evals)}). "
            f"Recommendation: {label[0].lower() + label[1:]}.")
    if partial:
        text += " The interview did not finish: this evaluation covers only what was answered."
    return text


def _range(evals: list[QuestionEvaluation]) -> str:
    """Strongest and weakest, stated only when they differ; ties are named, not picked."""
    scores = {e.score for e in evals}
    if len(scores) == 1:
        return f"every answer scored {evals[0].score}/5"
    top, bottom = max(scores), min(scores)
    best = [e.topic for e in evals if e.score == top]
    worst = [e.topic for e in evals if e.score == bottom]
    return (f"strongest: {_names(best)}, {top}/5; weakest: {_names(worst)}, {bottom}/5")


def _names(topics: list[str]) -> str:
    unique = list(dict.fromkeys(topics))
    return ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")


def _strengths(evals: list[QuestionEvaluation]) -> list[str]:
    """The best-evidenced answers, each with the candidate's own words."""
    strong = [e for e in evals if e.score >= 4 and e.evidence]
    if not strong:
        if not evals:
            return ["None shown: no question was answered."]
        top = max(e.score for e in evals)
        best = [e.topic for e in evals if e.score == top]
        return [f"No answer scored 4 or more with quoted evidence; the best was {top}/5 "
                f"({_names(best)})."]
    items = []
    for e in sorted(strong, key=lambda e: (-e.score, e.position)):
        line = f'**{e.topic}** ({e.score}/5): "{e.evidence[0]}"'
        if e.confidence_level != "high":
            line += f" (confidence {e.confidence_level})"
        items.append(line)
    return items


def _gaps(
    evals: list[QuestionEvaluation], signals: ConversationSignals, unassessed: list[str]
) -> list[str]:
    gaps = []
    for e in sorted(evals, key=lambda e: (e.score, e.position)):
        for claim in e.incorrect_claims:
            gaps.append(f'**{e.topic}**: incorrect claim: {claim.claim} ("{claim.quote}").')
    gaps += [
        f"**{e.topic}** ({e.score}/5), not shown: " + "; ".join(_lower(m) for m in e.missed)
        + "."
        for e in sorted(evals, key=lambda e: (e.score, e.position))
        if e.score <= 4 and e.missed and e.rubric != "generic"
    ]
    gaps += _flag_gaps(evals)
    gaps += _signal_gaps(signals)
    if not gaps:
        complete = [e for e in evals if not e.missed]
        gaps.append(
            f"No gaps found in the assessed topics: {len(complete)} of {len(evals)} answers "
            "showed every rubric point, each with quoted evidence (see Key Strengths)."
        )
    if unassessed:
        gaps.append(
            "Not assessed in this interview (probe in the next round): "
            + ", ".join(unassessed) + "."
        )
    return gaps


def _lower(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]


_FLAG_TEXT = {
    Flag.OFF_TOPIC: "answered off the topic of the question",
    Flag.NO_ANSWER: "gave no answer in words",
    Flag.DONT_KNOW: "said they did not know",
    Flag.DEFLECTION: "replied with questions instead of answering",
    Flag.STUFFING: "listed keywords without explaining them (no credit given)",
    Flag.GENERIC_RUBRIC: "answered a question the role's bank does not have (scored on the "
    "structure of the answer only)",
    Flag.NEEDS_REVIEW: "gave answers the scorer is unsure of (read these before deciding)",
    Flag.SWEEPING: "made sweeping or dismissive claims a person should check",
}


def _flag_gaps(evals: list[QuestionEvaluation]) -> list[str]:
    out = []
    for flag, text in _FLAG_TEXT.items():
        topics = [e.topic for e in evals if flag in e.flags]
        if topics:
            out.append(f"In {len(topics)} answer(s) the candidate {text}: {_names(topics)}.")
    return out


def _signal_gaps(signals: ConversationSignals) -> list[str]:
    out = []
    if signals.injection_attempts:
        only = (f", {signals.injection_only_messages} of them holding nothing else"
                if signals.injection_only_messages else "")
        example = (f' For example: "{signals.injection_example}"' if signals.injection_example
                   else " None can be quoted here (they imitate tool calls or templates); the "
                        "transcript has them.")
        out.append(
            f"{signals.injection_attempts} message(s) tried to instruct the interviewer or the "
            f"scorer{only}; they were flagged and ignored, never obeyed.{example}")
    if signals.recurring_phrases:
        phrases = "; ".join(f'"{r.phrase}" in {r.answers} replies'
                            for r in signals.recurring_phrases)
        out.append(
            f"Relies on the same story: {phrases}. Probe breadth beyond this one project."
        )
    if signals.recurring_figures:
        figures = ", ".join(f"{r.phrase} in {r.answers} replies"
                            for r in signals.recurring_figures)
        out.append(f"The same figures are repeated: {figures}.")
    if signals.question_stage_monologues:
        out.append(
            f"When invited to ask questions, replied {signals.question_stage_monologues} time(s) "
            "with long restatements of their own experience instead of asking or closing."
        )
    if signals.question_stage_replies >= 3 and not signals.closed_question_stage:
        out.append(
            f"Met each \"any other questions?\" with more questions "
            f"({signals.candidate_questions_asked} in {signals.question_stage_replies} replies) "
            "and never closed the conversation."
        )
    return out


def _skills(evals: list[QuestionEvaluation]) -> list[str]:
    """Per technical topic, the rubric points shown; the introduction and the project
    story are strengths or gaps, not technical skills."""
    technical = [e for e in evals if e.rubric in ("bank", "generic")]
    skills = [f"{e.topic}: " + "; ".join(e.covered) for e in technical
              if e.covered and e.score >= 3]
    return skills or ["None demonstrated with evidence in this interview."]


def _communication(signals: ConversationSignals, evals: list[QuestionEvaluation]) -> str:
    if not signals.answers:
        return "No answers in words to judge."
    parts = [f"{signals.answers} answers averaging {signals.mean_words:.0f} words."]
    if signals.mean_words > 250:
        parts.append("Answers are long; key points could be made more concisely.")
    elif signals.mean_words < 25:
        parts.append("Answers are very brief and give little detail or reasoning.")
    else:
        parts.append("Answer length suits a written interview.")
    with_evidence = sum(1 for e in evals if e.evidence)
    parts.append(f"{with_evidence} of {len(evals)} answers gave concrete, quotable specifics.")
    if signals.recurring_phrases:
        parts.append("Tends to return to the same example rather than answer each question anew.")
    if signals.blank_answers:
        parts.append(f"{signals.blank_answers} message(s) held no words (empty or emoji only).")
    if signals.closed_question_stage:
        parts.append("Closed the interview clearly when they had no more questions.")
    return " ".join(parts)


def _recommendation(
    label: str, evals: list[QuestionEvaluation], brain: str, partial: bool
) -> str:
    low = [e.topic for e in evals if e.score <= 2]
    shown = labelled(label, brain)
    reason = f"**{shown}.** Mean score {mean_score(evals):.1f}/5"
    reason += f"; weak on {_names(low)}." if low else "; no answer scored below 3."
    reasons = review_reasons(evals)
    if reasons:
        reason += " A person should review before acting: " + "; ".join(reasons) + "."
    if partial:
        reason += " Partial evaluation: the interview ended before all questions were asked."
    note = BRAIN_NOTES.get(brain, f"Produced by the {brain} brain.")
    return f"{reason} {HUMAN_REVIEW} {note}"


def render_markdown(
    report: HRReport, evaluations: list[QuestionEvaluation], *, header: str = ""
) -> str:
    """The evaluation and the report as Markdown, in the reference's order."""
    lines = [header] if header else []
    lines += ["## Evaluation", ""]
    for e in evaluations:
        flags = f" — flags: {', '.join(e.flags)}" if e.flags else ""
        lines.append(f"**{e.position}. {e.topic}** — {e.score}/5 "
                     f"(confidence {e.confidence_level}){flags}")
        lines.append(f"> {e.question}")
        lines.append(f"Justification: {e.justification}")
        for quote in e.evidence:
            lines.append(f'- Evidence: "{quote}"')
        for claim in e.incorrect_claims:
            lines.append(f'- Incorrect claim ({claim.claim}): "{claim.quote}"')
        if e.review_reasons and e.needs_review:
            lines.append("- Needs human review: " + "; ".join(e.review_reasons))
        lines.append("")
    lines += ["## HR Report", ""]
    for key, title in SECTION_TITLES.items():
        lines.append(f"### {title}")
        value = getattr(report, key)
        lines += [f"- {v}" for v in value] if isinstance(value, list) else [value]
        lines.append("")
    if report.follow_up_questions:
        lines.append("### Candidate Questions for the Recruiter")
        lines += [f"- {q}" for q in report.follow_up_questions]
        lines.append("")
    footer = f"_Brain: {report.brain}. Overall score {report.overall_score:.1f}/5"
    footer += ", partial" if report.partial else ""
    if report.prompt_tokens or report.completion_tokens:
        footer += (f". Model tokens: {report.prompt_tokens:,} prompt, "
                   f"{report.completion_tokens:,} completion")
    footer += "._"
    lines.append(footer)
    lines += [f"_Note: {n}_" for n in report.notes]
    return "\n".join(lines).strip() + "\n"
