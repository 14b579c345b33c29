"""What each `/interview` subcommand does: call the service, return the text the recruiter
sees. `commands.py` stays a thin layer of Discord option declarations around these.

Interviews of another server or platform are treated as not found: a recruiter here sees
only this server's interviews.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from adapters.discord.checks import candidate_access_problem
from adapters.discord.config import DiscordConfig
from adapters.discord.port import ChannelSetupError, ReportRefusedError
from adapters.discord.translate import PLATFORM
from adapters.erasure import erasure_preview
from bot.errors import AmbiguousCandidateError, InterviewError, InterviewNotFoundError
from bot.inbound import decode_text_file
from bot.limits import MAX_EXTEND_DAYS, MIN_EXTEND_DAYS, extend_days_problem
from bot.roles import Role, list_roles
from bot.service import InterviewService, InterviewSummary, StartRequest

logger = logging.getLogger(__name__)

OPEN = ("active", "paused", "handed_over")
RESUME_BYTES = 200_000
RESUME_SUFFIXES = (".txt", ".md", ".markdown", ".text")


@dataclass(frozen=True)
class Reply:
    text: str


class RecruiterActions:
    def __init__(self, *, service: InterviewService, client: discord.Client,
                 config: DiscordConfig) -> None:
        self.service = service
        self.client = client
        self.config = config

    def roles(self) -> list[Role]:
        return list_roles(self.service.settings.roles_dir)

    # ------------------------------------------------------------ start

    async def start(self, *, guild_id: int, recruiter: discord.abc.User,
                    candidate: discord.Member | discord.User, role: str, resume: str | None,
                    resume_file: discord.Attachment | None) -> Reply:
        roles = {r.name: r for r in self.roles()}
        if role not in roles:
            return Reply(f"Unknown role `{role}`. `/interview roles` lists the roles.")
        channel = self.client.get_channel(self.config.interviews_channel or 0)
        if not isinstance(channel, discord.TextChannel) or channel.guild.id != guild_id:
            return Reply("Interviews aren't set up in this server: DISCORD_INTERVIEWS_CHANNEL "
                         "must be a text channel here that I can see.")
        problem = self._candidate_problem(candidate, recruiter, channel)
        if problem:
            return Reply(problem)
        assert isinstance(candidate, discord.Member)
        resume_text = resume or ""
        if resume_file is not None:
            try:
                resume_text = await read_resume(resume_file)
            except ValueError as exc:
                return Reply(str(exc))
        request = StartRequest(role=role, candidate_id=str(candidate.id),
                               candidate_name=candidate.display_name, platform=PLATFORM,
                               workspace=str(guild_id), resume=resume_text,
                               recruiter_id=str(recruiter.id))
        try:
            started = await self.service.start_interview(request)
        except InterviewError as exc:
            return Reply(str(exc))
        except ChannelSetupError as exc:
            return Reply(f"{exc}; no interview was started.")
        except discord.HTTPException as exc:
            logger.warning("could not open a thread for %s: %s %s", candidate.id, exc.status,
                           exc.code)
            hint = (" I need Create Private Threads and Send Messages in Threads there."
                    if exc.status == 403 else "")
            return Reply(f"I couldn't open a private thread for {candidate.mention} in "
                         f"{channel.mention} (Discord said: {exc.text or exc.status}), so no "
                         f"interview was started.{hint}")
        thread = started.conversation.thread
        return Reply(f"Started interview `{started.interview_id[:8]}` with {candidate.mention} "
                     f"for {roles[role].title} in <#{thread}>. The report goes to "
                     f"<#{self.config.recruiter_channel}> when it ends.")

    def _candidate_problem(self, candidate: discord.Member | discord.User,
                           recruiter: discord.abc.User,
                           channel: discord.TextChannel) -> str | None:
        if not isinstance(candidate, discord.Member):
            return (f"{candidate.mention} isn't a member of this server; invite them first.")
        if candidate.bot:
            return f"{candidate.mention} is a bot; interviews are for people."
        if candidate.id == recruiter.id:
            return ("You can't interview yourself. To try the interview, run "
                    "`interview-bot demo` in a terminal.")
        role = self.config.recruiter_role
        if role is not None and candidate.get_role(role) is not None:
            return (f"{candidate.mention} is a recruiter, and recruiters read every report, so "
                    "they can't be a candidate here. Pick someone else.")
        reports = self.client.get_channel(self.config.recruiter_channel or 0)
        if isinstance(reports, discord.TextChannel) and reports.permissions_for(
                candidate).view_channel:
            return (f"{candidate.mention} can view the recruiter channel {reports.mention}, "
                    "where their report would go. Take that away first; no interview was "
                    "started.")
        return candidate_access_problem(channel, candidate)

    # ------------------------------------------------------------ the others

    async def status(self, *, guild_id: int, interview_id: str | None,
                     candidate: discord.abc.User | None) -> Reply:
        if interview_id:
            return Reply(status_detail(await self._owned(interview_id, guild_id)))
        found = await self.service.list_status(
            open_only=candidate is None, candidate_id=str(candidate.id) if candidate else None,
            platform=PLATFORM, workspaces=[str(guild_id)])
        if candidate is not None:
            title, empty = (f"**Interviews with {candidate.mention}**",
                            f"{candidate.mention} has no interviews.")
        else:
            title, empty = "**Open interviews**", "No open interviews."
        if not found:
            return Reply(empty)
        lines = [title]
        for summary in found:
            line = status_line(summary)
            if sum(len(x) + 1 for x in lines) + len(line) > 1900:
                lines.append(f"… and {len(found) - len(lines) + 1} more.")
                break
            lines.append(line)
        return Reply("\n".join(lines))

    async def cancel(self, *, guild_id: int, interview_id: str, actor: str) -> Reply:
        summary = await self._owned(interview_id, guild_id)
        done = await self.service.cancel(summary.id, actor=actor)
        return Reply(f"Cancelled `{done.id[:8]}` ({done.role_title} with "
                     f"<@{done.candidate_id}>); they have been told in the thread. "
                     f"`/interview report {done.id[:8]}` posts a partial report.")

    async def remind(self, *, guild_id: int, interview_id: str, actor: str) -> Reply:
        summary = await self._owned(interview_id, guild_id)
        remind = getattr(self.service, "remind", None)
        if remind is None:
            return Reply("Reminders aren't enabled: nothing was sent. You can nudge the "
                         "candidate yourself in their thread.")
        scheduled = await remind(summary.id, actor=actor)
        when = f"<t:{int(scheduled.due_at.timestamp())}:f>"
        held = " (held back by their quiet hours)" if scheduled.held_for_quiet_hours else ""
        return Reply(f"A reminder to <@{summary.candidate_id}> goes out {when}{held}, in "
                     f"<#{summary.conversation.thread}>.")

    async def extend(self, *, guild_id: int, interview_id: str, days: float,
                     actor: str) -> Reply:
        # Discord enforces the option's range in its client; this is for anything else.
        if extend_days_problem(days):  # NaN and infinity fail this too
            return Reply(f"`days` must be from {MIN_EXTEND_DAYS:g} to {MAX_EXTEND_DAYS:g}, "
                         "e.g. `3` or `1.5`; it is added to the current deadline.")
        summary = await self._owned(interview_id, guild_id)
        done = await self.service.extend(summary.id, actor=actor, days=days)
        assert done.deadline_at is not None
        when = int(done.deadline_at.timestamp())
        return Reply(f"Extended `{done.id[:8]}` ({done.role_title} with <@{done.candidate_id}>) "
                     f"by {days:g} day(s): it now closes <t:{when}:f> (<t:{when}:R>). They get "
                     f"a message about it in <#{done.conversation.thread}> (after their quiet "
                     "hours, if it's night for them).")

    async def forget(self, *, guild_id: int, candidate: discord.abc.User | None,
                     who: str | None, confirm: bool, actor: str) -> Reply:
        """Erase a person's data in this server (every Discord interview of theirs here, in
        any state); without `confirm`, say what that would erase and how to confirm. The
        person is a member, or named by `who`: a name, an interview or candidate id."""
        if candidate is None and not (who or "").strip():
            return Reply("Say whom to erase: `candidate` (a member), or `who` (their name, "
                         "an interview id or the candidate id `/interview status` shows).")
        named = candidate.mention if candidate else f"`{_clean(who or '')}`"
        key = str(candidate.id) if candidate else (who or "").strip()
        scope = {"platform": PLATFORM, "workspaces": [str(guild_id)]}
        if not confirm:
            return Reply(await self._forget_preview(candidate, key, named, scope))
        try:
            counts = await self.service.forget_candidate(key, actor=actor, **scope)
        except AmbiguousCandidateError as exc:
            return Reply(_several(exc, key))
        except InterviewError:
            return Reply(f"I have nothing stored about {named} in this server: nothing to "
                         "erase.")
        channel = self.config.recruiter_channel
        reports = f"reports in <#{channel}>" if channel else "reports"
        return Reply(f"Erased everything I stored about {named}: "
                     f"{rows_deleted(counts)}. Messages already posted in Discord (their "
                     f"interview threads, {reports}) stay; delete those in Discord if they "
                     "must go too.")

    async def _forget_preview(self, candidate: discord.abc.User | None, key: str, named: str,
                              scope: dict[str, object]) -> str:
        try:
            match = await self.service.find_candidate(key, **scope)  # type: ignore[arg-type]
        except AmbiguousCandidateError as exc:
            return _several(exc, key)
        except InterviewError:
            match = None
        if candidate is not None:
            user, shown = str(candidate.id), candidate.mention
            confirm = (f"To erase it, run `/interview forget` again for {candidate.mention} "
                       "with `confirm: True`.")
        elif match is None:
            return (f"No candidate {named} in this server: give their name, a member, or an "
                    "interview id from `/interview status`.")
        else:
            user, shown = match.platform_user_id, f"<@{match.platform_user_id}>"
            confirm = (f"To erase it, run `/interview forget who:{match.candidate_id[:8]} "
                       "confirm:True`.")
        found = await self.service.list_status(open_only=False, candidate_id=user,
                                               **scope)  # type: ignore[arg-type]
        return erasure_preview(found, who=shown, confirm=confirm, platform_name="Discord",
                               cancel_hint="`/interview cancel`", status_line=status_line)

    async def takeover(self, *, guild_id: int, interview_id: str,
                       recruiter: discord.abc.User) -> Reply:
        """Take an interview over: the candidate is told a person is joining, the bot goes
        quiet, and the recruiter is added to the candidate's private thread."""
        summary = await self._owned(interview_id, guild_id)
        taken = await self.service.takeover(summary.id, recruiter_id=str(recruiter.id),
                                            recruiter_name=_name(recruiter))
        thread = summary.conversation.thread
        try:
            found = self.client.get_channel(int(thread)) or await self.client.fetch_channel(
                int(thread))
            if isinstance(found, discord.Thread):
                await found.add_user(recruiter)
        except discord.HTTPException as exc:
            logger.warning("could not add recruiter %s to thread %s: %s %s", recruiter.id,
                           thread, exc.status, exc.code)
            return Reply(f"You have interview `{summary.id[:8]}`, but I couldn't add you to "
                         f"<#{thread}> (Discord said: {exc.text or exc.status}); open it from "
                         "the channel if you can see it.")
        if taken.already:
            return Reply(f"You already have interview `{summary.id[:8]}`: <#{thread}>.")
        return Reply(f"You have taken over interview `{summary.id[:8]}` ({summary.role_title} "
                     f"with <@{summary.candidate_id}>): I added you to <#{thread}> and told them "
                     "a person is joining. I stay quiet there until `/interview handback`.")

    async def handback(self, *, guild_id: int, interview_id: str,
                       actor: discord.abc.User) -> Reply:
        """The bot carries on; the recruiter who had the interview leaves its thread."""
        summary = await self._owned(interview_id, guild_id)
        back = await self.service.handback(summary.id, actor=str(actor.id),
                                           actor_name=_name(actor))
        thread = summary.conversation.thread
        if back.taken_by and back.taken_by.isdigit():
            try:
                found = self.client.get_channel(int(thread)) or await \
                    self.client.fetch_channel(int(thread))
                if isinstance(found, discord.Thread):
                    await found.remove_user(discord.Object(int(back.taken_by)))
            except discord.HTTPException as exc:
                logger.warning("could not take recruiter %s out of thread %s: %s %s",
                               back.taken_by, thread, exc.status, exc.code)
        return Reply(f"Interview `{summary.id[:8]}` is back with me: I carry on in <#{thread}> "
                     f"with the question <@{summary.candidate_id}> was on.")

    async def report(self, *, guild_id: int, interview_id: str) -> Reply:
        summary = await self._owned(interview_id, guild_id)
        if summary.status in OPEN:
            return Reply(f"`{summary.id[:8]}` is still {summary.status} ({summary.progress}); "
                         "its report is posted to the recruiter channel when it ends. "
                         f"`/interview cancel {summary.id[:8]}` ends it early.")
        try:
            evaluated = await self.service.finish(summary.id)
        except ReportRefusedError as exc:
            return Reply(str(exc))
        return Reply(f"The report for <@{summary.candidate_id}> ({summary.role_title}) is in "
                     f"<#{self.config.recruiter_channel}>: "
                     f"{evaluated.report.recommendation_label}, "
                     f"{evaluated.report.overall_score:.1f}/5.")

    def roles_text(self) -> Reply:
        roles = self.roles()
        if not roles:
            return Reply("No roles are installed.")
        return Reply("\n".join(["**Roles**", *(f"• `{r.name}`: {r.title}" for r in roles)]))

    async def interview_choices(self, guild_id: int, current: str) -> list[tuple[str, str]]:
        """(label, id) of this server's open interviews matching what was typed."""
        typed = current.strip().lower()
        found = await self.service.list_status(open_only=True, platform=PLATFORM,
                                               workspaces=[str(guild_id)])
        return [(f"{s.id[:8]} · {s.candidate_name} · {s.role_title}"[:100], s.id[:8])
                for s in found
                if not typed or s.id.startswith(typed) or typed in s.candidate_name.lower()]

    async def _owned(self, interview_id: str, guild_id: int) -> InterviewSummary:
        summary = await self.service.status(interview_id.strip())
        if not _in_guild(summary, guild_id):
            raise InterviewNotFoundError(
                f"No interview with id {interview_id!r}. Use `/interview status` to list them.")
        return summary


