"""The report as recruiters see it on Discord: an embed to scan, the full HR report attached
as a Markdown file, both in one message (one POST: posted whole or not at all).

Discord's embed limits shape this module: title 256 characters, description 4,096, a
field's name 256 and value 1,024, at most 25 fields and 6,000 characters in all. Text from
the interview (names, quoted evidence) is escaped so it cannot mention anyone or break the
layout.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import discord

from bot.ports import ReportDelivery

FIELD_LIMIT = 1024
QUESTION_PREVIEW = 90
EMBED_LIMIT = 6000
HUMAN_REVIEW = ("A recommendation for a person to review, not a decision: read the answers "
                "before deciding anything.")
COLOUR = {"advance": 0x2E7D32, "consider": 0xF9A825}


def thread_url(guild_id: str, thread_id: str) -> str | None:
    if not guild_id or not thread_id:
        return None
    return f"https://discord.com/channels/{guild_id}/{thread_id}"


def report_embed(report: ReportDelivery) -> discord.Embed:
    """Recommendation, overall score, per-question scores, strengths, gaps, thread link."""
    data: dict[str, Any] = report.export.get("report") or {}
    scores: list[dict[str, Any]] = report.export.get("scores") or []
    conversation = report.conversation
    link = thread_url(conversation.workspace, conversation.thread or conversation.channel)
    score = f"{report.overall_score:.1f} / 5" + (" (partial)" if report.partial else "")
    description = [f"**Recommendation:** {_clean(report.recommendation)}",
                   f"**Overall score:** {score}"]
    if report.partial:
        description.append("_Partial: the interview did not reach its end; unasked topics "
                           "are unassessed._")
    embed = discord.Embed(
        title=_cut(f"Interview report: {report.candidate_name} · {report.role_title}", 256),
        description="\n".join(description), url=link,
        colour=_colour(report.recommendation))
    per_question = [f"{_score_shown(s)} {_clean(str(s.get('topic') or s.get('question_id')))}"
                    f": {_cut(_clean(str(s.get('question') or '')), QUESTION_PREVIEW)}"
                    for s in scores]
    _add_list(embed, "Scores by question", per_question, "No question was scored.")
    # The report's own sections are Markdown written by the core: kept, mentions defused.
    _add_list(embed, "Strengths", [f"• {_defuse(x)}" for x in data.get("key_strengths") or []],
              "None shown in this interview.")
    _add_list(embed, "Gaps",
              [f"• {_defuse(x)}" for x in data.get("areas_for_development") or []],
              "None named.")
    embed.add_field(name="Interview thread",
                    value=f"[Open the thread]({link})" if link else "Link unavailable",
                    inline=False)
    embed.set_footer(text=_cut(f"Interview {report.interview_id[:8]} · full HR report "
                               f"attached · {HUMAN_REVIEW}", 2048))
    return _fit(embed)


def _score_shown(score: dict[str, Any]) -> str:
    """The machine's score, and a recruiter's beside it once reviewed (issue 12)."""
    human = score.get("human")
    if not human:
        return f"**{score.get('score')}/5**"
    who = _clean(str(human.get("reviewer") or ""))
    if human.get("verdict") == "agree":
        return f"**{human.get('score')}/5** (agreed by {who})"
    return f"~~{score.get('score')}/5~~ **{human.get('score')}/5** (adjusted by {who})"


def report_file(report: ReportDelivery) -> discord.File:
    """The full HR report (every section, scores with justifications and evidence)."""
    name = f"interview-{report.interview_id[:8]}-report.md"
    return discord.File(io.BytesIO(report.markdown.encode("utf-8")), filename=name,
                        description=f"Full HR report for interview {report.interview_id[:8]}")


def _add_list(embed: discord.Embed, name: str, lines: Iterable[str], empty: str) -> None:
    """One field, continued in more fields when the lines pass 1,024 characters; a line is
    never split across fields."""
    chunk: list[str] = []
    size = 0
    first = True
    for line in (_cut(line, FIELD_LIMIT) for line in lines):
        if chunk and size + len(line) + 1 > FIELD_LIMIT:
            embed.add_field(name=name if first else f"{name} (continued)",
                            value="\n".join(chunk), inline=False)
            chunk, size, first = [], 0, False
        chunk.append(line)
        size += len(line) + 1
    embed.add_field(name=name if first else f"{name} (continued)",
                    value="\n".join(chunk) if chunk else f"_{empty}_", inline=False)


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop the longest list fields' tails until the embed is under Discord's totals; the
    attached file has everything."""
    while len(embed) > EMBED_LIMIT or len(embed.fields) > 25:
        index = max(range(len(embed.fields) - 1), key=lambda i: len(embed.fields[i].value or ""))
        field = embed.fields[index]
        lines = (field.value or "").removesuffix("\n…").split("\n")
        if len(lines) <= 1:
            embed.remove_field(index)
        else:
            embed.set_field_at(index, name=field.name, value="\n".join(lines[:-1]) + "\n…",
                               inline=False)
    return embed


def _colour(recommendation: str) -> int:
    lowered = recommendation.lower()
    for start, colour in COLOUR.items():
        if lowered.startswith(start):
            return colour
    return 0x9E9E9E


def _clean(text: str) -> str:
    """Names and questions shown as text: no mentions, no Markdown surprises."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(str(text)))


def _defuse(text: str) -> str:
    return discord.utils.escape_mentions(str(text))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
