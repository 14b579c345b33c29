"""Data kept and erased: `forget`, `purge`, and the `reminders` queue."""

from __future__ import annotations

import asyncio

import typer
from rich.table import Table

from adapters.commands.common import (
    Access,
    build_service,
    fail,
    load_settings,
    open_database,
    out,
    print_counts,
)


def forget(*, candidate: str, yes: bool) -> None:
    from bot.errors import InterviewError

    settings = load_settings()
    if not yes and not typer.confirm(
            f"Erase every interview, transcript and evaluation of {candidate!r}? "
            "This cannot be undone.", default=False):
        fail("nothing erased")
    service = build_service(settings, open_database(settings, Access.WRITE))
    try:
        counts = asyncio.run(service.forget_candidate(candidate))
    except InterviewError as exc:
        fail(str(exc))
    print_counts(counts)
    out.print(f"Erased {sum(counts.values())} row(s) about {candidate}.", highlight=False)


def purge(*, dry_run: bool) -> None:
    from datetime import UTC, datetime, timedelta

    settings = load_settings()
    cutoff = datetime.now(UTC) - timedelta(days=settings.retention_days)
    if dry_run:
        from storage.engine import session
        from storage.retention import count_ended_before

        engine = open_database(settings, Access.READ)
        with session(engine) as s:
            counts = count_ended_before(s, cutoff)
        print_counts(counts, "rows that would be deleted")
        out.print(f"Dry run: nothing deleted. Interviews that ended before "
                  f"{cutoff:%Y-%m-%d %H:%M} UTC (RETENTION_DAYS={settings.retention_days}) "
                  "would go.", highlight=False)
        return
    from bot.sweeper import ReminderSweeper

    sweeper = ReminderSweeper(build_service(settings, open_database(settings, Access.WRITE)))
    print_counts(asyncio.run(sweeper.purge()))


def reminders(*, limit: int) -> None:
    from storage import reminders as reminder_store
    from storage.engine import session

    if limit < 1:
        fail(f"--limit must be at least 1, not {limit}")
    settings = load_settings()
    engine = open_database(settings, Access.READ)
    with session(engine) as s:
        rows = reminder_store.list_pending(s, limit=limit)
    table = Table("interview", "kind", "due (UTC)", "status", "attempts")
    for r in rows:
        table.add_row(r.interview_id[:8], r.kind, f"{r.due_at:%Y-%m-%d %H:%M}", r.status,
                      str(r.attempts))
    out.print(table if rows else "No pending reminders.")
