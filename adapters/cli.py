"""`interview-bot`: the terminal's adapter and the composition root.

Thin by design: parse, build the service from settings, call it, print. A user mistake
becomes one `error: ...` line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import sqlalchemy as sa
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from adapters.console import ConsolePort, print_report, run_demo
from adapters.logs import LogLevelsError, configure_logging
from adapters.private_file import write_private_text
from adapters.runtime import run_platforms
from bot.brains.base import Brain
from bot.brains.offline import OfflineBrain
from bot.errors import InterviewError
from bot.export import evaluation_json
from bot.grounding import questions_for_recruiter
from bot.report import build_report, render_markdown
from bot.roles import (
    RoleInvalidError,
    RoleNotFoundError,
    list_roles,
    load_role,
    validate_role_file,
)
from bot.scoring_items import items_from_conversation, unassessed_topics
from bot.service import InterviewService
from bot.settings import Settings
from bot.signals import analyse
from bot.simulated import PROFILES
from bot.transcript import TranscriptError, infer_role, label_turns, read_transcript
from storage.engine import DatabaseUnavailableError, check_connection, make_engine
from storage.migrate import upgrade

app = typer.Typer(help="Asynchronous job interviews in chat.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
roles_app = typer.Typer(help="List, show and validate role files.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(roles_app, name="roles")
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    markdown = "markdown"
    json = "json"


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"bad setting {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    try:  # the libraries' log levels, now that .env has been read (see adapters/logs.py)
        configure_logging(logging.getLogger().level, settings.log_library_levels)
    except LogLevelsError as exc:
        fail(str(exc))
    return settings


def open_database(settings: Settings, *, create: bool = True) -> Engine:
    """Engine, connectivity check and migrations: one readable line if any of it fails.
    With `create=False` (read-only commands) a missing SQLite file is an error, not a new
    empty database."""
    url = sa.engine.make_url(settings.database_url) if "://" in settings.database_url else None
    if (not create and url is not None and url.get_backend_name() == "sqlite"
            and url.database and url.database != ":memory:" and not Path(url.database).exists()):
        fail(f"no database at {url.database}: run `interview-bot demo` or "
             "`interview-bot db upgrade` first")
    try:
        engine = make_engine(settings.database_url)
        check_connection(engine)
        upgrade(engine)
    except DatabaseUnavailableError as exc:
        fail(str(exc))
    return engine


def build_brain(settings: Settings) -> Brain:
    """The brain the settings ask for; the openai one needs a key or a local server URL."""
    if settings.brain == "openai":
        if settings.openai_api_key is None and settings.openai_base_url is None:
            fail("BRAIN=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)")
        from bot.brains.openai_brain import OpenAIBrain

        return OpenAIBrain(settings)
    return OfflineBrain()


def build_service(settings: Settings, engine: Engine, port: Any) -> InterviewService:
    return InterviewService(engine=engine, port=port, brain=build_brain(settings),
                            settings=settings)


def parse_seed(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        fail(f"--seed must be a whole number, not {value!r}")


def get_role(name: str, settings: Settings):  # noqa: ANN201 - Role
    try:
        return load_role(name, settings.roles_dir)
    except RoleNotFoundError as exc:
        fail(str(exc.args[0] if exc.args else exc))
    except RoleInvalidError as exc:
        more = len(exc.errors) - 1
        extra = f" (and {more} more: run `interview-bot roles validate`)" if more > 0 else ""
        fail(f"role {name!r} is invalid: {exc.errors[0]}{extra}")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
         ) -> None:
    configure_logging(logging.INFO if verbose else logging.WARNING)


@app.command()
def demo(
    profile: Annotated[str, typer.Option(help=f"Simulated candidate: {', '.join(PROFILES)}.")
                       ] = "strong",
    role: Annotated[str, typer.Option(help="Role name (see `roles list`).")
                    ] = "database-administrator",
    seed: Annotated[str, typer.Option(help="Seed for the simulated candidate.")] = "0",
    interactive: Annotated[bool, typer.Option(help="Type the answers yourself.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the export here.")
                         ] = None,
) -> None:
    """Run a whole interview in the terminal against a simulated (or typed) candidate."""
    settings = load_settings()
    seed_value = parse_seed(seed)
    if profile not in PROFILES:
        fail(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    the_role = get_role(role, settings)
    engine = open_database(settings)
    port = ConsolePort(console=out)
    service = build_service(settings, engine, port)

    def show_candidate(text: str) -> None:
        shown = text if len(text) <= 1200 else text[:1200] + f" … [{len(text)} characters]"
        out.print(f"[bold yellow]Candidate:[/] {shown or '[dim](empty message)[/]'}\n",
                  highlight=False)

    def ask() -> str | None:
        try:
            return out.input("[bold yellow]You:[/] ")
        except (EOFError, KeyboardInterrupt):
            return None

    async def go() -> None:
        out.rule(f"Demo interview: {the_role.title}, "
                 f"{'you' if interactive else profile + ' candidate'} (seed {seed_value})")
        result = await run_demo(service, the_role, profile=profile, seed=seed_value,
                                ask=ask if interactive else None,
                                show_candidate=None if interactive else show_candidate)
        summary = await service.status(result.interview_id)
        if summary.status in ("completed", "expired"):
            evaluated = await service.finish(result.interview_id)
            print_report(out, evaluated.markdown)
        else:
            out.print(f"Interview {result.interview_id[:8]} is {summary.status}.")
        if json_path is not None:
            data = await service.export(result.interview_id)
            write_private_text(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            out.print(f"Wrote {json_path}")
        out.print(f"Interview id: {result.interview_id} (stored in "
                  f"{engine.url.render_as_string(hide_password=True)})")

    asyncio.run(go())


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Transcript: JSON or 'Speaker: text' lines.")],
    role: Annotated[str | None, typer.Option(help="Role name; inferred if not given.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="markdown or json.")
                   ] = Format.markdown,
) -> None:
    """Score a transcript file and print the evaluation and HR report."""
    settings = load_settings()
    try:
        transcript = read_transcript(file)
    except TranscriptError as exc:
        fail(str(exc))
    the_role = _transcript_role(transcript, role, settings)
    turns = label_turns(transcript, the_role)
    items = items_from_conversation(the_role, turns)
    if not items:
        fail(f"{file}: found no interviewer questions to score")
    brain = OfflineBrain()
    evaluations = asyncio.run(brain.evaluate(items)).evaluations
    answers = [t.text for t in turns if t.speaker == "candidate" and t.kind == "answer"]
    asked = [t.text for t in turns if t.speaker == "candidate" and t.kind == "question"]
    report = build_report(candidate_name=transcript.candidate_name, role_title=the_role.title,
                          evaluations=evaluations, signals=analyse(answers, asked),
                          unassessed_topics=unassessed_topics(the_role, items),
                          follow_up_questions=questions_for_recruiter(the_role, answers, asked))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(evaluation_json(evaluations, report), indent=2,
                                    ensure_ascii=False) + "\n")
        return
    header = f"# {transcript.candidate_name}: {the_role.title} (role file: {the_role.name})"
    sys.stdout.write(render_markdown(report, evaluations, header=header))


def _transcript_role(transcript: Any, role: str | None, settings: Settings):  # noqa: ANN202
    if role:
        return get_role(role, settings)
    hint = transcript.role_hint
    if hint:
        slug = "-".join(hint.lower().split())
        try:
            return load_role(slug, settings.roles_dir)
        except RoleNotFoundError:
            pass
    inferred = infer_role(transcript, list_roles(settings.roles_dir))
    if inferred is None:
        fail("cannot tell the transcript's role; pass --role (see `interview-bot roles list`)")
    return inferred


@app.command()
def export(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help="Interview id or prefix.")],
    fmt: Annotated[Format, typer.Option("--format", help="markdown or json.")] = Format.json,
) -> None:
    """Print one interview: transcript, scores and report."""
    settings = load_settings()
    engine = open_database(settings, create=False)
    service = build_service(settings, engine, ConsolePort())

    async def go() -> str:
        if fmt is Format.json:
            return json.dumps(await service.export(interview_id), indent=2,
                              ensure_ascii=False) + "\n"
        return await service.export_markdown(interview_id)

    try:
        sys.stdout.write(asyncio.run(go()))
    except InterviewError as exc:
        fail(str(exc))


@app.command()
def status(
    interview_id: Annotated[str | None, typer.Argument(metavar="[ID]")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include ended interviews.")] = False,
) -> None:
    """Show one interview, or the open ones."""
    settings = load_settings()
    engine = open_database(settings, create=False)
    service = build_service(settings, engine, ConsolePort())
    try:
        if interview_id:
            summaries = [asyncio.run(service.status(interview_id))]
        else:
            summaries = asyncio.run(service.list_status(open_only=not all_))
    except InterviewError as exc:
        fail(str(exc))
    table = Table("id", "candidate", "role", "status", "progress", "score", "started")
    for s in summaries:
        table.add_row(s.id[:8], s.candidate_name, s.role_name, s.status, s.progress,
                      f"{s.overall_score:.1f}" if s.overall_score is not None else "",
                      s.created_at.strftime("%Y-%m-%d %H:%M"))
    out.print(table if summaries else "No interviews.")


@roles_app.command("list")
def roles_list() -> None:
    """The available roles."""
    settings = load_settings()
    table = Table("name", "title", "company", "questions", "file")
    for r in list_roles(settings.roles_dir):
        table.add_row(r.name, r.title, r.company, str(len(r.questions)), r.source)
    out.print(table)


@roles_app.command("show")
def roles_show(name: Annotated[str, typer.Argument(help="Role name or path.")]) -> None:
    """One role: job description and question bank."""
    settings = load_settings()
    r = get_role(name, settings)
    out.print(f"[bold]{r.title}[/] at {r.company} ({r.name})\n{r.summary}\n")
    out.print(r.job_description)
    table = Table("id", "topic", "question", "key points")
    for q in r.questions:
        table.add_row(q.id, q.topic, q.question, str(len(q.key_points)))
    out.print(table)


@roles_app.command("validate")
def roles_validate(paths: Annotated[list[Path], typer.Argument(help="Role YAML files.")]
                   ) -> None:
    """Check role files; every error names its file, line and field."""
    problems = [e for p in paths for e in validate_role_file(p)]
    for problem in problems:
        err.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    out.print(f"{len(paths)} role file(s) valid.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    settings = load_settings()
    engine = open_database(settings)
    out.print(f"Database at {engine.url.render_as_string(hide_password=True)} is up to date.")


@app.command()
def run(
    slack: Annotated[bool, typer.Option("--slack", help="Start the Slack adapter.")] = False,
    discord: Annotated[bool, typer.Option("--discord", help="Start the Discord adapter.")
                       ] = False,
    http: Annotated[bool, typer.Option(
        "--http", help="Slack over HTTP at /slack/events (SLACK_SIGNING_SECRET) instead of "
                       "Socket Mode (SLACK_APP_TOKEN).")] = False,
    port: Annotated[int, typer.Option(help="Port for --http.")] = 3000,
) -> None:
    """Start chat adapters until interrupted: `--slack`, `--discord`, or both in one process
    (one service, one reminder sweeper, each interview routed to its own platform)."""
    if not (slack or discord):
        fail("nothing to run: pass --slack and/or --discord")
    settings = load_settings()
    slack_config = _slack_config(settings, http) if slack else None
    discord_config = _discord_config(settings) if discord else None
    engine = open_database(settings)

    async def run_all() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await run_platforms(lambda router: build_service_with_sweeper(settings, engine, router),
                            slack_config=slack_config, discord_config=discord_config,
                            http=http, port=port, stop=stop)

    names = " and ".join(n for n, on in (("Slack", slack), ("Discord", discord)) if on)
    mode = f" (Slack over HTTP on port {port}, /slack/events)" if slack and http else ""
    out.print(f"{names} starting{mode}; Ctrl-C stops it.")
    from adapters.discord.runner import DiscordStartupError
    from adapters.slack.app import SlackStartupError

    try:
        asyncio.run(run_all())
    except (SlackStartupError, DiscordStartupError) as exc:
        fail(str(exc))


def _slack_config(settings: Settings, http: bool) -> Any:
    from adapters.slack.settings import SlackConfig, SlackConfigError

    try:
        return SlackConfig.from_settings(settings, http=http)
    except SlackConfigError as exc:
        fail(str(exc))


def _discord_config(settings: Settings) -> Any:
    from adapters.discord.config import DiscordConfig, DiscordConfigError

    try:
        return DiscordConfig.from_settings(settings)
    except DiscordConfigError as exc:
        fail(str(exc))


# ------------------------------------------------------------------ reminders and retention


def build_service_with_sweeper(settings: Settings, engine: Engine,
                               port: Any) -> InterviewService:
    """The service plus its reminder sweeper (one APScheduler job on the running loop)."""
    from adapters.runtime import freeze_startup_heap
    from bot.sweeper import ReminderSweeper

    service = build_service(settings, engine, port)
    ReminderSweeper(service).start()
    freeze_startup_heap()
    return service


def parse_when(value: str, settings: Settings) -> Any:
    """An ISO date or date-time; without a zone, REMINDER_DEFAULT_TIMEZONE's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        fail(f"not a date: {value!r} (use e.g. 2026-12-01 or 2026-12-01T17:00)")
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings.reminders.default_timezone))
    return when


