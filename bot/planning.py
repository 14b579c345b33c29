"""Choosing what to ask: the technical questions and the resume line the project question quotes."""

from __future__ import annotations

from bot.retrieval import index_for
from bot.roles import Role
from bot.text import terms


def plan_questions(role: Role, resume: str, count: int) -> list[str]:
    """`count` bank questions: the role's required ones first (bank order), then those that
    best match the job description and the resume, at most one per topic while topics
    last; ties keep the bank's order (deterministic)."""
    docs = [f"{q.topic} {q.question} " + " ".join(k for p in q.key_points for k in p.keywords)
            for q in role.questions]
    ranked = [h.index for h in index_for(docs).search(f"{role.job_description}\n{resume}")]
    ranked += [i for i in range(len(role.questions)) if i not in ranked]
    chosen = [i for i, q in enumerate(role.questions) if q.required][:count]
    topics = {role.questions[i].topic for i in chosen}
    for i in ranked:
        if len(chosen) == count:
            break
        if role.questions[i].topic not in topics:
            chosen.append(i)
            topics.add(role.questions[i].topic)
    for i in ranked:
        if len(chosen) == count:
            break
        if i not in chosen:
            chosen.append(i)
    return [role.questions[i].id for i in chosen]


def pick_resume_line(role: Role, resume: str) -> str | None:
    """The resume line that best fits the role: a concrete claim (it has a figure) naming
    role skills, then most job-description terms; None when no line mentions anything the
    role needs."""
    skills = [s.lower() for s in role.skills]
    jd_terms = set(terms(role.job_description))
    best: tuple[int, int, int, int] | None = None
    best_line: str | None = None
    for order, raw in enumerate(resume.splitlines()):
        line = raw.strip().lstrip("-*•· ").strip()
        if len(line) < 15 or len(line) > 300:
            continue
        lowered = line.lower()
        skill_hits = sum(1 for s in skills if s in lowered)
        if not skill_hits:
            continue
        has_figure = int(any(ch.isdigit() for ch in line))
        key = (has_figure, skill_hits, len(set(terms(line)) & jd_terms), -order)
        if best is None or key > best:
            best, best_line = key, line.rstrip(".")
    return best_line
