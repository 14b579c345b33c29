"""Pathological inputs for every regex that sees candidate or model text, shared by
tests/test_linear_text.py (the budget) and bench/bench_text_linear.py (the table).

To cover more code, add to `FUNCTIONS` a (name, function, input builder) triple, and to
`PATTERNS` a module's compiled patterns: every pattern is run against every input in
`GENERIC_INPUTS`, which repeat the fragments quadratic patterns choke on (a run of
whitespace across lines, an opener never closed, an opener repeated inside itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.discord import split as discord_split
from adapters.discord import translate as discord_translate
from adapters.slack import commands as slack_commands
from adapters.slack import mrkdwn
from bot import guard, inbound, intents, requests, text, transcript
from bot.roles import load_role
from bot.scoring import items as scoring_items
from bot.scoring import language as scoring_language
from bot.scoring import offline as scoring_offline
from bot.scoring import rubric as scoring_rubric
from bot.scoring.items import item_for
from storage import repository

SIZE = 50_000
BUDGET_SECONDS = 0.05


def repeat(unit: str, size: int = SIZE) -> Callable[[], str]:
    """`unit` repeated to exactly `size` characters."""
    return lambda: (unit * (size // len(unit) + 1))[:size]


def prefixed(head: str, unit: str, size: int = SIZE) -> Callable[[], str]:
    return lambda: head + repeat(unit, size - len(head))()


GENERIC_INPUTS: dict[str, Callable[[], str]] = {
    "spaces": repeat(" "),
    "newline-space": repeat("\n "),
    "newlines": repeat("\n"),
    "tabs-then-word": repeat("\t\t\tword"),
    "letters": repeat("a"),
    "dotted": repeat("a."),
    "dashed": repeat("a-"),
    "hex": repeat("0123456789abcdef"),
    "angle-tool": repeat("<tool"),
    "angle-http": repeat("<http:"),
    "angle-mention": repeat("<@U1|"),
    "discord-mentions": repeat("<@!1169400000000002003"),
    "brackets": repeat("["),
    "bracket-caps": repeat("[A "),
    "bracket-word": repeat("[name "),
    "braces": repeat("{ "),
    "brace-quote": repeat('{"'),
    "brace-apostrophe": repeat("{'"),
    "file-quote": repeat('File "'),
    "print-call": repeat("print(a"),
    "stars": repeat("*"),
    "star-letter": repeat("*a"),
    "double-star": repeat("**a "),
    "underscores": repeat("__a "),
    "tildes": repeat("~~a "),
    "bars": repeat("||a "),
    "backticks": repeat("`"),
    "fences": repeat("``` "),
    "link-open": repeat("[a](b"),
    "link-label": repeat("[a]"),
    "urls": repeat("http://"),
    "www": repeat("www."),
    "headings": repeat("# a  "),
    "heading-then-spaces": prefixed("# a", " "),
    "quote-runs": repeat(".'''''''"),
    "sentences": repeat("End. "),
    "exceptions": repeat("\nValueError"),
    "zero-width": repeat("tool\u200b"),
    "full-width": repeat("ｔｏｏｌ"),
    "surrogates": repeat("\ud800a"),
}

# Every compiled pattern that sees candidate or model text, by where it lives.
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "bot.guard": guard.PATTERNS,
    "bot.inbound": inbound.PATTERNS,
    "adapters.slack.mrkdwn": mrkdwn.PATTERNS,
    "adapters.slack.commands": (slack_commands._USER, slack_commands._GROUP,
                                slack_commands._CHANNEL, slack_commands._INTERVIEW_ID),
    "adapters.discord.split": discord_split.PATTERNS,
    "adapters.discord.translate": discord_translate.PATTERNS,
    "storage.repository": (repository._INTERVIEW_ID,),
    "bot.requests": requests.PATTERNS,
    # intents._INJECTION runs only behind its word prefilter: measured as
    # intents.injection_attempt in FUNCTIONS and SPECIFIC below.
    "bot.intents": (intents._DONT_KNOW, intents._NO_MORE),
    "bot.text": (text._SENTENCE_END, text._WORD, text._BRITISH),
    "bot.scoring.language": (scoring_language._CONTRACTION, scoring_language._TOKEN),
    "bot.scoring.items": (scoring_items._REQUEST,),
    "bot.scoring.rubric": scoring_rubric.PATTERNS,
    "bot.transcript": (transcript._SPEAKER_LINE, transcript._CANDIDATE_QUESTION_PROMPT,
                       transcript._FOLLOWUP_CUE, transcript._NEW_TOPIC_CUE,
                       transcript._ANAPHORA, transcript._INTRO_CUE, transcript._PROJECT_CUE,
                       transcript._LIST_ITEM),
}


def _score_slow_query(answer: str) -> object:
    """The offline scorer on one answer (every sentence read, every pattern of the
    question's rubric tried): the heaviest text work an interview does."""
    role = load_role("database-administrator")
    return scoring_offline.score_offline(item_for(role, 1, "slow-query-diagnosis", "", [answer]))

# Whole functions on the inputs that hurt them most (each also runs every generic input).
FUNCTIONS: list[tuple[str, Callable[[str], object]]] = [
    # Longer texts are refused unread, so the guard is measured at its cap.
    ("guard.find_violations", lambda text: guard.find_violations(text[:guard.MAX_CHECKED])),
    ("inbound.clean_text", inbound.clean_text),
    ("mrkdwn.unescape", mrkdwn.unescape),
    ("mrkdwn.from_markdown", mrkdwn.from_markdown),
    ("mrkdwn.split_text", lambda text: mrkdwn.split_text(text, 2900)),
    ("discord split_message", discord_split.split_message),
    # Reads at most its first 3,000 characters, like the flow.
    ("requests.requests_in", requests.requests_in),
    ("intents.injection_attempt", intents.injection_attempt),
    ("text.sentences", text.sentences),
    ("scoring: read an answer", scoring_language.read_answer),
    ("scoring: score an answer (at the flow's 3,000-character read)",
     lambda answer: _score_slow_query(answer[:3000])),
]

# Inputs a particular function is known to have been slow on (the measurements).
SPECIFIC: list[tuple[str, Callable[[str], object], Callable[[], str]]] = [
    ("guard: a 16,070-character message that passes", guard.find_violations,
     prefixed("Thanks.", "\n", 16_070)),
    ("guard: the same at its 40,000-character cap", guard.find_violations,
     prefixed("Thanks.", " \n", guard.MAX_CHECKED)),
    ("split: inline code everywhere", discord_split.split_message, repeat("`a` ")),
    ("split: one bold span longer than a message", discord_split.split_message,
     prefixed("**", "bold ")),
    ("split: one fence longer than a message", discord_split.split_message,
     prefixed("```sql\n", "SELECT 1;\n")),
    ("unescape: links inside links", mrkdwn.unescape, repeat("<https://a|")),
    ("requests: a request's words repeated", requests.requests_in,
     repeat("can i talk to a real person who ")),
    ("requests: why did I without a score word", requests.requests_in,
     repeat("why did i get ")),
    ("injection: its trigger words everywhere", intents.injection_attempt,
     repeat("please rate the answer as the model note ")),
    ("injection: a line of spaces before each 'system'", intents.injection_attempt,
     repeat("\n        system")),
]
