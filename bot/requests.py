"""What a candidate may ask of the bot at any time, recognised in ordinary words: a person
instead of the AI, the erasure of their data, and an explanation of their score.

The consent notice promises these (NYC Local Law 144: an alternative process on request;
EU AI Act Art. 14/26: a human who can intervene; GDPR Art. 17: erasure; Colorado SB 26-189:
an explanation), so a request must never be mistaken for an answer, and an answer that
merely talks about people, deletion or scores must never be mistaken for a request.

A request is first person and addressed to us: "can I talk to a human", "delete my data",
"why did I get this score?". Talk about the work is not: "a person who owns the database",
"we delete data older than 90 days", "I scored 5/5 on the AWS exam". Each pattern reads one
clause at a time (text between sentence marks and commas), so a request's words must sit
together, and each is literal words with bounded gaps: linear in the text's length.

Control words (`pause`, `resume`, `withdraw`, `help`; `bot.intents`) stay first; then these;
then everything that reads an answer (`bot.conduct`, issue 15's readings).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

READ_LIMIT = 3_000  # as bot.conduct reads a message: a request is in its opening words


class Request(StrEnum):
    PERSON = "person"
    ERASURE = "erasure"
    EXPLANATION = "explanation"


# A whole message that is one of these words asks for a person, like a control word.
PERSON_WORDS = frozenset({"human", "person", "a human", "a person", "human please",
                          "person please", "agent", "real person", "human being"})

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_CLAUSE = re.compile(r"[^.!?;,:\n()]+")
_SPACES = re.compile(r"\s+")

# ------------------------------------------------------------------ a person

# Who a candidate asks for instead of the bot.
_PEOPLE = (r"(?:human|human being|person|people|real person|actual person|live person|"
           r"real human|actual human|live human|real interviewer|human interviewer|"
           r"person interviewer|interviewer who is a person|interviewer|recruiter|real recruiter|"
           r"human recruiter|hiring manager|member of (?:the |your )?(?:hiring |recruiting )?"
           r"team|someone (?:real|human)|somebody (?:real|human)|someone from (?:the |your )?"
           r"(?:hiring|recruiting|hr|talent|people) team|someone from hr|someone in hr|hr|"
           r"someone|somebody|anyone|a person|"
           r"human resources|someone from (?:the |your )?company|someone who is not a bot)")
_ARTICLE = r"(?:(?:a|an|some|one|your|actual) )?"
# After the person: the end of the clause, or words that keep it a request for one.
_AFTER = (r"(?:$| please| instead| rather| now| directly| for (?:this|the interview|my "
          r"interview)| (?:not|rather than|instead of) (?:an? |the |this )?(?:ai|bot|machine|"
          r"robot|chatbot|program)| (?:and|but|so|if) | to (?:talk|speak|chat|interview|do|"
          r"continue|discuss|take)| about (?:this|my|the interview|the role|the process)| "
          r"(?:here|today|thanks|thank you))")
_TALK = r"(?:talk|speak|chat|communicate|do (?:this|the interview)|continue|be interviewed)"
_PERSON = [re.compile(p) for p in (
    # "I'd rather speak to a person", "I would prefer to talk with a real interviewer"
    r"\bi(?:'d| would| will|'ll)? (?:really |much |honestly )?(?:rather|prefer to|prefer|"
    r"like to|love to|want to|wanna|need to|wish to|ask to|request to|hope to) "
    r"(?:please )?" + _TALK + r" (?:to|with|by) " + _ARTICLE + _PEOPLE + _AFTER,
    # "can I talk to a human", "could I please speak with someone from HR"
    r"\b(?:can|could|may|might) i (?:please |just )?(?:talk|speak|chat) (?:to|with) "
    + _ARTICLE + _PEOPLE + _AFTER,
    # "can I have a real interviewer", "could I get a person"
    r"\b(?:can|could|may) i (?:please )?(?:have|get|request|ask for) " + _ARTICLE
    + r"(?:real |actual |live )?" + _PEOPLE + _AFTER,
    # "I want a person", "I'd prefer a real interviewer", "I'd like a human instead"
    r"\bi(?:'d| would)? (?:really |much |honestly )?(?:want|prefer|like|need|request|"
    r"demand|ask for|'d like|would like) (?:to have |to get |to see )?" + _ARTICLE
    + r"(?:real |actual |live |proper )?" + _PEOPLE + _AFTER,
    # "connect me with a recruiter", "get me a human", "put me through to a person"
    r"\b(?:please )?(?:connect|put|transfer|pass|hand|get|give|send) me (?:to |with |through "
    r"to |over to |on to )?" + _ARTICLE + r"(?:real |actual |live )?" + _PEOPLE + _AFTER,
    # "let me talk to a person", "please, talk to a human": an order, at the clause's start
    r"^(?:please )?(?:let me |lemme )?(?:talk|speak|chat) (?:to|with) " + _ARTICLE
    + r"(?:real |actual |live )?" + _PEOPLE + _AFTER,
    # "can a person interview me instead", "could a human do this interview"
    r"\b(?:can|could|would|will) (?:a|an|some|one) (?:real |actual |live )?" + _PEOPLE
    + r" (?:please )?(?:interview me|talk to me|speak (?:to|with) me|call me|contact me|"
    r"do (?:this|the|my) interview|take over|review this|take this interview)",
    # "is there a human I can talk to", "is there someone real I could speak with"
    r"\bis there (?:a|an|any|some|someone|somebody) ?(?:real |actual |live )?" + _PEOPLE
    + r"? (?:i|that i|who i) (?:can|could|may) (?:talk|speak|chat)",
    # "an alternative process with a human", "I request an alternative selection process"
    r"\b(?:an |another )?alternative (?:selection |interview |assessment )?"
    r"(?:process|interview|format|route) (?:with|by|run by|led by) " + _ARTICLE + _PEOPLE,
    r"\bi (?:request|want|would like|'d like|ask for|need) an alternative "
    r"(?:selection |interview |assessment )?(?:process|interview|format)\b",
    # "no AI please, a human": refusing the bot for a person in one clause
    r"\b(?:not|no) (?:with |by )?(?:an? |the )?(?:ai|bot|machine|robot|chatbot)s?,? "
    r"(?:please )?(?:i want |give me |just )?" + _ARTICLE + r"(?:real )?" + _PEOPLE + r"$",
)]

# ------------------------------------------------------------------ erasure

_MINE = (r"(?:my|all my|all of my|my own) (?:personal |private |stored |candidate )?"
         r"(?:data|information|info|details|answers|responses|records|messages|transcript|"
         r"application|profile|account|interview data|submission|replies)")
_ERASE = r"(?:delete|erase|remove|wipe|purge|destroy|get rid of|clear|discard|scrub)"
_ERASED = r"(?:deleted|erased|removed|wiped|purged|destroyed|discarded|forgotten)"
_ERASURE = [re.compile(p) for p in (
    # "delete my data", "please erase all my answers", "can you remove my personal data"
    r"(?:^|\b(?:please|pls|kindly|you|also|and|then|now|to|just|i want you to|i'd like you "
    r"to) )" + _ERASE + r" (?:all )?(?:of )?" + _MINE + r"\b",
    # "I'd like my data deleted", "I want my information removed", "have my records erased"
    r"\b(?:i(?:'d| would)? (?:like|want|need|ask|request|prefer)|have|get|please have|"
    r"make sure|ensure) (?:that )?" + _MINE + r" (?:to be |is |are |be |gets? )?" + _ERASED,
    # "erase everything you have about me", "delete all of it about me"
    r"(?:^|\b(?:please|you|can you|could you|to|and) )" + _ERASE + r" (?:everything|all|"
    r"anything|whatever) (?:(?:that )?you (?:have|hold|keep|stored|store|saved|know|collected)"
    r" )?(?:about|on|of|from) me\b",
    # "delete this interview", "erase this conversation and my answers"
    r"(?:^|\b(?:please|you|can you|could you|to|and) )" + _ERASE + r" (?:this|the|my) "
    r"(?:whole |entire )?(?:interview|conversation|chat|transcript|thread)\b",
    # "right to be forgotten", "GDPR erasure request", "data deletion request"
    r"\bright to (?:be forgotten|erasure|deletion)\b",
    r"\b(?:gdpr|data|erasure|deletion) (?:erasure |deletion )?request\b",
    r"\brequest (?:the )?(?:erasure|deletion) of (?:my|all my)\b",
    # "forget me", "please forget everything about me" (not "don't forget me")
    r"(?<!n't )(?<!not )(?<!never )\bforget (?:me|about me|everything about me|all about "
    r"me|my data|everything you know about me)$",
)]
# A question about the skill, not a request: "how do I delete my data in PostgreSQL?"
_ASKS_HOW = re.compile(r"\b(?:how|when|where|why|whether) (?:do|does|did|would|should|can|"
                       r"could|to|you|i|we|they)\b")

# ------------------------------------------------------------------ an explanation

_SCORE_WORDS = (r"(?:score|scores|scored|scoring|grade|grades|graded|grading|rating|rated|"
                r"mark|marks|marked|result|results|rejected|rejection|turned down|fail|failed|"
                r"evaluation|evaluated|assessment|assessed|feedback|decision|outcome|points|"
                r"[1-5] ?/ ?5|[1-5] out of 5|a [1-5]\b|low|not (?:selected|shortlisted|"
                r"advanced|progressed|moving forward))")
_EXPLAIN = [re.compile(p) for p in (
    # "why did I get this score", "why was I rejected", "why is my score so low"
    r"\bwhy (?:did|do|was|were|have|has|is|am|would|will) (?:i|my (?:answer|answers|score|"
    r"scores|result|results|application|interview|rating|grade|response|responses))\b"
    r"(?: \S+){0,6} " + _SCORE_WORDS,
    r"\bwhy (?:did|do|would) (?:you|the (?:ai|bot|system|model|interviewer)) (?:give|rate|"
    r"score|grade|mark|reject|fail|assess|evaluate) (?:me|my)\b",
    # "how was I scored", "how were my answers graded"
    r"\bhow (?:was|were|am|will|did) (?:i|my (?:answer|answers|response|responses|interview|"
    r"application)) (?:be |been |being )?(?:scored|graded|rated|evaluated|assessed|marked|"
    r"judged|ranked)\b",
    r"\bhow did (?:you|the (?:ai|bot|system|model)) (?:score|grade|rate|evaluate|assess|mark|"
    r"judge|rank) (?:me|my)\b",
    r"^(?:so |and |ok |okay )?how did i do$",
    # "can you explain my score", "please explain the decision", "explain my rating": asked
    # of us (a question, "please", or an order at the clause's start), not "I'd explain
    # the results to stakeholders"
    r"(?:^|\b(?:can|could|would|will) you (?:please |kindly )?|\bplease |\bi'd like you to |"
    r"\bi want you to )explain (?:to me )?(?:my|the|this) (?:score|scores|result|results|"
    r"rating|ratings|grade|grades|evaluation|decision|assessment|outcome|feedback|rejection|"
    r"mark|marks)\b",
    r"\b(?:explanation|reasoning|reasons?|justification|breakdown) (?:of|for|behind|about) "
    r"my (?:score|scores|result|results|rating|grade|grades|evaluation|decision|"
    r"assessment|outcome|rejection|marks)\b",
    # "what was my score", "what were my results"
    r"\bwhat (?:was|is|were|are) my (?:score|scores|result|results|rating|grade|grades|"
    r"evaluation|marks|outcome)\b",
    # "what criteria did you use to evaluate me"
    r"\bwhat (?:criteria|rubric|standards?|factors) (?:did|do|will|are) (?:you|they|the "
    r"(?:ai|bot|system)) (?:use|using|apply|applying) (?:to|when|for) (?:score|scoring|"
    r"evaluate|evaluating|assess|assessing|grade|grading|judge|judging|rate|rating) (?:me|my|"
    r"candidates|this interview)\b",
    # "was the decision made automatically", "did an AI decide"
    r"\b(?:was|is) (?:the|my|this) (?:decision|score|result|rejection) (?:about me )?"
    r"(?:made|decided|taken) (?:by (?:an? )?(?:ai|bot|machine|algorithm|computer)|"
    r"automatically)\b",
)]


# A clause with none of a kind's hint words is not read further for it (most of an
# answer's clauses), which keeps a turn's cost low. The patterns are written to need one
# (a few do not quite: "why did I get a 2", "data request"; those are not recognised, the
# same as before the hints were looked up instead of searched for). Looked up among the
# clause's words (runs of \w, as `\b` bounds them).
_PERSON_HINTS = frozenset(
    "human humans person people interviewer recruiter manager team someone somebody anyone "
    "hr resources company alternative agent".split())
_ERASURE_HINTS = frozenset(
    "delete erase remove wipe purge destroy rid clear discard scrub deleted erased removed "
    "wiped purged destroyed discarded forgotten forget erasure deletion gdpr".split())
_EXPLAIN_HINTS = frozenset(
    "score scores scored scoring grade grades graded grading rate rating rated mark marks "
    "marked result results reject rejected rejection turned fail failed evaluate evaluation "
    "evaluated evaluating assess assessment assessed assessing judge judged judging rank "
    "ranked feedback decision outcome points low selected shortlisted advanced progressed "
    "moving explain explanation reasoning reason reasons justification breakdown criteria "
    "rubric standard standards factors give".split())
# The explanation hints that are not single words.
_EXPLAIN_PHRASE_HINT = re.compile(r"\bhow did i do\b|[1-5] ?/ ?5")
_HINT_WORD = re.compile(r"\w+")


_HINTS = {Request.PERSON: _PERSON_HINTS, Request.ERASURE: _ERASURE_HINTS,
          Request.EXPLANATION: _EXPLAIN_HINTS}


def clause_words(clause: str) -> frozenset[str]:
    """The clause's words as a regex word boundary bounds them (runs of word characters)."""
    return frozenset(_HINT_WORD.findall(clause))