@app.command()
def forget(
    candidate: Annotated[str, typer.Argument(
        help="Candidate id, chat user id, or platform:user id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
                   ] = False,
) -> None:
    """Erase all of one candidate's data (an erasure request) and print the rows deleted."""
    settings = load_settings()
    if not yes and not typer.confirm(
            f"Erase every interview, transcript and evaluation of {candidate!r}? "
            "This cannot be undone.", default=False):
        fail("nothing erased")
    engine = open_database(settings, create=False)
    service = build_service(settings, engine, ConsolePort())
    try:
        counts = asyncio.run(service.forget_candidate(candidate))
    except InterviewError as exc:
        fail(str(exc))
    table = Table("table", "rows deleted")
    for name, n in counts.items():
        table.add_row(name, str(n))
    out.print(table)
    out.print(f"Erased {sum(counts.values())} row(s) about {candidate}.")


@app.command()
def remind(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help="Interview id or prefix.")],
) -> None:
    """Queue a reminder to the candidate now; the running bot sends it (quiet hours allowing)."""
    settings = load_settings()
    engine = open_database(settings, create=False)
    service = build_service(settings, engine, ConsolePort())
    try:
        scheduled = asyncio.run(service.remind(interview_id, actor="cli"))
    except InterviewError as exc:
        fail(str(exc))
    when = scheduled.due_at.strftime("%Y-%m-%d %H:%M UTC")
    note = " (after the candidate's quiet hours)" if scheduled.held_for_quiet_hours else ""
    out.print(f"Reminder queued for {when}{note}; the running bot sends it.")


