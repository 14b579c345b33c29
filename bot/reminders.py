"""Reminder policy and wording: when a quiet candidate is nudged, and what they are told.

The policy comes from settings, is overridden per role (`REMINDER_POLICY_OVERRIDES`) and per
interview (`StartRequest.reminders`), and is frozen into `interview.flow["reminders"]` at
start so later settings changes never move an interview already under way.

Times: nudges fall `first_nudge_hours` and `second_nudge_hours` after the candidate's last
activity (start, answer, resume), moved out of quiet hours in the candidate's time zone
(`Candidate.timezone`, else `REMINDER_DEFAULT_TIMEZONE`). The deadline is exact. Nothing
nudges a paused or ended interview. `sync` turns this into reminder rows (on the turn path,
`restart_silence_clock` moves them in place); `decide` checks a due row against the
interview once more just before it is sent.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.flow import Kind, Stage, Status
from bot.settings import ReminderSettings
from bot.text import known_first_name
from storage import reminders as store
from storage import turns as turn_store
from storage.models import Candidate, Interview

logger = logging.getLogger(__name__)

NUDGE_1 = "nudge_1"
NUDGE_2 = "nudge_2"
MANUAL = "nudge_manual"
DEADLINE = "deadline"
RESUME_BY = "resume_by"
EXTENDED = "extended"
NUDGE_KINDS = frozenset({NUDGE_1, NUDGE_2, MANUAL})
# Kinds `sync` derives from the interview's state; the others are one-off requests.
MANAGED_KINDS = frozenset({NUDGE_1, NUDGE_2, DEADLINE, RESUME_BY})
TURN_KIND = "reminder"


@dataclass(frozen=True)
class ReminderPolicy:
    """One interview's reminder numbers: hours of silence before each nudge, days to the
    deadline and of a pause, and quiet hours (local, whole hours; start == end: none)."""

    first_nudge_hours: float = 48
    second_nudge_hours: float = 96
    deadline_days: float = 7
    quiet_hours_start: int = 21
    quiet_hours_end: int = 8
    pause_days: float = 7
    # False once the candidate asked for a person: they are never nudged by the bot again
    # (a recruiter's own `remind` still goes). Not a setting: set on one interview.
    nudges: bool = True

    def __post_init__(self) -> None:
        if self.first_nudge_hours <= 0 or self.second_nudge_hours <= self.first_nudge_hours:
            raise ValueError("reminders: need 0 < first_nudge_hours < second_nudge_hours")
        if self.deadline_days <= 0 or self.pause_days <= 0:
            raise ValueError("reminders: deadline_days and pause_days must be positive")
        for hour in (self.quiet_hours_start, self.quiet_hours_end):
            if not 0 <= hour <= 23:
                raise ValueError("reminders: quiet hours are whole hours 0-23")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReminderPolicy:
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"reminders: unknown policy fields {sorted(unknown)}")
        return cls(**{k: _number(k, v) for k, v in data.items()})


def _number(name: str, value: Any) -> float | bool:
    if name == "nudges":
        return bool(value)
    return int(value) if name.startswith("quiet_hours") else float(value)


def policy_for(settings: ReminderSettings, role_name: str,
               override: Mapping[str, Any] | None = None) -> ReminderPolicy:
    """Settings, then the role's override, then the interview's own."""
    data: dict[str, Any] = {f.name: getattr(settings, f.name) for f in fields(ReminderPolicy)
                            if hasattr(settings, f.name)}
    for layer in (settings.policy_overrides.get(role_name), override):
        data |= dict(layer or {})
    return ReminderPolicy.from_dict(data)


def policy_of(interview: Interview, settings: ReminderSettings) -> ReminderPolicy:
    """The policy frozen into the interview (older interviews: today's settings)."""
    stored = interview.flow.get("reminders")
    if stored:
        return ReminderPolicy.from_dict(stored)
    return policy_for(settings, interview.role_name)


def stored_policy(stored_json: str | None, role_name: str,
                  settings: ReminderSettings) -> ReminderPolicy:
    """`policy_of` from the stored policy's JSON text, as the sweeper reads it in bulk."""
    if stored_json:
        return _parsed_policy(stored_json)
    return policy_for(settings, role_name)


@functools.lru_cache(maxsize=256)
def _parsed_policy(stored_json: str) -> ReminderPolicy:
    return ReminderPolicy.from_dict(json.loads(stored_json))  # a batch shares a handful


@functools.lru_cache(maxsize=1024)
def zone_for(name: str | None, default: str) -> ZoneInfo:
    """The candidate's zone; an unknown name falls back to the default, with a warning."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown candidate time zone %r; using %s", name, default)
    return ZoneInfo(default)


# ------------------------------------------------------------------ time arithmetic


def in_quiet_hours(at: datetime, zone: ZoneInfo, policy: ReminderPolicy) -> bool:
    start, end = policy.quiet_hours_start, policy.quiet_hours_end
    if start == end:
        return False
    hour = at.astimezone(zone).hour
    return start <= hour < end if start < end else (hour >= start or hour < end)


def next_allowed(at: datetime, zone: ZoneInfo, policy: ReminderPolicy) -> datetime:
    """`at`, or the end of the quiet hours it falls in (in the candidate's zone)."""
    if not in_quiet_hours(at, zone, policy):
        return at
    local = at.astimezone(zone)
    end = datetime.combine(local.date(), time(policy.quiet_hours_end), tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), time(policy.quiet_hours_end),
                               tzinfo=zone)
    return end.astimezone(at.tzinfo)


def deadline_from(start: datetime, policy: ReminderPolicy) -> datetime:
    return start + timedelta(days=policy.deadline_days)


def desired_reminders(*, status: str, anchor: datetime, deadline_at: datetime | None,
                      resume_by: datetime | None, policy: ReminderPolicy,
                      zone: ZoneInfo) -> dict[str, datetime]:
    """The pending rows an interview should have, from its state alone."""
    if status not in (Status.ACTIVE, Status.PAUSED):
        return {}
    wanted: dict[str, datetime] = {}
    if deadline_at is not None:
        wanted[DEADLINE] = deadline_at

    def before_deadline(at: datetime) -> bool:
        return deadline_at is None or at < deadline_at

    if status == Status.PAUSED:
        if resume_by is not None and before_deadline(resume_by):
            wanted[RESUME_BY] = resume_by
        return wanted
    if not policy.nudges:
        return wanted
    first = next_allowed(anchor + timedelta(hours=policy.first_nudge_hours), zone, policy)
    second = next_allowed(anchor + timedelta(hours=policy.second_nudge_hours), zone, policy)
    if second <= first:  # both pushed to the same morning: keep the spacing
        gap = timedelta(hours=policy.second_nudge_hours - policy.first_nudge_hours)
        second = next_allowed(first + gap, zone, policy)
    for kind, at in ((NUDGE_1, first), (NUDGE_2, second)):
        if before_deadline(at):
            wanted[kind] = at
    return wanted


# ------------------------------------------------------------------ rows


def sync(session: Session, interview_id: str, *, settings: ReminderSettings, now: datetime,
         resume_by: datetime | None = None) -> None:
    """Re-derive an interview's pending reminders; called in the same transaction as each
    change that resets the silence clock (start, candidate message, status change, extend).
    Nudges count from `now`; a pause keeps its resume-by date unless one is given.
    The interview's row is locked before its reminders (a no-op when the caller holds it):
    the lock order every writer keeps, so a re-sync never deadlocks against a turn."""
    turn_store.lock_interview(session.connection(), interview_id)
    interview = session.get(Interview, interview_id)
    if interview is None:
        return
    if interview.status not in (Status.ACTIVE, Status.PAUSED):
        store.replace_pending(session, interview_id, {}, managed=None, now=now)
        return
    policy = policy_of(interview, settings)
    if interview.status == Status.PAUSED and resume_by is None:
        current = [r for r in store.pending_for(session, interview_id) if r.kind == RESUME_BY]
        resume_by = current[0].due_at if current else now + timedelta(days=policy.pause_days)
    desired = desired_reminders(
        status=interview.status, anchor=now, deadline_at=interview.deadline_at,
        resume_by=resume_by, policy=policy, zone=candidate_zone(session, interview, settings))
    store.replace_pending(session, interview_id, desired, managed=MANAGED_KINDS, now=now)


def restart_silence_clock(connection: Connection, interview: Any, timezone: str | None, *,
                          settings: ReminderSettings, now: datetime) -> None:
    """`sync` for an active interview whose candidate has just written, on the turn path:
    `interview` is the row the turn read (id, deadline, stored policy, role name) and
    `timezone` its candidate's. The nudges move to count from `now`, updated in place."""
    desired = desired_reminders(
        status=Status.ACTIVE, anchor=now, deadline_at=interview.deadline_at, resume_by=None,
        policy=policy_of(interview, settings), zone=zone_for(timezone, settings.default_timezone))
    store.rearm(connection, interview.id, desired, managed=MANAGED_KINDS, now=now)


def candidate_zone(session: Session, interview: Interview,
                   settings: ReminderSettings) -> ZoneInfo:
    candidate = session.get(Candidate, interview.candidate_id)
    return zone_for(candidate.timezone if candidate else None, settings.default_timezone)


def local_time_for(session: Session, interview_id: str, at: datetime, *,
                   settings: ReminderSettings) -> str:
    """`at` as the interview's candidate reads it."""
    interview = session.get(Interview, interview_id)
    assert interview is not None
    return local_time_text(at, candidate_zone(session, interview, settings))


@dataclass(frozen=True)
class Scheduled:
    """What a recruiter's request became: when the message goes, and whether quiet hours
    in the candidate's zone held it back."""

    interview_id: str
    kind: str
    due_at: datetime
    held_for_quiet_hours: bool


def schedule_once(session: Session, interview: Interview, kind: str, *,
                  settings: ReminderSettings, now: datetime) -> Scheduled:
    """A one-off message (recruiter's reminder, extension notice) as soon as quiet hours
    allow; the sweeper sends it."""
    policy = policy_of(interview, settings)
    due = next_allowed(now, candidate_zone(session, interview, settings), policy)
    store.set_pending(session, interview.id, kind, due, now=now)
    return Scheduled(interview.id, kind, due, due > now)


# ------------------------------------------------------------------ sending


@dataclass(frozen=True)
class Due:
    """What the sweeper knows about a claimed reminder and its interview at send time."""

    kind: str
    created_at: datetime
    status: str
    stage: str
    question_index: int
    question_total: int
    last_candidate_at: datetime | None
    deadline_at: datetime | None
    candidate_name: str
    role_title: str
    zone: ZoneInfo
    policy: ReminderPolicy


Verdict = Literal["send", "expire", "resume", "skip", "defer"]


@dataclass(frozen=True)
class Action:
    verdict: Verdict
    text: str = ""
    turn_kind: str = TURN_KIND
    due_at: datetime | None = None
    reason: str = ""


def decide(due: Due, now: datetime) -> Action:
    """The last check before a reminder goes out: the interview may have moved on since the
    row was written (answer, pause, end, extension) or it may be night for the candidate."""
    if due.status not in (Status.ACTIVE, Status.PAUSED):
        return Action("skip", reason=f"interview {due.status}")
    if due.kind == DEADLINE:
        return _decide_deadline(due, now)
    if due.kind in NUDGE_KINDS:
        return _decide_nudge(due, now)
    if due.kind == RESUME_BY:
        if due.status != Status.PAUSED:
            return Action("skip", reason="no longer paused")
        return _unless_quiet(due, now, Action("resume", resume_text(due)))
    if due.kind == EXTENDED:
        return _unless_quiet(due, now, Action("send", extended_text(due)))
    return Action("skip", reason=f"unknown reminder kind {due.kind!r}")


def _decide_deadline(due: Due, now: datetime) -> Action:
    if due.deadline_at is None:
        return Action("skip", reason="no deadline")
    if due.deadline_at > now:
        return Action("defer", due_at=due.deadline_at, reason="deadline extended")
    return Action("expire", closing_text(due), turn_kind=Kind.CLOSING.value)


def _decide_nudge(due: Due, now: datetime) -> Action:
    if due.status == Status.PAUSED:
        return Action("skip", reason="paused")
    if due.kind != MANUAL and not due.policy.nudges:
        return Action("skip", reason="the candidate asked for a person")
    if due.last_candidate_at is not None and due.last_candidate_at > due.created_at:
        return Action("skip", reason="candidate answered")
    if due.deadline_at is not None and now >= due.deadline_at:
        return Action("skip", reason="past the deadline")
    return _unless_quiet(due, now, Action("send", nudge_text(due)))


def _unless_quiet(due: Due, now: datetime, action: Action) -> Action:
    if in_quiet_hours(now, due.zone, due.policy):
        return Action("defer", due_at=next_allowed(now, due.zone, due.policy),
                      reason="quiet hours")
    return action


# ------------------------------------------------------------------ wording


def progress_phrase(stage: str, question_index: int, total: int) -> str:
    """How far along the candidate is, in their words."""
    if stage == Stage.GREETING:
        return "you're at the introduction"
    if stage == Stage.PROJECT:
        return "you're on the project question"
    if stage == Stage.TECHNICAL:
        return f"you're on technical question {question_index + 1} of {total}"
    if stage == Stage.CANDIDATE_QUESTIONS:
        return "you're at the last step, your questions about the role"
    return "you've reached the end"


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def local_time_text(at: datetime, zone: ZoneInfo) -> str:
    """'Friday 4 December at 17:00 (Europe/Berlin time)', in English whatever the locale."""
    local = at.astimezone(zone)
    return (f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month]} at "
            f"{local.hour:02d}:{local.minute:02d} ({zone.key} time)")


