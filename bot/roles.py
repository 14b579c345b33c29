"""The role library: job descriptions and question banks kept as hand-edited YAML files.

Recruiters edit these files by hand, so the loader is strict (unknown fields, bad slugs and
missing anchors are errors, not silently ignored) and every error points at the file, the
line and the field to fix. Parsed roles are cached by path and modification time because
the service looks a role up on every candidate message.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.scoring.patterns import pattern_problem

__all__ = [
    "BUILTIN_ROLES_DIR",
    "FollowUps",
    "KeyPoint",
    "Misconception",
    "Question",
    "Role",
    "RoleError",
    "RoleInvalidError",
    "RoleNotFoundError",
    "list_roles",
    "load_role",
    "is_slug",
    "load_role_file",
    "role_dirs",
    "validate_role_file",
]

log = logging.getLogger(__name__)

BUILTIN_ROLES_DIR: Path = Path(__file__).parent / "role_library"
ROLE_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
ANCHOR_KEYS: frozenset[int] = frozenset({1, 3, 5})

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LIST_ITEM_RE = re.compile(r"^(?:[-*\u2022]\s|\d+[.)]\s)")
_PARAGRAPH_SPLIT_RE = re.compile(r"\n[ \t]*\n")


# --------------------------------------------------------------------------- field types


def _non_blank(value: str) -> str:
    """Strip surrounding whitespace and refuse empty text (an empty question is a typo)."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _slug(value: str) -> str:
    """Ids and names end up in URLs, file names and logs, so keep them to [a-z0-9-]."""
    if not _SLUG_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a slug: use lowercase letters, digits and single hyphens, "
            "e.g. 'query-optimisation'"
        )
    return value


def is_slug(value: str) -> bool:
    """Role names and question ids: lowercase letters, digits and single hyphens."""
    return bool(_SLUG_RE.fullmatch(value))


def _keyword(value: str) -> str:
    """Keywords are matched against lowercased answers, so normalise case and spacing."""
    value = " ".join(value.split()).lower()
    if not value:
        raise ValueError("must not be empty")
    return value


def _unique_keywords(values: list[str]) -> list[str]:
    """Drop repeated keywords (after normalising) while keeping the recruiter's order."""
    return list(dict.fromkeys(values))


