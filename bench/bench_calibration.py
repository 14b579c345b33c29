"""Agreement of the offline scorer with the experts' levels on both gold halves: the tuned
half (the scorer was developed against it) and the held-back half (never used for tuning;
its figures are the honest estimate). Prints the same tables as `interview-bot calibrate`,
plus the mean machine score per answer kind and the recommendation per interview.

    .venv/bin/python bench/bench_calibration.py [--brain offline|openai] [DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from adapters.commands.calibrate import show  # noqa: E402
from bot.brains.offline import OfflineBrain  # noqa: E402
from bot.calibration.gold import load_gold  # noqa: E402
from bot.calibration.run import calibrate  # noqa: E402

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", type=Path, default=GOLD)
    parser.add_argument("--brain", choices=("offline", "openai"), default="offline")
    args = parser.parse_args()
    if args.brain == "openai":
        from bot.brains.openai_brain import OpenAIBrain
        from bot.settings import Settings

        brain = OpenAIBrain(Settings(brain="openai"))
    else:
        brain = OfflineBrain()
    result = asyncio.run(calibrate(load_gold(args.directory), brain))
    console = Console(width=140)
    show(console, result, misses=12)
    by_kind: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for row in result.labels:
        if row.score is not None:
            by_kind[(row.set_name, row.kind)].append((row.level, row.score))
    table = Table("set", "kind", "n", "expert mean", "machine mean", title="By answer kind")
    for (set_name, kind), pairs in sorted(by_kind.items()):
        table.add_row(set_name, kind, str(len(pairs)),
                      f"{statistics.mean(p[0] for p in pairs):.2f}",
                      f"{statistics.mean(p[1] for p in pairs):.2f}")
    console.print(table)
    outcomes = Table("set", "file", "archetype", "overall", "recommendation",
                     title="Recommendation per interview")
    for i in result.interviews:
        outcomes.add_row(i.set_name, i.file, i.archetype, f"{i.overall_score:.2f}",
                         i.recommendation)
    console.print(outcomes)


if __name__ == "__main__":
    main()
