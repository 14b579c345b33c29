"""Rubrics for every question the flow can ask, and what an answer covers of one.

Bank questions carry their own key points. The introduction, the resume-based project
question and questions from a transcript that match no bank question get rubrics built
here, so that every question asked can be scored the same way.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.intents import injection_attempt, instructed
from bot.roles import KeyPoint, Misconception, Role
from bot.scoring.language import Sentence, read_answer
from bot.scoring.matching import (
    AnswerMatcher,
    Evidence,
    PointFinding,
    SentenceContext,
    WrongClaim,
    claim_sentences,
    find_several,
    find_wrong_claims,
)
from bot.scoring.patterns import (
    PART_SEPARATOR,
    PatternIndex,
    compile_pattern,
    occurrences,
    pattern_index,
)
from bot.scoring.stock_phrases import STOCK_PATTERNS
from bot.scoring.term_lists import listed_tokens, term_list_lines
from bot.text import STOPWORDS, words

_ACTION_VERBS = ("implemented|added|designed|built|wrote|led|introduced|analysed|analyzed|"
                 "migrated|rewrote|set|automated|started|proposed|identified|took|ran|moved|"
                 "made|created|changed|replaced|measured|tuned|configured|scripted|rehearsed|"
                 "fixed|profiled|traced|split|removed|agreed|tested|rolled|shipped|wrapped|"
                 "partitioned|indexed|documented|reviewed|paired|drove|used|found|dropped|"
                 "cleaned|deleted|consolidated|merged|reworked|rebuilt|switched|simplified|"
                 "investigated|benchmarked|ported|optimised|optimized|went through")
_PROJECT_POINTS = (
    KeyPoint(
        point="Sets out a concrete situation or problem",
        keywords=["challenge", "problem", "issue", "incident", "outage", "bottleneck",
                  "degradation", "failing", "failure", "broke", "deadline", "risk",
                  "hard part", "hardest", "tricky", "difficult", "pain point", "too slow",
                  "single point of failure", "did not + work|support|carry|scale|fit|cope",
                  "kept + failing|crashing|timing out|breaking", "nobody + trust*|react*",
                  "we had + <number>", "used to + take|fail|page|break", "went wrong",
                  "leak*", "exhausted", "ran out of", "inflated", "got slow", "was slow",
                  "too many", "duplicat*", "kept growing", "nobody knew|no one knew",
                  "had over|had more than|had nearly|had almost + <number>"],
    ),
    KeyPoint(
        point="Explains the actions they personally took",
        keywords=["i + " + _ACTION_VERBS, "we + " + _ACTION_VERBS, "my approach",
                  "i started by", "my part", "i was responsible", "the fix", "fix was",
                  "fix"],
    ),
    KeyPoint(
        point="Gives a measurable outcome",
        keywords=["<number> + %|percent|minutes|seconds|hours|ms|pages|times|days|weeks|x",
                  "from + <number> + to", "<number> -> <number>", "<number> + p95|p99|latency",
                  "reduced", "reduction", "improved", "dropped",
                  "saved", "halved", "doubled", "faster", "fewer"],
    ),
    KeyPoint(
        point="Shows judgement: trade-offs, alternatives or lessons learned",
        keywords=["trade-off", "tradeoff", "trade off", "instead", "alternative", "lesson",
                  "learned", "learnt", "in hindsight", "decided", "rollback", "roll back",
                  "rehears*", "so that", "to avoid", "the risk", "safer", "we chose",
                  "i chose", "weigh*", "next time", "would do differently", "because",
                  "mostly from", "not from", "so no", "in the end", "the catch", "gotcha*"],
    ),
)

_EXPERIENCE = KeyPoint(
    point="States their experience (years or seniority)",
    keywords=["years", "year", "senior", "lead", "principal", "junior", "experience"],
)
_NUMBER_NAMES = ("zero one two three four five six seven eight nine ten eleven twelve "
                 "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
_REQUIRED_YEARS = re.compile(r"\bat least (\w+) years\b", re.IGNORECASE)
MAX_YEARS = 40
# The year "since 2015" is counted from: fixed, so a score never changes with the date.
REFERENCE_YEAR = 2026
_INTRO_EXTRA = (
    KeyPoint(
        point="Connects their background to this role",
        # A concrete link ("your AWS migration is familiar ground", "close to dispatch"),
        # not enthusiasm: "passionate" and "excited" are what every intro says.
        keywords=["interested", "looking for", "this role", "the role", "your team",
                  "contribute", "similar + stack|setup|platform|to yours|to your|to what you",
                  "familiar ground", "close to", "caught my eye"],
    ),
)


def project_points() -> tuple[KeyPoint, ...]:
    return _PROJECT_POINTS


# How people say a skill the role file spells in full ("Postgres", "k8s").
_SKILL_SPELLINGS = {"postgresql": "postgresql|postgres", "kubernetes": "kubernetes|k8s",
                    "javascript": "javascript|js", "typescript": "typescript|ts",
                    "aws rds": "aws rds|rds", "amazon web services": "amazon web services|aws"}


# Where the candidate worked ("at a ride-hailing company", "at Zalando", "for a fintech")
# or something they did there ("I owned the reservation service"): what makes an
# introduction concrete. "Six years across the whole spectrum of distributed architecture"
# and "a data storyteller at heart" name neither.
_WORKPLACE = re.compile(
    r"\b(?:[Aa]t|[Ff]or|[Ww]ith|[Jj]oined|[Ii]n) (?:a |an |the )?(?:[A-Z][\w&-]*[a-z][\w&-]*|"
    r"(?:[\w-]+ ){0,3}?(?:company|startup|scale-?up|bank|retailer|agency|marketplace|app|"
    r"provider|firm|insurer|airline|hospital|trust|consultancy|fintech|shop|store|operator|"
    r"carrier|team|platform|department|ministry|council|university))\b")
_OWN_WORK = re.compile(
    r"\b(?:i|we)(?:'ve| have| had)? (?:own(?:ed)?|buil[td]|ran|run|led|lead|maintain(?:ed)?|"
    r"migrated|wrote|designed|moved|cut|reduced|shipped|automated|introduced|support(?:ed)?|"
    r"manage[d]?|operate[d]?)\b", re.IGNORECASE)
VAGUE_INTRO_CAP = 3
PATTERNS = (_WORKPLACE, _OWN_WORK, *STOCK_PATTERNS)


def names_concrete_work(intro: str) -> bool:
    """Whether an introduction says where the candidate worked or what they did there."""
    return bool(_WORKPLACE.search(intro) or _OWN_WORK.search(intro))


# How many of the role's skills make "its stack": one named skill is any engineer's intro.
STACK_SKILLS = 3


def intro_points(role: Role) -> tuple[KeyPoint, ...]:
    """A skill the role needs, three of them (its stack), experience and a link to it."""
    skills = _distinct_skills(role)
    named = ", ".join(role.skills[:3])
    return (
        KeyPoint(point=f"Mentions a skill the role needs ({named}, ...)", keywords=skills),
        KeyPoint(point=f"Names {STACK_SKILLS} or more of the role's skills (its stack)",
                 keywords=skills, at_least=STACK_SKILLS),
        experience_point(role),
        *_INTRO_EXTRA,
    )


def _distinct_skills(role: Role) -> list[str]:
    """The role's skills as patterns, one per skill: "data visualisation" and "data
    visualization" (spellings are folded before matching) are one skill, not two."""
    by_pattern: dict[object, str] = {}
    for skill in role.skills:
        spelled = _SKILL_SPELLINGS.get(skill.lower(), skill.lower())
        by_pattern.setdefault(compile_pattern(spelled).parts, spelled)
    return list(by_pattern.values())


