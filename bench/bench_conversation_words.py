"""The small words over the issue's 40 demo interviews (5 profiles x 4 roles x 2 seeds): how
often one bot message repeats in an interview, how varied the acknowledgements are, how
many follow-ups each profile gets, whether any follow-up quotes the rubric, and what the
report lists for the recruiter. Issue 15 measured "Understood, thank you." 167 times and
"I've noted your question for the recruiter" 5 times in one evasive demo.

    .venv/bin/python bench/bench_conversation_words.py [--seeds N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from adapters.console import ConsolePort, question_for, run_demo  # noqa: E402
from bot.followups import leaks_rubric  # noqa: E402
from bot.roles import list_roles  # noqa: E402
from bot.service import InterviewService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.text import sentences  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

PROFILES = ("strong", "average", "weak", "evasive", "adversarial")
OPENING_KINDS = ("project", "technical", "candidate_questions")


async def measure(seeds: int) -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    openings: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    followups: Counter[str] = Counter()
    worst_message = worst_opening = leaks = interviews = 0
    for role in list_roles():
        for profile in PROFILES:
            for seed in range(seeds):
                port = ConsolePort()
                service = InterviewService(engine=engine, port=port,
                                           settings=Settings(_env_file=None))
                await run_demo(service, role, profile=profile, seed=seed)
                interviews += 1
                texts = Counter(m.text for m in port.posted if m.kind != "greeting")
                firsts = Counter(sentences(m.text)[0] for m in port.posted
                                 if m.kind in OPENING_KINDS)
                worst_message = max(worst_message, max(texts.values()))
                worst_opening = max(worst_opening, max(firsts.values()))
                openings.update(firsts)
                for m in port.posted:
                    if m.kind == "followup":
                        followups[profile] += 1
                        question = question_for(role, m.question_id)
                        leaks += bool(question and leaks_rubric(m.text, question))
                listed.update(port.reports[-1].export["report"]["follow_up_questions"])
    console = Console()
    table = Table(title=f"Conversation over {interviews} demo interviews")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("most times one message repeats verbatim in one interview",
                  str(worst_message))
    table.add_row("most times one acknowledgement opens a message in one interview",
                  str(worst_opening))
    table.add_row("distinct acknowledgements (first sentences)", str(len(openings)))
    table.add_row("most used acknowledgement, times over all interviews",
                  str(openings.most_common(1)[0][1]))
    for profile in PROFILES:
        table.add_row(f"follow-ups, {profile}", str(followups[profile]))
    table.add_row("follow-ups quoting the rubric", str(leaks))
    console.print(table)
    top = Table(title="Questions listed for the recruiter (most frequent)")
    top.add_column("times", justify="right")
    top.add_column("question")
    for question, times in listed.most_common(10):
        top.add_row(str(times), question)
    console.print(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    asyncio.run(measure(parser.parse_args().seeds))


if __name__ == "__main__":
    main()
