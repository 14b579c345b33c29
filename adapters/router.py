"""One service, several platforms in one process: the port that routes each call to the
adapter of the platform an interview lives on."""

from __future__ import annotations

from bot.ports import (
    ChatPort,
    ConversationRef,
    OutgoingMessage,
    PostedMessage,
    ReportDelivery,
    TeamNotice,
)


class PlatformNotRunningError(LookupError):
    """An interview belongs to a platform this process does not serve (yet)."""


class PlatformRouter:
    def __init__(self) -> None:
        self._ports: dict[str, ChatPort] = {}

    def add(self, platform: str, port: ChatPort) -> None:
        self._ports[platform] = port

    def _port(self, platform: str) -> ChatPort:
        try:
            return self._ports[platform]
        except KeyError:
            raise PlatformNotRunningError(
                f"no {platform} adapter is running in this process") from None

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        return await self._port(platform).open_interview_conversation(
            platform=platform, candidate_id=candidate_id, workspace=workspace, title=title)

    async def close_interview_conversation(self, conversation: ConversationRef) -> None:
        await self._port(conversation.platform).close_interview_conversation(conversation)

    async def post(self, message: OutgoingMessage) -> PostedMessage:
        return await self._port(message.conversation.platform).post(message)

    async def post_report(self, report: ReportDelivery) -> None:
        await self._port(report.conversation.platform).post_report(report)

    async def post_to_recruiters(self, notice: TeamNotice) -> PostedMessage:
        return await self._port(notice.conversation.platform).post_to_recruiters(notice)
