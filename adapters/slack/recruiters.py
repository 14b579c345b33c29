"""Who counts as a recruiter: the allow-list in SLACK_RECRUITERS, user groups expanded.

Group membership is read with `usergroups.users.list` and kept for a minute, so a busy
recruiter's commands do not each cost a Web API call, and a removal takes effect quickly.
A group that cannot be read fails closed both ways, and is not cached: it grants nobody the
command, and nobody can be interviewed while it is unreadable, because a member of an
unreadable recruiter group might be a recruiter (recruiters read every report).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import Recruiters

logger = logging.getLogger(__name__)


class RecruiterGroupUnreadableError(RuntimeError):
    """A recruiter user group could not be read; the message names it and Slack's error."""


class RecruiterPolicy:
    def __init__(self, client: AsyncWebClient, recruiters: Recruiters, *,
                 ttl_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.recruiters = recruiters
        self.ttl = ttl_seconds
        self.clock = clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    async def is_recruiter(self, user_id: str) -> bool:
        """May this person use `/interview`? An unreadable group grants nothing."""
        try:
            return await self.check(user_id)
        except RecruiterGroupUnreadableError:
            return False

    async def check(self, user_id: str) -> bool:
        """Is this person a recruiter? Raises RecruiterGroupUnreadableError when a group they
        might be in cannot be read (so a start can be refused, not let through)."""
        if user_id in self.recruiters.users:
            return True
        for group in sorted(self.recruiters.groups):
            if user_id in await self._members(group):
                return True
        return False

    async def _members(self, group: str) -> frozenset[str]:
        cached = self._groups.get(group)
        if cached and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            found = await self.client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            error = exc.response.get("error")
            logger.error("cannot read user group %s: %s", group, error)
            raise RecruiterGroupUnreadableError(
                f"I couldn't read the recruiter user group {group} ({error})") from exc
        members = frozenset(found.get("users") or [])
        self._groups[group] = (self.clock(), members)
        return members
