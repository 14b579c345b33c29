"""What a model-written message must mean before a candidate sees it.

The output guard (`bot/guard.py`) stops tool calls, placeholders and JSON; it cannot tell
that a project "question" is only the résumé line, that a closing turn never invites
questions, or that a wrap-up is the instruction read back ("Thank Robert, say a person on
the hiring team will review..."). A real 0.5B model produced each of these
(tests/data/real-model-outputs/). So each kind of message has its own checks here; a
message that fails any of them is replaced by the offline wording for that turn.

Where the content is fixed by the flow, the model does not write it at all: a technical
question is the bank question verbatim, so it can be neither inverted nor cut; the model
writes only the acknowledgement before it (and the note before a repeated question).
"""

from __future__ import annotations

import re

from bot.brains.base import ComposeRequest
from bot.flow import Kind
from bot.followups import leaks_rubric
from bot.roles import Role
from bot.text import sentences, word_count, words

MAX_WORDS = {Kind.GREETING: 60, Kind.PROJECT: 90, Kind.TECHNICAL: 30, Kind.FOLLOWUP: 60,
             Kind.CANDIDATE_QUESTIONS: 60, Kind.WRAP_UP: 70}
MAX_SENTENCES = {Kind.GREETING: 3, Kind.PROJECT: 4, Kind.TECHNICAL: 2, Kind.FOLLOWUP: 3,
                 Kind.CANDIDATE_QUESTIONS: 4, Kind.WRAP_UP: 4}
DEFLECTION_NOTE_WORDS = 45
ANSWER_EXTRA_WORDS = 90

_REFUSAL = re.compile(
    r"\bI'?m sorry,? but\b|\bI (?:can(?:no|')t|am unable to|'m unable to) (?:assist|help)|"
    r"\bas an AI\b|\bI don'?t have access\b|\blanguage model\b", re.I)
# The task read back: the candidate spoken of in the third person, the instruction's verbs
# opening a sentence, or the task's own vocabulary.
_ECHO = re.compile(
    r"\bthe (?:candidate|interviewee|applicant)\b|\btheir answers\b|\bcontact them\b|"
    r"\byour task\b|\bthe task\b|\bsoftware adds\b|\bcandidate markers?\b|<<<|\brubric\b|"
    r"\bjob-description passages?\b|\binvite nothing\b|\bno question\b", re.I)
_INSTRUCTION_START = re.compile(
    r"^(?:say|ask|write|acknowledge|invite|close the interview|answer the|thank \w+,?\s+"
    r"(?:and\s+)?(?:say|tell))\b", re.I)
_JUDGING = re.compile(
    r"\b(?:great|excellent|perfect|impressive|brilliant|fantastic|good|wrong|incorrect|"
    r"correct|right) (?:answer|response|point|job)\b|\bexactly right\b|\bwell done\b|"
    r"\bthat'?s (?:correct|wrong|right)\b", re.I)
_INVITES = re.compile(
    r"\b(?:any|other|more|further) questions\b|\blet me know\b|\bfeel free\b|"
    r"\bdon'?t hesitate\b|\bask (?:me|away)\b|\banything else\b|\breply (?:here )?(?:with|if)\b",
    re.I)
_INVITES_QUESTIONS = re.compile(r"\bquestions?\b|\banything\b|\bknow\b|\bask\b", re.I)
_SENSITIVE = re.compile(
    r"\b(?:salary|salaries|compensation|bonus|equity|stock options?|benefits?|pension|"
    r"vacation|holidays?|pto|visa|relocation|headcount|team of \d+)\b", re.I)