def required_years(role: Role) -> int | None:
    """The experience the job description asks for ("at least four years"), if it says."""
    found = _REQUIRED_YEARS.search(role.job_description)
    if found is None:
        return None
    word = found.group(1).lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_NAMES.index(word) if word in _NUMBER_NAMES else None


def experience_point(role: Role) -> KeyPoint:
    """Experience counts when it meets what the role asks for: "two years of IT support" is
    not the four years of production operations the posting wants. A seniority title
    counts as stated experience; a bare "years" or "experience" does not."""
    need = required_years(role)
    if need is None:
        return _EXPERIENCE
    spelled = [str(n) for n in range(need, MAX_YEARS + 1)]
    spelled += _NUMBER_NAMES[need:] + [
        f"{tens}{sep}{unit}" for tens in ("twenty", "thirty") for sep in (" ", "-")
        for unit in _NUMBER_NAMES[1:10]] + ["thirty", "forty"]
    years = "|".join(f"{n} years|{n} and a half years|{n}+ years|{n} year|{n} yrs|{n}+ yrs"
                     for n in spelled)
    since = "|".join(f"since {y}|from {y}"
                     for y in range(REFERENCE_YEAR - MAX_YEARS, REFERENCE_YEAR - need + 1))
    field = "|".join(_field_words(role))
    # The years have to be the role's kind of work, in the same sentence: "six years
    # backend", "with databases since 2015", "seven years of experience"; not "six years
    # in retail management" before a bootcamp.
    return KeyPoint(
        point=f"States experience meeting the role's {need} years (or seniority)",
        keywords=[f"{years} + {field}", f"{since} + {field}", "senior", "lead", "principal",
                  "staff engineer", "decade", "decades"])


