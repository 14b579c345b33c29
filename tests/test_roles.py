"""The role library: shipped roles, the loader, and the validator's file/line/field errors."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pydantic
import pytest

from bot.roles import (
    BUILTIN_ROLES_DIR,
    Role,
    RoleError,
    RoleInvalidError,
    RoleNotFoundError,
    list_roles,
    load_role,
    load_role_file,
    role_dirs,
    validate_role_file,
)

SHIPPED = [
    "backend-engineer",
    "data-analyst",
    "database-administrator",
    "site-reliability-engineer",
]


def role_yaml(name: str = "demo-role", title: str = "Demo Role") -> str:
    """A small valid role; tests break it one way at a time."""
    return f"""\
# a recruiter's comment
name: {name}
title: {title}
company: Example Ltd
summary: A role used by the tests.
skills: [python, sql, testing, caching, observability]
job_description: |
  First paragraph about the team,
  wrapped over two lines.

  Second paragraph about the stack.
\x20\x20
  Third paragraph about next steps.
sample_resume: |
  Built Python services
  Wrote SQL
questions:
  - id: first-question
    topic: Caching
    question: How do you cache?
    key_points:
      - point: Uses a cache
        keywords: [Redis, "Cache Aside "]
      - point: Sets expiry
        keywords: [ttl]
      - point: Invalidates
        keywords: [invalidation]
    anchors:
      1: Nothing useful.
      3: Some of it.
      5: All of it.
  - id: second-question
    topic: Testing
    question: How do you test?
    key_points:
      - point: Unit tests
        keywords: [unit test]
      - point: Integration tests
        keywords: [integration test]
      - point: CI
        keywords: [ci pipeline]
    anchors:
      1: Does not test.
      3: Unit tests only.
      5: A balanced suite in CI.
    followup: Which tests run on every commit?
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def write(directory: Path, filename: str, text: str) -> Path:
    path = directory / filename
    path.write_text(text, encoding="utf-8")
    return path


def only_error(path: Path) -> RoleError:
    errors = validate_role_file(path)
    assert len(errors) == 1, errors
    return errors[0]


# --------------------------------------------------------------------------- shipped roles


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_role_is_valid_and_has_a_real_question_bank(name: str) -> None:
    path = BUILTIN_ROLES_DIR / f"{name}.yaml"
    assert validate_role_file(path) == []
    role = load_role(name)
    assert role.name == name
    assert role.source == str(path)
    ids = [q.id for q in role.questions]
    assert len(ids) >= 12
    assert len(set(ids)) == len(ids)
    assert len({q.topic for q in role.questions}) >= 8, "topics should vary for retrieval"
    for question in role.questions:
        assert 4 <= len(question.key_points) <= 6, question.id
        assert set(question.anchors) == {1, 3, 5}
        for point in question.key_points:
            for keyword in point.keywords:
                assert keyword == keyword.strip().lower() and keyword, (question.id, keyword)
    assert len(role.skills) >= 5


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_job_description_is_quotable_and_leaves_pay_to_the_recruiter(name: str) -> None:
    role = load_role(name)
    passages = role.passages()
    assert len(passages) >= 5
    for passage in passages:
        assert passage in role.job_description  # quoted verbatim
        assert "[" not in passage and "{" not in passage  # no template placeholders
        assert not re.search(
            r"(?i)\b(salary|salaries|compensation|benefits?|bonus|equity|pension|"
            r"team of \d+|\d+ (people|engineers|analysts))\b",
            passage,
        ), passage


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_sample_resume_mentions_role_skills(name: str) -> None:
    role = load_role(name)
    lines = [line for line in role.sample_resume.splitlines() if line.strip()]
    assert 8 <= len(lines) <= 15
    with_skills = [ln for ln in lines if any(s in ln.lower() for s in role.skills)]
    assert len(with_skills) >= 4