_CONTROLS = "Need a break? Reply `pause`. No longer interested? Reply `withdraw`."


def _progress(due: Due) -> str:
    return progress_phrase(due.stage, due.question_index, due.question_total)


def _closes(due: Due) -> str:
    if due.deadline_at is None:
        return ""
    return f" The interview closes on {local_time_text(due.deadline_at, due.zone)}."


def _hi(due: Due) -> str:
    """'Hi Ada' or, when no name is known (a platform id stood in for it), 'Hi'."""
    name = known_first_name(due.candidate_name)
    return f"Hi {name}" if name else "Hi"


def nudge_text(due: Due) -> str:
    if due.kind == NUDGE_2:
        opening = (f"{_hi(due)}, one more reminder: your {due.role_title} interview is still "
                   f"open and {_progress(due)}.")
        after = " After that, the recruiter reviews the answers you have given so far."
    elif due.kind == MANUAL:
        opening = (f"{_hi(due)}, the recruiter asked me to check in: your {due.role_title} "
                   f"interview is waiting for you, and {_progress(due)}.")
        after = ""
    else:
        opening = (f"{_hi(due)}, a friendly reminder that your {due.role_title} interview is "
                   f"waiting for you: {_progress(due)}.")
        after = ""
    return (f"{opening} Reply here whenever you're ready; your answers so far are saved."
            f"{_closes(due)}{after} {_CONTROLS}")


def resume_text(due: Due) -> str:
    return (f"{_hi(due)}, your pause has ended and your "
            f"{due.role_title} interview is open again: {_progress(due)}. Reply here to carry "
            f"on.{_closes(due)} {_CONTROLS}")


def extended_text(due: Due) -> str:
    name = known_first_name(due.candidate_name)
    opening = (f"Good news{', ' + name if name else ''}: the recruiter has given you "
               f"more time for your {due.role_title} interview.{_closes(due)}")
    if due.status == Status.PAUSED:
        return f"{opening} It stays paused until you reply `resume`."
    return (f"{opening} Right now {_progress(due)}. Reply here whenever you're ready. "
            f"{_CONTROLS}")


def closing_text(due: Due) -> str:
    return (f"{_hi(due)}, the deadline for your {due.role_title} "
            "interview has passed, so the interview is now closed. Thank you for the time you "
            "gave it. The recruiter will review the answers you gave and be in touch about "
            "next steps.")
