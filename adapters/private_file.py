"""Files the CLI writes that hold candidate text (`demo --json`): owner-only, like the
database. A file that already exists is tightened before it is rewritten."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private_text(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), PRIVATE_MODE)  # an existing file keeps its old mode otherwise
        out.write(text)