def test_database_administrator_matches_the_reference_interview() -> None:
    role = load_role("database-administrator")
    assert (role.title, role.company) == ("Database Administrator", "DataCore Solutions")
    assert (
        "Managed PostgreSQL clusters handling 10TB+ of data at Enterprise Solutions"
        in role.sample_resume.splitlines()
    )
    covered = " ".join(f"{q.topic} {q.question}".lower() for q in role.questions)
    for topic in [
        "query optimisation",
        "explain",
        "index",
        "normalisation",
        "replication",
        "failover",
        "backup",
        "aurora",
        "secur",
        "monitor",
        "vacuum",
        "partition",
        "max_connections",
    ]:
        assert topic in covered, topic


def test_every_shipped_file_is_listed() -> None:
    assert [role.name for role in list_roles()] == sorted(
        p.stem for p in BUILTIN_ROLES_DIR.glob("*.yaml")
    )
    assert set(SHIPPED) <= {role.name for role in list_roles()}


# --------------------------------------------------------------------------- model behaviour


def test_passages_split_on_blank_lines_and_unwrap_lines(tmp_path: Path) -> None:
    role = load_role_file(write(tmp_path, "demo-role.yaml", role_yaml()))
    assert role.passages() == [
        "First paragraph about the team, wrapped over two lines.",
        "Second paragraph about the stack.",
        "Third paragraph about next steps.",
    ]


def test_list_items_keep_their_own_lines(tmp_path: Path) -> None:
    text = role_yaml().replace(
        "  Third paragraph about next steps.\n",
        "  Next steps:\n  - a technical interview\n  - a final conversation\n",
    )
    role = load_role_file(write(tmp_path, "demo-role.yaml", text))
    assert role.passages()[-1] == "Next steps:\n- a technical interview\n- a final conversation"


def test_keywords_are_normalised_and_questions_found_by_id(tmp_path: Path) -> None:
    role = load_role_file(write(tmp_path, "demo-role.yaml", role_yaml()))
    first = role.question("first-question")
    assert first.key_points[0].keywords == ["redis", "cache aside"]
    assert role.question("second-question").followup == "Which tests run on every commit?"
    with pytest.raises(KeyError):
        role.question("no-such-question")


def test_model_rejects_duplicate_question_ids_outside_files_too(tmp_path: Path) -> None:
    role = load_role_file(write(tmp_path, "demo-role.yaml", role_yaml()))
    data = role.model_dump()
    data["questions"][1]["id"] = "first-question"
    with pytest.raises(pydantic.ValidationError, match="duplicate question id"):
        Role.model_validate(data)


# --------------------------------------------------------------------------- lookup


def test_unknown_role_names_the_available_ones() -> None:
    with pytest.raises(RoleNotFoundError) as info:
        load_role("astronaut")
    assert isinstance(info.value, LookupError)
    message = str(info.value)
    assert "astronaut" in message
    for name in SHIPPED:
        assert name in message


def test_extra_dir_overrides_a_builtin_and_adds_roles(tmp_path: Path) -> None:
    write(
        tmp_path,
        "database-administrator.yaml",
        role_yaml("database-administrator", "Senior Database Administrator"),
    )
    write(tmp_path, "demo-role.yaml", role_yaml())
    assert role_dirs(tmp_path) == [BUILTIN_ROLES_DIR, tmp_path]
    assert role_dirs() == [BUILTIN_ROLES_DIR]

    assert load_role("database-administrator", tmp_path).title == "Senior Database Administrator"
    assert load_role("database-administrator").title == "Database Administrator"
    assert load_role("Demo-Role", tmp_path).name == "demo-role"

    roles = list_roles(tmp_path)
    names = [role.name for role in roles]
    assert names == sorted(names) and len(names) == len(set(names))
    assert {"demo-role", *SHIPPED} <= set(names)
    dba = next(role for role in roles if role.name == "database-administrator")
    assert dba.title == "Senior Database Administrator"


def test_load_role_accepts_a_path(tmp_path: Path) -> None:
    path = write(tmp_path, "demo-role.yaml", role_yaml())
    assert load_role(str(path)).name == "demo-role"
    with pytest.raises(RoleNotFoundError):
        load_role(str(tmp_path / "missing.yaml"))


def test_missing_extra_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        role_dirs(tmp_path / "nope")