# Words that say what kind of work the years were: the role's title, name and skills, and
# the usual names of the trade.
_TRADE_WORDS = ("experience", "professional", "professionally", "industry", "engineer*",
                "engineering", "developer*", "development", "programming", "software",
                "backend", "back-end", "analyst*", "analytics", "analysis", "data", "dba",
                "database*", "sre", "devops", "ops", "operations", "operating",
                "infrastructure", "platform*", "production", "reliability", "systems",
                "postgres*", "sql", "python", "kubernetes", "k8s", "cloud")


def _field_words(role: Role) -> list[str]:
    found = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9+#-]+", f"{role.title} "
             f"{role.name.replace('-', ' ')}") if len(w) > 2 and w.lower() not in STOPWORDS]
    found += [s.lower() for s in role.skills if " " not in s]
    return list(dict.fromkeys([*found, *_TRADE_WORDS]))


_GENERIC_STRUCTURE = (
    KeyPoint(
        point="Explains cause and effect, not just names",
        keywords=["because", "so that", "which means", "that means", "until", "therefore",
                  "as a result", "otherwise", "leads to", "causes", "that is why", "the reason",
                  "so + the|it|we|you|they", "which + then|causes|means|lets", "if + then",
                  "when + then"],
    ),
    KeyPoint(
        point="Gives specifics: a concrete step, setting, command or number",
        keywords=["<number>", "first", "then", "set + to", "i would set", "i set", "we set",
                  "i alert", "we alert", "i use", "we use", "i run", "we run", "i check",
                  "we check"],
    ),
    KeyPoint(
        point="Weighs risks, trade-offs or how they would check the result",
        keywords=["risk", "trade-off", "trade off", "tradeoff", "downside", "cost", "verify",
                  "measure", "monitor", "alert", "test", "depends", "alternative", "instead",
                  "fails", "fill*", "goes down", "breaks", "safeguard", "cap", "limit",
                  "danger", "careful"],
    ),
)


