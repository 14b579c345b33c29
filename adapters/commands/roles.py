"""`interview-bot roles ...`: the role library, and a new role file to start from."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer
from rich import box
from rich.table import Table

from adapters.commands.common import err, fail, get_role, load_settings, out


def roles_list() -> None:
    from bot.roles import BUILTIN_ROLES_DIR, list_roles

    settings = load_settings()
    roles = list_roles(settings.roles_dir)
    # The name is what gets typed (`--role NAME`): never cut or wrapped, whatever the width.
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("name", no_wrap=True, min_width=max((len(r.name) for r in roles),
                                                           default=4))
    # Titles and companies wrap at spaces; a column is never narrower than its longest word.
    table.add_column("title", overflow="fold", min_width=_longest_word(r.title for r in roles))
    table.add_column("company", overflow="fold",
                     min_width=_longest_word(r.company for r in roles))
    table.add_column("questions", justify="right", no_wrap=True)
    table.add_column("from", overflow="fold")
    for r in roles:
        source = Path(r.source)
        shown = "built-in" if source.parent == BUILTIN_ROLES_DIR else _short(source)
        table.add_row(r.name, r.title, r.company, str(len(r.questions)), shown)
    out.print(table)


def _longest_word(texts: Iterable[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=5)


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def roles_show(*, name: str) -> None:
    settings = load_settings()
    r = get_role(name, settings)
    out.print(f"[bold]{r.title}[/] at {r.company} ({r.name})\n{r.summary}\n")
    out.print(r.job_description)
    table = Table("id", "topic", "question", "key points")
    for q in r.questions:
        table.add_row(q.id, q.topic, q.question, str(len(q.key_points)))
    out.print(table)


def roles_validate(*, paths: list[Path]) -> None:
    from bot.roles import validate_role_file

    problems = [e for p in paths for e in validate_role_file(p)]
    for problem in problems:
        err.print(str(problem), highlight=False, soft_wrap=True, markup=False)
    if problems:
        raise typer.Exit(1)
    out.print(f"{len(paths)} role file(s) valid.")


def roles_new(*, name: str, title: str | None, company: str, folder: Path | None) -> None:
    """Write NAME.yaml (into --dir, else ROLES_DIR, else the current folder)."""
    from bot.role_template import role_template
    from bot.roles import is_slug

    if not is_slug(name):
        fail(f"role name {name!r} is not a slug: use lowercase letters, digits and single "
             "hyphens, e.g. platform-engineer")
    settings = load_settings()
    target_dir = (folder or settings.roles_dir or Path.cwd())
    target_dir = Path(target_dir).expanduser()
    if not target_dir.is_dir():
        fail(f"--dir {target_dir} is not a folder")
    path = target_dir / f"{name}.yaml"
    if path.exists():
        fail(f"{path} already exists: edit it, or choose another name")
    title = title or " ".join(part.capitalize() for part in name.split("-"))
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(role_template(name, title=title, company=company))
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    out.print(f"Wrote {path}. Edit it, then check it: interview-bot roles validate {path}",
              highlight=False, soft_wrap=True)
    if folder is not None or settings.roles_dir is None or \
            Path(settings.roles_dir).expanduser().resolve() != target_dir.resolve():
        out.print(f"Interviews find it when ROLES_DIR={target_dir.resolve()} is set.",
                  highlight=False, soft_wrap=True)


def roles_try(*, name: str, question_id: str, answer: str) -> None:
    import sys

    from bot.scoring.items import item_for
    from bot.scoring.offline import score_offline
    from bot.scoring.rubric import coverage

    settings = load_settings()
    r = get_role(name, settings)
    try:
        r.question(question_id)
    except KeyError:
        fail(f"role {r.name!r} has no question {question_id!r}; see "
             f"`interview-bot roles show {r.name}`")
    text = sys.stdin.read() if answer == "-" else answer
    item = item_for(r, 1, question_id, "", [text])
    evaluation = score_offline(item)
    cov = coverage(item.key_points, text, item.misconceptions)
    table = Table("key point", "evidence", "by", "wrong claim")
    for point, finding in zip(cov.points, cov.findings, strict=True):
        table.add_row(point.point, finding.evidence.value, finding.keyword,
                      "; ".join(c.claim for c in finding.wrong_claims))
    for claim in cov.general_wrong_claims:
        table.add_row("(question or role)", "", "", claim.claim)
    out.print(table)
    for ctx in cov.sentences:
        marks = [m for m, on in (("hedged", ctx.sentence.hedge == "strong"),
                                 ("tentative", ctx.sentence.hedge == "weak"),
                                 ("question", ctx.sentence.question),
                                 ("to the grader", ctx.instruction),
                                 ("keyword list", bool(ctx.listed)),
                                 ("sweeping claim", bool(ctx.sentence.absolute))) if on]
        rejected = [w for w, gone in zip(ctx.sentence.words, ctx.sentence.rejected, strict=True)
                    if gone]
        if rejected:
            marks.append("rejects: " + " ".join(rejected))
        suffix = f"  ({'; '.join(marks)})" if marks else ""
        out.print(f"- {ctx.sentence.text}{suffix}", highlight=False, markup=False)
    out.print(f"Score {evaluation.score}/5, confidence {evaluation.confidence:.2f} "
              f"({evaluation.confidence_level}); flags: {', '.join(evaluation.flags) or 'none'}",
              highlight=False, markup=False)