def _unwrap_paragraphs(text: str) -> str:
    """Join hard-wrapped lines inside each paragraph.

    Recruiters wrap long lines in YAML for readability, but the bot quotes paragraphs
    verbatim in chat, where a stray newline shows as a broken line. List items (lines
    starting with "- ", "* " or "1. ") keep their own line.
    """
    paragraphs: list[str] = []
    for block in _PARAGRAPH_SPLIT_RE.split(text.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if lines and not _LIST_ITEM_RE.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


Text = Annotated[str, AfterValidator(_non_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
Keyword = Annotated[str, AfterValidator(_keyword)]


# --------------------------------------------------------------------------- models


def _matchable(values: list[str]) -> list[str]:
    """A keyword or phrase that can never match (an empty part in 'a + ') is a typo."""
    for value in values:
        problem = pattern_problem(value)
        if problem:
            raise ValueError(problem)
    return values


Phrases = Annotated[list[Keyword], Field(min_length=1), AfterValidator(_unique_keywords),
                    AfterValidator(_matchable)]


class Misconception(BaseModel):
    """A wrong claim a rubric author knows candidates make about a key point. Found in an
    answer (and not refuted there), it costs the point and is quoted to the recruiter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: Text
    phrases: Phrases


class KeyPoint(BaseModel):
    """One thing a good answer covers, the words that show an answer covered it, and the
    wrong claims that show it did not.

    Keywords are matched on word stems ("bloated" meets "bloat"); `a + b` means both in one
    sentence, `a|b` either, `word*` any word starting with it (see bot.scoring.patterns).
    `at_least` > 1 asks for that many different keywords ("names three of the role's
    skills"): one skill said twice is still one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    point: Text
    keywords: Phrases
    misconceptions: list[Misconception] = Field(default_factory=list)
    at_least: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _enough_keywords(self) -> KeyPoint:
        """A point asking for more different keywords than it lists can never be shown."""
        if self.at_least > len(self.keywords):
            raise ValueError(f"at_least is {self.at_least} but the point lists only "
                             f"{len(self.keywords)} keyword(s)")
        return self

    @model_serializer(mode="wrap")
    def _at_least_only_where_set(self, handler: SerializerFunctionWrapHandler):
        """Roles and rubrics written before `at_least` existed dump as they did: their
        stored versions and rubric hashes do not change (no stored score shows as drift).
        No return annotation: pydantic would take it for the serialised schema."""
        data: dict[str, Any] = handler(self)
        if data.get("at_least") == 1:
            del data["at_least"]
        return data


class FollowUps(BaseModel):
    """Follow-up questions by what a thin answer lacks, in natural English, never giving
    away the rubric: more depth, a concrete example from their work, or the trade-offs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    depth: Text | None = None
    example: Text | None = None
    tradeoff: Text | None = None


class Question(BaseModel):
    """A technical question with its rubric: key points and what a 1, 3 and 5 answer is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    topic: Text
    question: Text
    key_points: list[KeyPoint] = Field(min_length=3)
    anchors: dict[int, Text]
    followup: Text | None = None
    followups: FollowUps | None = None
    # Asked in every interview for the role, whatever the resume: the recruiter's must-haves.
    required: bool = False
    # Wrong claims about the question as a whole, not about one key point.
    misconceptions: list[Misconception] = Field(default_factory=list)

    @field_validator("anchors")
    @classmethod
    def _anchors_are_1_3_5(cls, value: dict[int, str]) -> dict[int, str]:
        """Scoring is calibrated against exactly these three anchors; more or fewer is a typo."""
        keys = set(value)
        if keys != ANCHOR_KEYS:
            problems = []
            if missing := sorted(ANCHOR_KEYS - keys):
                problems.append("missing " + ", ".join(map(str, missing)))
            if extra := sorted(keys - ANCHOR_KEYS):
                problems.append("unexpected " + ", ".join(map(str, extra)))
            raise ValueError(
                "anchors must have exactly the keys 1, 3 and 5 (" + "; ".join(problems) + ")"
            )
        return dict(sorted(value.items()))


class Role(BaseModel):
    """A job: what the bot may say about it, and the question bank it interviews from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Slug
    title: Text
    company: Text
    summary: Text
    skills: Annotated[list[Keyword], Field(min_length=5), AfterValidator(_unique_keywords)]
    job_description: Annotated[Text, AfterValidator(_unwrap_paragraphs)]
    sample_resume: Text
    questions: list[Question] = Field(min_length=1)
    # Wrong claims about the field that are wrong in any answer (the project story too).
    misconceptions: list[Misconception] = Field(default_factory=list)
    source: str = ""

    @model_validator(mode="after")
    def _question_ids_unique(self) -> Role:
        """Interviews store question ids, so an id must name exactly one question."""
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise PydanticCustomError(
                    "duplicate_question_id",
                    "duplicate question id {id!r}",
                    {"id": question.id, "index": index},
                )
            seen.add(question.id)
        return self

    def passages(self) -> list[str]:
        """The job description's paragraphs: the only text the bot may quote about the role."""
        return [p.strip() for p in _PARAGRAPH_SPLIT_RE.split(self.job_description) if p.strip()]

    def question(self, question_id: str) -> Question:
        """Look a question up by id (interviews store ids, not question objects)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"role {self.name!r} has no question {question_id!r}")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class RoleError:
    """One problem in a role file, located precisely enough for a recruiter to fix it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class RoleNotFoundError(LookupError):
    """No role of that name; the message lists the roles that do exist."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available = list(available)
        shown = ", ".join(self.available) if self.available else "(none)"
        super().__init__(f"unknown role {name!r}; available roles: {shown}")


class RoleInvalidError(ValueError):
    """A role file failed validation; ``errors`` holds every problem found."""

    def __init__(self, errors: Sequence[RoleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


# --------------------------------------------------------------------------- validation

# The field named by errors about the whole file (unreadable, empty, not a mapping).
_ROOT = "(file)"
# Which model's fields are allowed under a list field, for "did you mean" hints.
_MODELS_BY_FIELD: dict[str, type[BaseModel]] = {"questions": Question, "key_points": KeyPoint,
                                                "misconceptions": Misconception,
                                                "followups": FollowUps}


def _format_field(loc: Sequence[int | str]) -> str:
    """("questions", 3, "anchors") -> "questions[3].anchors"."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or _ROOT


def _line_of(root: yaml.Node, loc: Sequence[int | str]) -> int:
    """1-based line of the node a pydantic error location points at.

    A value reached through a mapping key reports the key's line (where "anchors:" is
    written); a location that does not exist in the file (a missing field) reports the
    line of the deepest mapping that does.
    """
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _model_at(loc: Sequence[int | str]) -> type[BaseModel]:
    """The model whose fields are valid at ``loc`` (for "did you mean" hints)."""
    model: type[BaseModel] = Role
    for part in loc:
        if isinstance(part, str) and part in _MODELS_BY_FIELD:
            model = _MODELS_BY_FIELD[part]
    return model


def _message(error: Any) -> str:
    """Turn a pydantic error into a sentence a recruiter can act on."""
    kind, loc = error["type"], error["loc"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = [f for f in _model_at(loc[:-1]).model_fields if f != "source"]
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"unknown field (allowed: {', '.join(allowed)}){suggestion}"
    if kind == "string_type" and error.get("input", "") is None:
        return "expected text, got an empty value (YAML reads null, ~ or nothing as empty)"
    if kind == "string_type" and isinstance(error.get("input"), int | float | bool):
        return f"expected text, got {error['input']!r}; put it in quotes"
    if kind == "too_short" and isinstance(error.get("ctx"), dict):
        ctx = error["ctx"]
        return f"needs at least {ctx['min_length']} item(s), found {ctx['actual_length']}"
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def _duplicate_keys(node: yaml.Node, path: tuple[int | str, ...] = ()) -> Iterator[RoleError]:
    """YAML keeps the last of two equal keys silently; a recruiter would lose an edit."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is not None and name in seen:
                yield RoleError(
                    "",
                    key.start_mark.line + 1,
                    _format_field((*path, name)),
                    "key appears twice in the same mapping; the first value would be lost",
                )
            if name is not None:
                seen.add(name)
            yield from _duplicate_keys(value, (*path, name if name is not None else "?"))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, index))


def _file_checks(path: Path, data: dict[str, Any], root: yaml.Node) -> Iterator[RoleError]:
    """Checks that need the file itself or report better than the model's own validators."""
    if "source" in data:
        yield RoleError(
            "",
            _line_of(root, ("source",)),
            "source",
            "set by the loader to the file path; remove it from the file",
        )
    name = data.get("name")
    if isinstance(name, str) and name != path.stem:
        yield RoleError(
            "",
            _line_of(root, ("name",)),
            "name",
            f"{name!r} must match the file name: rename the file to {name}{path.suffix} "
            f"or set name: {path.stem}",
        )
    questions = data.get("questions")
    if isinstance(questions, list):
        first_seen: dict[str, int] = {}
        for index, question in enumerate(questions):
            qid = question.get("id") if isinstance(question, dict) else None
            if not isinstance(qid, str):
                continue
            if qid in first_seen:
                loc = ("questions", index, "id")
                yield RoleError(
                    "",
                    _line_of(root, loc),
                    _format_field(loc),
                    f"duplicate question id {qid!r} (first used by questions[{first_seen[qid]}])",
                )
            else:
                first_seen[qid] = index


def _parse(path: Path) -> tuple[Role | None, list[RoleError]]:
    """Read, parse and validate one role file; never raises for bad content."""
    file = str(path)

    def located(errors: Iterator[RoleError] | list[RoleError]) -> list[RoleError]:
        return [RoleError(file, e.line, e.field, e.message) for e in errors]

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [RoleError(file, 1, _ROOT, "file not found")]
    except IsADirectoryError:
        return None, [RoleError(file, 1, _ROOT, "is a directory, not a role file")]
    except UnicodeDecodeError as exc:
        return None, [RoleError(file, 1, _ROOT, f"not UTF-8 text: {exc.reason}")]
    except OSError as exc:
        return None, [RoleError(file, 1, _ROOT, f"cannot read file: {exc.strerror or exc}")]

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context = exc.context
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context += f" (started on line {exc.context_mark.line + 1})"
        problem = " ".join(p for p in (context, exc.problem) if p) or "invalid YAML"
        return None, [RoleError(file, line, "(yaml)", f"YAML syntax error: {problem}")]
    except yaml.YAMLError as exc:
        return None, [RoleError(file, 1, "(yaml)", f"YAML error: {exc}")]
    finally:
        loader.dispose()

    if root is None:
        return None, [RoleError(file, 1, _ROOT, "file is empty; expected a role mapping")]
    if not isinstance(data, dict):
        return None, [
            RoleError(
                file,
                root.start_mark.line + 1,
                _ROOT,
                f"expected a mapping of role fields, got {type(data).__name__}",
            )
        ]

    errors = located(_duplicate_keys(root)) + located(_file_checks(path, data, root))
    role: Role | None = None
    try:
        role = Role.model_validate({**data, "source": file})
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "duplicate_question_id":
                continue  # reported with its exact line by _file_checks
            loc = error["loc"]
            errors.append(RoleError(file, _line_of(root, loc), _format_field(loc), _message(error)))
    errors.sort(key=lambda e: e.line)
    return (None if errors else role), errors


_Parsed = tuple[Role | None, tuple[RoleError, ...]]


@functools.lru_cache(maxsize=256)
def _parse_cached(path: Path, mtime_ns: int, size: int) -> _Parsed:
    """Parse once per file version: load_role runs on every message."""
    role, errors = _parse(path)
    return role, tuple(errors)


def _parse_file(path: str | Path) -> tuple[Role | None, list[RoleError]]:
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _parse(path)  # reports the problem; nothing worth caching
    role, errors = _parse_cached(path, stat.st_mtime_ns, stat.st_size)
    return role, list(errors)


def validate_role_file(path: str | Path) -> list[RoleError]:
    """Every problem in a role file, each with file, line and field; [] when it is valid."""
    return _parse_file(path)[1]


def load_role_file(path: str | Path) -> Role:
    """Load one role file, raising RoleInvalidError (with all its errors) when it is bad."""
    role, errors = _parse_file(path)
    if errors or role is None:
        raise RoleInvalidError(errors)
    return role


# --------------------------------------------------------------------------- lookup


def role_dirs(extra_dir: str | Path | None = None) -> list[Path]:
    """Directories searched for roles, lowest priority first.

    A recruiter's own directory comes last so its roles override shipped ones of the
    same name. A configured directory that does not exist is an error, not an empty list,
    so a typo in ROLES_DIR does not silently fall back to the builtin roles.
    """
    dirs = [BUILTIN_ROLES_DIR]
    if extra_dir is not None:
        extra = Path(extra_dir).expanduser()
        if not extra.is_dir():
            raise FileNotFoundError(f"roles directory not found: {extra}")
        dirs.append(extra)
    return dirs


def _role_files(extra_dir: str | Path | None) -> dict[str, Path]:
    """Role name -> file that defines it, after overrides (".yaml" wins over ".yml")."""
    files: dict[str, Path] = {}
    for directory in role_dirs(extra_dir):
        found: dict[str, Path] = {}
        for suffix in reversed(ROLE_SUFFIXES):
            for path in sorted(directory.glob(f"*{suffix}")):
                if path.is_file():
                    found[path.stem] = path
        files.update(found)
    return dict(sorted(files.items()))


def list_roles(extra_dir: str | Path | None = None) -> list[Role]:
    """All valid roles, sorted by name.

    An invalid file is logged and skipped so one bad edit does not take every other role
    offline; ``validate_role_file`` shows what is wrong with it.
    """
    roles: list[Role] = []
    for name, path in _role_files(extra_dir).items():
        try:
            roles.append(load_role_file(path))
        except RoleInvalidError as exc:
            log.warning("skipping invalid role %s:\n%s", name, exc)
    return roles


def load_role_by_name(name: str, extra_dir: str | Path | None = None) -> Role:
    """A role by its name only: what the core accepts from a chat, where the name is typed by
    a person. A path (`../x.yaml`, `/etc/…`) is refused, never opened."""
    slug = name.strip().lower()
    if not _SLUG_RE.fullmatch(slug):
        raise RoleNotFoundError(name, list(_role_files(extra_dir)))
    return load_role(slug, extra_dir)


def load_role(name: str, extra_dir: str | Path | None = None) -> Role:
    """A role by name (extra_dir first, then builtin) or by path to a .yaml file."""
    if name.endswith(ROLE_SUFFIXES) or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise RoleNotFoundError(name, list(_role_files(extra_dir)))
        return load_role_file(path)
    name = name.strip().lower()  # slugs are lowercase; "/interview DBA-Name" should still work
    for directory in reversed(role_dirs(extra_dir)):
        for suffix in ROLE_SUFFIXES:
            path = directory / f"{name}{suffix}"
            if path.is_file():
                return load_role_file(path)
    raise RoleNotFoundError(name, list(_role_files(extra_dir)))