def generic_points(role: Role) -> tuple[KeyPoint, ...]:
    """For a question no bank question matches: whether the answer uses the field's
    concepts (the role's skills and rubric terms) and has the structure of a good answer.
    The report says so; an unrelated bank rubric would score it on the wrong things."""
    vocabulary = list(dict.fromkeys(
        [*role.skills, *(kw for q in role.questions for p in q.key_points
                         for kw in p.keywords if PART_SEPARATOR not in kw)]))
    concepts = KeyPoint(point="Uses the field's concepts and tools correctly",
                        keywords=vocabulary)
    return (concepts, *_GENERIC_STRUCTURE)


# Words of a question that frame it rather than name its subject.
_FRAMING = frozenset(
    """would could should how what when why which who whom where you your yours explain
    describe walk through tell talk affect affects affected difference between make makes sure
    handle use using used decide choose pick design find fix check know work works happen
    happens think well best good one ones usual list outside here there let lets say give
    take way ways want need needs get gets keep like also now next last first case team
    our ours we us question questions thing things something anything actually really
    approach compare cover briefly quick new old big large small high low many much more
    most less least two three four five ten hundred thousand day days week weeks""".split())
# Only absolute dismissals: "X does not matter as much as Y" compares, it does not dismiss.
_DISMISSED = ("irrelevant|does not really matter|do not really matter|does not matter at all|"
              "do not matter at all|makes no difference|make no difference|has no effect|"
              "have no effect|no longer matters|no longer matter|a myth|not a thing|overrated|"
              "non issue|a non-issue|not relevant|not really relevant|a solved problem|"
              "essentially solved|basically solved")


DISMISSAL_CLAIM = "Dismisses what the question asks about"


def dismissals_of(question: str) -> tuple[Misconception, ...]:
    """Wrong claims that dismiss what the question asks about: asked how DNS TTL affects a
    failover, "TTL is pretty much irrelevant for failover" is wrong whatever the rubric
    lists. One per content word of the question."""
    terms = dict.fromkeys(w for w in words(question)
                          if len(w) >= 3 and w.isalpha() and w not in STOPWORDS
                          and w not in _FRAMING)
    return tuple(Misconception(claim=f"{DISMISSAL_CLAIM} ({term})",
                               phrases=[f"{term} & {_DISMISSED}"]) for term in terms)


LONG_LIST_TOKENS = 8  # a sentence listing this many keyword words is a list of keywords
EXPLAINED_WORDS = 4  # content words a sentence needs to explain a point; fewer is a fragment
# Words that pad a fragment without saying anything ("X is definitely something I would do").
_FILLER = frozenset(
    """definitely certainly surely really always also too something anything things thing
    stuff here there would could should do does done doing basically obviously
    probably just very quite important""".split())


def _explains(sentence: Sentence) -> bool:
    """Enough words beyond stop words and padding to say something: "Roll back the last
    deploy first", "Declare a SEV1 straight away"; never "Rollback." or "Status page."."""
    content = sum(1 for w in sentence.words
                  if len(w) > 1 and w not in STOPWORDS and w not in _FILLER)
    return content >= EXPLAINED_WORDS


