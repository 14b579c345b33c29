"""What `/interview` does once parsed: each method calls the service and returns the reply
the recruiter sees. Bolt-free, so the listeners stay a thin ack-then-work layer.

Interviews of another workspace or platform are treated as not found: a recruiter here sees
only this workspace's interviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.erasure import erasure_preview
from adapters.slack.blocks import Block, roles_text, started_blocks
from adapters.slack.commands import (
    CONFIRM,
    USAGE,
    CancelInterview,
    Command,
    ExtendDeadline,
    ForgetCandidate,
    HandBack,
    ListRoles,
    RemindCandidate,
    ShowHelp,
    ShowReport,
    ShowStatus,
    StartInterview,
    TakeOver,
)
from adapters.slack.mrkdwn import escape
from adapters.slack.port import ReportRefusedError, SlackPort
from adapters.slack.recruiters import RecruiterGroupUnreadableError, RecruiterPolicy
from adapters.slack.translate import PLATFORM
from bot.errors import AmbiguousCandidateError, InterviewError, InterviewNotFoundError
from bot.roles import Role, list_roles
from bot.service import InterviewService, InterviewSummary, StartRequest

OPEN = ("active", "paused", "handed_over")


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[Block] | None = None


class RecruiterActions:
    def __init__(self, *, service: InterviewService, client: AsyncWebClient, port: SlackPort,
                 policy: RecruiterPolicy) -> None:
        self.service = service
        self.client = client
        self.port = port
        self.policy = policy

    def roles(self) -> list[Role]:
        return list_roles(self.service.settings.roles_dir)

    async def run(self, command: Command, *, user_id: str, team_id: str) -> Reply:
        """Every command but the start form (which needs Slack's trigger)."""
        try:
            match command:
                case StartInterview(candidate_id=candidate, role=role):
                    return await self.start(recruiter_id=user_id, team_id=team_id,
                                            candidate_id=candidate, role=role)
                case ShowStatus():
                    return await self.status(command, team_id=team_id)
                case CancelInterview(interview_id=interview_id):
                    return await self.cancel(interview_id, actor=user_id, team_id=team_id)
                case ShowReport(interview_id=interview_id):
                    return await self.report(interview_id, team_id=team_id)
                case RemindCandidate(interview_id=interview_id):
                    return await self.remind(interview_id, actor=user_id, team_id=team_id)
                case ExtendDeadline(interview_id=interview_id, days=days):
                    return await self.extend(interview_id, days, actor=user_id,
                                             team_id=team_id)
                case ForgetCandidate(candidate_id=candidate, confirmed=confirmed, who=who):
                    return await self.forget(candidate, who=who, confirmed=confirmed,
                                             actor=user_id, team_id=team_id)
                case TakeOver(interview_id=interview_id):
                    return await self.takeover(interview_id, user_id=user_id, team_id=team_id)
                case HandBack(interview_id=interview_id):
                    return await self.handback(interview_id, user_id=user_id, team_id=team_id)
                case ListRoles():
                    return Reply(roles_text(self.roles()))
                case ShowHelp():
                    return Reply(USAGE)
        except InterviewError as exc:
            return Reply(str(exc))
        return Reply(USAGE)

    async def start(self, *, recruiter_id: str, team_id: str, candidate_id: str, role: str,
                    resume: str = "", deadline: str | None = None) -> Reply:
        roles = {r.name: r for r in self.roles()}
        if role not in roles:
            return Reply(f"Unknown role `{role}`. `/interview roles` lists the roles.")
        if candidate_id == recruiter_id:
            return Reply("You can't interview yourself. To try the interview, run "
                         "`interview-bot demo` in a terminal.")
        try:
            is_recruiter = await self.policy.check(candidate_id)
        except RecruiterGroupUnreadableError as exc:
            return Reply(f"{exc}, so I can't tell whether <@{candidate_id}> is a recruiter "
                         "(recruiters read every report). No interview was started; try again "
                         "in a moment, or check the app has `usergroups:read`.")
        if is_recruiter:
            return Reply(f"<@{candidate_id}> is a recruiter, and recruiters read every report, "
                         "so they can't be a candidate here. Pick someone else.")
        if await self._in_recruiter_channel(candidate_id):
            return Reply(f"<@{candidate_id}> is a member of the recruiter channel "
                         f"<#{self.port.recruiter_channel}>, where their report would go. "
                         "Remove them from it first; no interview was started.")
        try:
            user: dict[str, Any] = (await self.client.users_info(user=candidate_id))["user"]
        except SlackApiError as exc:
            return Reply(f"I can't find <@{candidate_id}> in this workspace "
                         f"({exc.response.get('error')}). Mention a person who is a member.")
        if user.get("is_bot") or user.get("is_app_user") or candidate_id == "USLACKBOT":
            return Reply(f"<@{candidate_id}> is a bot; interviews are for people. Mention the "
                         "candidate instead.")
        if user.get("deleted"):
            return Reply(f"<@{candidate_id}>'s account is deactivated; I can't message them.")
        tz = user.get("tz")
        try:
            deadline_at = deadline_from(deadline, tz)
        except ValueError as exc:
            return Reply(str(exc))
        request = StartRequest(role=role, candidate_id=candidate_id,
                               candidate_name=display_name(user), platform=PLATFORM,
                               workspace=team_id, resume=resume, recruiter_id=recruiter_id,
                               deadline_at=deadline_at, timezone=tz)
        try:
            started = await self.service.start_interview(request)
        except InterviewError as exc:
            return Reply(str(exc))
        except SlackApiError as exc:
            return Reply(f"I couldn't message <@{candidate_id}> "
                         f"({exc.response.get('error')}), so no interview was started.")
        title = roles[role].title
        return Reply(f"Started interview {started.interview_id[:8]} with <@{candidate_id}> "
                     f"for {title}.",
                     started_blocks(interview_id=started.interview_id,
                                    candidate_id=candidate_id, role_title=title))

    async def _in_recruiter_channel(self, candidate_id: str) -> bool:
        """Known to be a member (an unreadable channel is the report's check to refuse)."""
        channel = self.port.recruiter_channel
        if not channel:
            return False
        try:
            return candidate_id in await self.port.channel_members(channel)
        except SlackApiError:
            return False

    async def status(self, command: ShowStatus, *, team_id: str) -> Reply:
        if command.interview_id:
            summary = await self._owned(command.interview_id, team_id)
            return Reply(status_detail(summary))
        found = await self.service.list_status(open_only=command.candidate_id is None,
                                               candidate_id=command.candidate_id,
                                               platform=PLATFORM, workspaces=[team_id, ""])
        if command.candidate_id:
            title = f"*Interviews with <@{command.candidate_id}>*"
            empty = f"<@{command.candidate_id}> has no interviews."
        else:
            title, empty = "*Open interviews*", "No open interviews."
        if not found:
            return Reply(empty)
        return Reply("\n".join([title, *(status_line(s) for s in found[:40])]))

    async def cancel(self, interview_id: str, *, actor: str, team_id: str) -> Reply:
        summary = await self._owned(interview_id, team_id)
        done = await self.service.cancel(summary.id, actor=actor)
        return Reply(f"Cancelled {done.id[:8]} ({done.role_title} with "
                     f"<@{done.candidate_id}>); they have been told. "
                     f"`/interview report {done.id[:8]}` posts a partial report.")

    async def remind(self, interview_id: str, *, actor: str, team_id: str) -> Reply:
        summary = await self._owned(interview_id, team_id)
        scheduled = await self.service.remind(summary.id, actor=actor)
        if scheduled.held_for_quiet_hours:
            return Reply(f"It's quiet hours for <@{summary.candidate_id}>, so the reminder "
                         f"goes at {scheduled.due_at:%Y-%m-%d %H:%M} UTC.")
        return Reply(f"A reminder is on its way to <@{summary.candidate_id}> "
                     f"({summary.id[:8]}, {summary.progress}).")

    async def extend(self, interview_id: str, days: float, *, actor: str,
                     team_id: str) -> Reply:
        summary = await self._owned(interview_id, team_id)
        done = await self.service.extend(summary.id, actor=actor, days=days)
        assert done.deadline_at is not None
        return Reply(f"Extended {done.id[:8]} ({done.role_title} with <@{done.candidate_id}>) "
                     f"by {days:g} day(s): it now closes {done.deadline_at:%Y-%m-%d %H:%M} UTC. "
                     "They get a message about it (after their quiet hours, if it's night "
                     "for them).")

    async def forget(self, candidate_id: str | None, *, who: str | None = None,
                     confirmed: bool, actor: str, team_id: str) -> Reply:
        """Erase a person's data in this workspace (every interview of theirs here, in any
        state); without `confirmed`, say what that would erase and how to confirm. The
        person is a Slack user, or named by `who`: a name, an interview or candidate id."""
        named = f"<@{candidate_id}>" if candidate_id else f"`{escape(who or '')}`"
        scope = {"platform": PLATFORM, "workspaces": [team_id, ""]}
        if not confirmed:
            return Reply(await self._forget_preview(candidate_id, who, scope))
        try:
            counts = await self.service.forget_candidate(candidate_id or who or "",
                                                         actor=actor, **scope)
        except AmbiguousCandidateError as exc:
            return Reply(_several(exc, who or ""))
        except InterviewError:
            return Reply(f"I have nothing stored about {named} in this workspace: nothing "
                         "to erase.")
        channel = self.port.recruiter_channel
        reports = f"reports in <#{channel}>" if channel else "reports"
        return Reply(f"Erased everything I stored about {named}: "
                     f"{rows_deleted(counts)}. Messages already posted in Slack (their DM, "
                     f"{reports}) stay; delete those in Slack if they must go too.")

    async def _forget_preview(self, candidate_id: str | None, who: str | None,
                              scope: dict[str, Any]) -> str:
        try:
            match = await self.service.find_candidate(candidate_id or who or "", **scope)
        except AmbiguousCandidateError as exc:
            return _several(exc, who or "")
        except InterviewError:
            match = None
        if candidate_id:
            user, shown = candidate_id, f"<@{candidate_id}>"
            confirm = f"To erase it, send `/interview forget` <@{candidate_id}> `{CONFIRM}`."
        elif match is None:
            return (f"No candidate `{escape(who or '')}` in this workspace: give their name "
                    "as Slack shows it, an @mention, or an interview id from `/interview "
                    "status`.")
        else:
            user, shown = match.platform_user_id, f"<@{match.platform_user_id}>"
            confirm = (f"To erase it, send `/interview forget {match.candidate_id[:8]} "
                       f"{CONFIRM}`.")
        found = await self.service.list_status(open_only=False, candidate_id=user, **scope)
        return erasure_preview(found, who=shown, confirm=confirm, platform_name="Slack",
                               cancel_hint="`/interview cancel <id>`",
                               status_line=status_line)

    async def takeover(self, interview_id: str, *, user_id: str, team_id: str) -> Reply:
        """Take an interview over from the bot: the candidate is told, and the recruiter
        channel gets the thread to talk to them in."""
        summary = await self._owned(interview_id, team_id)
        taken = await self.service.takeover(summary.id, recruiter_id=user_id,
                                            recruiter_name=await self.name_of(user_id))
        channel = f"<#{self.port.recruiter_channel}>" if self.port.recruiter_channel else \
            "the recruiter channel"
        if taken.already:
            return Reply(f"You already have interview {summary.id[:8]}: write in its thread "
                         f"in {channel}.")
        return Reply(f"You have taken over interview {summary.id[:8]} ({summary.role_title} "
                     f"with <@{summary.candidate_id}>). They were told a person is joining; "
                     f"write in the interview's thread in {channel} and I relay it to them. "
                     f"`/interview handback {summary.id[:8]}` lets me carry on.")

    async def handback(self, interview_id: str, *, user_id: str, team_id: str) -> Reply:
        summary = await self._owned(interview_id, team_id)
        await self.service.handback(summary.id, actor=user_id,
                                    actor_name=await self.name_of(user_id))
        return Reply(f"Interview {summary.id[:8]} is back with me: I carry on with the "
                     f"question <@{summary.candidate_id}> was on.")

    async def name_of(self, user_id: str) -> str:
        """A person's name as Slack shows it (their id when it cannot be read)."""
        try:
            return display_name((await self.client.users_info(user=user_id))["user"])
        except SlackApiError:
            return user_id

    async def report(self, interview_id: str, *, team_id: str) -> Reply:
        summary = await self._owned(interview_id, team_id)
        if summary.status in OPEN:
            return Reply(f"{summary.id[:8]} is still {summary.status} ({summary.progress}); its "
                         "report is posted to the recruiter channel when it ends. "
                         f"`/interview cancel {summary.id[:8]}` ends it early.")
        try:
            evaluated = await self.service.finish(summary.id)
        except ReportRefusedError as exc:
            return Reply(str(exc))
        channel = self.port.recruiter_channel
        return Reply(f"The report for <@{summary.candidate_id}> ({summary.role_title}) is in "
                     f"<#{channel}>: {evaluated.report.recommendation_label}, "
                     f"{evaluated.report.overall_score:.1f}/5.")

    async def _owned(self, interview_id: str, team_id: str) -> InterviewSummary:
        summary = await self.service.status(interview_id)
        if not _in_workspace(summary, team_id):
            raise InterviewNotFoundError(
                f"No interview with id {interview_id!r}. Use `/interview status` to list them.")
        return summary


def _in_workspace(summary: InterviewSummary, team_id: str) -> bool:
    return (summary.conversation.platform == PLATFORM
            and summary.conversation.workspace in (team_id, ""))


def _several(exc: AmbiguousCandidateError, who: str) -> str:
    """Several people match: list them, and say how to name one."""
    from bot.usecases.controls import describe_match

    lines = [f"`{escape(who)}` matches {len(exc.matches)} candidates here. Which one? Run "
             f"`/interview forget <candidate id>` with one of these ids:"]
    lines += [f"• {escape(describe_match(m))}" for m in exc.matches[:10]]  # type: ignore[arg-type]
    return "\n".join(lines)


def rows_deleted(counts: dict[str, int]) -> str:
    """`{"turns": 14, "interviews": 1, ...}` → "16 row(s) deleted (turns 14, interviews 1, …)"."""
    parts = [f"{table.replace('_', ' ')} {n}" for table, n in counts.items() if n]
    return f"{sum(counts.values())} row(s) deleted ({', '.join(parts) or 'none'})"


def display_name(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    return (profile.get("display_name") or user.get("real_name") or profile.get("real_name")
            or user.get("name") or user.get("id") or "the candidate")


def deadline_from(value: str | None, tz_name: str | None, *,
                  now: datetime | None = None) -> datetime | None:
    """A datepicker date → the end of that day in the candidate's time zone, in UTC."""
    if not value:
        return None
    try:
        zone = ZoneInfo(tz_name) if tz_name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    day = date.fromisoformat(value)
    end = datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
    if end <= (now or datetime.now(UTC)):
        raise ValueError(f"The deadline {value} has passed for the candidate: pick a later date.")
    return end


def status_line(s: InterviewSummary) -> str:
    score = f" · {s.overall_score:.1f}/5" if s.overall_score is not None else ""
    return (f"• `{s.id[:8]}` <@{s.candidate_id}> · {escape(s.role_title)} · {s.status} · "
            f"{s.progress}{score} · started {s.created_at:%Y-%m-%d} · candidate "
            f"`{s.candidate_key[:8]}`")


def status_detail(s: InterviewSummary) -> str:
    lines = [f"*{escape(s.candidate_name)}* (<@{s.candidate_id}>, candidate "
             f"`{s.candidate_key[:8]}`): {escape(s.role_title)}",
             f"Interview `{s.id[:8]}` is {s.status}: {s.progress}; "
             f"{s.candidate_turns} answer(s) so far."]
    if s.last_candidate_at:
        lines.append(f"Last reply {s.last_candidate_at:%Y-%m-%d %H:%M} UTC.")
    if s.deadline_at:
        lines.append(f"Deadline {s.deadline_at:%Y-%m-%d %H:%M} UTC.")
    if s.recommendation:
        lines.append(f"Report: {escape(s.recommendation)}, {s.overall_score or 0:.1f}/5.")
    return "\n".join(lines)
