"""What each setting is called in the environment, what form it takes and what it means.

Two users read this: `.env.example` (generated here, so it lists every setting the classes
in `bot.settings` have: `python -m bot.settings_reference > .env.example`, and a test checks
the committed file is current) and the one-line error a bad value gets, which names the
environment variable to fix and the form it expects instead of pydantic's field path.
"""

from __future__ import annotations

import re
import textwrap
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from bot.settings import FlowSettings, ReminderSettings, Settings

# Nested settings classes read their own variables (with their own prefix); the fields that
# hold them are not settings of their own.
NESTED: dict[str, type[BaseSettings]] = {"flow": FlowSettings, "reminders": ReminderSettings}
GROUPS = (("SLACK_", "Slack (interview-bot run --slack)"),
          ("DISCORD_", "Discord (interview-bot run --discord)"),
          ("OPENAI_", "Language model (BRAIN=openai)"),
          ("INTERVIEW_", "Interview bounds"),
          ("REMINDER_", "Reminders, deadlines and retention"),
          ("", "General"))
_SHOWN_VALUE = 40
# Pydantic errors whose message only restates the expected form.
_SAID_BY_FORM = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal",
                           "int_parsing", "int_from_float", "float_parsing", "literal_error",
                           "int_type", "float_type"})


@dataclass(frozen=True)
class SettingDoc:
    env: str
    default: str
    description: str
    form: str
    secret: bool
    example: str | None

    @property
    def group(self) -> str:
        return next(title for prefix, title in GROUPS if self.env.startswith(prefix))


