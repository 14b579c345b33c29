"""Block Kit for recruiters: the report card, the full report as thread replies, the start
form, and the short replies to `/interview`.

Slack's limits shape this module: a section's text is at most 3,000 characters, a header's
150, a message at most 50 blocks and 40,000 characters of text. Candidate-supplied text
(names, quotes) is escaped so it cannot mention or link anyone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.slack.mrkdwn import escape, from_markdown, split_text
from bot.ports import ReportDelivery
from bot.roles import Role

SECTION_LIMIT = 3000
REPORT_CHUNK = 2900  # under SECTION_LIMIT, leaving room for mrkdwn escapes added later
BLOCKS_PER_REPLY = 10  # 10 x 2,900 characters stays well under 40,000 per message
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


def report_blocks(report: ReportDelivery, permalink: str | None) -> list[Block]:
    """The card a recruiter scans: who, which role, the recommendation and the evidence."""
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
    per_question = "\n".join(
        f"• *{s.get('score')}/5* {escape(str(s.get('topic') or s.get('question_id') or ''))}"
        for s in scores)
    blocks += _sections("*Scores by question*\n" + (per_question or "_No question was scored._"))
    blocks += _sections("*Strengths*\n" + _bullets(data.get("key_strengths") or [],
                                                   "None shown in this interview."))
    blocks += _sections("*Gaps*\n" + _bullets(data.get("areas_for_development") or [],
                                              "None named."))
    where = f"<{permalink}|Interview thread>" if permalink else "Interview thread: link unavailable"
    blocks.append({"type": "context", "elements": [
        _text(f"{where} · id `{report.interview_id[:8]}` · full report in the thread below"),
        _text(HUMAN_REVIEW)]})
    return blocks


def report_fallback_text(report: ReportDelivery) -> str:
    """Notification text (shown where blocks are not)."""
    return (f"Interview report: {report.candidate_name}, {report.role_title}: "
            f"{report.recommendation} ({report.overall_score:.1f}/5)")


def report_thread_messages(markdown: str) -> list[tuple[str, list[Block]]]:
    """The full HR report as (fallback text, blocks) messages for the card's thread."""
    pieces = split_text(from_markdown(markdown), REPORT_CHUNK)
    groups = [pieces[i:i + BLOCKS_PER_REPLY] for i in range(0, len(pieces), BLOCKS_PER_REPLY)]
    return [
        (f"Full HR report, part {n} of {len(groups)}",
         [{"type": "section", "text": _text(piece)} for piece in group])
        for n, group in enumerate(groups, start=1)
    ]


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
