"""`run --slack --discord`: one service whose port routes each interview to its platform."""

from __future__ import annotations

import pytest

from adapters.console import ConsolePort
from adapters.router import PlatformNotRunningError, PlatformRouter
from bot.ports import ConversationRef, OutgoingMessage
from bot.service import InterviewService, StartRequest
from tests.conftest import make_settings


class NamedPort(ConsolePort):
    def __init__(self, platform: str) -> None:
        super().__init__()
        self.platform = platform

    async def open_interview_conversation(self, *, platform: str, candidate_id: str,
                                          workspace: str, title: str) -> ConversationRef:
        assert platform == self.platform
        return ConversationRef(platform, "W1", f"{platform}-{candidate_id}", "t1")


async def test_each_interview_goes_to_its_own_platform(memory_engine) -> None:
    slack, discord = NamedPort("slack"), NamedPort("discord")
    router = PlatformRouter()
    router.add("slack", slack)
    router.add("discord", discord)
    service = InterviewService(engine=memory_engine, port=router, settings=make_settings())

    for platform, port in (("slack", slack), ("discord", discord)):
        started = await service.start_interview(StartRequest(
            role="database-administrator", candidate_id="C9", candidate_name="Ada",
            platform=platform))
        assert started.conversation.platform == platform
        assert port.posted[-1].kind == "greeting"
    assert len(slack.posted) == len(discord.posted) == 1


async def test_a_platform_not_running_is_a_clear_error() -> None:
    router = PlatformRouter()
    message = OutgoingMessage(ConversationRef("discord", "g", "c", "t"), "hi", "notice")
    with pytest.raises(PlatformNotRunningError, match="no discord adapter"):
        await router.post(message)