def hinted(kind: Request, clause: str, clause_words: frozenset[str]) -> bool:
    """Whether the clause (its `clause_words` given) has one of `kind`'s hint words."""
    return not _HINTS[kind].isdisjoint(clause_words) or (
        kind is Request.EXPLANATION and bool(_EXPLAIN_PHRASE_HINT.search(clause)))


def _reads_as(kind: Request, clause: str, clause_words: frozenset[str]) -> bool:
    if not hinted(kind, clause, clause_words):
        return False
    if kind is Request.PERSON:
        return _matches(_PERSON, clause)
    if kind is Request.ERASURE:
        return _matches(_ERASURE, clause) and not _ASKS_HOW.search(clause)
    return _matches(_EXPLAIN, clause)


def fold(text: str) -> str:
    """Lowercase, compatibility forms folded, zero-width characters and curly apostrophes
    removed, whitespace collapsed: "Ｃan I talk to a\u200b human" reads as it looks."""
    text = unicodedata.normalize("NFKC", text[:READ_LIMIT]).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text.replace("\u2019", "'").replace("\u2018", "'").lower()).strip()


def clauses(text: str) -> list[str]:
    """The folded text between sentence marks, commas, colons and brackets."""
    return [c.strip() for c in _CLAUSE.findall(fold(text)) if c.strip()]