def test_invalid_role_in_extra_dir_is_skipped_by_listing_but_raised_by_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "broken-role.yaml", role_yaml("broken-role").replace("title:", "titel:"))
    with caplog.at_level(logging.WARNING, logger="bot.roles"):
        names = [role.name for role in list_roles(tmp_path)]
    assert "broken-role" not in names and "database-administrator" in names
    assert "broken-role" in caplog.text
    with pytest.raises(RoleInvalidError):
        load_role("broken-role", tmp_path)


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = write(tmp_path, "demo-role.yaml", role_yaml())
    first = load_role_file(path)
    assert load_role_file(path) is first  # cached
    path.write_text(role_yaml(title="Renamed Role"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert load_role_file(path).title == "Renamed Role"


# --------------------------------------------------------------------------- validation errors


def test_valid_file_has_no_errors(tmp_path: Path) -> None:
    assert validate_role_file(write(tmp_path, "demo-role.yaml", role_yaml())) == []


def test_yaml_syntax_error_reports_its_line(tmp_path: Path) -> None:
    text = role_yaml().replace("topic: Testing", "topic: [Testing")
    path = write(tmp_path, "demo-role.yaml", text)
    error = only_error(path)
    assert error.file == str(path)
    assert error.field == "(yaml)"
    assert "YAML" in error.message
    # the unclosed "[" is detected on the next line; the message says where it started
    opened = line_of(text, "topic: [Testing")
    assert error.line == opened + 1
    assert f"started on line {opened}" in error.message


def test_tab_indentation_error_points_at_the_tab(tmp_path: Path) -> None:
    text = role_yaml().replace("company: Example Ltd", "company: Example Ltd\n\tsummary2: x")
    path = write(tmp_path, "demo-role.yaml", text)
    assert only_error(path).line == line_of(text, "\tsummary2")


def test_missing_title_reports_the_parent_mapping(tmp_path: Path) -> None:
    text = role_yaml().replace("title: Demo Role\n", "")
    path = write(tmp_path, "demo-role.yaml", text)
    error = only_error(path)
    assert (error.field, error.line) == ("title", line_of(text, "name: demo-role"))
    assert "missing" in error.message


def test_missing_field_inside_a_question_reports_that_question(tmp_path: Path) -> None:
    text = role_yaml().replace("    topic: Testing\n", "")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert (error.field, error.line) == ("questions[1].topic", line_of(text, "- id: second"))


def test_anchors_missing_5_reports_that_anchors_mapping(tmp_path: Path) -> None:
    text = role_yaml().replace("      5: A balanced suite in CI.\n", "")
    path = write(tmp_path, "demo-role.yaml", text)
    error = only_error(path)
    assert error.field == "questions[1].anchors"
    assert error.line == line_of(text, "anchors:", occurrence=2)
    assert "5" in error.message
    assert str(error) == f"{path}:{error.line}: questions[1].anchors: {error.message}"


def test_extra_anchor_is_reported(tmp_path: Path) -> None:
    text = role_yaml().replace("      5: All of it.\n", "      5: All of it.\n      4: Most.\n")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert error.field == "questions[0].anchors" and "unexpected 4" in error.message


def test_duplicate_question_id_reports_the_second_one(tmp_path: Path) -> None:
    text = role_yaml().replace("- id: second-question", "- id: first-question")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert error.field == "questions[1].id"
    assert error.line == line_of(text, "- id: first-question", occurrence=2)
    assert "duplicate" in error.message


def test_name_must_match_file_stem(tmp_path: Path) -> None:
    text = role_yaml()
    path = write(tmp_path, "other-name.yaml", text)
    error = only_error(path)
    assert (error.file, error.field, error.line) == (str(path), "name", line_of(text, "name:"))
    assert "other-name" in error.message
    with pytest.raises(RoleInvalidError) as info:
        load_role_file(path)
    assert info.value.errors == [error]
    assert str(info.value) == str(error)


def test_unknown_top_level_field(tmp_path: Path) -> None:
    text = role_yaml().replace("company: Example Ltd\n", "company: Example Ltd\nsalary: 100k\n")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert (error.field, error.line) == ("salary", line_of(text, "salary:"))
    assert "unknown field" in error.message


def test_misspelt_question_field_gets_a_suggestion(tmp_path: Path) -> None:
    text = role_yaml().replace("    followup:", "    folowup:")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert (error.field, error.line) == ("questions[1].folowup", line_of(text, "folowup:"))
    assert "did you mean 'followup'" in error.message


def test_source_is_not_allowed_in_the_file(tmp_path: Path) -> None:
    text = role_yaml() + "source: somewhere.yaml\n"
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert (error.field, error.line) == ("source", line_of(text, "source:"))


def test_non_existent_file(tmp_path: Path) -> None:
    path = tmp_path / "ghost.yaml"
    error = only_error(path)
    assert (error.file, error.line, error.field) == (str(path), 1, "(file)")
    assert "not found" in error.message
    with pytest.raises(RoleInvalidError):
        load_role_file(path)


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, "demo-role.yaml", content)
    error = only_error(path)
    assert (error.file, error.line, error.field) == (str(path), 1, "(file)")
    assert "empty" in error.message


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = only_error(write(tmp_path, "demo-role.yaml", "# roles\n- just\n- a list\n"))
    assert (error.line, error.field) == (2, "(file)")
    assert "mapping" in error.message


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    assert only_error(tmp_path / "dir.yaml").field == "(file)"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "demo-role.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    assert "UTF-8" in only_error(path).message


def test_too_few_key_points_and_empty_keywords(tmp_path: Path) -> None:
    text = (
        role_yaml()
        .replace("      - point: Invalidates\n        keywords: [invalidation]\n", "")
        .replace("keywords: [unit test]", "keywords: []")
    )
    errors = validate_role_file(write(tmp_path, "demo-role.yaml", text))
    assert [(e.field, e.line) for e in errors] == [
        ("questions[0].key_points", line_of(text, "key_points:")),
        ("questions[1].key_points[0].keywords", line_of(text, "keywords: []")),
    ]
    assert "at least 3" in errors[0].message


def test_blank_keyword_and_numeric_keyword(tmp_path: Path) -> None:
    text = role_yaml().replace("keywords: [ttl]", "keywords: [ttl, '  ', 429]")
    errors = validate_role_file(write(tmp_path, "demo-role.yaml", text))
    assert [e.field for e in errors] == [
        "questions[0].key_points[1].keywords[1]",
        "questions[0].key_points[1].keywords[2]",
    ]
    assert all(e.line == line_of(text, "keywords: [ttl,") for e in errors)
    assert "quotes" in errors[1].message


def test_bad_slugs_and_wrong_types(tmp_path: Path) -> None:
    text = (
        role_yaml()
        .replace("- id: first-question", "- id: First Question")
        .replace("summary: A role used by the tests.", "summary: [not, text]")
        .replace("skills: [python, sql, testing, caching, observability]", "skills: [python]")
    )
    errors = validate_role_file(write(tmp_path, "demo-role.yaml", text))
    assert [(e.field, e.line) for e in errors] == [
        ("summary", line_of(text, "summary:")),
        ("skills", line_of(text, "skills:")),
        ("questions[0].id", line_of(text, "First Question")),
    ]
    assert "slug" in errors[2].message


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    text = role_yaml().replace("    topic: Testing\n", "    topic: Testing\n    topic: Tests\n")
    error = only_error(write(tmp_path, "demo-role.yaml", text))
    assert (error.field, error.line) == ("questions[1].topic", line_of(text, "topic: Tests"))


def test_several_errors_are_all_reported_in_line_order(tmp_path: Path) -> None:
    text = (
        role_yaml()
        .replace("title: Demo Role\n", "")
        .replace("      3: Some of it.\n", "")
        .replace("- id: second-question", "- id: first-question")
    )
    errors = validate_role_file(write(tmp_path, "demo-role.yaml", text))
    assert [e.field for e in errors] == ["title", "questions[0].anchors", "questions[1].id"]
    assert [e.line for e in errors] == sorted(e.line for e in errors)
