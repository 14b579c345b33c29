"""What the candidate is doing with a message, told apart before the flow moves.

A question mark alone says little: "Maybe restart it and see if that helps?" is an answer
said tentatively, "work project or a personal one?" asks about the interview question,
"Honestly?" is a word of hesitation, and "Is the role remote?" is for the recruiter. Taking
all of them for questions to the recruiter made the bot answer hedges with "I've noted your
question" (issue 15). Each class gets its own reply:

- ANSWER: scored; a thin, hedged or partly wrong one gets a follow-up.
- HEDGE: an answer put as a guess or a question; scored and followed up like a thin one.
- ROLE_QUESTION: about the job, the team or the process; kept for the question stage and
  passed to the recruiter when the job description cannot answer it.
- CLARIFYING: about the interview question itself; answered by narrowing or rephrasing it,
  then the bot waits for the answer.
- DONT_KNOW: an honest "I don't know" or a wish to move on; accepted, never re-asked.
- SMALL_TALK: greetings, thanks, "one sec"; answered briefly, then the question again.
- NON_TEXT: emoji, punctuation or nothing; after two in a row the interview moves on.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.intents import normalize, says_dont_know
from bot.text import has_words, sentences, terms, word_count


class Act(StrEnum):
    ANSWER = "answer"
    HEDGE = "hedge"
    ROLE_QUESTION = "role_question"
    CLARIFYING = "clarifying"
    DONT_KNOW = "dont_know"
    SMALL_TALK = "small_talk"
    NON_TEXT = "non_text"


# A message this short that says "I don't know" is only that; a longer one is an answer
# with a hedge in it ("I'm not sure, but I'd start with the slow query log...").
DONT_KNOW_WORDS = 20
SMALL_TALK_WORDS = 12
GUESS_TERMS = 3  # content words beside an "I don't know" that make it a guess
CLARIFYING_WORDS = 30

_SKIP = re.compile(
    r"^(?:can we |could we |let's |lets |i'd like to |i would like to |i'd rather |"
    r"i would rather |i'll |i will |may i |can i )?(?:skip|pass(?: on)?|move on|go on)\b|"
    r"\b(?:next question|skip (?:this|that|it)(?: one)?|pass on (?:this|that)(?: one)?|"
    r"move on to the next|move on to something else|can we move on|let's move on)\b|"
    r"\bi(?:'ve| have) never (?:done|used|worked|had|touched|dealt)\b|"
    r"^pass$|^next$|^no clue$|^dunno$|^idk$|^not sure$|^no idea$|"
    r"^(?:no|nope|nah|not really|nothing(?: else| more)?(?: to add)?)(?: sorry| thanks)?$")

_SMALL_TALK = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|greetings)"
    r"(?: there| all| everyone)?"
    r"|(?:ok|okay|k|kk|sure|alright|all right|right|cool|great|nice|awesome|perfect|got it|"
    r"sounds good|fine|yep|yup|yes|yeah|ah|oh|hmm+|hm+|um+|uh+|lol|haha+|wow)"
    r"|(?:thanks|thank you|thx|ty|cheers|much appreciated|appreciate it)(?: (?:a lot|so much|"
    r"very much))?"
    r"|how are you(?: doing| today)?|how's it going|how is it going|what's up|nice to meet you"
    r"|(?:one|a) (?:sec|second|moment|minute)|give me a (?:sec|second|moment|minute)|"
    r"hold on|brb|be right back|i'm back|back now|sorry(?: for the delay| i was away| about that)?"
    r"|are you a (?:bot|robot|real person|human)|is this a bot|am i talking to a (?:bot|human)"
    r"|good|fine thanks|i'm fine|i'm good thanks|doing well|not bad)"
    r"(?:[ ,]+(?:thanks|thank you|you|there|again|so much|a lot|then|now|please|sir|mate|"
    r"ok|okay|great|cool|sure|fine|perfect|sounds good|got it|and you|how are you|i'm ready|ready|"
    r"let's go|let's start|let's begin))*$")

# About the interview question itself: what it means, what to assume, how much to say.
_CLARIFYING = re.compile(
    r"\b(?:do|did) you mean\b|\bwhat do you mean\b|\bwhat (?:exactly )?(?:is|are) (?:meant|"
    r"you asking)\b|\bwhat does (?:that|this|it) mean\b|\bmeaning what\b|"
    r"\b(?:could|can|would) you (?:please )?(?:rephrase|clarify|repeat|restate|reword|"
    r"explain the question|explain what you mean|say (?:that|it) again|be more specific|"
    r"give (?:me )?an example of what you)\b|\b(?:rephrase|clarify|repeat) (?:the|your) question\b|"
    r"\bshould i (?:assume|answer|focus|talk|describe|pick|choose|use|cover|include|answer for)\b|"
    r"\bcan i (?:assume|pick|choose|use|answer (?:for|with|about)|talk about|describe|focus)\b|"
    r"\b(?:may|could) i (?:assume|pick|choose|answer for|talk about)\b|"
    r"\bis it (?:ok|okay|fine|alright) (?:if|to)\b|\bdoes it (?:have to|need to) be\b|"
    r"\bdo you want (?:me to|an example|a|the|details|specifics|code)\b|"
    r"\bwould you like (?:me to|an example|a)\b|"
    r"\bhow (?:much detail|detailed|long|deep|technical) (?:should|do you want|would you like)\b|"
    r"\bhow (?:much|far) (?:detail|depth) (?:should|do you|would you)\b|"
    r"\b(?:are we|are you) (?:talking about|assuming|asking about)\b|"
    r"\b(?:is|was) (?:this|that|the question) (?:about|for|asking)\b|"
    r"\bin (?:which|what) (?:context|sense|situation|environment)\b|"
    r"\b(?:which|what) (?:database|version|engine|cloud|language|framework|kind of (?:project|"
    r"system|team|company)|type of (?:project|system)) (?:should|do you|are you|would you|is it|"
    r"is this|are we)\b|"
    r"\bby \w+(?: \w+)? do you mean\b|\bwhat counts as\b|"
    r"\bor (?:a |an |the )?(?:personal|side|hobby|work|school|university|open[- ]source|"
    r"theoretical|hypothetical|real|professional)\b.{0,30}\?|"
    r"\b(?:work|personal|real|hypothetical|professional) (?:project|one|example|system)s? or\b|"
    r"\b(?:in theory|in practice|hypothetically|theoretically) or\b|"
    r"\bfrom (?:my|a) (?:own )?(?:experience|job|work) or\b|"
    r"\bdoes it matter (?:which|what|if)\b|\bany (?:particular|specific) (?:database|version|"
    r"cloud|stack|setup|scenario)\b.{0,20}\?|\bjust to (?:clarify|check|confirm|be clear)\b.*\?")

# About the job, the team, the company or the hiring process: for the recruiter.
_ROLE_CUES = re.compile(
    r"\b(?:the role|this role|the position|this position|the job|this job|the team|your team|"
    r"the company|your company|the office|offices?|remote(?:ly)?|hybrid|on-?site|in person|"
    r"relocat\w*|visa|sponsor\w*|salary|salaries|compensation|pay|paid|bonus|equity|stock|"
    r"benefits?|pension|holidays?|vacation|pto|leave|on-?call|rota|rotation|hours|"
    r"working hours|time ?zones?|part-?time|full-?time|contract|start date|start|notice period|"
    r"interview process|hiring process|next steps?|next round|the process|how many rounds|"
    r"stages?|technical (?:interview|conversation|round)|hear back|decision|feedback|"
    r"recruiter|manager|report to|reporting line|colleagues|team size|headcount|how big|"
    r"how many people|tech stack|stack|tools? (?:do )?you use|do you use|does the team|"
    r"do you (?:have|offer|support|allow|provide|run|work)|does (?:the company|datacore|it) "
    r"(?:have|offer)|what (?:would|will) i (?:be )?(?:work|working|do|doing)|day to day|"
    r"day-to-day|projects? (?:would|will) i|growth|career|training|learning budget|"
    r"conference|culture|mentor\w*|promotion|probation|equipment|laptop|travel)\b",
    re.IGNORECASE)

# An answer put as a question: a proposal of what to do, not a request for information.
_TENTATIVE_START = re.compile(
    r"^(?:maybe|perhaps|probably|possibly|i guess|i think|i suppose|i'd say|i would say|"
    r"could it be|would it be|is it because|is it that|wouldn't you|couldn't you|can't you|"
    r"don't you|shouldn't you|you could|you'd|you would|we could|we'd|i'd|i would|i could|"
    r"just|try|restart|reboot|add|use|check|run|increase|turn|set|kill|scale|look at|"
    r"something like|would (?:adding|using|restarting|increasing|an?|the)|"
    r"could (?:adding|using|restarting|increasing|an?|the)|does (?:adding|using|restarting)|"
    r"wouldn't|isn't it|isn't that|is that not|would that)\b")
_INTERVIEW_META = re.compile(
    r"\b(?:next question|how many (?:more )?questions|questions (?:are )?left|how long (?:is|will) "
    r"(?:this|the interview)|are we (?:done|finished|nearly done)|is that (?:it|all)|"
    r"what now|what's next|what happens now)\b")


def classify(text: str, *, stage: str = "technical") -> Act:
    """What `text` does, at the interview's `stage` (a `bot.flow.Stage` value)."""
    if not has_words(text):
        return Act.NON_TEXT
    norm = normalize(text)
    n_words = word_count(text)
    asks = _question_sentences(text)
    if n_words <= SMALL_TALK_WORDS and _SMALL_TALK.match(norm):
        return Act.SMALL_TALK
    if n_words <= DONT_KNOW_WORDS and (says_dont_know(text) or _SKIP.search(norm)
                                        or (_INTERVIEW_META.search(norm) and not
                                            _substantive(text, asks))):
        # "Not sure. Maybe something with retries?" guesses: a hedge, followed up.
        guesses = [s for s in sentences(text) if not (says_dont_know(s) or _SKIP.search(
            normalize(s)) or _INTERVIEW_META.search(normalize(s)))]
        if len(terms(" ".join(guesses))) >= GUESS_TERMS:
            return Act.HEDGE
        return Act.DONT_KNOW
    if stage == "candidate_questions":
        return Act.ROLE_QUESTION if any(is_role_question(q) for q in asks) else Act.ANSWER
    if asks and n_words <= CLARIFYING_WORDS and any(_CLARIFYING.search(normalize(q) + "?")
                                                     for q in asks):
        return Act.CLARIFYING
    if asks and not _substantive(text, asks):
        if any(is_role_question(q) for q in asks):
            return Act.ROLE_QUESTION
        return Act.HEDGE
    return Act.ANSWER


