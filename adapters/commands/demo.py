"""`interview-bot demo`: a whole interview in the terminal on the embedded database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from adapters.commands.common import (
    Access,
    build_service,
    fail,
    get_role,
    load_settings,
    open_database,
    out,
    output_path,
)
from adapters.private_file import write_private_text

PREVIEW_CHARACTERS = 1200


def demo(*, profile: str, role: str, seed: str, interactive: bool,
         json_path: Path | None) -> None:
    from adapters.console import ConsolePort, print_report, run_demo
    from bot.simulated import PROFILES

    settings = load_settings()
    try:
        seed_value = int(seed)
    except ValueError:
        fail(f"--seed must be a whole number, not {seed!r}")
    if profile not in PROFILES:
        fail(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    export_to = output_path(json_path, "--json") if json_path is not None else None
    the_role = get_role(role, settings)
    engine = open_database(settings, Access.CREATE)
    service = build_service(settings, engine, ConsolePort(console=out))

    def show_candidate(text: str) -> None:
        shown = (text if len(text) <= PREVIEW_CHARACTERS
                 else text[:PREVIEW_CHARACTERS] + f" … [{len(text)} characters]")
        out.print(f"[bold yellow]Candidate:[/] {shown or '[dim](empty message)[/]'}\n",
                  highlight=False)

    def ask() -> str | None:
        try:
            return out.input("[bold yellow]You:[/] ")
        except (EOFError, KeyboardInterrupt):
            return None

    async def go() -> str:
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
        out.print(f"Interview id: {result.interview_id} (stored in "
                  f"{engine.url.render_as_string(hide_password=True)})")
        if export_to is not None:
            data = await service.export(result.interview_id)
            try:
                write_private_text(export_to,
                                   json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            except OSError as exc:
                fail(f"could not write {json_path}: {exc.strerror or exc}; the interview is "
                     f"stored: `interview-bot export {result.interview_id[:8]}` prints it")
            out.print(f"Wrote {json_path}")
        return result.interview_id

    asyncio.run(go())
