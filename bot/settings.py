"""Typed settings read from the environment and `.env` (the only place secrets come from)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///interview-bot.sqlite3"


class FlowSettings(BaseSettings):
    """The numbers that bound an interview; every interview ends within them."""

    model_config = SettingsConfigDict(env_prefix="INTERVIEW_", env_file=".env", extra="ignore")

    technical_questions: int = Field(default=4, ge=1, le=20)
    followups_per_question: int = Field(default=1, ge=0, le=3)
    candidate_question_exchanges: int = Field(default=3, ge=0, le=10)
    turn_budget: int = Field(default=30, ge=5, le=200)


REMINDER_POLICY_FIELDS = ("first_nudge_hours", "second_nudge_hours", "deadline_days",
                          "quiet_hours_start", "quiet_hours_end", "pause_days")


class ReminderSettings(BaseSettings):
    """Reminder policy (overridable per role and per interview) and the sweeper's pace."""

    model_config = SettingsConfigDict(env_prefix="REMINDER_", env_file=".env", extra="ignore")

    first_nudge_hours: float = Field(default=48, gt=0)
    second_nudge_hours: float = Field(default=96, gt=0)
    deadline_days: float = Field(default=7, gt=0)
    quiet_hours_start: int = Field(default=21, ge=0, le=23)
    quiet_hours_end: int = Field(default=8, ge=0, le=23)
    default_timezone: str = "UTC"
    pause_days: float = Field(default=7, gt=0)
    policy_overrides: dict[str, dict[str, float]] = Field(default_factory=dict)
    sweep_seconds: int = Field(default=60, ge=1)
    batch_size: int = Field(default=500, ge=1, le=5000)
    lease_seconds: int = Field(default=300, ge=10)
    max_attempts: int = Field(default=5, ge=1)
    purge_every_minutes: int = Field(default=60, ge=1)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("policy_overrides")
    @classmethod
    def _known_fields(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for role, fields in value.items():
            unknown = set(fields) - set(REMINDER_POLICY_FIELDS)
            if unknown:
                raise ValueError(f"role {role!r}: unknown reminder fields {sorted(unknown)}")
        return value

    @model_validator(mode="after")
    def _second_after_first(self) -> ReminderSettings:
        if self.second_nudge_hours <= self.first_nudge_hours:
            raise ValueError("second_nudge_hours must be more than first_nudge_hours")
        return self


class Settings(BaseSettings):
    """Every setting the bot reads; the README's settings table mirrors this class."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    roles_dir: Path | None = None
    brain: Literal["offline", "openai"] = "offline"
    consent_notice_version: str = "2026-11"
    retention_days: int = Field(default=180, ge=1)
    log_level: str = "INFO"
    # Libraries' own log levels, e.g. "slack_bolt=DEBUG": at DEBUG they log message text.
    log_library_levels: str = ""
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_model_interview: str | None = None
    openai_model_scoring: str | None = None
    openai_model_report: str | None = None
    openai_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    openai_max_retries: int = Field(default=2, ge=0, le=6)
    openai_scoring_concurrency: int = Field(default=4, ge=1, le=32)
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_recruiters: str = ""
    slack_recruiter_channel: str | None = None
    discord_token: SecretStr | None = None
    discord_guild_ids: str = ""  # comma-separated: the servers `/interview` is synced to
    discord_interviews_channel: int | None = None
    discord_recruiter_channel: int | None = None
    discord_recruiter_role: int | None = None
    discord_api_url: str | None = None  # Discord REST base URL, for tests and proxies
    flow: FlowSettings = Field(default_factory=FlowSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
