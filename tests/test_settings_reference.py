"""Settings as a user meets them: `.env.example` lists every one, and a bad value is one
sentence naming the environment variable and the form it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import FlowSettings, ReminderSettings, Settings
from bot.settings_reference import (
    COMPOSE_VARIABLES,
    SettingsProblem,
    env_example,
    env_name,
    load_settings,
)

ROOT = Path(__file__).resolve().parents[1]


def _every_env_name() -> list[str]:
    names = [env_name(Settings, f) for f in Settings.model_fields if f not in ("flow",
                                                                              "reminders")]
    names += [env_name(FlowSettings, f) for f in FlowSettings.model_fields]
    names += [env_name(ReminderSettings, f) for f in ReminderSettings.model_fields]
    return names


def test_env_example_is_generated_from_the_settings_and_current() -> None:
    committed = (ROOT / ".env.example").read_text()
    assert committed == env_example(), (
        "regenerate it: python -m bot.settings_reference > .env.example")


def test_env_example_and_readme_name_every_setting() -> None:
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    names = _every_env_name()
    assert len(names) >= 40 and "INTERVIEW_TECHNICAL_QUESTIONS" in names
    for name in names:
        assert f"# {name}=" in example
        assert f"`{name}`" in readme, name
    for name, _, _ in COMPOSE_VARIABLES:
        assert f"# {name}=" in example


@pytest.mark.parametrize(("env", "words"), [
    ({"INTERVIEW_TECHNICAL_QUESTIONS": "0"},
     ("INTERVIEW_TECHNICAL_QUESTIONS='0'", "a whole number from 1 to 20")),
    ({"INTERVIEW_TURN_BUDGET": "many"}, ("INTERVIEW_TURN_BUDGET='many'", "from 5 to 200")),
    ({"REMINDER_POLICY_OVERRIDES": "{bad"},
     ("REMINDER_POLICY_OVERRIDES", "not valid JSON", '{"data-analyst": {"deadline_days": 10}}')),
    ({"REMINDER_POLICY_OVERRIDES": '{"x": {"nudge": 1}}'},
     ("REMINDER_POLICY_OVERRIDES", "unknown reminder fields", "first_nudge_hours")),
    ({"REMINDER_DEFAULT_TIMEZONE": "Mars/Base"}, ("REMINDER_DEFAULT_TIMEZONE", "IANA")),
    ({"REMINDER_FIRST_NUDGE_HOURS": "100"},
     ("REMINDER_SECOND_NUDGE_HOURS (96)", "REMINDER_FIRST_NUDGE_HOURS (100)")),
    ({"BRAIN": "gpt"}, ("BRAIN='gpt'", "one of: offline, openai")),
    ({"OPENAI_TIMEOUT_SECONDS": "0"}, ("OPENAI_TIMEOUT_SECONDS", "above 0 and at most 600")),
    ({"DISCORD_RECRUITER_ROLE": "recruiters"}, ("DISCORD_RECRUITER_ROLE", "role id, digits")),
    ({"LOG_LEVEL": "loud"}, ("LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR")),
])
def test_a_bad_value_names_the_variable_and_the_expected_form(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], words: tuple[str, ...]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsProblem) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    assert "technical_questions" not in message  # the field path is not what users set


def test_secret_values_never_appear_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("RETENTION_DAYS", "-1")
    with pytest.raises(SettingsProblem) as caught:
        load_settings()
    assert "xoxb-very-secret" not in str(caught.value)
    assert "RETENTION_DAYS='-1'" in str(caught.value)


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