def env_name(model: type[BaseModel], field: str) -> str:
    prefix = str(model.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def all_settings() -> list[SettingDoc]:
    """Every setting, in class order: the top-level ones, then each nested class's."""
    docs = [_doc(Settings, name, info) for name, info in Settings.model_fields.items()
            if name not in NESTED]
    for model in NESTED.values():
        docs += [_doc(model, name, info) for name, info in model.model_fields.items()]
    return docs


def _doc(model: type[BaseModel], name: str, info: FieldInfo) -> SettingDoc:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    example = extra.get("example")
    return SettingDoc(env=env_name(model, name), default=_default_text(info),
                      description=info.description or "", form=str(extra.get("form") or
                                                                    expected_form(info)),
                      secret=_is_secret(info), example=None if example is None else str(example))


def _default_text(info: FieldInfo) -> str:
    value = info.get_default(call_default_factory=True)
    if value is None:
        return ""
    if isinstance(value, dict):
        return "{}" if not value else repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bare(annotation: Any) -> Any:
    """`X | None` -> X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_secret(info: FieldInfo) -> bool:
    return _bare(info.annotation) is SecretStr


def expected_form(info: FieldInfo) -> str:
    """'a whole number from 1 to 20', 'one of: offline, openai', ... from the field's type
    and bounds."""
    kind = _bare(info.annotation)
    if typing.get_origin(kind) is Literal:
        return "one of: " + ", ".join(str(a) for a in typing.get_args(kind))
    if kind in (int, float):
        noun = "a whole number" if kind is int else "a number"
        return noun + _bounds(info)
    if kind is SecretStr:
        return "a secret, never logged"
    if kind is Path:
        return "a folder path"
    if typing.get_origin(kind) is dict:
        return "a JSON object"
    return "text"


def _bounds(info: FieldInfo) -> str:
    low = high = None
    low_open = high_open = False
    for bound in info.metadata:
        if isinstance(bound, annotated_types.Ge):
            low = bound.ge
        elif isinstance(bound, annotated_types.Gt):
            low, low_open = bound.gt, True
        elif isinstance(bound, annotated_types.Le):
            high = bound.le
        elif isinstance(bound, annotated_types.Lt):
            high, high_open = bound.lt, True
    if low is not None and high is not None and not (low_open or high_open):
        return f" from {low:g} to {high:g}"
    parts = []
    if low is not None:
        parts.append(f"above {low:g}" if low_open else f"of at least {low:g}")
    if high is not None:
        parts.append(f"below {high:g}" if high_open else f"at most {high:g}")
    return " " + " and ".join(parts) if parts else ""


# ------------------------------------------------------------------ errors


class SettingsProblem(ValueError):
    """A setting's value is wrong; `str()` names the variable and the form it expects."""


def load_settings() -> Settings:
    """`Settings()`, with any bad value turned into one `SettingsProblem` sentence."""
    from pydantic_settings import SettingsError

    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsProblem(explain(exc)) from None
    except SettingsError as exc:
        raise SettingsProblem(_explain_source_error(exc)) from None


def explain(exc: ValidationError) -> str:
    """The first error of a settings class as one sentence about the environment variable."""
    model = _model_named(exc.title)
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    message = str(error["msg"]).removeprefix("Value error, ")
    if not loc:  # a check across fields: its message names the variables
        return message
    field = loc[0]
    if model is Settings and field in NESTED:
        model, loc = NESTED[field], loc[1:]
        field = loc[0] if loc else field
    info = model.model_fields.get(field)
    if info is None:
        return f"{env_name(model, field)}: {message}"
    env = env_name(model, field)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    form = str(extra.get("form") or expected_form(info))
    shown = "" if _is_secret(info) or "url" in field else _shown(error.get("input"))
    if error["type"] in _SAID_BY_FORM:
        return f"{env}{shown} is not valid: expected {form}"
    return f"{env}{shown} is not valid: {message}; expected {form}"


def _explain_source_error(exc: Exception) -> str:
    """pydantic-settings could not even decode a value (JSON for a structured field)."""
    match = re.search(r'field "([a-z_]+)"', str(exc))
    field = match.group(1) if match else ""
    for model in (Settings, *NESTED.values()):
        if field in model.model_fields:
            return f"{env_name(model, field)} is not valid: {exc.__cause__ or exc}"
    return f"a setting is not valid: {exc}"


def _model_named(title: str) -> type[BaseModel]:
    for model in (Settings, *NESTED.values()):
        if model.__name__ == title:
            return model
    return Settings


def _shown(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    text = str(value)
    if len(text) > _SHOWN_VALUE:
        text = text[:_SHOWN_VALUE] + "…"
    return f"={text!r}" if text != "" else "=''"


# ------------------------------------------------------------------ .env.example

HEADER = """\
# interview-bot settings: copy this file to .env and uncomment what you change.
# Every setting can also come from the environment, which wins over .env.
# Generated from bot/settings.py by `python -m bot.settings_reference > .env.example`;
# tests/test_settings_reference.py fails when it is out of date.
"""


# Read by `docker compose` from .env, not by the bot: compose.yaml builds DATABASE_URL from it.
COMPOSE_VARIABLES = (
    ("POSTGRES_PASSWORD", "password of the PostgreSQL that compose.yaml runs; "
                          "`docker compose up` refuses to start without it", "change-me"),
)


def env_example() -> str:
    lines = [HEADER]
    group = None
    for doc in sorted(all_settings(), key=lambda d: _group_order(d.group)):
        if doc.group != group:
            group = doc.group
            lines += ["", f"# ---- {group}", ""]
        form = "" if doc.form == "text" else f" ({doc.form})"
        text = f"{doc.description}{form}"
        lines += textwrap.wrap(text, width=96, initial_indent="# ", subsequent_indent="#   ")
        value = doc.default if doc.default else (doc.example or "")
        lines.append(f"# {doc.env}={value}")
    lines += ["", "# ---- docker compose (compose.yaml)", ""]
    for name, description, example in COMPOSE_VARIABLES:
        lines += textwrap.wrap(description, width=96, initial_indent="# ",
                               subsequent_indent="#   ")
        lines.append(f"# {name}={example}")
    return "\n".join(lines).rstrip() + "\n"


def _group_order(title: str) -> int:
    order = ["General", "Interview bounds", "Reminders, deadlines and retention",
             "Language model (BRAIN=openai)", "Slack (interview-bot run --slack)",
             "Discord (interview-bot run --discord)"]
    return order.index(title)


if __name__ == "__main__":
    import sys

    sys.stdout.write(env_example())
