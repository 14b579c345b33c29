"""Print pip constraints pinning every dependency of pyproject.toml to its declared floor.

    python .ci/floor_constraints.py dev postgres > floors.txt
    pip install -c floors.txt -e '.[dev,postgres]'

Each `name>=X` of [project].dependencies (and of the extras named on the command line)
becomes `name==X`, so the suite runs on the oldest versions the package claims to support.
A dependency without a lower bound is an error: its floor would be unknown. Packages only
our dependencies pull in resolve as usual.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def floors(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement.split(";")[0])
        if match is None:
            raise SystemExit(f"cannot read requirement {requirement!r}")
        name, _, spec = match.groups()
        if name.replace("_", "-").lower() == project["name"]:
            continue  # an extra that names the package's own other extras
        low = re.search(r">=\s*([0-9][^,\s]*)", spec)
        if low is None:
            raise SystemExit(f"{requirement!r} has no lower bound (>=): its floor is unknown")
        pins[name.lower()] = low.group(1)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    sys.stdout.write("".join(line + "\n" for line in floors(sys.argv[1:])))