def is_role_question(sentence: str) -> bool:
    """A question about the job, the team, the company or the process (not about the
    interview question, not a tentative answer, not "Honestly?")."""
    norm = normalize(sentence)
    if word_count(sentence) < 3 or _INTERVIEW_META.search(norm):
        return False
    if _CLARIFYING.search(norm + "?") or _TENTATIVE_START.match(norm):
        return False
    return _ROLE_CUES.search(norm) is not None


def role_questions(text: str) -> list[str]:
    """The sentences of `text` that ask about the role: what the report may list for the
    recruiter ("Honestly?" and "What's the next question?" are not among them)."""
    return [q for q in _question_sentences(text) if is_role_question(q)]


def floor_questions(text: str) -> list[str]:
    """The questions of a reply once the candidate was invited to ask: any real question
    (three words or more), not "Honestly?" nor "What's the next question?"."""
    return [q for q in _question_sentences(text)
            if word_count(q) >= 3 and not _INTERVIEW_META.search(normalize(q))]


def _question_sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if s.rstrip().endswith("?")]


def _substantive(text: str, asks: list[str]) -> bool:
    """Whether the message says something besides its questions (an answer with a question
    in it, rather than a question alone)."""
    rest = [s for s in sentences(text) if s not in asks]
    return word_count(" ".join(rest)) >= 8
