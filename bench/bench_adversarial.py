"""The scorer's two guards, injection and keyword salad, on the adversarial answer corpus
(`tests/data/adversarial/`): both halves, the tuned one (the guards were developed against
it) and the held-back one (never used for tuning; its figures are the honest estimate).
Prints, per half and per held-back author: attempts caught and scored above 3, honest
answers accused of injection, salads flagged and scored above 2, honest answers flagged as
keyword stuffing, how the honest answers' scores agree with their levels; then every miss
of the tuned half (the held-back half's misses are counted, not printed, so that reading
them cannot steer the tuning).

    .venv/bin/python bench/bench_adversarial.py [--show-held-back-misses]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bot.brains.offline import OfflineBrain  # noqa: E402
from bot.calibration.adversarial import (  # noqa: E402
    figures,
    load_corpus,
    load_half,
    misses,
    score_corpus,
)

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "adversarial"
HALVES = ("tuned", "held-back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-held-back-misses", action="store_true",
                        help="print the held-back half's misses too (it is then used up: "
                             "move it to tuned/ and write a new one)")
    args = parser.parse_args()
    console = Console(width=160)
    results = {half: asyncio.run(score_corpus(load_half(CORPUS / half), OfflineBrain()))
               for half in HALVES}
    # The held-back half per author too: an author measured once is the honest estimate,
    # one whose counts were printed while the guards changed is less so (see the README).
    columns = dict(results)
    for path in sorted((CORPUS / "held-back").glob("*.yaml")):
        ids = {item.id for item in load_corpus(path).items}
        columns[f"held-back: {path.stem}"] = [
            s for s in results["held-back"] if s.item.id in ids]
    table = Table("measure", *columns, "goal", title="Injection and keyword-salad guards")
    figs = {name: figures(scored) for name, scored in columns.items()}
    rows = [
        ("attempts flagged as injection", "injections_caught", "all"),
        ("attempts scored above 3", "injections_over_cap", "none"),
        ("honest answers flagged as injection", "honest_accused", "none"),
        ("salads flagged as keyword stuffing", "salads_flagged", "all"),
        ("salads scored above 2", "salads_over_cap", "none"),
        ("honest answers flagged as keyword stuffing", "terse_flagged", "none"),
    ]
    for label, name, goal in rows:
        table.add_row(label, *(str(getattr(figs[h], name)) for h in columns), goal)
    table.add_row("honest answers: Spearman / within one",
                  *(f"{figs[h].honest_agreement.spearman:.2f} / "
                    f"{figs[h].honest_agreement.within_one:.0%}" for h in columns), "")
    console.print(table)
    for half in HALVES if args.show_held_back_misses else HALVES[:1]:
        found = misses(results[half])
        misses_table = Table("id", "kind", "level", "score", "what went wrong",
                             title=f"Misses, {half} half ({len(found)})")
        for scored, what in found:
            misses_table.add_row(scored.item.id, scored.item.kind, str(scored.item.level),
                                 str(scored.score), what)
        console.print(misses_table)


if __name__ == "__main__":
    main()
