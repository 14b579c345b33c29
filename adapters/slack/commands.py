"""`/interview …` text → a command, as a pure function; every mistake says how to fix it.

Slack sends mentions escaped (the manifest sets `should_escape: true`): `<@U123|ada>` for a
person, `<!subteam^S123|@team>` for a user group, `<#C123|name>` for a channel.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.limits import MAX_EXTEND_DAYS, MIN_EXTEND_DAYS, extend_days_problem

SUBCOMMANDS = ("status", "cancel", "remind", "extend", "report", "forget", "takeover",
               "handback", "roles", "help")
CONFIRM = "confirm"
USAGE = """*`/interview`* runs asynchronous interviews in a DM with the candidate.
• `/interview @candidate <role>`: start an interview (`/interview roles` lists roles)
• `/interview`: open a form (candidate, role, resume, deadline)
• `/interview status [@candidate|id]`: open interviews, one candidate's, or one interview
• `/interview cancel <id>`: close an interview early
• `/interview remind <id>`: nudge a quiet candidate
• `/interview extend <id> <days>`: give the candidate more time (e.g. `3` or `1.5` days)
• `/interview report <id>`: post a finished (or cancelled) interview's report
• `/interview takeover <id>`: talk with the candidate yourself (the bot relays in the thread)
• `/interview handback <id>`: let the bot carry on where it stopped
• `/interview forget <@candidate|name|id>`: erase everything stored about a person (asks you \
to confirm)
• `/interview roles` · `/interview help`"""

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_GROUP = re.compile(r"^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#(C[A-Z0-9]+|G[A-Z0-9]+)(?:\|[^>]*)?>$")
_INTERVIEW_ID = re.compile(r"^[0-9a-f]{6,32}$")


class CommandError(ValueError):
    """What is wrong with the command and how to write it instead (shown as it is)."""


@dataclass(frozen=True)
class StartInterview:
    candidate_id: str
    role: str


@dataclass(frozen=True)
class OpenStartForm:
    pass


@dataclass(frozen=True)
class ShowStatus:
    candidate_id: str | None = None
    interview_id: str | None = None


@dataclass(frozen=True)
class CancelInterview:
    interview_id: str


@dataclass(frozen=True)
class RemindCandidate:
    interview_id: str


@dataclass(frozen=True)
class ExtendDeadline:
    interview_id: str
    days: float


@dataclass(frozen=True)
class ShowReport:
    interview_id: str


@dataclass(frozen=True)
class ForgetCandidate:
    """Erase a person's data; without `confirmed`, only say what would be erased.
    `candidate_id` is a Slack user (a mention); `who` anything else that names them: their
    name, an interview id or the candidate id `status` shows."""

    candidate_id: str | None
    confirmed: bool = False
    who: str | None = None


@dataclass(frozen=True)
class TakeOver:
    interview_id: str


@dataclass(frozen=True)
class HandBack:
    interview_id: str


@dataclass(frozen=True)
class ListRoles:
    pass


@dataclass(frozen=True)
class ShowHelp:
    pass


Command = (StartInterview | OpenStartForm | ShowStatus | CancelInterview | RemindCandidate
           | ExtendDeadline | ShowReport | ForgetCandidate | TakeOver | HandBack | ListRoles
           | ShowHelp)


def parse_command(text: str, *, roles: Collection[str]) -> Command:
    """Parse the text after `/interview`. `roles` are the known role names."""
    tokens = text.split()
    if not tokens:
        return OpenStartForm()
    head = tokens[0].lower()
    if head in SUBCOMMANDS:
        return _subcommand(head, tokens[1:])
    return _start(tokens, roles)


def _subcommand(name: str, args: list[str]) -> Command:
    if name == "help":
        return ShowHelp()
    if name == "roles":
        return ListRoles()
    if name == "status":
        if not args:
            return ShowStatus()
        if len(args) == 1 and (user := _USER.match(args[0])):
            return ShowStatus(candidate_id=user.group(1))
        if len(args) == 1:
            return ShowStatus(interview_id=_interview_id(args[0], "status"))
        raise CommandError("`status` takes one @candidate or one interview id, e.g. "
                           "`/interview status @ada` or `/interview status 3f9c2a1b`.")
    if name == "forget":
        return _forget(args)
    if name == "extend":
        return _extend(args)
    if len(args) != 1:
        raise CommandError(f"`{name}` needs one interview id, e.g. `/interview {name} 3f9c2a1b` "
                           "(`/interview status` lists the ids).")
    interview_id = _interview_id(args[0], name)
    return {"cancel": CancelInterview, "remind": RemindCandidate, "report": ShowReport,
            "takeover": TakeOver, "handback": HandBack}[name](interview_id)


def _interview_id(token: str, name: str, rest: str = "") -> str:
    if _INTERVIEW_ID.match(token.lower()):
        return token.lower()
    raise CommandError(f"`{token}` is not an interview id: use the 8-character id that "
                       f"`/interview status` shows, e.g. `/interview {name} 3f9c2a1b{rest}`.")


def _forget(args: list[str]) -> ForgetCandidate:
    """`forget @ada`, `forget Ada Lovelace`, `forget 3f9c2a1b`, each with `confirm` at the
    end to erase."""
    confirmed = bool(args) and args[-1].lower() == CONFIRM
    named = args[:-1] if confirmed else args
    if not named:
        raise CommandError("`forget` needs one @candidate (or their name, or an interview id), "
                           "e.g. `/interview forget @ada` or `/interview forget Ada Lovelace` "
                           "(shows what would be erased).")
    user = _USER.match(named[0])
    if user is not None:
        if len(named) > 1:
            raise CommandError(f"To erase, end the command with the word `{CONFIRM}`: "
                               f"`/interview forget @ada {CONFIRM}`.")
        return ForgetCandidate(user.group(1), confirmed=confirmed)
    if named[0].startswith("@"):
        raise CommandError(f"I couldn't read `{named[0]}` as a person: pick them from Slack's "
                           "@-autocomplete, e.g. `/interview forget @ada`, or give their name "
                           "without the @.")
    if any(_GROUP.match(t) or _CHANNEL.match(t) or _USER.match(t) for t in named):
        raise CommandError("`forget` takes one person: an @candidate, a name or an interview "
                           "id, not a user group or a channel.")
    return ForgetCandidate(None, confirmed=confirmed, who=" ".join(named))


def _extend(args: list[str]) -> ExtendDeadline:
    how = ("e.g. `/interview extend 3f9c2a1b 3` (or `1.5`): the days, at least "
           f"{MIN_EXTEND_DAYS:g} and at most {MAX_EXTEND_DAYS:g}, are added to the deadline")
    if len(args) != 2:
        raise CommandError(f"`extend` needs an interview id and a number of days, {how}.")
    interview_id = _interview_id(args[0], "extend", " 3")
    try:
        days = float(args[1])
    except ValueError:
        days = math.nan
    if extend_days_problem(days):  # NaN and infinity fail this too
        raise CommandError(f"`{args[1]}` is not a number of days I can use, {how}.")
    return ExtendDeadline(interview_id, days)


def _start(tokens: list[str], roles: Collection[str]) -> Command:
    users = [m.group(1) for t in tokens if (m := _USER.match(t))]
    rest = [t for t in tokens if not _USER.match(t)]
    for token in rest:
        if _GROUP.match(token):
            raise CommandError("Name one person, not a user group: "
                               "`/interview @candidate <role>`.")
        if _CHANNEL.match(token):
            raise CommandError("Name a person, not a channel: `/interview @candidate <role>`.")
        if token.startswith("@"):
            raise CommandError(f"I couldn't read `{token}` as a person: pick them from Slack's "
                               "@-autocomplete so the name turns into a mention.")
    role = "-".join(rest).lower()
    if not users:
        if role in roles:
            raise CommandError(f"No candidate: say who to interview, e.g. "
                               f"`/interview @candidate {role}`.")
        raise CommandError(f"Unknown subcommand `{tokens[0]}`. Try `/interview help`.")
    if len(users) > 1:
        raise CommandError("One candidate at a time: `/interview @candidate <role>`.")
    if not role:
        raise CommandError(f"Which role? `/interview {tokens[0]} <role>`; roles: "
                           f"{_role_list(roles)}.")
    if role not in roles:
        raise CommandError(f"Unknown role `{role}`. Roles: {_role_list(roles)} "
                           "(`/interview roles` shows their titles).")
    return StartInterview(candidate_id=users[0], role=role)


def _role_list(roles: Collection[str]) -> str:
    return ", ".join(f"`{r}`" for r in sorted(roles)) or "none installed"
