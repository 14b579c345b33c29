"""What candidates commonly ask about a role, the words they ask it in, and the words a job
description uses to say it.

Candidates rarely use the description's words: "Can I work from home?" is answered by "The
role is remote-first", "How long until I hear back?" by "We aim to give an answer within two
weeks". A topic joins the two sides. Cues are matched on word stems, whole words only, so
"remotely" meets "remote" and "offices" meets "office".

A *sensitive* topic (pay, benefits, team size, visas, start date, reporting line, contract
type) is one where a near-miss sentence would mislead: it is answered only by a sentence that
speaks to that topic itself, otherwise the recruiter follows up.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.text import ALIASES, stem, words


@dataclass(frozen=True)
class Topic:
    name: str
    label: str          # how the bot names it to the candidate ("On salary: ...")
    asks: tuple[str, ...]
    says: tuple[str, ...]
    sensitive: bool = False
    says_pattern: str = ""  # a regex on the lowercased sentence, when words are not enough
    needs_skill: bool = False  # the sentence must also name one of the role's skills


TOPICS: tuple[Topic, ...] = (
    Topic("location", "where the role is based",
          asks=("remote", "remotely", "hybrid", "office", "onsite", "on site", "in person",
                "work from", "working from", "wfh", "come in", "go in", "based", "location",
                "located", "relocate", "commute", "country", "countries", "move to",
                "anywhere", "from home", "home office", "live in", "living in"),
          says=("remote", "hybrid", "office", "in person", "based in", "people living in",
                "located")),
    Topic("hours", "working hours",
          asks=("hours", "time zone", "timezone", "time zones", "timezones", "schedule",
                "what time", "flexible", "flexibility", "cet", "utc", "gmt", "working time",
                "irish time", "european time"),
          says=("core hours", "collaboration hours", "working hours", "office hours",
                "time zone", "utc", "cet", "cest", "gmt", "european time", "irish time",
                "uk time", "eastern time", "pacific time", "local time")),
    Topic("on-call", "on-call",
          asks=("on call", "oncall", "pager", "paging", "pages", "pagerduty",
                "out of hours", "after hours", "woken", "wake up", "rotation"),
          says=("on call", "pager", "paging", "pages", "pagerduty", "rotation")),
    Topic("salary", "salary", sensitive=True,
          asks=("salary", "salaries", "compensation", "comp", "pay", "paid", "wage",
                "pay band", "pay range", "salary range", "money", "package", "ote",
                "day rate", "earn", "remuneration", "how much does it pay"),
          says=("salary", "compensation", "pay", "paid", "wage", "band", "remuneration")),
    Topic("benefits", "benefits", sensitive=True,
          asks=("benefit", "benefits", "perk", "perks", "insurance", "pension", "401k",
                "vacation", "holiday", "holidays", "pto", "time off", "annual leave", "leave",
                "parental", "maternity", "paternity", "sick days", "sick leave", "bonus",
                "bonuses", "equity", "stock", "stock options", "share options", "company shares",
                "rsu", "rsus", "esop", "learning budget", "training budget", "budget",
                "conference", "conferences", "gym", "wellbeing", "stipend",
                "laptop"),
          says=("benefit", "perk", "insurance", "pension", "401k", "vacation", "holiday",
                "pto", "time off", "annual leave", "parental leave", "bonus", "equity",
                "stock", "share options", "learning budget", "training budget", "stipend")),
    Topic("contract", "the contract type", sensitive=True,
          asks=("part time", "full time", "contract", "contractor", "freelance",
                "permanent", "fixed term", "4 day week", "four day week", "job share",
                "temporary", "probation"),
          says=("part time", "full time", "contract", "permanent", "fixed term",
                "four day week", "4 day week", "probation")),
    Topic("team size", "team size", sensitive=True,
          asks=("how big", "how large", "team size", "size of the team", "headcount",
                "head count", "how many people", "how many engineers", "how many dbas",
                "how many analysts", "how many developers", "how many devs", "how many sres",
                "how many members", "how many colleagues", "how many employees",
                "how many staff", "how many of you", "how many folks", "people on the team",
                "people in the team", "team big", "big team", "team large", "large team",
                "team small", "small team", "size of"),
          says=("team size", "headcount"),
          says_pattern=r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a dozen)\s+"
                       r"(?:people|engineers|analysts|developers|dbas|sres|members|"
                       r"colleagues|employees)\b|\bteam of \d+"),
    Topic("visa", "visa sponsorship", sensitive=True,
          asks=("visa", "visas", "sponsor", "sponsorship", "sponsoring", "work permit",
                "right to work", "relocation", "immigration", "blue card", "citizenship",
                "citizen", "eligible to work", "work authorization", "work authorisation"),
          says=("visa", "sponsor", "sponsorship", "right to work", "work permit",
                "relocation", "eligible to work", "work authorization", "work authorisation")),
    Topic("start date", "the start date", sensitive=True,
          asks=("start date", "starting date", "when would i start", "when could i start",
                "when can i start", "when do i start", "when would the role start",
                "how soon can i start", "notice period", "join date", "joining date",
                "when would i join", "when can i join", "start asap"),
          says=("start date", "starting date", "start in", "start on", "notice period",
                "joining date")),
    Topic("reporting line", "who the role reports to", sensitive=True,
          asks=("report to", "reporting to", "reports to", "reporting line", "my manager",
                "line manager", "my boss", "who is the manager", "who would be my manager",
                "who manages", "direct manager", "hiring manager", "who is the lead"),
          says=("report to", "reports to", "reporting to", "reporting line",
                "line manager")),
    Topic("career", "career growth", sensitive=True,
          asks=("promotion", "promoted", "promotions", "career path", "career growth",
                "career progression", "progression", "growth opportunities", "grow into",
                "more senior title", "title", "performance review", "performance reviews"),
          says=("promotion", "career path", "career growth", "progression",
                "performance review")),
    Topic("outside work", "work outside the job", sensitive=True,
          asks=("side project", "side projects", "moonlighting", "consulting gig",
                "second job", "other job", "outside work", "freelancing"),
          says=("side project", "outside work", "moonlighting", "second job")),
    Topic("process", "the hiring process",
          asks=("interview process", "hiring process", "recruitment process",
                "application process", "the process", "interview", "interviews", "stages",
                "stage", "steps", "next steps", "rounds", "round", "take home", "takehome",
                "assignment", "exercise", "coding session", "coding interview",
                "live coding", "technical interview", "pair programming", "paired coding",
                "system design", "what happens after", "after this", "what comes next",
                "whats next", "what is next", "happens next", "who do i talk to",
                "who should i contact", "contact"),
          says=("hiring process", "interview", "exercise", "session", "conversation with",
                "reference checks", "contact for")),
    Topic("timeline", "the hiring timeline",
          asks=("hear back", "hear from you", "how long until", "how long will it take",
                "how long does it take", "how long does the process", "how soon",
                "when will i know", "when will i hear", "decision", "feedback", "timeline",
                "response", "outcome", "get an answer", "when do i hear",
                "when will i get"),
          says=("answer within", "timeline", "confirm timing", "decision", "feedback")),
    Topic("stack", "the tech stack",
          asks=("tech stack", "stack", "technologies", "technology", "tech", "tools",
                "tooling", "frameworks", "framework", "libraries", "databases",
                "what do you use", "software"),
          says=("written in", "runs on", "run on", "built on", "built in", "uses",
                "sits in", "modelled with", "modeled with", "packaged with", "deployed",
                "provisioned", "managed with", "main platform", "accessed through",
                "collected with", "are run with"),
          needs_skill=True),
    Topic("languages", "programming languages",
          asks=("language", "languages", "programming", "written in", "coding in", "code in"),
          says=("written in",)),
    Topic("cloud", "the cloud setup",
          asks=("cloud", "cloud provider", "aws", "gcp", "google cloud", "azure", "on prem",
                "on premises", "on premise", "self hosted", "data centre", "data center",
                "hosting", "hosted", "rds", "aurora", "eks"),
          says=("cloud", "aws", "amazon", "gcp", "azure", "data centre", "data center",
                "self hosted", "region", "regions", "eks", "rds")),
    Topic("deployment", "deployment",
          asks=("deploy", "deployment", "deployments", "ci", "cd", "pipeline", "pipelines",
                "release", "releases", "shipping"),
          says=("deployed", "deploy", "github actions", "argo", "pipeline", "ship")),
    Topic("monitoring", "monitoring",
          asks=("monitoring", "observability", "metrics", "alerting", "alerts", "logging",
                "logs", "tracing", "apm"),
          says=("monitoring", "observability", "observed", "alerting", "metrics")),
    Topic("dashboards", "dashboards and BI tools",
          asks=("bi", "bi tool", "bi tools", "dashboard", "dashboards", "dashboarding",
                "reporting tool", "reporting tools", "visualisation", "visualization",
                "power bi"),
          says=("dashboards", "dashboard", "looker", "tableau", "power bi")),
    Topic("warehouse", "where the data lives",
          asks=("warehouse", "data warehouse", "dwh", "data stored", "data lives",
                "data stack", "lakehouse", "data lake"),
          says=("bigquery", "snowflake", "redshift", "data sits", "data lives", "warehouse",
                "databricks")),
    Topic("requirements", "what the role asks for",
          asks=("years of experience", "years experience", "experience", "required",
                "requirement", "requirements", "must have", "nice to have",
                "qualifications", "qualification", "looking for", "degree", "skills",
                "background"),
          says=("looking for", "at least", "strong plus", "experience with", "years of",
                "nice to have", "required", "requirement")),
    Topic("responsibilities", "what the job involves",
          asks=("day to day", "typical day", "responsibilities", "responsibility", "duties",
                "what would i do", "what will i do", "what would i be doing",
                "what will i be doing", "what will i be working on",
                "what would i be working on", "what will i work on", "what would i work on",
                "role involve", "job involve", "position involve",
                "expectations", "expected to", "main tasks", "tasks", "own", "in charge"),
          says=("you will", "day to day", "responsible for")),
    Topic("collaboration", "who you would work with",
          asks=("work with", "working with", "work closely", "collaborate", "collaboration",
                "team structure", "which team", "what team", "about the team", "who else",
                "teammates", "stakeholders"),
          says=("working closely with", "work closely", "partner with", "part of",
                "sits inside", "alongside", "team supports", "team owns", "group builds")),
    Topic("company", "the company",
          asks=("what does the company do", "what does the company actually do",
                "what do you do", "what do you guys do", "what is the product",
                "what s the product", "what do you build", "what do you make",
                "what does the business do", "who are your customers",
                "who are the customers", "what industry", "company do", "about the company"),
          says=()),  # any sentence naming the company (added per role in `sentence_topics`)
    Topic("privacy", "data protection",
          asks=("privacy", "gdpr", "data protection", "patient data", "personal data", "pii",
                "confidential", "compliance", "regulated", "hipaa"),
          says=("data protection", "privacy", "pseudonymised", "pseudonymized", "gdpr",
                "regulated", "hipaa")),
    Topic("roadmap", "upcoming projects",
          asks=("project", "projects", "roadmap", "coming up", "upcoming", "next year",
                "plans", "priorities", "biggest challenge", "challenges", "migration",
                "migrating", "moving to", "move to"),
          says=("biggest project", "project for", "coming year", "next year", "this year",
                "roadmap", "priority", "priorities")),
)

BY_NAME = {t.name: t for t in TOPICS}


def stems_of(text: str) -> tuple[str, ...]:
    """Word stems in order, hyphenated and slashed words split ("on-call" -> on, call), no
    stopword removal, so cue phrases like "how many people" can match."""
    return tuple(stem(ALIASES.get(p, p)) for w in words(text) for p in w.split("-") if p)


@functools.lru_cache(maxsize=4096)
def _cue_stems(cue: str) -> tuple[str, ...]:
    return stems_of(cue)


def _has_cue(stems: tuple[str, ...], cue: str) -> bool:
    needle = _cue_stems(cue)
    n = len(needle)
    if not n:
        return False
    return any(stems[i:i + n] == needle for i in range(len(stems) - n + 1))


def asked_topics(question: str) -> frozenset[str]:
    """The topics a candidate's question is about."""
    stems = stems_of(question)
    return frozenset(t.name for t in TOPICS if any(_has_cue(stems, c) for c in t.asks))


def said_topics(sentence: str, company: str = "",
                skills: tuple[str, ...] = ()) -> frozenset[str]:
    """The topics a job-description sentence speaks to. `company` and the role's `skills`
    let a sentence say "the company" or "the stack" in the description's own words."""
    stems = stems_of(sentence)
    lowered = sentence.lower()
    names_skill = bool(skills_in(sentence, skills))
    found = {t.name for t in TOPICS
             if (any(_has_cue(stems, c) for c in t.says)
                 or (t.says_pattern and re.search(t.says_pattern, lowered)))
             and (names_skill or not t.needs_skill)}
    if company and _has_cue(stems, company):
        found.add("company")
    return frozenset(found)


def skills_in(text: str, skills: tuple[str, ...]) -> frozenset[str]:
    """The role skills a text names, matched on stems ("backups" names "backup")."""
    stems = stems_of(text)
    return frozenset(s for s in skills if _has_cue(stems, s))
