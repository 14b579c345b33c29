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
    from bot.report import render_markdown
    from bot.scoring.conversation import evaluate_conversation
    from bot.scoring.items import items_from_conversation
    from bot.transcript import TranscriptError, label_turns, read_transcript

    settings = load_settings()
    try:
        transcript = read_transcript(file)
    except TranscriptError as exc:
        fail(str(exc))
    the_role = _transcript_role(transcript, role, settings)
    turns = label_turns(transcript, the_role)
    if not items_from_conversation(the_role, turns):
        fail(f"{file}: found no interviewer questions to score")
    result = asyncio.run(evaluate_conversation(the_role, turns, OfflineBrain(),
                                               candidate_name=transcript.candidate_name))
    if fmt == "json":
        sys.stdout.write(json.dumps(evaluation_json(result.evaluations, result.report),
                                    indent=2, ensure_ascii=False) + "\n")
        return
    header = f"# {transcript.candidate_name}: {the_role.title} (role file: {the_role.name})"
    sys.stdout.write(render_markdown(result.report, result.evaluations, header=header))


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
