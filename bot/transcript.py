"""Reading transcript files for `interview-bot evaluate`.

Two formats: JSON (the export format, or `{"role": ..., "turns": [{"speaker", "text"}]}`),
and plain text where each turn starts with `Speaker: text` (the reference transcript's
format; header and report blocks between `=====` lines are recognised and skipped).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.flow import INTRO_ID, PROJECT_ID, Kind
from bot.retrieval import Bm25Index
from bot.roles import Role
from bot.scoring.items import ConversationTurn, asked_sentences
from bot.text import terms, word_count

BOT_SPEAKERS = {"ai recruiter", "recruiter", "interviewer", "bot", "ai", "assistant",
                "interview-bot", "ai interviewer", "hiring manager"}
CANDIDATE_SPEAKERS = {"candidate", "you", "applicant", "user", "interviewee"}
_SEPARATOR = re.compile(r"^\s*(?:={5,}|-{5,})\s*$")
_SPEAKER_LINE = re.compile(r"^([A-Za-z][\w .'-]{0,40}):\s?(.*)$")
_CANDIDATE_QUESTION_PROMPT = re.compile(
    r"any (?:other |more |further )?questions|questions for (?:me|us)|anything else you'?d "
    r"like to know|anything else i can help|(?:what|anything) (?:would )?you(?:'d| would)? "
    r"like to ask|your (?:own )?questions|questions (?:about|on) the (?:role|team|process|job)|"
    r"(?:anything|something) (?:you'?d like |you want |you would like )?to ask (?:me|us)\b|"
    r"(?:end|last) of (?:the|my|our) questions\b(?! (?:on|about)\b)|"
    r"questions (?:do|would|might) you have (?:for (?:me|us)|about (?:the role|the team|the "
    r"company|the job|the process|working here|us))\b",
    re.IGNORECASE)
MIN_BANK_MATCH_TERMS = 3
# ... or two, when one of them is the bank question's topic ("types of replication").
TOPIC_MATCH_TERMS = 2
DOMINANT_RATIO = 2.0  # ... or when the best bank question scores this many times the next
EXPORT_FORMAT = "interview-bot/1"


class TranscriptError(ValueError):
    """The file cannot be read as a transcript; the message says why."""


@dataclass
class Transcript:
    turns: list[tuple[str, str]]  # (speaker "bot" | "candidate", text)
    metadata: dict[str, str] = field(default_factory=dict)
    # The stored kinds and question ids of the bot's own export: used as they are, so
    # re-evaluating an export reproduces the live interview's items exactly.
    labelled: list[ConversationTurn] | None = None

    @property
    def role_hint(self) -> str | None:
        for key in ("role", "position", "job", "title"):
            if self.metadata.get(key):
                return self.metadata[key]
        return None

    @property
    def candidate_name(self) -> str:
        return self.metadata.get("candidate") or "The candidate"


def read_transcript(path: str | Path) -> Transcript:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TranscriptError(f"{p}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"{p}: cannot read: {exc}") from exc
    if not raw.strip():
        raise TranscriptError(f"{p}: the file is empty")
    transcript = _parse_json(raw, p) if raw.lstrip().startswith(("{", "[")) else _parse_text(raw)
    if not any(s == "candidate" for s, _ in transcript.turns):
        raise TranscriptError(f"{p}: no candidate turns found (expected lines like "
                              "'Candidate: ...' or JSON turns with speaker 'candidate')")
    if not any(s == "bot" for s, _ in transcript.turns):
        raise TranscriptError(f"{p}: no interviewer turns found")
    return transcript


def _parse_json(raw: str, path: Path) -> Transcript:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    meta: dict[str, str] = {}
    if isinstance(data, dict):
        info = data.get("interview") if isinstance(data.get("interview"), dict) else data
        for key in ("role", "candidate", "position"):
            if isinstance(info.get(key), str):
                meta[key] = info[key]
        turns_data = data.get("turns")
    else:
        turns_data = data
    if not isinstance(turns_data, list):
        raise TranscriptError(f"{path}: expected a list of turns under \"turns\"")
    turns = []
    labelled: list[ConversationTurn] = []
    for i, turn in enumerate(turns_data):
        if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
            raise TranscriptError(f"{path}: turns[{i}] needs a \"speaker\" and a \"text\"")
        speaker = _speaker(str(turn.get("speaker", "")))
        if speaker is None:
            raise TranscriptError(f"{path}: turns[{i}].speaker must be \"bot\" or \"candidate\"")
        turns.append((speaker, turn["text"]))
        kind, qid = turn.get("kind"), turn.get("question_id")
        if isinstance(kind, str) and kind and (qid is None or isinstance(qid, str)):
            labelled.append(ConversationTurn(speaker, kind, turn["text"], qid))
    exported = isinstance(data, dict) and data.get("format") == EXPORT_FORMAT
    return Transcript(turns, meta, labelled if exported and len(labelled) == len(turns) else None)


def _speaker(name: str) -> str | None:
    lowered = name.strip().lower()
    if lowered in BOT_SPEAKERS:
        return "bot"
    if lowered in CANDIDATE_SPEAKERS:
        return "candidate"
    return None


def parse_transcript_text(raw: str) -> Transcript:
    """A plain-text transcript already in memory (gold files embed theirs)."""
    return _parse_text(raw)


def _parse_text(raw: str) -> Transcript:
    blocks: list[list[str]] = [[]]
    for line in raw.splitlines():
        if _SEPARATOR.match(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    body_index = max(range(len(blocks)), key=lambda i: _speaker_lines(blocks[i]))
    meta: dict[str, str] = {}
    for block in blocks[:body_index]:
        for line in block:
            m = _SPEAKER_LINE.match(line.strip())
            if m:
                meta[m.group(1).strip().lower()] = m.group(2).strip()
    return Transcript(_turns(blocks[body_index]), meta)


def _speaker_lines(lines: list[str]) -> int:
    return sum(1 for line in lines
               if (m := _SPEAKER_LINE.match(line)) and _speaker(m.group(1)) is not None)


def _turns(lines: list[str]) -> list[tuple[str, str]]:
    turns: list[tuple[str, list[str]]] = []
    for line in lines:
        m = _SPEAKER_LINE.match(line)
        speaker = _speaker(m.group(1)) if m else None
        if m and speaker:
            turns.append((speaker, [m.group(2)]))
        elif turns:
            turns[-1][1].append(line)
    return [(s, _unquote(_unwrap(parts))) for s, parts in turns]


_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s")


def _unwrap(lines: list[str]) -> str:
    """A turn's lines as written, hard wrapping undone: a line continues the previous one
    unless a blank line (a new paragraph) or a list item starts it. A sentence broken
    over two lines is still one sentence to the scorer and one evidence quote."""
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
        elif current and not _LIST_ITEM.match(raw):
            current = f"{current} {line}"
        else:
            if current:
                paragraphs.append(current)
            current = line
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs).strip()


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


# A follow-up on the question under discussion rather than a new one.
_FOLLOWUP_CUE = re.compile(
    r"^(?:(?:and|so|but|ok|okay|right|thanks|great|got it|good|sure|interesting)[,.!]?\s+){0,2}"
    r"(?:what if|and if|if the |how would you (?:know|tell|verify|check|measure|confirm|"
    r"prove)|how (?:do|did|would|will) you know|how would that change|"
    r"what would you do differently|what about|why\b|what happens (?:if|when)|"
    r"(?:can|could) you (?:say|tell me|go|expand|elaborate)|say more|go deeper|"
    r"a follow-up|follow-up|to follow up|one more (?:thing|question) on|"
    r"one more [a-z]+ question on (?:that|this|it|the same)\b|"
    r"and how|and what|and why|and when|and would|at (?:ten|10|100)\s*(?:x|times)|"
    r"same question|still on|staying with|going back to)",
    re.IGNORECASE,
)
# "Not from our usual list": a question the interviewer says the bank does not have.
_OFF_LIST = (r"(?:not|isn'?t|is not) (?:on|in|from) (?:my|the|our) (?:usual )?list\b|"
             r"outside (?:the|my|our) (?:usual|list|bank)\b|off (?:the|my) (?:list|script)\b|"
             r"not strictly (?:technical|analysis|analytics|sql|statistics|engineering)\b")
_OFF_LIST_CUE = re.compile(rf"\b(?:{_OFF_LIST})", re.IGNORECASE)
# "Different topic: ...", "Switching gears, ...": a new question even when it is short.
# One check before all the cues (a word of two letters or more starts here), so a long
# text is scanned once, not once per cue.
_NEW_TOPIC_CUE = re.compile(
    r"\b(?=[a-z]{2})(?:(?:different|new|another|next|separate|unrelated|other) "
    r"(?:topic|question|area|subject|one)\b|switching (?:gears|topics)\b|"
    r"changing (?:gears|topics?)\b|"
    r"moving on\b|not (?:specific|related) to\b|isn'?t about\b|on another note\b|"
    f"{_OFF_LIST}|"
    r"here'?s (?:a |an )?(?:(?:more|less|quick|short|different|new|practical|hands-on|"
    r"harder|easier|simpler|tricky|general|broader) ){0,2}one\b|"
    r"something (?:different|else entirely)\b|"
    r"last (?:technical )?(?:one|question)\b|one last (?:one|question)\b|"
    r"(?:next|new|different) (?:area|subject)\b|"
    r"quick one\b(?!-)|one more (?:that|which)\b|"
    r"(?:isn'?t|is not|not) (?:strictly|really|purely) technical\b|"
    r"non-?technical (?:one|question)\b)",
    re.IGNORECASE,
)
# "One Linux question: ...", "A Redis question - ...", "One more networking question on file
# systems: ...": a question named by a subject of its own, unless what follows the colon
# follows up ("One quick Kubernetes question: and if ...?"). Words that only qualify a
# question ("quick", "related", "clarifying", ...) name no subject.
_NAMED_QUESTION = re.compile(
    r"\b(?:one|another|an?|quick|short)\s+(?:more\s+)?"
    r"(?!(?:quick|short|tricky|small|simple|related|similar|clarifying|further|follow-up|"
    r"followup|follow|more|extra|last|final|remaining|side|different|other|next|"
    r"good|great|easy|hard|harder|big|general|open)\b)"
    r"[a-z0-9][a-z0-9/+#.-]*(?:\s+[a-z0-9][a-z0-9/+#.-]*)?\s+question"
    r"(?!\s+on\s+(?:that|this|it|the\s+same)\b)(?:\s+on\s+[a-z][a-z ]{0,30})?"
    r"\s*[:\u2013\u2014-]\s*(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
# A lead-in that names the question before asking it: "That's a classic debugging question -
# but what if ...?" follows up as "But what if ...?" does.
_QUESTION_LEAD = re.compile(r"[^:?\n]{0,60}\bquestion\s*[:\u2013\u2014-]\s*", re.IGNORECASE)
_INTRO_CUE = re.compile(r"introduc(?:e|ing) yourself|tell (?:me|us) (?:a bit |a little )?"
                        r"about yourself|about your background|"
                        r"\b(?:a |an |your )(?:short |brief |quick )?introduction\b(?! to)",
                        re.IGNORECASE)
# The project question, asked about the CV ("You mentioned ...") or asked open ("Tell me
# about a project you're proud of", "What's the most interesting system you've built?",
# "Describe an analysis you led"): a piece of the candidate's own work.
# Asked about the CV: the project question whatever else the turn asks.
_CV = (r"you mentioned|you wrote|on your (?:cv|resume|résumé)|your (?:cv|resume|résumé) "
       r"(?:says|mentions)|in your background")
_CV_CUE = re.compile(rf"\b(?:{_CV})\b", re.IGNORECASE)
_PROJECT_CUE = re.compile(
    # One check before the cues (a word starts here), so a long turn is scanned once.
    r"\b(?=[a-z][a-z ])(?:" + _CV + r"|proud(?:est)? of\b|"
    r"from your past work\b|(?:analysis|project|work|system|achievement)s? of yours\b|"
    r"from your (?:current|last|previous|present|recent|past) (?:job|role|position|team|"
    r"company|employer)\b|"
    r"(?:a|any|one) (?:\w+ ){0,2}(?:project|analysis)s? (?:from|in) the last\b|"
    r"(?:project|analysis|piece of work|achievement|accomplishment)s?\b"
    r"(?: \w+){0,4}? (?:you(?:'ve|'re| have| are| were)?|that you) "
    r"(?:\w+ )?(?:worked|built|led|owned|shipped|delivered|did|done|ran|designed|drove|"
    r"proud|enjoyed|liked|remember|improved|created|introduced|launched|automated)|"
    # "a reliability improvement you led", "a system you designed end to end"
    r"(?:improvement|system|initiative)s? (?:you|that you) (?:led|built|designed|drove|"
    r"owned|shipped|delivered|introduced|launched|ran)\b|"
    r"(?:your|you've|you have) (?:\w+ ){0,3}?(?:favou?rite|best|biggest|proudest|"
    r"most \w+|recent|last) (?:project|analysis|piece of work|achievement)\b|"
    r"something (?:\w+ ){0,2}?you(?:'ve| have)? (?:built|shipped|led|designed|delivered|"
    r"owned|improved|created|fixed|automated)\b|"
    # "Pick one project and walk me through ...", "Which project best shows what you can
    # do?", "What's a project you'd hold up as your best work?"
    r"(?:pick|choose) (?:one|a|an|your) (?:\w+ )?project\b|"
    r"\bwhich (?:\w+ )?project (?:best|would you|are you|have you|do you|you)\b|"
    r"(?:describe|walk (?:me|us) through|tell (?:me|us) about) one (?:\w+ )?project\b|"
    r"(?:a|one) (?:\w+ ){0,2}?project (?:you'd|you would|you've|you have|you're|you are|"
    r"that you|where you (?:had|carried|took|owned|led|were)|in which you|you (?:led|owned|"
    r"built|did|worked|shipped|ran|"
    r"designed|delivered))\b|"
    r"\byour best work\b|\bbest shows what you\b|"
    # "What's the most interesting database problem you've solved?"
    r"(?:problem|challenge)s? (?:that )?you(?:'ve| have)? (?:solved|tackled|fixed|cracked)\b)",
    re.IGNORECASE)
# A request that brings up something new ("Tell me about a time ...", "Describe an
# incident ...") opens a question of its own, unless it points back ("... a time that
# went wrong", "an example of that").
_NEW_SUBJECT_REQUEST = re.compile(
    r"^(?:(?:so|now|next|okay|ok|great|thanks|thank you|right|and|finally|lastly)[,.!]?\s+)"
    r"{0,2}(?:please\s+)?(?:tell (?:me|us) about|describe|walk (?:me|us) through|"
    r"talk (?:me|us) through|share|give (?:me|us)) (?:a|an|one|some) (?!more\b|example\b|"
    r"bit\b|little\b)",
    re.IGNORECASE)
FOLLOWUP_MAX_WORDS = 35
SHORT_FOLLOWUP_WORDS = 12  # a question this short, with no bank match, continues the last
# ... and a longer one continues it when it shares this many terms with what was said.
FOLLOWUP_SHARED_TERMS = 2
STRONG_MATCH_TERMS = 4  # a bank match this strong is a new question even after a cue
CONTINUES_SHARE = 0.6  # ... unless the current question matches nearly as well
# A question pointing back at what was just said: "What does that tell you?", "Which of
# those ...", "What now?", "... still slow?".
_ANAPHORA = re.compile(
    r"^(?:which|what|how|why) (?:of )?(?:those|these|them|that|this|it)\b|"
    # One check before the rest (a word of two letters or more starts here).
    r"\b(?=[a-z]{2})(?:what (?:does|would) (?:that|this|it) (?:tell|mean|change)|what now\b|"
    r"(?:is|are) (?:it |they )?still\b|still (?:slow|unknown|failing|down|there|high)\b|"
    r"(?:check|do|try) next\b|in that case\b|that approach\b|your (?:answer|approach|"
    r"design|fix|plan|solution|numbers|estimate|example|query|setup)\b|"
    r"(?:those|these|that|this) (?:numbers|figures|results|steps|changes)\b|"
    # ... or asks about the story just told: "What was your part?", "How did you know?"
    r"what was your (?:part|role|contribution)\b|how did you (?:know|measure|prove)\b|"
    r"what did you learn\b|"
    # ... or asks for what was just named to be assembled: "Could you put that together
    # into a query?", "Can you tie it all together?" (never "bring them together into one
    # agreed metric", a story of its own)
    r"(?:put|pull|tie) (?:that|this|it|those|these|them|it all|them all|all (?:of )?(?:that|"
    r"this|it|those|these|them)) together\b|"
    # ... or about the moment just described: "Who keeps them updated while that's happening?"
    r"(?:while|when) (?:that|this|it)(?:'s| is) (?:happening|going on|ongoing|under ?way)\b|"
    r"during (?:that|this)\b)",
    re.IGNORECASE,
)


def label_turns(transcript: Transcript, role: Role) -> list[ConversationTurn]:
    """The kinds the scorer needs: stored ones for an export; for plain text, which bot
    turns ask for an answer (and which bank question each is), which are follow-ups of
    the question under discussion, and which replies are answers."""
    if transcript.labelled is not None:
        return list(transcript.labelled)
    bank = _bank_index(role)
    labelled: list[ConversationTurn] = []
    stage = "questions"
    current: str | None = None  # question id under discussion
    context: list[str] = []  # its question and answers, for follow-up overlap
    free = 0
    for speaker, text in transcript.turns:
        if speaker == "candidate":
            kind = "question" if stage == "candidate_questions" else "answer"
            labelled.append(ConversationTurn("candidate", kind, text, current))
            if current:
                context.append(text)
            continue
        if stage == "candidate_questions" or _CANDIDATE_QUESTION_PROMPT.search(text):
            kind = Kind.CANDIDATE_QUESTIONS if stage != "candidate_questions" else Kind.ANSWER
            stage, current = "candidate_questions", None
            labelled.append(ConversationTurn("bot", kind.value, text))
            continue
        # The whole turn finds the bank question (its scenario is often a sentence of its
        # own before the question); the asking sentences tell a follow-up.
        match = _bank_match(bank, role, text)
        asked = asked_sentences(text) or _asks_a_bank_question(match, text, labelled)
        if not asked:
            labelled.append(ConversationTurn("bot", Kind.NOTICE.value, text, current))
            continue
        question = " ".join(asked)
        if current is None and not labelled_has(labelled, INTRO_ID) and (
                not labelled or _INTRO_CUE.search(question)):
            turn = ConversationTurn("bot", Kind.GREETING.value, text, INTRO_ID)
        elif not labelled_has(labelled, PROJECT_ID) and _is_project_question(match, text):
            turn = ConversationTurn("bot", Kind.PROJECT.value, text, PROJECT_ID)
        else:
            if current is not None and _is_followup(question, match, current, context,
                                                    whole=text):
                labelled.append(ConversationTurn("bot", Kind.FOLLOWUP.value, text, current))
                context.append(question)
                continue
            qid = None if _OFF_LIST_CUE.search(text) else match.question_id
            if qid is None or labelled_has(labelled, qid):
                free += 1
                qid = f"open-{free}"
            turn = ConversationTurn("bot", Kind.TECHNICAL.value, text, qid)
        labelled.append(turn)
        current, context = turn.question_id, [text]
    return labelled


# "Thanks. Good to hear how you verify backups ...; we'll come back to that later": an
# acknowledgement, however many of a bank question's words it repeats.
_ACKNOWLEDGEMENT = re.compile(
    r"^(?:thanks|thank you|good|great|nice|noted|ok|okay|cool|perfect|got it|understood|"
    r"fair enough|sure)\b|\b(?:later|come back to)\b", re.IGNORECASE)


def _is_project_question(match: _BankMatch, text: str) -> bool:
    """Asked about the candidate's own work, unless the turn plainly is a bank question
    ("Walk me through what you can do when a report query ... takes three minutes"); a
    question about the CV ("You mentioned ...") is the project question whatever it asks."""
    if not _PROJECT_CUE.search(text):
        return False
    if _CV_CUE.search(text):
        return True
    return match.matched_terms < STRONG_MATCH_TERMS


def _asks_a_bank_question(match: _BankMatch, text: str,
                          labelled: list[ConversationTurn]) -> list[str]:
    """A turn worded as a statement ("Someone ran a DELETE without a WHERE at 14:05.
    Recovery, and how you know the backups work.") that plainly is a bank question not yet
    asked asks it: the interviewer states scenarios, not notices, in the bank's words. An
    acknowledgement that repeats them ("Thanks. Good to hear how you verify backups") does
    not, nor a match that does not stand out from the next bank question."""
    if _ACKNOWLEDGEMENT.search(text) or match.question_id is None or \
            match.matched_terms < STRONG_MATCH_TERMS or not match.stands_out or \
            labelled_has(labelled, match.question_id):
        return []
    return [text]


def labelled_has(turns: list[ConversationTurn], question_id: str) -> bool:
    return any(t.speaker == "bot" and t.question_id == question_id for t in turns)


def _bank_index(role: Role) -> Bm25Index:
    return Bm25Index([f"{q.topic} {q.question}" for q in role.questions])


@dataclass(frozen=True)
class _BankMatch:
    question_id: str | None  # the best bank question, when the match is strong enough
    matched_terms: int = 0
    scores: dict[str, float] = field(default_factory=dict)  # every bank question's score
    stands_out: bool = False  # the best scores DOMINANT_RATIO times the next or more


def _bank_match(bank: Bm25Index, role: Role, text: str) -> _BankMatch:
    hits = bank.search(text)
    scores = {role.questions[h.index].id: h.score for h in hits}
    if not hits:
        return _BankMatch(None, 0, scores)
    best = role.questions[hits[0].index]
    matched = hits[0].matched
    on_topic = bool(matched & set(terms(best.topic)))
    # Two shared terms are enough when one bank question stands out ("pods keep
    # restarting, CrashLoopBackOff" is the crash-loop question and no other).
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    stands_out = hits[0].score >= DOMINANT_RATIO * runner_up
    dominant = len(matched) >= TOPIC_MATCH_TERMS and stands_out
    if len(matched) >= MIN_BANK_MATCH_TERMS or dominant or (
            on_topic and len(matched) >= TOPIC_MATCH_TERMS):
        return _BankMatch(best.id, len(matched), scores, stands_out)
    return _BankMatch(None, len(matched), scores, stands_out)


def _is_followup(question: str, match: _BankMatch, current: str, context: list[str], *,
                 whole: str = "") -> bool:
    """A follow-up continues the question under discussion: it says so ("And if ...?",
    "How would you know it worked?", "What does that tell you?"), matches the same bank
    question, or is a short question about what was just said. A question that announces
    a new topic, or matches another bank question clearly better, is a new question."""
    if _NEW_TOPIC_CUE.search(whole or question):
        return False
    named = _NAMED_QUESTION.search(whole or question)
    if named is not None and not _FOLLOWUP_CUE.match(named["rest"]) \
            and not _ANAPHORA.search(named["rest"]):
        return False
    if _NEW_SUBJECT_REQUEST.match(question) and not _ANAPHORA.search(question):
        return False
    lead = _QUESTION_LEAD.match(question)  # "One related question: what if ...?"
    asked = question[lead.end():] if lead else question
    cue = _FOLLOWUP_CUE.match(asked) is not None or _ANAPHORA.search(question) is not None
    best = match.question_id
    if best is not None and best != current:
        if cue and match.matched_terms < STRONG_MATCH_TERMS:
            return True
        current_score = match.scores.get(current, 0.0)
        return current_score >= CONTINUES_SHARE * match.scores[best]
    if best == current or cue:
        return True
    n = word_count(question)
    if n <= SHORT_FOLLOWUP_WORDS:
        return True
    if n > FOLLOWUP_MAX_WORDS:
        return False
    said = set(terms(" ".join(context)))
    return len(set(terms(question)) & said) >= FOLLOWUP_SHARED_TERMS


def infer_role(transcript: Transcript, roles: list[Role]) -> Role | None:
    """The role whose question bank best matches what the interviewer asked."""
    if not roles:
        return None
    asked = " ".join(t for s, t in transcript.turns if s == "bot")
    docs = [" ".join(q.question for q in r.questions) + " " + r.job_description for r in roles]
    hits = Bm25Index(docs).search(asked, k=1)
    return roles[hits[0].index] if hits else None