_NUMBER = re.compile(r"\d[\d.,:]*")
_PROJECT_ASPECTS = (
    re.compile(r"\b(?:problem|challenge|situation|issue|context|goal|why)\b", re.I),
    re.compile(r"\b(?:you|your|yourself)\b.*\b(?:did|do|role|part|handle|own|approach|"
                r"contribut\w*|responsib\w*)\b|\bwhat did you\b", re.I),
    re.compile(r"\b(?:outcome|result|results|impact|turn(?:ed)? out|measur\w*|achiev\w*|"
                r"end up|improv\w*)\b", re.I),
)
# Words that may open a sentence without being a claimed fact.
_COMMON_CAPS = frozenset(
    "i i'm i've i'd i'll we our you your thank thanks welcome hello hi dear great good "
    "glad nice please sure certainly understood noted that this these those it it's there "
    "before now let here as so and but to in on at for with from of the a an if when what "
    "how which who why could would can do does did is are was were have has be looking "
    "question questions ai".split())


def message_problems(request: ComposeRequest, text: str, *, finish_reason: str = "stop",
                     passages: tuple[str, ...] = ()) -> list[str]:
    """Why this model-written part must not be sent for `request.kind`; empty when sound.
    `text` is what the model wrote (for acknowledgement-only kinds, just that sentence)."""
    kind = request.kind
    found = _common(text, finish_reason)
    if found:
        return found
    role = request.context.role
    n_words = word_count(text)
    parts = sentences(text)
    deflection = kind is Kind.FOLLOWUP and request.reason == "deflection"
    if deflection:
        if n_words > DEFLECTION_NOTE_WORDS or "?" in text:
            found.append("the note before the repeated question is long or asks something")
        return found
    limit_words = MAX_WORDS.get(kind)
    if kind is Kind.ANSWER:
        limit_words = sum(word_count(p) for p in passages) + ANSWER_EXTRA_WORDS
    if kind is Kind.PROJECT and request.project_line:
        n_words -= word_count(request.project_line)
    if limit_words is not None and n_words > limit_words:
        found.append(f"too long ({n_words} words, at most {limit_words})")
    if kind in MAX_SENTENCES and len(parts) > MAX_SENTENCES[kind]:
        found.append(f"too many sentences ({len(parts)})")
    checker = _BY_KIND.get(kind)
    if checker is not None:
        found += checker(request, text, passages)
    allowed = _fact_source(role, request, passages)
    if _unsupported_facts(text, allowed):
        # Named as a category only: the reasons are logged, and a model can echo candidate
        # text, which never goes into logs.
        found.append("states what the role file does not")
    return found


def _common(text: str, finish_reason: str) -> list[str]:
    found = []
    if not text.strip():
        return ["empty"]
    if finish_reason == "length":
        found.append("cut off at max_tokens")
    if _REFUSAL.search(text):
        found.append("a refusal or a remark about itself")
    if _ECHO.search(text) or any(_INSTRUCTION_START.match(s) for s in sentences(text)):
        found.append("echoes the instruction")
    seen: set[str] = set()
    for sentence in sentences(text):
        key = " ".join(words(sentence))
        if key and key in seen:
            found.append("repeats itself")
            break
        seen.add(key)
    return found


def _greeting(request: ComposeRequest, text: str, passages: tuple[str, ...]) -> list[str]:
    found = []
    if "?" in text:
        found.append("the welcome asks a question (the first question is fixed text)")
    if re.search(r"\b(?:your (?:data|messages|answers) (?:are|will be)|personal data|"
                 r"data (?:protection|handling|retention)|transcript|recorded|retention|"
                 r"privacy|gdpr)\b", text, re.I):
        found.append("talks about data handling (the notice is fixed text)")
    return found


def _project(request: ComposeRequest, text: str, passages: tuple[str, ...]) -> list[str]:
    line = request.project_line or ""
    found = []
    if line and line not in text:
        found.append("does not quote the résumé line exactly")
    rest = text.replace(line, " ") if line else text
    if "?" not in rest:
        found.append("contains no question (only the résumé line)")
    asked = " ".join(s for s in sentences(rest) if "?" in s) or rest
    aspects = sum(1 for pattern in _PROJECT_ASPECTS if pattern.search(asked))
    if aspects < 2:
        found.append("does not ask about the problem, their own part or the outcome")
    return found


