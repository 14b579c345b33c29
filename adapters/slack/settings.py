"""The Slack adapter's view of the settings: checked once at start-up, secrets kept secret.

`bot.settings.Settings` reads the environment; this module turns the Slack part of it into
what the adapter needs and says in one line what is missing, so `run --slack` fails before
it opens a socket or a port.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"


class SlackConfigError(ValueError):
    """A missing or malformed Slack setting; the message names the setting to fix."""


@dataclass(frozen=True)
class Recruiters:
    """Who may use `/interview`: user ids (U…/W…) and user-group ids (S…)."""

    users: frozenset[str]
    groups: frozenset[str]

    @classmethod
    def parse(cls, value: str) -> Recruiters:
        ids = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        bad = [i for i in ids if i[:1] not in ("U", "W", "S") or not i.isalnum()]
        if bad:
            raise SlackConfigError(
                f"SLACK_RECRUITERS has {', '.join(map(repr, bad))}: use Slack user ids (U…) "
                "or user-group ids (S…), comma-separated")
        return cls(users=frozenset(i for i in ids if i[0] in "UW"),
                   groups=frozenset(i for i in ids if i[0] == "S"))

    def __bool__(self) -> bool:
        return bool(self.users or self.groups)


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    api_url: str
    recruiters: Recruiters
    recruiter_channel: str | None

    def __repr__(self) -> str:  # never let a token reach a log line
        return (f"SlackConfig(api_url={self.api_url!r}, recruiters={self.recruiters!r}, "
                f"recruiter_channel={self.recruiter_channel!r})")

    @classmethod
    def from_settings(cls, settings: Settings, *, http: bool) -> SlackConfig:
        """Socket Mode needs the bot and app tokens; HTTP mode the bot token and signing
        secret."""
        bot = _secret(settings.slack_bot_token)
        app = _secret(settings.slack_app_token)
        signing = _secret(settings.slack_signing_secret)
        missing = ["SLACK_BOT_TOKEN"] if not bot else []
        if http and not signing:
            missing.append("SLACK_SIGNING_SECRET")
        if not http and not app:
            missing.append("SLACK_APP_TOKEN")
        if missing:
            mode = "HTTP mode (--http)" if http else "Socket Mode"
            raise SlackConfigError(f"{' and '.join(missing)} not set: {mode} needs it "
                                   "(see README, 'Slack').")
        assert bot is not None
        if not bot.startswith("xoxb-"):
            raise SlackConfigError("SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-)")
        if not http and app is not None and not app.startswith("xapp-"):
            raise SlackConfigError("SLACK_APP_TOKEN must be an app-level token (xapp-…) with "
                                   "the connections:write scope")
        api_url = settings.slack_api_url or DEFAULT_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        channel = (settings.slack_recruiter_channel or "").strip() or None
        return cls(bot_token=bot, app_token=app, signing_secret=signing, api_url=api_url,
                   recruiters=Recruiters.parse(settings.slack_recruiters),
                   recruiter_channel=channel)


def _secret(value: object) -> str | None:
    if value is None:
        return None
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text.strip() or None
