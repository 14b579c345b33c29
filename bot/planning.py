"""Choosing what to ask: the technical questions (the resume line the project question quotes
is chosen in `bot.resume_lines`)."""

from __future__ import annotations

from bot.retrieval import index_for
from bot.roles import Role


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
