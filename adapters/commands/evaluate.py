"""`interview-bot evaluate`: score a transcript file with the offline brain."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.commands.common import fail, get_role, load_settings

if TYPE_CHECKING:
    from bot.roles import Role
    from bot.settings import Settings


def evaluate(*, file: Path, role: str | None, fmt: str) -> None:
    from bot.brains.offline import OfflineBrain
    from bot.export import evaluation_json
    from bot.grounding import questions_for_recruiter
    from bot.report import build_report, render_markdown
    from bot.scoring_items import items_from_conversation, unassessed_topics
    from bot.signals import analyse
    from bot.transcript import TranscriptError, label_turns, read_transcript

    settings = load_settings()
    try:
        transcript = read_transcript(file)
    except TranscriptError as exc:
        fail(str(exc))
    the_role = _transcript_role(transcript, role, settings)
    turns = label_turns(transcript, the_role)
    items = items_from_conversation(the_role, turns)
    if not items:
        fail(f"{file}: found no interviewer questions to score")
    evaluations = asyncio.run(OfflineBrain().evaluate(items)).evaluations
    answers = [t.text for t in turns if t.speaker == "candidate" and t.kind == "answer"]
    asked = [t.text for t in turns if t.speaker == "candidate" and t.kind == "question"]
    report = build_report(candidate_name=transcript.candidate_name, role_title=the_role.title,
                          evaluations=evaluations, signals=analyse(answers, asked),
                          unassessed_topics=unassessed_topics(the_role, items),
                          follow_up_questions=questions_for_recruiter(the_role, answers, asked))
    if fmt == "json":
        sys.stdout.write(json.dumps(evaluation_json(evaluations, report), indent=2,
                                    ensure_ascii=False) + "\n")
        return
    header = f"# {transcript.candidate_name}: {the_role.title} (role file: {the_role.name})"
    sys.stdout.write(render_markdown(report, evaluations, header=header))


def _transcript_role(transcript: Any, role: str | None, settings: Settings) -> Role:
    from bot.roles import RoleNotFoundError, list_roles, load_role
    from bot.transcript import infer_role

    if role:
        return get_role(role, settings)
    hint = transcript.role_hint
    if hint:
        slug = "-".join(hint.lower().split())
        try:
            return load_role(slug, settings.roles_dir)
        except RoleNotFoundError:
            pass
    inferred = infer_role(transcript, list_roles(settings.roles_dir))
    if inferred is None:
        fail("cannot tell the transcript's role; pass --role (see `interview-bot roles list`)")
    return inferred
