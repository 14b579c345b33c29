"""Typed settings read from the environment and `.env` (the only place secrets come from).

Each field's `description` is its documentation: `.env.example` is generated from these
classes (`python -m bot.settings_reference`), and a bad value's error names the
environment variable and the form it expects (`bot.settings_reference.explain`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///interview-bot.sqlite3"


class FlowSettings(BaseSettings):
    """The numbers that bound an interview; every interview ends within them."""

    model_config = SettingsConfigDict(env_prefix="INTERVIEW_", env_file=".env", extra="ignore")

    technical_questions: int = Field(default=4, ge=1, le=20,
                                     description="technical questions per interview")
    followups_per_question: int = Field(
        default=1, ge=0, le=3, description="follow-ups allowed per question (asked when an "
                                           "answer is short or misses most rubric points)")
    candidate_question_exchanges: int = Field(
        default=3, ge=0, le=10,
        description="how many questions the candidate may ask before the wrap-up")
    turn_budget: int = Field(
        default=30, ge=5, le=200, description="candidate messages after which the interview "
                                              "wraps up whatever stage it is in")


REMINDER_POLICY_FIELDS = ("first_nudge_hours", "second_nudge_hours", "deadline_days",
                          "quiet_hours_start", "quiet_hours_end", "pause_days")


class ReminderSettings(BaseSettings):
    """Reminder policy (overridable per role and per interview) and the sweeper's pace."""

    model_config = SettingsConfigDict(env_prefix="REMINDER_", env_file=".env", extra="ignore")

    first_nudge_hours: float = Field(default=48, gt=0,
                                     description="hours of silence before the first nudge")
    second_nudge_hours: float = Field(
        default=96, gt=0, description="hours of silence before the second (and last) nudge")
    deadline_days: float = Field(
        default=7, gt=0, description="days after the start when an unfinished interview "
                                     "expires (partial report)")
    quiet_hours_start: int = Field(default=21, ge=0, le=23,
                                   description="no nudges from this local hour...")
    quiet_hours_end: int = Field(default=8, ge=0, le=23,
                                 description="...until this local hour (equal: no quiet hours)")
    default_timezone: str = Field(
        default="UTC", description="the candidate's time zone when the platform gives none "
                                   "(Slack does)",
        json_schema_extra={"form": "an IANA time zone name, e.g. Europe/Berlin or UTC"})
    pause_days: float = Field(
        default=7, gt=0,
        description="a paused interview reopens (and nudges resume) after this long")
    policy_overrides: Annotated[dict[str, dict[str, float]], NoDecode] = Field(
        default_factory=dict, description="per-role overrides of the reminder policy",
        json_schema_extra={
            "form": 'a JSON object of role name to fields, e.g. '
                    '{"data-analyst": {"deadline_days": 10}}; fields: '
                    + ", ".join(REMINDER_POLICY_FIELDS)})
    sweep_seconds: int = Field(default=60, ge=1,
                               description="how often the sweeper claims due reminders")
    batch_size: int = Field(default=500, ge=1, le=5000,
                            description="reminders claimed per sweep")
    lease_seconds: int = Field(default=300, ge=10,
                               description="how long a claimed reminder stays claimed")
    max_attempts: int = Field(default=5, ge=1,
                              description="claims before a reminder is marked failed")
    purge_every_minutes: int = Field(
        default=60, ge=1,
        description="how often ended interviews past RETENTION_DAYS are purged")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("policy_overrides", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        """The environment gives text; parse it here so a typo is a field error, not a
        settings-source crash."""
        if isinstance(value, str | bytes):
            try:
                return json.loads(value or "{}")
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
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
            raise ValueError(
                f"REMINDER_SECOND_NUDGE_HOURS ({self.second_nudge_hours:g}) must be more than "
                f"REMINDER_FIRST_NUDGE_HOURS ({self.first_nudge_hours:g})")
        return self


class Settings(BaseSettings):
    """Every setting the bot reads; the README's settings table mirrors this class."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLite file (WAL mode), or PostgreSQL (needs the postgres extra)",
        json_schema_extra={"form": "a database URL, e.g. sqlite:///interview-bot.sqlite3 or "
                                   "postgresql+psycopg://user:pass@host:5432/db",
                           "example": "postgresql+psycopg://bot:secret@db:5432/interviews"})
    roles_dir: Path | None = Field(
        default=None, description="extra folder of role YAML files; a role there overrides a "
                                  "built-in one of the same name",
        json_schema_extra={"form": "an existing folder", "example": "./roles"})
    brain: Literal["offline", "openai"] = Field(
        default="offline", description="which brain words messages and scores answers")
    consent_notice_version: str = Field(
        default="2026-11",
        description="recorded with each interview, with the time the notice was shown")
    retention_days: int = Field(
        default=180, ge=1,
        description="how long transcripts and evaluations are kept (stated in the notice)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="log level of `interview-bot run` (other commands log "
                                    "warnings only, unless --verbose)")
    log_library_levels: str = Field(
        default="", description="libraries' own log levels, e.g. slack_bolt=DEBUG (at DEBUG "
                                "they log message text; held at WARNING otherwise)",
        json_schema_extra={"example": "slack_bolt=INFO,discord=WARNING"})
    openai_api_key: SecretStr | None = Field(
        default=None, description="key for the openai brain (not needed for a local server)",
        json_schema_extra={"example": "sk-..."})
    openai_base_url: str | None = Field(
        default=None, description="any OpenAI-compatible server (default: OpenAI)",
        json_schema_extra={"form": "a URL", "example": "http://localhost:11434/v1"})
    openai_model: str = Field(default="gpt-4o-mini",
                              description="model for every task, unless overridden below")
    openai_model_interview: str | None = Field(
        default=None, description="model that words the interview (default: OPENAI_MODEL)")
    openai_model_scoring: str | None = Field(
        default=None, description="model that scores answers (default: OPENAI_MODEL)")
    openai_model_report: str | None = Field(
        default=None, description="model that writes the report (default: OPENAI_MODEL)")
    # One deadline for each whole request (first byte to last, the SDK's retries included),
    # not per read: a server that trickles its reply cannot run past it.
    openai_timeout_seconds: float = Field(
        default=60.0, gt=0, le=600,
        description="one deadline per model request, retries included (the SDK's own "
                    "timeout is per read, 600 s)")
    openai_max_retries: int = Field(
        default=2, ge=0, le=6, description="the SDK's bounded retries on timeouts, 429 and "
                                           "5xx; then the turn falls back to the offline brain")
    openai_scoring_concurrency: int = Field(
        default=4, ge=1, le=32, description="questions scored in parallel after the interview")
    openai_scoring_samples: int = Field(
        default=3, ge=1, le=9, description="times each question is judged; the median is kept "
                                           "and a spread of 2 or more needs human review")
    openai_max_tokens_message: int = Field(
        default=300, ge=16, le=4096, description="max_tokens cap for one interview message")
    openai_max_tokens_scoring: int = Field(
        default=400, ge=64, le=4096, description="max_tokens of each scoring request")
    openai_max_tokens_report: int = Field(
        default=900, ge=128, le=8192, description="max_tokens of the report request")
    # Which response_format to ask for first; `auto` tries json_schema, then json_object,
    # then plain text, and remembers per server and model what worked.
    openai_response_format: Literal["auto", "json_schema", "json_object", "text"] = Field(
        default="auto", description="structured output to ask for first (auto steps down on "
                                    "refusal)")
    slack_bot_token: SecretStr | None = Field(
        default=None, description="Slack: OAuth & Permissions -> Bot User OAuth Token",
        json_schema_extra={"form": "a bot token, xoxb-...", "example": "xoxb-..."})
    slack_app_token: SecretStr | None = Field(
        default=None, description="Slack Socket Mode: an app-level token with "
                                  "connections:write",
        json_schema_extra={"form": "an app-level token, xapp-...", "example": "xapp-..."})
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Slack HTTP mode (--http): Basic Information -> Signing "
                                  "Secret")
    slack_api_url: str | None = Field(
        default=None, description="Slack Web API base URL (default https://slack.com/api/), "
                                  "for tests and proxies",
        json_schema_extra={"form": "a URL"})
    slack_recruiters: str = Field(
        default="", description="who may use /interview: Slack member ids (U...) and/or "
                                "user-group ids (S...), comma-separated; empty means nobody",
        json_schema_extra={"example": "U012ABCDEF,S0123GROUP"})
    slack_recruiter_channel: str | None = Field(
        default=None, description="id of the private Slack channel reports go to",
        json_schema_extra={"example": "G0123456789"})
    discord_token: SecretStr | None = Field(
        default=None, description="Discord bot token (Bot -> Reset Token), without 'Bot '")
    discord_guild_ids: str = Field(
        default="", description="Discord server id(s), comma-separated, where /interview is "
                                "registered",
        json_schema_extra={"example": "123456789012345678"})
    discord_interviews_channel: int | None = Field(
        default=None, description="id of the Discord text channel that holds the private "
                                  "interview threads",
        json_schema_extra={"form": "a Discord channel id, digits",
                           "example": "123456789012345678"})
    discord_recruiter_channel: int | None = Field(
        default=None, description="id of the private Discord channel reports go to",
        json_schema_extra={"form": "a Discord channel id, digits",
                           "example": "123456789012345678"})
    discord_recruiter_role: int | None = Field(
        default=None, description="id of the Discord role allowed to use /interview",
        json_schema_extra={"form": "a Discord role id, digits",
                           "example": "123456789012345678"})
    discord_api_url: str | None = Field(
        default=None, description="Discord REST base URL (default "
                                  "https://discord.com/api/v10), for tests and proxies",
        json_schema_extra={"form": "a URL"})
    flow: FlowSettings = Field(default_factory=FlowSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value