async def read_resume(attachment: discord.Attachment) -> str:
    """A text résumé file; anything else is refused with what to do instead."""
    name = attachment.filename.lower()
    is_text = (attachment.content_type or "").startswith("text/") or name.endswith(
        RESUME_SUFFIXES)
    if not is_text:
        raise ValueError(f"I can read text résumés only (.txt or .md), not "
                         f"`{attachment.filename}`. Paste the text into `resume` instead.")
    if attachment.size > RESUME_BYTES:
        raise ValueError(f"`{attachment.filename}` is over {RESUME_BYTES // 1000} KB; paste the "
                         "relevant part into `resume` instead.")
    return decode_text_file(await attachment.read()).strip()  # UTF-16 résumés too


def _name(user: discord.abc.User) -> str:
    return getattr(user, "display_name", "") or getattr(user, "name", "") or str(user.id)


def _clean(text: str) -> str:
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def _several(exc: AmbiguousCandidateError, who: str) -> str:
    """Several people match: list them, and say how to name one."""
    from bot.usecases.controls import describe_match

    lines = [f"`{_clean(who)}` matches {len(exc.matches)} candidates here. Which one? Run "
             "`/interview forget who:<candidate id>` with one of these ids:"]
    lines += [f"• {_clean(describe_match(m))}" for m in exc.matches[:10]]  # type: ignore[arg-type]
    return "\n".join(lines)


