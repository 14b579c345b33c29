"""`interview-bot calibrate`: score the gold interviews and show how far the scores are
from the experts': agreement per set and overall, a confusion matrix a recruiter can read,
the worst misses, questions the reader got wrong, and whether a bluffer would advance."""

from __future__ import annotations

import asyncio
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from adapters.commands.common import build_brain, err, fail, load_settings, out

if TYPE_CHECKING:
    from bot.calibration.metrics import Agreement
    from bot.calibration.run import CalibrationResult

LEVELS = (1, 2, 3, 4, 5)


def calibrate(*, directory: Path, brain: str, sets: list[str] | None, fmt: str,
              misses: int) -> None:
    from bot.calibration.gold import GoldError, load_gold
    from bot.calibration.run import calibrate as run_calibration

    try:
        files = load_gold(directory, sets=tuple(sets) if sets else None)
    except GoldError as exc:
        fail(str(exc))
    settings = load_settings()
    scorer = build_brain(settings.model_copy(update={"brain": brain}))

    def progress(gold: Any) -> None:
        if fmt == "table":
            err.print(f"scoring {gold.set_name}/{gold.path.name}", highlight=False)

    result = asyncio.run(run_calibration(files, scorer, progress=progress))
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    show(Console(width=max(out.width, 132)), result, misses=misses)


def calibrate_human(*, fmt: str) -> None:
    """Machine against human over the reviewed questions of every reviewed interview: the
    same figures (`bot.calibration.metrics`), the recruiter's score as the reference."""
    from adapters.commands.common import Access, open_database
    from bot.usecases.reviews import human_agreement
    from storage.engine import session

    settings = load_settings()
    engine = open_database(settings, Access.READ)
    with session(engine) as s:
        found = human_agreement(s)
    a = found.agreement
    if fmt == "json":
        sys.stdout.write(json.dumps({
            "interviews": found.interviews, "n": a.n, "spearman": _json_number(a.spearman),
            "qwk": _json_number(a.qwk), "exact": _json_number(a.exact),
            "within_one": _json_number(a.within_one),
            "mean_human": _json_number(a.mean_expert),
            "mean_machine": _json_number(a.mean_machine), "confusion": a.matrix},
            indent=2) + "\n")
        return
    console = Console(width=max(out.width, 100))
    if not a.n:
        console.print("No reviewed scores yet: recruiters review them on the report card "
                      "(Agree / Adjust).")
        return
    table = Table(title=f"Machine against recruiters ({found.interviews} reviewed "
                        f"interview(s))")
    for column in ("n", "Spearman", "QWK", "exact", "within 1", "human mean", "machine mean"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_row(str(a.n), _num(a.spearman), _num(a.qwk), _num(a.exact, True),
                  _num(a.within_one, True), _num(a.mean_expert), _num(a.mean_machine))
    console.print(table)
    console.print(_human_confusion(a))


def _human_confusion(a: Agreement) -> Table:
    table = Table(title="recruiter's score (rows) vs machine score (columns)")
    table.add_column("recruiter \\ machine")
    for level in LEVELS:
        table.add_column(str(level), justify="right")
    for level, row in zip(LEVELS, a.matrix, strict=True):
        table.add_row(str(level), *[f"[bold]{n}[/]" if level == m and n else (str(n) if n
                                    else ".") for m, n in zip(LEVELS, row, strict=True)])
    return table


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def _num(value: float, pct: bool = False) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.0%}" if pct else f"{value:.2f}"


def show(console: Console, result: CalibrationResult, *, misses: int = 8) -> None:
    """Every table of a calibration run (the bench prints the same)."""
    console.print(agreement_table(result))
    for name in [*result.sets, None]:
        console.print(confusion_table(result.agreement(name), name or "overall"))
    console.print(misses_table(result, misses))
    for name in result.sets:
        unread = result.unread(name)
        if unread:
            console.print(f"[yellow]{name}: {len(unread)} labelled question(s) were not read "
                          "as questions:[/]")
        for interview in result.interviews:
            if interview.set_name == name:
                for error in interview.reader_errors:
                    console.print(f"  {interview.file}: {error}", highlight=False)
    advanced = result.bluffers_advanced()
    if advanced:
        console.print("[bold red]Fluent bluffers recommended to advance:[/] "
                      + ", ".join(f"{i.set_name}/{i.file}" for i in advanced))
    else:
        bluffers = sum(1 for i in result.interviews if i.archetype == "fluent-bluffer")
        console.print(f"Fluent bluffers recommended to advance: 0 of {bluffers}.")


def agreement_table(result: CalibrationResult) -> Table:
    table = Table(title=f"Agreement with expert levels ({result.brain} brain)")
    for column in ("set", "questions", "n", "Spearman", "QWK", "exact", "within 1",
                   "expert mean", "machine mean"):
        table.add_column(column, justify="left" if column in ("set", "questions") else "right",
                         no_wrap=True)
    for name in [*result.sets, None]:
        for technical in (False, True):
            a = result.agreement(name, technical_only=technical)
            table.add_row(name or "overall", "technical" if technical else "all",
                          str(a.n), _num(a.spearman), _num(a.qwk), _num(a.exact, True),
                          _num(a.within_one, True), _num(a.mean_expert), _num(a.mean_machine))
    return table


def confusion_table(a: Agreement, name: str) -> Table:
    table = Table(title=f"{name}: expert level (rows) vs machine score (columns)")
    table.add_column("expert \\ machine")
    for level in LEVELS:
        table.add_column(str(level), justify="right")
    for level, row in zip(LEVELS, a.matrix, strict=True):
        cells = [f"[bold]{n}[/]" if level == m and n else (str(n) if n else ".")
                 for m, n in zip(LEVELS, row, strict=True)]
        table.add_row(str(level), *cells)
    return table


def misses_table(result: CalibrationResult, limit: int) -> Table:
    from bot.text import shorten

    table = Table(title="Worst misses")
    for column in ("set/file", "question", "kind", "expert", "machine", "conf.", "flags",
                   "answer"):
        table.add_column(column)
    for r in result.worst_misses(limit=limit):
        table.add_row(f"{r.set_name}/{r.file}", shorten(r.question, 30), r.kind, str(r.level),
                      str(r.score), f"{r.confidence:.2f}" if r.confidence is not None else "",
                      ", ".join(r.flags), shorten(r.answer, 70))
    return table
