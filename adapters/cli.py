"""`interview-bot`: the terminal's adapter and the composition root.

This module only declares the commands: names, arguments, options and help. Each command
is a thin function that imports the module in `adapters/commands/` doing its work when it
runs, so `interview-bot --help`, `--version` and shell completion load typer and nothing
of the stack (no SQLAlchemy, Alembic, pydantic, numpy or the service):
`bench/bench_cli_startup.py` measures it and `tests/test_cli_startup.py` guards it.

To add a command: declare it here with its options and a docstring (its help), and call a
function in `adapters/commands/` imported inside the command's body. A user mistake is
`adapters.commands.common.fail(...)`: one `error: ...` line, a non-zero exit, checked
before any work is done.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Plain help (rich_markup_mode=None): typer's rich help imports rich.markdown and with it
# pygments, a third of a bare typer app's start-up, for boxes around the same text.
PLAIN = {"no_args_is_help": True, "rich_markup_mode": None}
app = typer.Typer(help="Asynchronous job interviews in chat.", pretty_exceptions_enable=False,
                  **PLAIN)
roles_app = typer.Typer(help="List, show, validate and create role files.", **PLAIN)
db_app = typer.Typer(help="Database schema.", **PLAIN)
app.add_typer(roles_app, name="roles")
app.add_typer(db_app, name="db")

# Kept here so `--help` needs no import of bot.simulated; tests check they match PROFILES.
PROFILE_NAMES = ("strong", "average", "weak", "evasive", "adversarial", "bluffer")
ID_HELP = "Interview id or a unique prefix of 6+ characters (see `status`)."


class Format(StrEnum):
    markdown = "markdown"
    json = "json"


class _State:
    verbose = False


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"interview-bot {version('interview-bot')}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    import logging

    from adapters.logs import configure_logging

    _State.verbose = verbose
    configure_logging(logging.INFO if verbose else logging.WARNING)


def _complete_role(incomplete: str) -> list[str]:
    """Role names for shell completion (built-in and ROLES_DIR)."""
    import os

    from bot.roles import list_roles

    try:
        roles = list_roles(os.environ.get("ROLES_DIR") or None)
    except (OSError, ValueError):
        return []
    return [r.name for r in roles if r.name.startswith(incomplete)]


# ------------------------------------------------------------------ interviews


@app.command()
def demo(
    profile: Annotated[str, typer.Option(
        help=f"Simulated candidate: {', '.join(PROFILE_NAMES)}.",
        autocompletion=lambda: list(PROFILE_NAMES))] = "strong",
    role: Annotated[str, typer.Option(help="Role name (see `roles list`).",
                                      autocompletion=_complete_role)
                    ] = "database-administrator",
    seed: Annotated[str, typer.Option(help="Seed for the simulated candidate.")] = "0",
    interactive: Annotated[bool, typer.Option(help="Type the answers yourself.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the export here.")
                         ] = None,
) -> None:
    """Run a whole interview in the terminal.

    The candidate is simulated (--profile) or you (--interactive); everything is stored in
    DATABASE_URL (an SQLite file in this folder by default)."""
    from adapters.commands.demo import demo as work

    work(profile=profile, role=role, seed=seed, interactive=interactive, json_path=json_path)


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Transcript: JSON or 'Speaker: text' lines.")],
    role: Annotated[str | None, typer.Option(help="Role name; inferred if not given.",
                                             autocompletion=_complete_role)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="markdown or json.")
                   ] = Format.markdown,
) -> None:
    """Score a transcript file and print the evaluation and HR report."""
    from adapters.commands.evaluate import evaluate as work

    work(file=file, role=role, fmt=fmt.value)


class BrainName(StrEnum):
    offline = "offline"
    openai = "openai"


class CalibrationFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def calibrate(
    directory: Annotated[Path, typer.Argument(
        metavar="[DIR]", help="Folder of gold interviews; its sub-folders are the sets.")
    ] = Path("tests/data/gold"),
    brain: Annotated[BrainName, typer.Option(help="Which brain scores the answers.")
                     ] = BrainName.offline,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", help="Only this set (repeatable), e.g. --set tuned.")] = None,
    fmt: Annotated[CalibrationFormat, typer.Option("--format", help="table or json.")
                   ] = CalibrationFormat.table,
    misses: Annotated[int, typer.Option(help="How many worst misses to list.")] = 8,
    human: Annotated[bool, typer.Option(
        "--human", help="Instead: machine against recruiters' reviews in the database.")
                     ] = False,
) -> None:
    """Compare scores with experts' levels on gold interviews.

    Prints Spearman, quadratic weighted kappa, exact and within-one agreement per set and
    overall, a confusion matrix, the worst misses and whether a bluffer would advance.
    With --human, the same agreement between the machine's scores and the recruiters'
    reviews of them, over every reviewed interview in DATABASE_URL."""
    if human:
        from adapters.commands.calibrate import calibrate_human

        calibrate_human(fmt=fmt.value)
        return
    from adapters.commands.calibrate import calibrate as work

    work(directory=directory, brain=brain.value, sets=sets, fmt=fmt.value, misses=misses)


@app.command()
def export(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    fmt: Annotated[Format, typer.Option("--format", help="markdown or json.")] = Format.json,
) -> None:
    """Print one interview: transcript, scores and report."""
    from adapters.commands.interviews import export as work

    work(interview_id=interview_id, fmt=fmt.value)


@app.command()
def status(
    interview_id: Annotated[str | None, typer.Argument(
        metavar="ID", help="One interview; without it, the open ones.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include ended interviews.")] = False,
) -> None:
    """Show one interview, or the open ones."""
    from adapters.commands.interviews import status as work

    work(interview_id=interview_id, all_=all_)


@app.command()
def cancel(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
) -> None:
    """Cancel an open interview; the candidate is told.

    The message goes out in the candidate's thread through the interview's platform, so its
    token must be set, as for `run`."""
    from adapters.commands.interviews import cancel as work

    work(interview_id=interview_id)


@app.command()
def remind(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
) -> None:
    """Queue a reminder now; the running bot sends it.

    It waits for the end of the candidate's quiet hours."""
    from adapters.commands.interviews import remind as work

    work(interview_id=interview_id)


