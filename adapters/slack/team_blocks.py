"""Block Kit for a person in the loop (issue 12): the notices in the recruiter channel (a
candidate asks for a person, a message relayed from their DM, late messages, an erasure)
with their "Take over" and "Hand back" buttons, each question's review menu on the report
card, and the modal that adjusts a score.

Shapes from docs.slack.dev (Block Kit reference: section with an `overflow` accessory,
`actions` with `button`s, a modal `view` with `input` blocks holding a `static_select`
and a `plain_text_input`). Candidate and recruiter text is escaped (`mrkdwn.escape`) so it
cannot mention anyone or turn into links; the core's own text is converted from Markdown.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.mrkdwn import escape, from_markdown, split_text
from bot.ports import TeamNotice

Block = dict[str, Any]

TAKEOVER_ACTION_ID = "interview_takeover"
HANDBACK_ACTION_ID = "interview_handback"
REVIEW_ACTION_ID = "interview_review"
ADJUST_FORM_ID = "interview_review_adjust"
SECTION_LIMIT = 3000
QUOTE_LIMIT = 2900
# Where a recruiter talks with the candidate on Slack: a DM the recruiter cannot see.
WHERE_TO_WRITE = ("Write in this thread to reach the candidate: I relay each message to their "
                  "DM, signed with your name, and relay theirs here.")
BUTTONS = {
    "takeover": (TAKEOVER_ACTION_ID, "Take over", "primary"),
    "handback": (HANDBACK_ACTION_ID, "Hand back to the bot", None),
}


def _text(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": kind, "text": text}


def notice_text(notice: TeamNotice) -> str:
    """The core's Markdown as mrkdwn, the candidate's name escaped into it."""
    return from_markdown(notice.text).replace("{candidate}", escape(notice.candidate_name))


def quoted(words: str) -> str:
    """Someone's own words as a mrkdwn quote: escaped, every line marked."""
    lines = escape(words.strip()).splitlines() or [""]
    return "\n".join(f">{' ' if line else ''}{line}" for line in lines)


def notice_blocks(notice: TeamNotice, permalink: str | None) -> list[Block]:
    text = notice_text(notice)
    if notice.kind == "takeover":
        text += " " + WHERE_TO_WRITE
    blocks: list[Block] = [{"type": "section", "text": _text(part)}
                           for part in split_text(text, SECTION_LIMIT)]
    if notice.quote:
        blocks += [{"type": "section", "text": _text(part)}
                   for part in split_text(quoted(notice.quote[:QUOTE_LIMIT * 3]),
                                          SECTION_LIMIT)]
    if notice.kind not in ("relay", "erasure"):  # an erased interview has nothing to open
        where = (f"<{permalink}|Interview thread>" if permalink
                 else "Interview thread: link unavailable")
        blocks.append({"type": "context", "elements": [
            _text(f"{where} · id `{notice.interview_id[:8]}`")]})
    buttons = [_button(action, notice.interview_id) for action in notice.actions
               if action in BUTTONS]
    if buttons:
        blocks.append({"type": "actions", "block_id": "handover", "elements": buttons})
    return blocks


def notice_fallback(notice: TeamNotice) -> str:
    """The notification text: the first sentence, plain."""
    first = notice_text(notice).split(". ")[0]
    return first[:300] if notice.kind != "relay" else f"{first} {escape(notice.quote)[:200]}"


def _button(action: str, interview_id: str) -> Block:
    action_id, label, style = BUTTONS[action]
    button: Block = {"type": "button", "action_id": action_id, "value": interview_id,
                     "text": _text(label, "plain_text")}
    if style:
        button["style"] = style
    return button


# ------------------------------------------------------------------ reviews


def score_line(score: dict[str, Any]) -> str:
    """One question on the card: the machine's score, and the person's when reviewed."""
    topic = escape(str(score.get("topic") or score.get("question_id") or ""))
    human = score.get("human")
    if not human:
        return f"*{score.get('score')}/5* {topic}"
    who = escape(str(human.get("reviewer") or ""))
    if human.get("verdict") == "agree":
        return f"*{human.get('score')}/5* {topic} · _agreed by {who}_"
    return f"~{score.get('score')}/5~ *{human.get('score')}/5* {topic} · _adjusted by {who}_"


def review_section(score: dict[str, Any], interview_id: str) -> Block:
    """A question with its review menu: "Agree" or "Adjust…"."""
    position = score.get("position")
    return {"type": "section", "text": _text(score_line(score)), "accessory": {
        "type": "overflow", "action_id": REVIEW_ACTION_ID, "options": [
            {"text": _text("Agree", "plain_text"), "value": f"agree:{interview_id}:{position}"},
            {"text": _text("Adjust…", "plain_text"),
             "value": f"adjust:{interview_id}:{position}"}]}}


def parse_review_value(value: str) -> tuple[str, str, int] | None:
    """`agree:<interview id>:<position>` → its parts (None for anything else)."""
    parts = value.split(":")
    if len(parts) != 3 or parts[0] not in ("agree", "adjust") or not parts[2].isdigit():
        return None
    return parts[0], parts[1], int(parts[2])


def adjust_form(*, topic: str, question: str, machine_score: int, justification: str,
                metadata: dict[str, Any]) -> dict[str, Any]:
    """The modal "Adjust…" opens: a score 1-5 (the machine's preselected) and a reason."""
    options = [{"text": _text(f"{n}/5", "plain_text"), "value": str(n)} for n in range(1, 6)]
    initial = next(o for o in options if o["value"] == str(min(max(machine_score, 1), 5)))
    about = (f"*{escape(topic)}*: the machine scored *{machine_score}/5*.\n"
             f"_{escape(question)[:600]}_\n{escape(justification)[:1500]}")
    return {
        "type": "modal",
        "callback_id": ADJUST_FORM_ID,
        "private_metadata": json.dumps(metadata),
        "title": _text("Adjust the score", "plain_text"),
        "submit": _text("Save", "plain_text"),
        "close": _text("Cancel", "plain_text"),
        "blocks": [
            {"type": "section", "text": _text(about[:SECTION_LIMIT])},
            {"type": "input", "block_id": "score", "label": _text("Your score", "plain_text"),
             "element": {"type": "static_select", "action_id": "score", "options": options,
                         "initial_option": initial}},
            {"type": "input", "block_id": "reason", "label": _text("Why", "plain_text"),
             "hint": _text("Kept with your score; the report shows both.", "plain_text"),
             "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                         "max_length": 1000}},
        ],
    }


def review_posted_text(*, who: str, topic: str, verdict: str, machine: int, human: int,
                       reason: str) -> str:
    """The line posted under the card for the record: who reviewed what, and why."""
    if verdict == "agree":
        return f"{escape(who)} agreed with *{escape(topic)}*: {machine}/5."
    return (f"{escape(who)} adjusted *{escape(topic)}*: {machine}/5 → *{human}/5*.\n"
            f"{quoted(reason)}")