def rows_deleted(counts: dict[str, int]) -> str:
    """`{"turns": 14, "interviews": 1, ...}` → "16 row(s) deleted (turns 14, interviews 1, …)"."""
    parts = [f"{table.replace('_', ' ')} {n}" for table, n in counts.items() if n]
    return f"{sum(counts.values())} row(s) deleted ({', '.join(parts) or 'none'})"


def _in_guild(summary: InterviewSummary, guild_id: int) -> bool:
    return (summary.conversation.platform == PLATFORM
            and summary.conversation.workspace == str(guild_id))


def status_line(s: InterviewSummary) -> str:
    score = f" · {s.overall_score:.1f}/5" if s.overall_score is not None else ""
    return (f"• `{s.id[:8]}` <@{s.candidate_id}> · {discord.utils.escape_markdown(s.role_title)}"
            f" · {s.status} · {s.progress}{score} · <#{s.conversation.thread}> · candidate "
            f"`{s.candidate_key[:8]}`")


def status_detail(s: InterviewSummary) -> str:
    name = discord.utils.escape_markdown(s.candidate_name)
    lines = [f"**{name}** (<@{s.candidate_id}>, candidate `{s.candidate_key[:8]}`): "
             f"{s.role_title}",
             f"Interview `{s.id[:8]}` is {s.status}: {s.progress}; "
             f"{s.candidate_turns} answer(s) so far. Thread: <#{s.conversation.thread}>."]
    if s.last_candidate_at:
        lines.append(f"Last reply <t:{int(s.last_candidate_at.timestamp())}:R>.")
    if s.deadline_at:
        lines.append(f"Deadline <t:{int(s.deadline_at.timestamp())}:f>.")
    if s.recommendation:
        lines.append(f"Report: {s.recommendation}, {s.overall_score or 0:.1f}/5.")
    return "\n".join(lines)