@app.command()
def extend(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help="Interview id or prefix.")],
    days: Annotated[float | None, typer.Option(help="Days to add to the deadline.")] = None,
    until: Annotated[str | None, typer.Option(help="New deadline (ISO date or date-time).")
                     ] = None,
) -> None:
    """Move an interview's deadline later; the running bot tells the candidate."""
    settings = load_settings()
    when = parse_when(until, settings) if until else None
    engine = open_database(settings, create=False)
    service = build_service(settings, engine, ConsolePort())
    try:
        summary = asyncio.run(service.extend(interview_id, actor="cli", days=days, until=when))
    except InterviewError as exc:
        fail(str(exc))
    assert summary.deadline_at is not None
    out.print(f"Interview {summary.id[:8]} now closes {summary.deadline_at:%Y-%m-%d %H:%M} UTC.")


@app.command()
def purge() -> None:
    """Delete interviews that ended more than RETENTION_DAYS ago (the bot does this hourly)."""
    from bot.sweeper import ReminderSweeper

    settings = load_settings()
    engine = open_database(settings, create=False)
    sweeper = ReminderSweeper(build_service(settings, engine, ConsolePort()))
    counts = asyncio.run(sweeper.purge())
    table = Table("table", "rows deleted")
    for name, n in counts.items():
        table.add_row(name, str(n))
    out.print(table)


@app.command()
def reminders(
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
) -> None:
    """List pending reminders, soonest first."""
    from storage import reminders as reminder_store
    from storage.engine import session

    settings = load_settings()
    engine = open_database(settings, create=False)
    with session(engine) as s:
        rows = reminder_store.list_pending(s, limit=limit)
    table = Table("interview", "kind", "due (UTC)", "status", "attempts")
    for r in rows:
        table.add_row(r.interview_id[:8], r.kind, f"{r.due_at:%Y-%m-%d %H:%M}", r.status,
                      str(r.attempts))
    out.print(table if rows else "No pending reminders.")