def _acknowledgement(request: ComposeRequest, text: str,
                     passages: tuple[str, ...]) -> list[str]:
    found = []
    if "?" in text:
        found.append("the acknowledgement asks something (the question is added by software)")
    if re.search(r"\bquestion \d", text, re.I):
        found.append("the acknowledgement announces a question itself")
    if _JUDGING.search(text):
        found.append("judges the answer")
    return found


def _followup(request: ComposeRequest, text: str, passages: tuple[str, ...]) -> list[str]:
    found = []
    if "?" not in text:
        found.append("the follow-up contains no question")
    if _JUDGING.search(text):
        found.append("judges the answer")
    question = request.question
    if question is not None:
        lowered = text.lower()
        listed = [p for p in question.key_points if p.point.lower().rstrip(".") in lowered]
        if len(listed) >= 2:
            found.append("lists the rubric")
        elif leaks_rubric(text, question):
            found.append("quotes the rubric")
    return found


def _candidate_questions(request: ComposeRequest, text: str,
                         passages: tuple[str, ...]) -> list[str]:
    found = []
    asks = [s for s in sentences(text) if "?" in s]
    if not any(_INVITES_QUESTIONS.search(s) for s in asks):
        found.append("never invites the candidate's questions")
    if _repeats_a_bank_question(request.context.role, text):
        found.append("repeats an interview question instead of inviting questions")
    return found


def _answer(request: ComposeRequest, text: str, passages: tuple[str, ...]) -> list[str]:
    found = []
    if request.close_after_answer:
        if "?" in text or _INVITES.search(text):
            found.append("the closing answer invites more")
    elif "?" not in text:
        found.append("does not ask whether they would like to know anything else")
    return found


def _wrap_up(request: ComposeRequest, text: str, passages: tuple[str, ...]) -> list[str]:
    found = []
    if "?" in text or _INVITES.search(text):
        found.append("the wrap-up invites more")
    if not re.search(r"\breview", text, re.I):
        found.append("does not say a person reviews the interview")
    if not re.search(r"\b(?:recruiter|next steps?|in touch)\b", text, re.I):
        found.append("does not say what happens next")
    return found


_BY_KIND = {Kind.GREETING: _greeting, Kind.PROJECT: _project,
            Kind.TECHNICAL: _acknowledgement, Kind.FOLLOWUP: _followup,
            Kind.CANDIDATE_QUESTIONS: _candidate_questions, Kind.ANSWER: _answer,
            Kind.WRAP_UP: _wrap_up}


def _repeats_a_bank_question(role: Role, text: str, n: int = 6) -> bool:
    grams = _ngrams(words(text), n)
    return any(grams & _ngrams(words(q.question), n) for q in role.questions)


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _fact_source(role: Role, request: ComposeRequest, passages: tuple[str, ...]) -> str:
    """Everything a message may state facts from: the role file, the passages the task
    gave, the candidate's first name, résumé line and last message (an acknowledgement may
    name what they said), and the question being asked."""
    parts = [role.title, role.company, role.summary, role.job_description, " ".join(role.skills),
             request.context.candidate_first_name, request.project_line or "",
             request.candidate_message, *passages]
    if request.question is not None:
        parts += [request.question.question, request.question.topic]
    return " ".join(parts).lower()


def _unsupported_facts(text: str, source: str) -> list[str]:
    """Numbers, names and sensitive topics (pay, benefits, team size...) that the source
    does not contain: the invented claims of a seven-sentence greeting."""
    unknown: list[str] = []
    for number in _NUMBER.findall(text):
        cleaned = number.rstrip(".,:")
        if cleaned and cleaned not in source:
            unknown.append(cleaned)
    for sentence in sentences(text):
        tokens = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", sentence)
        for index, token in enumerate(tokens):
            capitalised = token[0].isupper() and (index > 0 or token.isupper())
            bare = token.lower().rstrip("'’s").rstrip("'’")
            if not capitalised or bare in _COMMON_CAPS or len(bare) < 2:
                continue
            if bare not in source:
                unknown.append(token)
    for match in _SENSITIVE.finditer(text):
        if match.group(0).lower() not in source:
            unknown.append(match.group(0))
    return list(dict.fromkeys(unknown))
