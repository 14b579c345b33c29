"""How long `interview-bot --help` takes next to a bare typer app, measured in the same run.

Every variant is a fresh Python process, timed from spawn to exit, run in rounds (each
round runs each variant once, in turn) so a busy machine slows all of them alike. The bare
apps are two-command typer apps written to a temporary folder: one with typer's default
rich help, one with plain help as `interview-bot` uses. The goal: `interview-bot --help`
within 2x of the bare (rich) typer app. A subcommand's `--help` is compared with the bare
app's (typer itself imports pydantic to build a command's parameters). A real command
(`status` on an empty database) is shown for scale: it is where the stack is imported.

    .venv/bin/python bench/bench_cli_startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "interview-bot"
GOAL = 2.0

BARE_APP = '''
import typer

app = typer.Typer({options})


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {{name}}")


@app.command()
def bye() -> None:
    """Say goodbye."""


app()
'''


def time_once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr}")
    return elapsed


def modules_loaded(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Modules imported by the end of the run (python -X importtime lines)."""
    result = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return sum(1 for line in result.stderr.splitlines() if line.startswith("import time:")
               and not line.rstrip().endswith("| package"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "bare_rich.py").write_text(BARE_APP.format(options=""))
        (folder / "bare_plain.py").write_text(BARE_APP.format(options="rich_markup_mode=None"))
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
               "COLUMNS": "100"}
        subprocess.run([str(BIN), "db", "upgrade"], cwd=folder, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        variants = {
            "bare typer app --help (rich help)": [sys.executable, "bare_rich.py", "--help"],
            "bare typer app --help (plain help)": [sys.executable, "bare_plain.py", "--help"],
            "bare typer app hello --help (plain)": [sys.executable, "bare_plain.py", "hello",
                                                    "--help"],
            "interview-bot --help": [sys.executable, str(BIN), "--help"],
            "interview-bot demo --help": [sys.executable, str(BIN), "demo", "--help"],
            "interview-bot --version": [sys.executable, str(BIN), "--version"],
            "interview-bot status (real work)": [sys.executable, str(BIN), "status"],
        }
        timings: dict[str, list[float]] = {name: [] for name in variants}
        for argv in variants.values():  # warm the page cache and .pyc files
            time_once(argv, folder, env)
        for _ in range(args.rounds):
            for name, argv in variants.items():
                timings[name].append(time_once(argv, folder, env))
        loaded = {name: modules_loaded(argv[1:], folder, env) for name, argv in variants.items()}

    baseline = statistics.median(timings["bare typer app --help (rich help)"])
    print(f"CLI start-up, {args.rounds} rounds, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs\n")
    header = f"{'command':<38} {'median ms':>10} {'min ms':>8} {'max ms':>8} " \
             f"{'x bare':>7} {'modules':>8}"
    print(header)
    print("-" * len(header))
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<38} {median * 1000:>10.1f} {min(values) * 1000:>8.1f} "
              f"{max(values) * 1000:>8.1f} {median / baseline:>7.2f} {loaded[name]:>8}")
    ratio = statistics.median(timings["interview-bot --help"]) / baseline
    verdict = "within" if ratio <= GOAL else "OVER"
    print(f"\ninterview-bot --help: {ratio:.2f}x the bare typer app ({verdict} the {GOAL:g}x "
          "goal)")


if __name__ == "__main__":
    main()