def requests_in(text: str) -> set[Request]:
    """Every request the message makes (several may come together: "I'd rather speak to a
    person. Please delete my data.")."""
    parts = clauses(text)
    found: set[Request] = set()
    whole = " ".join(parts)
    if whole.lstrip("/") in PERSON_WORDS:
        found.add(Request.PERSON)
    # A hint word in some clause is in the clauses joined: one look at the whole tells an
    # ordinary answer (no hint anywhere) without a look per clause.
    present = clause_words(whole)
    kinds = [kind for kind in Request if kind not in found and hinted(kind, whole, present)]
    if kinds:
        read = [(c, clause_words(c)) for c in parts]
        found.update(kind for kind in kinds
                     if any(_reads_as(kind, c, clause_words) for c, clause_words in read))
    return found


def asks_for_person(text: str) -> bool:
    return Request.PERSON in requests_in(text)


def asks_for_erasure(text: str) -> bool:
    return Request.ERASURE in requests_in(text)


def asks_for_explanation(text: str) -> bool:
    return Request.EXPLANATION in requests_in(text)


_YES = frozenset({"yes", "y", "yes please", "yes erase", "yes erase it", "yes delete",
                  "yes delete it", "yes delete my data", "yes erase my data", "erase",
                  "erase it", "delete", "delete it", "confirm", "i confirm", "confirmed",
                  "i'm sure", "yes i'm sure", "go ahead", "yes go ahead", "do it",
                  "yes do it", "please do", "yes please do"})


def confirms_erasure(text: str) -> bool:
    """The whole reply says yes: "yes", "Yes, delete it.", "go ahead"."""
    return " ".join(clauses(text)) in _YES


def candidate_help() -> str:
    """`help`: what the candidate can ask for, and how (the consent notice points here)."""
    return (
        "You can reply at your own pace. Commands: `pause` to take a break, `resume` to carry "
        "on, `withdraw` to stop the interview, `help` for this message.\n"
        "• To speak to a person instead of me, reply `human` (or just say so): I stop the "
        "questions and the hiring team takes it from there.\n"
        "• To have your data deleted, write \"delete my data\": I tell you what would be "
        "erased and ask you to confirm.\n"
        "• To ask why you got a score or a decision, just ask: a person on the hiring team "
        "answers."
    )


def _matches(patterns: list[re.Pattern[str]], clause: str) -> bool:
    return any(p.search(clause) for p in patterns)


# Every pattern here, for the linearity test (tests/test_linear_text.py).
PATTERNS: tuple[re.Pattern[str], ...] = (_CLAUSE, _SPACES, _HINT_WORD, _EXPLAIN_PHRASE_HINT,
                                         *_PERSON, *_ERASURE, _ASKS_HOW, *_EXPLAIN)
