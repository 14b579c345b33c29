"""Block Kit for recruiters: the report card, the full report as thread replies, the start
form, and the short replies to `/interview`.

Slack's limits shape this module: a section's text is at most 3,000 characters, a header's
150, a message at most 50 blocks and 40,000 characters of text, and, undocumented, a
message's blocks at most about 12,000 characters in all (`msg_blocks_too_long`; bolt-js
issues #2509 and #2867 saw 11,341 refused). Every message built here keeps its blocks,
measured as their JSON, under `BLOCKS_BUDGET`: the card drops list items it cannot fit
(the thread has them all), and the full report takes as many thread replies as it needs.
Candidate-supplied text (names, quotes) is escaped so it cannot mention or link anyone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.slack.mrkdwn import escape, from_markdown, split_text
from adapters.slack.team_blocks import review_section
from bot.ports import ReportDelivery
from bot.roles import Role

SECTION_LIMIT = 3000
REPORT_CHUNK = 2900  # under SECTION_LIMIT, leaving room for mrkdwn escapes added later
BLOCKS_BUDGET = 10_000  # per message, as JSON: well under the ~12,000 Slack refuses
ITEM_LIMITS = ((None, None), (8, 600), (5, 300), (3, 160), (1, 120), (0, 0))
START_FORM_ID = "interview_start"
CANCEL_ACTION_ID = "interview_cancel"
HUMAN_REVIEW = ("A recommendation for a person to review, not a decision: read the answers "
                "before deciding anything.")

Block = dict[str, Any]


def _text(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": kind, "text": text}


def _sections(text: str) -> list[Block]:
    return [{"type": "section", "text": _text(part)}
            for part in split_text(text, SECTION_LIMIT)]


def _bullets(items: Iterable[str], empty: str) -> str:
    lines = [f"• {from_markdown(item)}" for item in items]
    return "\n".join(lines) if lines else f"_{empty}_"


def blocks_size(blocks: list[Block]) -> int:
    """What counts against BLOCKS_BUDGET: the blocks as Slack receives them (JSON)."""
    return len(json.dumps(blocks, ensure_ascii=False))


def report_card(report: ReportDelivery, permalink: str | None) -> list[Block]:
    """`report_blocks`, with fewer and shorter strengths and gaps until it fits the budget."""
    for items, chars in ITEM_LIMITS:
        blocks = report_blocks(report, permalink, max_items=items, item_chars=chars)
        if blocks_size(blocks) <= BLOCKS_BUDGET:
            return blocks
    return blocks  # pragma: no cover - the fixed parts alone are far under the budget


def report_blocks(report: ReportDelivery, permalink: str | None, *,
                  max_items: int | None = None, item_chars: int | None = None) -> list[Block]:
    """The card a recruiter scans: who, which role, the recommendation and the evidence.
    `max_items` and `item_chars` shorten the strengths and gaps to fit a message."""
    data = report.export.get("report") or {}
    scores = report.export.get("scores") or []
    score = f"{report.overall_score:.1f} / 5" + (" (partial)" if report.partial else "")
    blocks: list[Block] = [
        {"type": "header", "text": _text(
            f"Interview report: {report.candidate_name} · {report.role_title}"[:150],
            "plain_text")},
        {"type": "section", "fields": [
            _text(f"*Candidate*\n{escape(report.candidate_name)}"),
            _text(f"*Role*\n{escape(report.role_title)}"),
            _text(f"*Recommendation*\n{escape(report.recommendation)}"),
            _text(f"*Overall score*\n{score}"),
        ]},
    ]
    if report.partial:
        blocks.append({"type": "context", "elements": [_text(
            "_Partial: the interview did not reach its end; unasked topics are unassessed._")]})
    if scores:  # each with its review menu (issue 12): "Agree" or "Adjust…"
        blocks.append({"type": "section", "text": _text(
            "*Scores by question* · review each with its ⋯ menu: agree, or adjust it")})
        blocks += [review_section(s, report.interview_id) for s in scores]
    else:
        blocks += _sections("*Scores by question*\n_No question was scored._")
    for title, key, empty in (("Strengths", "key_strengths", "None shown in this interview."),
                              ("Gaps", "areas_for_development", "None named.")):
        items = _shortened(data.get(key) or [], max_items, item_chars)
        blocks += _sections(f"*{title}*\n" + _bullets(items, empty))
    where = f"<{permalink}|Interview thread>" if permalink else "Interview thread: link unavailable"
    blocks.append({"type": "context", "elements": [
        _text(f"{where} · id `{report.interview_id[:8]}` · full report in the thread below"),
        _text(HUMAN_REVIEW)]})
    return blocks


def _shortened(items: list[str], max_items: int | None, item_chars: int | None) -> list[str]:
    if max_items is None:
        return list(items)
    kept = [item if item_chars is None or len(item) <= item_chars
            else item[:item_chars - 1].rstrip() + "…" for item in items[:max_items]]
    if len(items) > len(kept):
        kept.append(f"…and {len(items) - len(kept)} more in the full report below")
    return kept


def report_fallback_text(report: ReportDelivery) -> str:
    """Notification text (shown where blocks are not): mrkdwn too, so escaped as well."""
    return (f"Interview report: {escape(report.candidate_name)}, {escape(report.role_title)}: "
            f"{escape(report.recommendation)} ({report.overall_score:.1f}/5)")


def report_thread_messages(markdown: str) -> list[tuple[str, list[Block]]]:
    """The full HR report as (fallback text, blocks) messages for the card's thread: as many
    sections per message as keep its blocks within BLOCKS_BUDGET."""
    groups: list[list[Block]] = []
    for piece in split_text(from_markdown(markdown), REPORT_CHUNK):
        block = {"type": "section", "text": _text(piece)}
        if groups and blocks_size([*groups[-1], block]) <= BLOCKS_BUDGET:
            groups[-1].append(block)
        else:
            groups.append([block])
    return [(f"Full HR report, part {n} of {len(groups)}", group)
            for n, group in enumerate(groups, start=1)]


def start_form(roles: Sequence[Role], *, private_metadata: dict[str, str]) -> dict[str, Any]:
    """The modal `/interview` opens when typed alone."""
    options = [{"text": _text(f"{r.title} ({r.name})"[:75], "plain_text"), "value": r.name}
               for r in roles[:100]]
    return {
        "type": "modal",
        "callback_id": START_FORM_ID,
        "private_metadata": json.dumps(private_metadata),
        "title": _text("Start an interview", "plain_text"),
        "submit": _text("Start", "plain_text"),
        "close": _text("Cancel", "plain_text"),
        "blocks": [
            {"type": "input", "block_id": "candidate", "label": _text("Candidate", "plain_text"),
             "element": {"type": "users_select", "action_id": "candidate",
                         "placeholder": _text("Who are you interviewing?", "plain_text")}},
            {"type": "input", "block_id": "role", "label": _text("Role", "plain_text"),
             "element": {"type": "static_select", "action_id": "role", "options": options,
                         "placeholder": _text("Pick a role", "plain_text")}},
            {"type": "input", "block_id": "resume", "optional": True,
             "label": _text("Resume", "plain_text"),
             "hint": _text("Paste it as text; the project question is drawn from it.",
                           "plain_text"),
             "element": {"type": "plain_text_input", "action_id": "resume", "multiline": True,
                         "max_length": 3000}},
            {"type": "input", "block_id": "deadline", "optional": True,
             "label": _text("Deadline", "plain_text"),
             "element": {"type": "datepicker", "action_id": "deadline"}},
        ],
    }


def started_blocks(*, interview_id: str, candidate_id: str, role_title: str) -> list[Block]:
    """The recruiter's confirmation, with a button to undo a mistaken start."""
    return [
        {"type": "section", "text": _text(
            f"Started interview `{interview_id[:8]}` with <@{candidate_id}> for "
            f"*{escape(role_title)}*. They have a DM from me; the report goes to the "
            "recruiter channel when it ends.")},
        {"type": "actions", "elements": [{
            "type": "button", "action_id": CANCEL_ACTION_ID, "value": interview_id,
            "style": "danger", "text": _text("Cancel interview", "plain_text"),
            "confirm": {"title": _text("Cancel this interview?", "plain_text"),
                        "text": _text("The candidate is told the interview is closed."),
                        "confirm": _text("Cancel it", "plain_text"),
                        "deny": _text("Keep it", "plain_text")}}]},
    ]


def roles_text(roles: Sequence[Role]) -> str:
    if not roles:
        return "No roles are installed."
    return "*Roles*\n" + "\n".join(f"• `{r.name}`: {escape(r.title)} ({len(r.questions)} "
                                    "questions)" for r in roles)
