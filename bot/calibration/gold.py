"""Gold interviews: transcripts whose every question carries an expert's level.

The format is documented in `tests/data/gold/README.md`. A gold file is read with the same
transcript reader `interview-bot evaluate` uses, so calibration also measures whether the
questions were read right (which bot turns are questions, follow-ups, bank matches).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.scoring.items import QUESTION_KINDS, ConversationTurn

GOLD_SUFFIXES = (".yaml", ".yml")
HELD_BACK = "held-back"
TUNED = "tuned"


class GoldError(ValueError):
    """A gold file cannot be used; the message names the file and what is wrong."""


class GoldLabel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=3)
    question_id: str | None = None
    level: int = Field(ge=1, le=5)
    kind: str
    why: str = ""


class GoldInterview(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    candidate: str
    archetype: str
    author: str = ""
    transcript: str
    labels: list[GoldLabel] = Field(min_length=1)
    history: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class GoldFile:
    path: Path
    set_name: str  # the folder it sits in: "tuned", "held-back", ...
    interview: GoldInterview


def load_gold(directory: str | Path, *, sets: tuple[str, ...] | None = None) -> list[GoldFile]:
    """Every gold file under `directory`, grouped by sub-folder (the set), sorted."""
    root = Path(directory)
    if not root.is_dir():
        raise GoldError(f"{root}: not a folder of gold interviews")
    files = sorted(p for p in root.rglob("*") if p.suffix in GOLD_SUFFIXES and p.is_file())
    out = []
    for path in files:
        set_name = path.parent.name if path.parent != root else "gold"
        if sets is not None and set_name not in sets:
            continue
        out.append(GoldFile(path, set_name, _read(path)))
    if not out:
        wanted = f" in set(s) {', '.join(sets)}" if sets else ""
        raise GoldError(f"{root}: no gold interviews found{wanted}")
    return out


def _read(path: Path) -> GoldInterview:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from exc
    try:
        return GoldInterview.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GoldError(f"{path}: {where}: {first['msg']}") from exc


@dataclass(frozen=True)
class Alignment:
    """Which scored item each label belongs to (index into the items), or None when the
    transcript reader did not find that question."""

    item_for_label: list[int | None]
    reader_errors: list[str]


def align(labels: list[GoldLabel], turns: list[ConversationTurn]) -> Alignment:
    """Match labels, in order, to the questions the reader found (the n-th question turn
    is the n-th scored item), by the label's opening words."""
    asked = [t for t in turns if t.speaker == "bot" and t.kind in QUESTION_KINDS]
    mapping: list[int | None] = []
    errors: list[str] = []
    start = 0
    for label in labels:
        wanted = _squash(label.question)
        found = next((i for i in range(start, len(asked)) if wanted in _squash(asked[i].text)),
                     None)
        if found is None:
            errors.append(f"question {label.question!r} was not read as a question "
                          "(merged into another, or taken for a follow-up or a notice)")
            mapping.append(None)
            continue
        skipped = found - start
        if skipped:
            errors.append(f"{skipped} interviewer turn(s) before {label.question!r} were read "
                          "as new questions but are not labelled as questions")
        read_id = asked[found].question_id
        if label.question_id and read_id != label.question_id:
            errors.append(f"{label.question!r} is bank question {label.question_id} but was "
                          f"read as {read_id}")
        mapping.append(found)
        start = found + 1
    if start < len(asked):
        errors.append(f"{len(asked) - start} interviewer turn(s) after the last label were read "
                      "as questions")
    return Alignment(mapping, errors)


def _squash(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())