@dataclass(frozen=True)
class Coverage:
    """Which key points an answer shows, and how: credited, only guessed at, rejected,
    listed as bare keywords, or contradicted by a known wrong claim."""

    points: tuple[KeyPoint, ...]
    findings: tuple[PointFinding, ...]
    sentences: tuple[SentenceContext, ...] = ()
    # Wrong claims of the question or the role as a whole (no key point of their own).
    general_wrong_claims: tuple[WrongClaim, ...] = ()

    @property
    def hits(self) -> tuple[bool, ...]:
        return tuple(f.evidence is Evidence.CREDITED and not f.wrong_claims
                     for f in self.findings)

    @property
    def fraction(self) -> float:
        return sum(self.hits) / len(self.hits) if self.hits else 0.0

    def covered(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if hit]

    def missed(self) -> list[KeyPoint]:
        return [p for p, hit in zip(self.points, self.hits, strict=True) if not hit]

    def with_evidence(self, evidence: Evidence) -> list[KeyPoint]:
        return [p for p, f in zip(self.points, self.findings, strict=True)
                if f.evidence is evidence and not f.wrong_claims]

    @property
    def wrong_claims(self) -> tuple[WrongClaim, ...]:
        return tuple(c for f in self.findings for c in f.wrong_claims) + \
            self.general_wrong_claims

    @property
    def mistakes(self) -> int:
        """Wrong claims counted as mistakes: a sentence that matches two listed wordings of
        one point's error ("pool size = max_connections" is both "sized to the clients" and
        "as large as possible") is one mistake; wrong claims about two points are two. A
        question-wide wrong claim in a sentence already wrong about a point is that same
        mistake in the question's words ("pg_upgrade --link is zero downtime")."""
        per_point = {(c.sentence, i) for i, f in enumerate(self.findings)
                     for c in f.wrong_claims}
        wrong_sentences = {sentence for sentence, _ in per_point}
        general = {(c.sentence, -1) for c in self.general_wrong_claims
                   if c.sentence not in wrong_sentences}
        return len(per_point | general)

    @property
    def weak_hedges(self) -> int:
        return sum(1 for hit, f in zip(self.hits, self.findings, strict=True)
                   if hit and f.weak_hedge)

    @property
    def stuffed(self) -> bool:
        """Most of what the answer names stands in bare lists of keywords, or a long list
        stands beside little that is explained: one listed point beside three or more
        explained in sentences of their own is an answer ("check what changed: deploys,
        config, flags, the providers' status pages" among steps written out, however
        tersely), beside fragments ("Rollback. Status page. Timeline.", or fragments padded
        with "is definitely something I would do here") it is salad."""
        listed = len(self.with_evidence(Evidence.LISTED))
        named = sum(1 for f in self.findings if f.evidence is not Evidence.ABSENT)
        long_list = any(len(c.listed) >= LONG_LIST_TOKENS for c in self.sentences)
        if listed >= 2 and listed * 2 >= named:
            return True
        if not (listed >= 1 and long_list):
            return False
        explained = sum(1 for hit, f in zip(self.hits, self.findings, strict=True)
                        if hit and _explains(self.sentences[f.sentence].sentence))
        return listed * 3 >= named or explained < 3

    def credited_sentences(self) -> list[int]:
        """Sentence indexes carrying credited points, most points first."""
        counts: dict[int, int] = {}
        for hit, f in zip(self.hits, self.findings, strict=True):
            if hit:
                counts[f.sentence] = counts.get(f.sentence, 0) + 1
        return sorted(counts, key=lambda i: (-counts[i], i))


def sentence_contexts(points: Sequence[KeyPoint], answer: str | Sequence[Sentence],
                      keywords: Sequence[Sequence[str]] | None = None, *,
                      matcher: AnswerMatcher | None = None,
                      instruction: Callable[[str], bool] = injection_attempt,
                      ) -> tuple[SentenceContext, ...]:
    """Each sentence of the answer with what the scorer must know about it: whether it
    addresses the grader (ignored) and which of its words are bare keywords in a list.
    `keywords` (per point) may narrow each point's keywords to those that can occur;
    `matcher` (built on these sentences) finds them once for the whole answer;
    `instruction` is `injection_attempt` or a memo of it."""
    read = read_answer(answer) if isinstance(answer, str) else list(answer)
    per_point = keywords if keywords is not None else [p.keywords for p in points]
    single = [kw for kws in per_point for kw in kws if PART_SEPARATOR not in kw]
    singles = frozenset(single)  # intersected with each sentence's few live patterns
    contexts = []
    addressed = instructed([sentence.text for sentence in read], instruction=instruction)
    list_lines = term_list_lines(read)
    for index, sentence in enumerate(read):
        if matcher is None:
            spans = [span for kw in single
                     for combo in occurrences(compile_pattern(kw), sentence) for span in combo]
        else:  # only the set of spans matters to listed_tokens
            spans = [span for kw in matcher.live[index] & singles
                     for combo in matcher.occurrences(kw, index) for span in combo]
        listed = listed_tokens(sentence, spans)
        if index in list_lines:  # a line of the answer's one list
            listed = listed | {t for a, b in spans for t in range(a, b)}
        contexts.append(SentenceContext(
            sentence=sentence, index=index, instruction=addressed[index], listed=listed))
    return tuple(contexts)


