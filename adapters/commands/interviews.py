"""One interview from the terminal: `export`, `status`, `cancel`, `remind`, `extend`."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from rich.table import Table

from adapters.commands.common import Access, build_service, fail, load_settings, open_database, out

if TYPE_CHECKING:
    from bot.settings import Settings

T = TypeVar("T")


def _run(work: Awaitable[T]) -> T:
    """Run the service call; a refusal (unknown id, wrong state) is one line."""
    from bot.errors import InterviewError

    async def go() -> T:
        return await work

    try:
        return asyncio.run(go())
    except InterviewError as exc:
        fail(str(exc))


def export(*, interview_id: str, fmt: str) -> None:
    settings = load_settings()
    service = build_service(settings, open_database(settings, Access.READ))

    async def go() -> str:
        if fmt == "json":
            return json.dumps(await service.export(interview_id), indent=2,
                              ensure_ascii=False) + "\n"
        return await service.export_markdown(interview_id)

    sys.stdout.write(_run(go()))


def status(*, interview_id: str | None, all_: bool) -> None:
    settings = load_settings()
    service = build_service(settings, open_database(settings, Access.READ))
    if interview_id:
        summaries = [_run(service.status(interview_id))]
    else:
        summaries = _run(service.list_status(open_only=not all_))
    table = Table("id", "candidate", "candidate id", "role", "status", "progress", "score",
                  "started")
    for s in summaries:
        table.add_row(s.id[:8], s.candidate_name, s.candidate_key[:8], s.role_name, s.status,
                      s.progress,
                      f"{s.overall_score:.1f}" if s.overall_score is not None else "",
                      s.created_at.strftime("%Y-%m-%d %H:%M"))
    out.print(table if summaries else "No interviews.")


def cancel(*, interview_id: str) -> None:
    """Close an open interview and tell the candidate in their thread, through the platform
    the interview is on (its token must be set, as for the running bot)."""
    from adapters.commands.platform_ports import (
        PlatformNotConfiguredError,
        check_configured,
        port_for,
    )
    from bot.flow import OPEN_STATUSES

    settings = load_settings()
    engine = open_database(settings, Access.WRITE)
    summary = _run(build_service(settings, engine).status(interview_id))
    if summary.status not in OPEN_STATUSES:
        fail(f"interview {summary.id[:8]} is already {summary.status}; nothing to cancel")
    platform = summary.conversation.platform
    try:
        check_configured(settings, platform)
    except PlatformNotConfiguredError as exc:
        fail(f"interview {summary.id[:8]} is on {platform.capitalize()} and the candidate is "
             f"told there: set {exc} (as for `interview-bot run`), or use `/interview cancel` "
             f"in {platform.capitalize()}")

    async def go() -> int:
        async with port_for(settings, platform) as port:
            await build_service(settings, engine, port).cancel(summary.id, actor="cli")
        return _undelivered(engine, summary.id)

    unsent = _run(go())
    told = ("the candidate was told" if not unsent else
            "the message to the candidate could not be posted yet; the running bot posts it "
            "at its next start")
    out.print(f"Interview {summary.id[:8]} cancelled; {told}.")


def _undelivered(engine: object, interview_id: str) -> int:
    from storage import repository
    from storage.engine import session

    with session(engine) as s:  # type: ignore[arg-type]
        return len(repository.undelivered_bot_turns(s, interview_id))


def remind(*, interview_id: str) -> None:
    settings = load_settings()
    service = build_service(settings, open_database(settings, Access.WRITE))
    scheduled = _run(service.remind(interview_id, actor="cli"))
    when = scheduled.due_at.strftime("%Y-%m-%d %H:%M UTC")
    note = " (after the candidate's quiet hours)" if scheduled.held_for_quiet_hours else ""
    out.print(f"Reminder queued for {when}{note}; the running bot sends it.")


def extend(*, interview_id: str, days: float | None, until: str | None) -> None:
    """By `--days`, or to `--until`; either way within the bounds Slack and Discord use."""
    from bot.limits import MAX_EXTEND_DAYS, MIN_EXTEND_DAYS, extend_days_problem

    if (days is None) == (until is None):
        fail("say how long to extend by: --days N or --until DATE")
    settings = load_settings()
    if days is not None and (problem := extend_days_problem(days)):
        fail(f"--{problem}")
    when = _parse_when(until, settings) if until else None
    engine = open_database(settings, Access.WRITE)
    service = build_service(settings, engine)
    if when is not None:
        current = _run(service.status(interview_id)).deadline_at
        start = max(current or datetime.now(UTC), datetime.now(UTC))
        added = (when - start).total_seconds() / 86400
        if extend_days_problem(added):
            fail(f"--until must be {MIN_EXTEND_DAYS:g} to {MAX_EXTEND_DAYS:g} days after the "
                 f"current deadline ({start:%Y-%m-%d %H:%M} UTC), not {added:.1f}")
    summary = _run(service.extend(interview_id, actor="cli", days=days, until=when))
    assert summary.deadline_at is not None
    out.print(f"Interview {summary.id[:8]} now closes {summary.deadline_at:%Y-%m-%d %H:%M} UTC.")


def _parse_when(value: str, settings: Settings) -> datetime:
    """An ISO date or date-time; without a zone, REMINDER_DEFAULT_TIMEZONE's."""
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--until {value!r} is not a date (use e.g. 2026-12-01 or 2026-12-01T17:00)")
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings.reminders.default_timezone))
    return when
