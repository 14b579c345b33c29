"""The Discord adapter's view of the settings: checked once at start-up, the token kept secret.

`bot.settings.Settings` reads the environment; this turns its Discord part into what the
adapter needs and says in one line what is missing, so `run --discord` fails before it logs
in.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings

DEFAULT_API_URL = "https://discord.com/api/v10"


class DiscordConfigError(ValueError):
    """A missing or malformed Discord setting; the message names the setting to fix."""


@dataclass(frozen=True)
class DiscordConfig:
    token: str
    guild_ids: tuple[int, ...]
    interviews_channel: int | None
    recruiter_channel: int | None
    recruiter_role: int | None
    api_url: str = DEFAULT_API_URL

    def __repr__(self) -> str:  # never let the token reach a log line
        return (f"DiscordConfig(guild_ids={self.guild_ids!r}, "
                f"interviews_channel={self.interviews_channel!r}, "
                f"recruiter_channel={self.recruiter_channel!r}, "
                f"recruiter_role={self.recruiter_role!r}, api_url={self.api_url!r})")

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        token = settings.discord_token.get_secret_value().strip() if settings.discord_token \
            else ""
        missing = [name for name, value in (
            ("DISCORD_TOKEN", token),
            ("DISCORD_GUILD_IDS", settings.discord_guild_ids.strip()),
            ("DISCORD_INTERVIEWS_CHANNEL", settings.discord_interviews_channel),
            ("DISCORD_RECRUITER_CHANNEL", settings.discord_recruiter_channel),
            ("DISCORD_RECRUITER_ROLE", settings.discord_recruiter_role),
        ) if not value]
        if missing:
            raise DiscordConfigError(f"{', '.join(missing)} not set: `run --discord` needs "
                                     "them (see README, 'Discord').")
        if token.lower().startswith("bot "):
            raise DiscordConfigError("DISCORD_TOKEN must be the bare bot token, without the "
                                     "'Bot ' prefix")
        api_url = (settings.discord_api_url or DEFAULT_API_URL).rstrip("/")
        return cls(token=token, guild_ids=parse_guild_ids(settings.discord_guild_ids),
                   interviews_channel=settings.discord_interviews_channel,
                   recruiter_channel=settings.discord_recruiter_channel,
                   recruiter_role=settings.discord_recruiter_role, api_url=api_url)


def parse_guild_ids(value: str) -> tuple[int, ...]:
    """Comma-separated server ids (Developer Mode → right-click the server → Copy ID)."""
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    bad = [part for part in parts if not part.isdigit()]
    if bad:
        raise DiscordConfigError(f"DISCORD_GUILD_IDS has {', '.join(map(repr, bad))}: use "
                                 "numeric server ids, comma-separated")
    return tuple(dict.fromkeys(int(part) for part in parts))