def rubric_patterns(points: Sequence[KeyPoint],
                    misconceptions: Sequence[Misconception] = ()) -> tuple[str, ...]:
    """Every keyword and wrong-claim phrase of a rubric, once each, in order."""
    return tuple(dict.fromkeys([
        *(kw for p in points for kw in p.keywords),
        *(ph for p in points for m in p.misconceptions for ph in m.phrases),
        *(ph for m in misconceptions for ph in m.phrases)]))


INDEXED_RUBRICS = 512  # a role version's questions, the project and intro rubrics: a few dozen
_indexes: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], PatternIndex]] = OrderedDict()
_indexes_lock = threading.Lock()


def rubric_index(points: Sequence[KeyPoint],
                 misconceptions: Sequence[Misconception] = ()) -> PatternIndex:
    """The pattern index of this rubric. A role version's key points and misconceptions
    are the same objects on every turn (the role is parsed once per version), so they are
    looked up by identity, without listing their patterns again; the entry holds them, so
    no other object can take their ids while it is kept. A new role version brings new
    objects, hence its own entry (and `pattern_index` shares equal pattern lists)."""
    owners = (*points, *misconceptions)
    key = tuple(map(id, owners))
    with _indexes_lock:
        kept = _indexes.get(key)
        if kept is not None:
            _indexes.move_to_end(key)
            return kept[1]
    index = pattern_index(rubric_patterns(points, misconceptions))
    with _indexes_lock:
        _indexes[key] = (owners, index)
        while len(_indexes) > INDEXED_RUBRICS:
            _indexes.popitem(last=False)
    return index


def coverage(points: Sequence[KeyPoint], answer: str,
             misconceptions: Sequence[Misconception] = (), *,
             instruction: Callable[[str], bool] = injection_attempt) -> Coverage:
    """What the answer shows of each key point; `misconceptions` are the question's and
    the role's wrong claims beyond the key points' own. `instruction` tells sentences
    addressed to the grader: `injection_attempt`, or the caller's memo of it."""
    points = tuple(points)
    read = read_answer(answer)
    matcher = AnswerMatcher(rubric_index(points, misconceptions), read)
    live = matcher.anywhere
    keywords = [[kw for kw in p.keywords if kw in live] for p in points]
    contexts = sentence_contexts(points, read, keywords, matcher=matcher,
                                 instruction=instruction)

    def claims(found: Sequence[Misconception]) -> list[tuple[str, list[str]]]:
        return [(m.claim, phrases) for m in found
                if (phrases := [ph for ph in m.phrases if ph in live])]

    # A sentence that states a known wrong claim is no evidence for any point: "there's a
    # 97% chance the new flow is better" does not also show the p-value read right.
    general_claims = claims(misconceptions)
    point_claims = [claims(p.misconceptions) for p in points]
    every_claim = general_claims + [c for found in point_claims for c in found]
    wrong_sentences = claim_sentences(every_claim, contexts, matcher=matcher)
    findings = []
    for point, live_keywords, own_claims in zip(points, keywords, point_claims, strict=True):
        finding = find_several(live_keywords, contexts, point.at_least, matcher=matcher,
                               wrong_sentences=wrong_sentences)
        wrong = find_wrong_claims(own_claims, contexts, matcher=matcher)
        findings.append(replace(finding, wrong_claims=wrong) if wrong else finding)
    general = find_wrong_claims(general_claims, contexts, matcher=matcher)
    return Coverage(points, tuple(findings), contexts, general)
