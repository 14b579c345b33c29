"""The small words of the offline interviewer: acknowledgements, replies to small talk and to
questions about a question, the greeting's outline of the interview.

Four fixed acknowledgements rotated by turn number gave "Understood, thank you." 167 times
across 40 demos (issue 15). Here each acknowledgement refers to what the candidate just did
(introduced themselves, told a project story, answered, added to an answer, said they did
not know) and never judges it; within a pool the pick moves with the question number, so
one interview does not repeat itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.roles import Question

MINUTES_PER_QUESTION = 6  # a written answer of a paragraph or two, read and typed

_AFTER_INTRO = (
    "Thanks for the introduction{name}.",
    "Nice to meet you{name}, and thanks for the overview.",
    "Thank you{name}, that gives me a picture of your background.",
)
_AFTER_PROJECT = (
    "Thanks for walking me through that project.",
    "Thank you for the story of that project.",
    "Thanks for describing your part in that project.",
)
_AFTER_ANSWER = (
    "Thanks for talking me through that.",
    "Thank you, I have your answer.",
    "Thanks for explaining your approach.",
    "Got it, thank you.",
    "Thanks, that's noted.",
    "Thank you for going through that.",
)
_AFTER_FOLLOWUP = (
    "Thanks for adding to that.",
    "Thank you for the extra detail.",
    "Thanks for expanding on it.",
    "Thank you for coming back to that.",
    "Thanks for the follow-up answer.",
)
_AFTER_BRIEF = (
    "Thanks. Let's move on.",
    "All right, on to the next one.",
    "Thank you; let's continue.",
    "Okay, thank you. Next one.",
    "Thanks, let's go on.",
)
_AFTER_ROLE_QUESTION = (
    "I'll keep your question for the end.",
    "Your question can wait for the end, where there's time for it.",
    "We'll come to your questions at the end.",
)
_AFTER_MOVED_ON = (
    "Let's move on.",
    "Let's go on to the next one.",
    "We'll leave that one there.",
    "On to the next one, then.",
    "Let's continue.",
)
AFTER_DONT_KNOW = (
    "That's fine, thanks for saying so; let's move on.",
    "No problem, thanks for being upfront. Let's move on.",
    "Fair enough, thank you for saying so.",
    "That's all right; thank you for being honest about it.",
    "No problem at all; we'll go on to the next one.",
)
_AFTER_NO_ANSWER = (
    "I didn't get an answer in words to that one, so let's move on; I've noted it.",
    "No answer in words came through for that one, so I've noted it and we'll move on.",
    "I've noted that no answer in words came for that one; let's go on.",
)

_THANKS = re.compile(r"\b(?:thanks|thank you|thx|ty|cheers|appreciate)\b", re.IGNORECASE)
_HELLO = re.compile(r"^\W*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|"
                    r"greetings|nice to meet you)\b", re.IGNORECASE)
_HOW_ARE_YOU = re.compile(r"\bhow are you\b|\bhow's it going\b|\bhow is it going\b|"
                          r"\bwhat's up\b", re.IGNORECASE)
_WAIT = re.compile(r"\b(?:sec|second|moment|minute|hold on|brb|be right back|back|sorry)\b",
                   re.IGNORECASE)
_BOT = re.compile(r"\b(?:bot|robot|human|real person)\b", re.IGNORECASE)


_ABOUT = (
    "Thanks, I've noted what you said about {term}.",
    "Thank you; I have your answer, including what you said about {term}.",
    "Thanks for the part about {term}, and for the rest of that answer.",
)


def mentioned_skill(message: str, skills: list[str]) -> str:
    """The most specific of the role's skills the message names, written as the candidate
    wrote it ("Patroni", "point-in-time recovery"), or "" when it names none."""
    found = []
    # Every reply is searched for every skill; in ASCII text an ASCII skill that is not a
    # substring in lowercase cannot match, and most are not (beyond ASCII, case folding
    # has exceptions such as the Kelvin sign, so the pattern decides alone).
    lowered = message.lower() if message.isascii() else None
    for skill in skills:
        if lowered is not None and skill.isascii() and skill.lower() not in lowered:
            continue
        match = _skill_pattern(skill).search(message)
        if match:
            found.append(match.group(0))
    return max(found, key=len) if found else ""


@lru_cache(maxsize=1024)
def _skill_pattern(skill: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(skill) + r"(?![\w-])", re.IGNORECASE)


# What the flow said happened comes first; then what the candidate replied to.
_BY_REASON = {"dont_know": AFTER_DONT_KNOW, "no answer": _AFTER_NO_ANSWER,
              "moved on": _AFTER_MOVED_ON}
_BY_ANSWERED = {"role_question": _AFTER_ROLE_QUESTION, "intro": _AFTER_INTRO,
                "project": _AFTER_PROJECT, "followup": _AFTER_FOLLOWUP, "brief": _AFTER_BRIEF}


def acknowledgement(*, answered: str, reason: str, index: int, name: str = "",
                    mentioned: str = "") -> str:
    """The opening of the next question. `answered` is what the candidate just replied to
    ("intro", "project", "technical", "followup", "brief" for a reply to a follow-up that
    added little, or "role_question" when they asked one instead); `reason` is the flow's
    ("dont_know", "no answer", "moved on" or ""); `index` moves the pick along the
    interview; `mentioned` is a skill the answer named."""
    pool = _BY_REASON.get(reason) or _BY_ANSWERED.get(answered)
    if pool is None:
        if mentioned and index % 2:
            # Every other answer that names one of the role's skills hears it named back.
            return _ABOUT[(index // 2) % len(_ABOUT)].format(term=mentioned)
        pool = _AFTER_ANSWER
    return pool[index % len(pool)].format(name=f", {name}" if name else "")


def question_heading(number: int, total: int, topic: str) -> str:
    """'Question 2 of 4 (Backup and recovery):' with the topic as the role file writes it."""
    return f"Question {number} of {total} ({topic}):"


def small_talk_reply(message: str, *, greeting: bool) -> str:
    """A short, friendly answer to small talk; the caller adds the question again."""
    if _BOT.search(message):
        return ("Yes, I'm an AI interviewer; a person on the hiring team reviews the whole "
                "interview.")
    if _HOW_ARE_YOU.search(message):
        return "I'm well, thank you for asking."
    if _HELLO.search(message):
        return "Hello!" if greeting else "Hello again!"
    if _THANKS.search(message):
        return "You're welcome."
    if _WAIT.search(message):
        return "No rush, take your time."
    return "Sure."


# Another way to put the introduction and the project question, for "what do you mean?".
REPHRASED_INTRO = ("In a few sentences: what you do now, how long you have done it, and what "
                   "in your background fits this role.")
REPHRASED_PROJECT = ("Pick one piece of work you did yourself: what the problem was, what you "
                     "did about it, and how it turned out.")


def clarification(message: str, question: Question | None, *, prompt: str,
                  stage: str = "technical") -> str:
    """An answer to a question about the interview question: narrow it or put it another
    way, then wait for the answer. Never a hint at what a good answer says. `prompt` is the
    question as asked; `question` the bank question, when it is one."""
    lowered = message.lower()
    if re.search(r"\b(?:work|personal|side|hobby|real|professional|open[- ]source|school|"
                 r"university)\b.{0,40}\bor\b|\bor\b.{0,40}\b(?:work|personal|side|hobby|"
                 r"real|professional|open[- ]source|school|university)\b", lowered):
        opening = "Either is fine: pick the one you know best and tell me which it is."
    elif re.search(r"\b(?:can|may|could) i (?:talk about|use|describe|pick|choose|answer)\b|"
                   r"\bis it (?:ok|okay|fine|alright)\b|\bdoes it (?:have|need) to be\b",
                   lowered):
        opening = "Yes, that's fine; just say briefly what you're basing it on."
    elif re.search(r"\b(?:assume|instead|focus|for mysql|for postgres|which (?:database|"
                   r"version|engine|cloud|language|framework))\b", lowered):
        opening = ("Go with whatever you know best; just say what you're assuming as you go.")
    elif re.search(r"\bhow (?:much|long|detailed|deep|technical)\b|\bdetail\b|\bcode\b|"
                   r"\bsql\b|\bwrite\b", lowered):
        opening = ("A few short paragraphs is plenty: what you would do, in what order, and "
                   "why. Code or commands are welcome where they help.")
    elif re.search(r"\bor\b", lowered):
        opening = "Whichever you know best is fine; say which one you're answering for."
    else:
        rephrased = (question.followups.depth if question is not None and question.followups
                     and question.followups.depth else
                     REPHRASED_INTRO if stage == "greeting" else
                     REPHRASED_PROJECT if stage == "project" else None)
        if rephrased:
            return f"Let me put it another way. {rephrased}"
        opening = "Let me put it another way."
    return f"{opening} The question again: {prompt}"


def interview_outline(technical: int) -> str:
    """How many questions, roughly how long, and that they can pause: the greeting's
    promise of what is coming."""
    total = technical + 2
    low = total * MINUTES_PER_QUESTION - 5
    high = total * MINUTES_PER_QUESTION + 5
    return (f"There are {total} questions: a short introduction, one about a project of "
            f"yours, and {technical} technical ones, then time for your own questions. Most "
            f"people take {low} to {high} minutes in all, and you don't need to do it in one "
            "sitting: reply `pause` to take a break, `resume` to carry on and `withdraw` to "
            "stop.")
