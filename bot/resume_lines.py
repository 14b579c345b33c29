"""The resume line the project question quotes ('You mentioned "..."').

The line must be something the candidate says they did, not their name, title, contact
details, education or a list of skills; it must be about what this role needs; and between
two such claims, one about what the job description calls current beats one about what it
calls legacy ("A few older services run on MySQL 8": a MySQL line is a poor opener for a
PostgreSQL-to-AWS role). A figure (a result, not a version number) is a tie-breaker, never a
reason on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.role_topics import skills_in
from bot.roles import Role
from bot.text import sentences, stem, terms

MIN_CHARS = 15
MAX_CHARS = 300
_BULLET = "-*•·–—>▪‣◦ "

_CONTACT = re.compile(
    r"\S+@\S+\.\w+|https?://|www\.|linkedin|github\.com|gitlab\.com|\+?\d[\d ()./-]{7,}\d|"
    r"\b(?:phone|tel|mobile|e-?mail|address)\b\s*:", re.IGNORECASE)
_EDUCATION = re.compile(
    r"\b(?:b\.?\s?sc|m\.?\s?sc|b\.?\s?eng|m\.?\s?eng|b\.?a|m\.?a|ph\.?\s?d|mba|bachelor|"
    r"master'?s|degree|university|college|diploma|certificate|certified|certification|"
    r"school|gpa)\b", re.IGNORECASE)
# "Acme Corp, 2019 - 2023", "Senior DBA | Acme | Jan 2020 – present": where and when, no claim.
_DATES = re.compile(r"\b(?:19|20)\d{2}\s*(?:[-–—]|to)\s*(?:(?:19|20)\d{2}|present|now|current)"
                    r"\b", re.IGNORECASE)
# "Maria Patel - Backend Engineer (Python), 3 years of experience": a name, then a separator.
_NAME_LINE = re.compile(r"^[A-Z][a-zA-Z'’.-]+(?:\s+[A-Z][a-zA-Z'’.-]+){1,3}\s*(?:[-–—|,:(]|$)")
_YEARS = re.compile(r"\b\d+\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)
_SECTION = re.compile(r"^(?:skills|technical skills|technologies|tools|tech stack|stack|"
                      r"languages|experience|work experience|employment|education|summary|"
                      r"profile|objective|projects|certifications|interests|contact|"
                      r"references)\b", re.IGNORECASE)
# A result: a figure with a unit or a before/after, not "MySQL 8" or "Python 3.12".
_RESULT = re.compile(
    r"\d[\d,.]*\+?\s*(?:%|x\b|ms\b|tb\b|gb\b|pb\b|k\b|m\b)|"
    r"\d[\d,.]*\+?[\s-]+(?:[a-z-]+\s+)?(?:million|billion|thousand|hours?|minutes?|days?|"
    r"weeks?|months?|requests?|rps|qps|users|customers|services|microservices|clusters|"
    r"databases|tables|servers|nodes|people|engineers|tests|tickets|incidents|rows|"
    r"pages|dashboards|teams)\b|\bfrom\s+\S*\d\S*\s+to\s+\S*\d|\bby\s+\d", re.IGNORECASE)
# What a description says about tools it is leaving behind; a skill named within a few words
# after one of these is legacy there.
_LEGACY = re.compile(r"\b(?:older|old|legacy|deprecated|outdated|retiring|being retired|"
                     r"phasing out|phased out|moving away from|moving off|sunsetting)\b",
                     re.IGNORECASE)
LEGACY_WINDOW_WORDS = 6

_NOT_VERBS = frozenset({"experienced", "skilled", "motivated", "dedicated", "talented",
                        "seasoned", "certified", "qualified", "accomplished", "detailed",
                        "advanced", "based", "interested", "focused", "results-driven",
                        "self-motivated", "detail-oriented"})
_ACTION_VERBS = frozenset(stem(v) for v in (
    "build", "built", "lead", "led", "run", "ran", "manage", "own", "design", "develop",
    "maintain", "operate", "implement", "migrate", "automate", "write", "wrote", "deploy",
    "mentor", "support", "administer", "architect", "create", "drive", "drove", "reduce",
    "improve", "introduce", "define", "launch", "ship", "establish", "optimise", "optimize",
    "tune", "scale", "monitor", "configure", "refactor", "rewrite", "rewrote", "replace",
    "consolidate", "partition", "upgrade", "plan", "analyse", "analyze", "present", "clean",
    "model", "test", "deliver", "coordinate", "serve", "set", "cut", "grow", "grew", "make",
    "made", "find", "found", "take", "took", "win", "won", "bring", "brought", "keep", "kept",
    "teach", "taught", "hold", "held", "oversee", "oversaw", "rebuild", "rebuilt", "raise",
    "move", "speed", "halve", "onboard", "help", "work", "use", "roll", "responsible",
    "contribute", "collaborate", "partner", "investigate", "diagnose", "resolve", "fix"))


@dataclass(frozen=True)
class ResumeLine:
    text: str
    order: int
    claim: bool  # starts like something they did ("Led ...", "I built ...")


def resume_lines(resume: str) -> list[ResumeLine]:
    """The resume's sentences that could be quoted: claims, and lines naming what the person
    worked on, without the header block (everything before the first claim), names,
    contact details, education, dates, section titles and skill lists."""
    out: list[ResumeLine] = []
    raw_lines = [ln.strip().lstrip(_BULLET).strip() for ln in resume.splitlines()]
    seen_claim = False
    for line in (ln for ln in raw_lines if ln):
        if not _line_quotable(line):
            continue
        for piece in sentences(line):
            piece = piece.strip().lstrip(_BULLET).rstrip(".;").strip()
            claim = _is_claim(piece)
            seen_claim = seen_claim or claim
            if MIN_CHARS <= len(piece) <= MAX_CHARS and (claim or seen_claim
                                                          and _piece_quotable(piece)):
                out.append(ResumeLine(piece, len(out), claim))
    return out


def _line_quotable(line: str) -> bool:
    """Whole-line checks, before a line is cut into sentences ("B.Sc. in ..." would be cut)."""
    if _CONTACT.search(line) or _SECTION.match(line) or line.endswith(":"):
        return False
    return _is_claim(line) or not (_EDUCATION.search(line) or _DATES.search(line)
                                   or _NAME_LINE.match(line))


def _piece_quotable(piece: str) -> bool:
    if _YEARS.search(piece) or _EDUCATION.search(piece) or _NAME_LINE.match(piece):
        return False  # who they are and how long, not something they did
    listed = piece.count(",") + piece.count("|") + piece.count("/")
    return listed < 3  # not a skill list ("PostgreSQL, MySQL, Patroni, AWS")


def _is_claim(line: str) -> bool:
    first = line.split(maxsplit=1)[0].lower().strip(",.:;()") if line.split() else ""
    if first in ("i", "we"):
        return True
    if first in _NOT_VERBS:
        return False
    return stem(first) in _ACTION_VERBS or (first.isalpha() and len(first) > 4
                                            and first.endswith("ed"))


def legacy_skills(role: Role) -> frozenset[str]:
    """The role's skills its job description names as older or legacy."""
    skills = tuple(s.lower() for s in role.skills)
    found: set[str] = set()
    for sentence in sentences(" ".join(role.job_description.split())):
        for match in _LEGACY.finditer(sentence):
            after = sentence[match.end():].split()[:LEGACY_WINDOW_WORDS]
            found |= skills_in(" ".join(after), skills)
    return frozenset(found)


def pick_resume_line(role: Role, resume: str) -> str | None:
    """The line that best fits the role: claims before other lines, then most of the role's
    skills the description names as current (a skill only the role file lists counts half,
    a legacy one counts against, a result adds one), then most job-description terms; None
    when no quotable line names a role skill."""
    skills = tuple(s.lower() for s in role.skills)
    legacy = legacy_skills(role)
    in_description = skills_in(role.job_description, skills) - legacy
    jd_terms = set(terms(role.job_description))
    best: tuple[bool, float, int, int] | None = None
    best_line: str | None = None
    for line in resume_lines(resume):
        named = skills_in(line.text, skills)
        if not named:
            continue
        current = len(named & in_description)
        relevance = (min(current, 3) + 0.5 * len(named - in_description - legacy)
                     - len(named & legacy) + (1 if _RESULT.search(line.text) else 0))
        key = (line.claim, relevance, len(set(terms(line.text)) & jd_terms), -line.order)
        if best is None or key > best:
            best, best_line = key, line.text
    return best_line