@app.command()
def extend(
    interview_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    days: Annotated[float | None, typer.Option(
        help="Days to add to the deadline, 0.5 to 60 (as in Slack and Discord).")] = None,
    until: Annotated[str | None, typer.Option(
        help="New deadline (ISO date or date-time), at most 60 days later.")] = None,
) -> None:
    """Move an interview's deadline later.

    The running bot tells the candidate."""
    from adapters.commands.interviews import extend as work

    work(interview_id=interview_id, days=days, until=until)


# ------------------------------------------------------------------ data kept


@app.command()
def forget(
    candidate: Annotated[str, typer.Argument(
        help="The candidate's name, candidate id or an interview id (or their first 8 "
             "characters), a chat user id, or platform:user id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
                   ] = False,
) -> None:
    """Erase all of one candidate's data (an erasure request).

    Prints the rows deleted per table."""
    from adapters.commands.retention import forget as work

    work(candidate=candidate, yes=yes)


@app.command()
def purge(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count what would be deleted; delete nothing.")] = False,
) -> None:
    """Delete interviews that ended over RETENTION_DAYS ago.

    The running bot does this every REMINDER_PURGE_EVERY_MINUTES."""
    from adapters.commands.retention import purge as work

    work(dry_run=dry_run)


@app.command()
def reminders(
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
) -> None:
    """List pending reminders, soonest first."""
    from adapters.commands.retention import reminders as work

    work(limit=limit)


# ------------------------------------------------------------------ roles and schema


@roles_app.command("list")
def roles_list() -> None:
    """The available roles."""
    from adapters.commands.roles import roles_list as work

    work()


@roles_app.command("show")
def roles_show(name: Annotated[str, typer.Argument(help="Role name or path.",
                                                   autocompletion=_complete_role)]) -> None:
    """One role: job description and question bank."""
    from adapters.commands.roles import roles_show as work

    work(name=name)


@roles_app.command("validate")
def roles_validate(paths: Annotated[list[Path], typer.Argument(metavar="PATH...",
                                                               help="Role YAML files.")]
                   ) -> None:
    """Check role files; every error names its file, line and field."""
    from adapters.commands.roles import roles_validate as work

    work(paths=paths)


@roles_app.command("try")
def roles_try(
    name: Annotated[str, typer.Argument(help="Role name or path.", autocompletion=_complete_role)],
    question_id: Annotated[str, typer.Argument(metavar="QUESTION", help="Bank question id.")],
    answer: Annotated[str, typer.Argument(help="An answer to score; '-' reads stdin.")],
) -> None:
    """Score one answer and show how each sentence was read.

    A dry run for whoever writes a role's keywords and misconceptions: which key points were
    credited, guessed at, rejected or listed, which wrong claims were found, and the score."""
    from adapters.commands.roles import roles_try as work

    work(name=name, question_id=question_id, answer=answer)


@roles_app.command("new")
def roles_new(
    name: Annotated[str, typer.Argument(help="Role name, a slug such as platform-engineer.")],
    title: Annotated[str | None, typer.Option(help="Job title (default: from the name).")
                     ] = None,
    company: Annotated[str, typer.Option(help="Company name shown to candidates.")
                       ] = "Example Company",
    folder: Annotated[Path | None, typer.Option(
        "--dir", help="Folder to write NAME.yaml in (default: ROLES_DIR, else here).")] = None,
) -> None:
    """Write NAME.yaml: a valid, commented role file to edit."""
    from adapters.commands.roles import roles_new as work

    work(name=name, title=title, company=company, folder=folder)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    from adapters.commands.database import upgrade as work

    work()


@db_app.command("check")
def db_check() -> None:
    """Exit 0 if the database answers and its schema is current; writes nothing."""
    from adapters.commands.database import check as work

    work()


# ------------------------------------------------------------------ serving


@app.command()
def run(
    slack: Annotated[bool, typer.Option("--slack", help="Start the Slack adapter.")] = False,
    discord: Annotated[bool, typer.Option("--discord", help="Start the Discord adapter.")
                       ] = False,
    http: Annotated[bool, typer.Option(
        "--http", help="Slack over HTTP at /slack/events (SLACK_SIGNING_SECRET) instead of "
                       "Socket Mode (SLACK_APP_TOKEN); also serves /healthz.")] = False,
    port: Annotated[int, typer.Option(help="Port for --http.")] = 3000,
    host: Annotated[str, typer.Option(
        help="Address for --http to listen on (127.0.0.1: this machine only).")] = "0.0.0.0",
) -> None:
    """Serve Slack and/or Discord until stopped (Ctrl-C, SIGTERM).

    Both in one process share one service and one reminder sweeper; each interview is
    routed to its own platform."""
    from adapters.commands.running import run as work

    work(slack=slack, discord=discord, http=http, port=port, host=host,
         verbose=_State.verbose)
