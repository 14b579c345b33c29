"""The HR report: the reference's six sections, built from per-question scores and
whole-conversation signals, with every claim tied to evidence."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.evaluation import Flag, QuestionEvaluation, mean_score
from bot.signals import ConversationSignals

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

HUMAN_REVIEW = (
    "This is a recommendation for the recruiter, not a decision: a person reviews the "
    "transcript and makes every hiring decision."
)

BRAIN_NOTES = {
    "offline": "Produced by the offline brain: deterministic rubric coverage and retrieval, "
    "no language model. Scores measure how many rubric points an answer shows.",
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
    mean = mean_score(evaluations)
    lowest = min((e.score for e in evaluations), default=0)
    if mean >= 4.0 and lowest >= 3:
        return ADVANCE
    if mean >= 3.0:
        return CONSIDER
    return NOT_RECOMMENDED


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
        recommendation_label=label,
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
    best = max(evals, key=lambda e: (e.score, -e.position))
    worst = min(evals, key=lambda e: (e.score, e.position))
    text = (
        f"{name} scored a mean of {mean_score(evals):.1f}/5 over {len(evals)} scored questions "
        f"for the {title} position (strongest: {best.topic}, {best.score}/5; weakest: "
        f"{worst.topic}, {worst.score}/5). Recommendation: {label.lower()}."
    )
    if partial:
        text += " The interview did not finish: this evaluation covers only what was answered."
    return text


def _strengths(evals: list[QuestionEvaluation]) -> list[str]:
    strong = [e for e in evals if e.score >= 4]
    if not strong:
        if not evals:
            return ["None shown: no question was answered."]
        best = max(evals, key=lambda e: (e.score, -e.position))
        return [f"No answer scored 4 or more; the strongest was {best.topic} ({best.score}/5)."]
    items = []
    for e in sorted(strong, key=lambda e: (-e.score, e.position)):
        line = f"**{e.topic}** ({e.score}/5): " + "; ".join(e.covered) + "."
        if e.evidence:
            line += f' Evidence: "{e.evidence[0]}"'
        items.append(line)
    return items


def _gaps(
    evals: list[QuestionEvaluation], signals: ConversationSignals, unassessed: list[str]
) -> list[str]:
    gaps = [
        f"**{e.topic}** ({e.score}/5): did not show " + "; ".join(m.lower() for m in e.missed)
        + "."
        for e in sorted(evals, key=lambda e: (e.score, e.position))
        if e.score <= 3 and e.missed
    ]
    gaps += _flag_gaps(evals)
    gaps += _signal_gaps(signals)
    if not gaps:
        perfect = [e for e in evals if e.score == 5]
        gaps.append(
            f"No gaps found in the assessed topics: {len(perfect)} of {len(evals)} answers "
            "covered every rubric point, each with quoted evidence (see Key Strengths)."
        )
    if unassessed:
        gaps.append(
            "Not assessed in this interview (probe in the next round): "
            + ", ".join(unassessed) + "."
        )
    return gaps


def _flag_gaps(evals: list[QuestionEvaluation]) -> list[str]:
    described = {
        Flag.INJECTION: "tried to instruct the interviewer or the scorer (flagged and ignored)",
        Flag.OFF_TOPIC: "answered off the topic of the question",
        Flag.NO_ANSWER: "gave no answer in words",
        Flag.DEFLECTION: "replied with questions instead of answering",
    }
    out = []
    for flag, text in described.items():
        topics = [e.topic for e in evals if flag in e.flags]
        if topics:
            out.append(f"In {len(topics)} answer(s) the candidate {text}: {', '.join(topics)}.")
    return out


def _signal_gaps(signals: ConversationSignals) -> list[str]:
    out = []
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
    skills = [f"{e.topic}: " + "; ".join(e.covered) for e in evals if e.covered and e.score >= 3]
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
    reason = f"**{label}.** Mean score {mean_score(evals):.1f}/5"
    reason += f"; weak on {', '.join(low)}." if low else "; no answer scored below 3."
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
        lines.append(f"**{e.position}. {e.topic}** — {e.score}/5{flags}")
        lines.append(f"> {e.question}")
        lines.append(f"Justification: {e.justification}")
        for quote in e.evidence:
            lines.append(f'- Evidence: "{quote}"')
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
