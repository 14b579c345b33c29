"""One Slack workspace for a test: the fake Web API, the adapter served over HTTP on
127.0.0.1:0, a signed-request sender, and people: recruiters, a candidate, a bystander,
a bot. Shared by the tests and bench/bench_slack.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.slack.app import EVENTS_PATH, SlackAdapter, build_adapter, serve_http
from adapters.slack.settings import Recruiters, SlackConfig
from bot.service import InterviewService
from bot.settings import FlowSettings, Settings
from storage.engine import session as db_session
from storage.models import Turn
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.slack_requests import SlackSender

if TYPE_CHECKING:
    from bot.roles import Role
    from bot.simulated import SimulatedCandidate

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
RECRUITER = "UREC1"
GROUP_RECRUITER = "UREC2"
RECRUITER_GROUP = "SRECRUIT"
CANDIDATE = "UCAND"
BYSTANDER = "UOTHER"
HELPER_BOT = "UHELPBOT"
RECRUITER_CHANNEL = "GRECRUIT"
PUBLIC_CHANNEL = "CPUBLIC"
STARTED = re.compile(r"Started interview ([0-9a-f]{8})")


@dataclass
class SlackWorld:
    fake: FakeSlack
    adapter: SlackAdapter
    sender: SlackSender
    runner: web.AppRunner
    session: aiohttp.ClientSession
    engine: Engine

    @property
    def service(self) -> InterviewService:
        return self.adapter.service

    async def close(self) -> None:
        await self.settle()
        await self.runner.cleanup()
        await self.session.close()
        await self.fake.stop()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every acknowledged request's work has finished."""
        await self.adapter.listeners.in_flight.wait_idle(timeout)

    async def until_finished(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` listener runs have finished since the world opened."""
        in_flight = self.adapter.listeners.in_flight
        await self.fake.wait_for(lambda: in_flight.finished >= count, timeout=timeout)

    @staticmethod
    def dm(user: str) -> str:
        return "D" + user[1:]

    async def command(self, text: str, *, user_id: str = RECRUITER) -> str:
        """Run `/interview text` and return the ephemeral reply's text."""
        hooks = len(self.fake.hooks)
        status, _ = await self.sender.command(text, user_id=user_id)
        assert status == 200
        await self.fake.wait_for(lambda: len(self.fake.hooks) > hooks)
        await self.settle()
        return str(self.fake.hooks[hooks].params.get("text", ""))

    async def start(self, candidate: str = CANDIDATE,
                    role: str = "database-administrator") -> tuple[str, str]:
        """Start an interview through `/interview`; returns (interview id, thread ts)."""
        reply = await self.command(f"<@{candidate}|{candidate.lower()}> {role}")
        found = STARTED.search(reply)
        assert found, reply
        summary = await self.service.status(found.group(1))
        return summary.id, summary.conversation.thread

    async def start_from_form(self, *, role: str, resume: str,
                              candidate: str = CANDIDATE) -> tuple[str, str]:
        """Start an interview through the `/interview` form, with a resume."""
        values = {
            "candidate": {"candidate": {"type": "users_select", "selected_user": candidate}},
            "role": {"role": {"type": "static_select", "selected_option": {"value": role}}},
            "resume": {"resume": {"type": "plain_text_input", "value": resume}},
        }
        payload = self.sender.view_submission(user_id=RECRUITER, values=values,
                                              private_metadata="{}")
        assert (await self.sender.interactive(payload))[0] == 200
        await self.fake.wait_for(lambda: self.fake.posts(self.dm(candidate)))
        await self.settle()
        [summary] = [s for s in await self.service.list_status(candidate_id=candidate)
                     if s.role_name == role]
        return summary.id, summary.conversation.thread

    async def say(self, text: str, *, thread_ts: str | None, user: str = CANDIDATE,
                  retry_num: int | None = None, **extra: Any) -> dict[str, Any]:
        """The candidate (or `user`) writes in their DM; waits until the app has handled it."""
        event = self.sender.message_event(user=user, channel=self.dm(user), text=text,
                                          thread_ts=thread_ts, **extra)
        done = self.adapter.listeners.in_flight.finished
        status, _ = await self.sender.event(event, retry_num=retry_num)
        assert status == 200
        await self.until_finished(done + 1)
        return event

    def thread(self, channel: str, thread_ts: str) -> list[Call]:
        return [c for c in self.fake.posts(channel) if c.params.get("thread_ts") == thread_ts]

    def bot_turn(self, ts: str) -> Turn:
        """The stored bot turn a Slack message was posted for (the core records the ts)."""
        with db_session(self.engine) as s:
            turn = s.exec(select(Turn).where(Turn.platform_message_id == ts,
                                             Turn.speaker == "bot")).first()
        assert turn is not None, ts
        return turn

    def candidate_turns(self, interview_id: str) -> list[Turn]:
        with db_session(self.engine) as s:
            return list(s.exec(select(Turn).where(Turn.interview_id == interview_id,
                                                  Turn.speaker == "candidate")).all())


def settings_for(**flow: int) -> Settings:
    return Settings(flow=FlowSettings(**flow))


async def open_world(engine: Engine, *, recruiter_channel: str | None = RECRUITER_CHANNEL,
                     settings: Settings | None = None) -> SlackWorld:
    fake = FakeSlack()
    await fake.start()
    fake.add_user(RECRUITER, "Rita Recruiter")
    fake.add_user(GROUP_RECRUITER, "Greg Grouprecruiter")
    fake.add_user(CANDIDATE, "Ada Lovelace", tz="Europe/Berlin")
    fake.add_user(BYSTANDER, "Otto Other")
    fake.add_user(HELPER_BOT, "Helper Bot", is_bot=True)
    fake.usergroups[RECRUITER_GROUP] = [GROUP_RECRUITER]
    fake.add_channel(RECRUITER_CHANNEL, "recruiters", is_private=True,
                     members=[fake.bot_user_id, RECRUITER, GROUP_RECRUITER])
    fake.add_channel(PUBLIC_CHANNEL, "general", is_private=False,
                     members=[fake.bot_user_id, RECRUITER, BYSTANDER])
    config = SlackConfig(bot_token=fake.token, app_token=None, signing_secret=SIGNING_SECRET,
                         api_url=fake.api_url,
                         recruiters=Recruiters.parse(f"{RECRUITER},{RECRUITER_GROUP}"),
                         recruiter_channel=recruiter_channel)
    session = aiohttp.ClientSession()
    the_settings = settings or settings_for()
    adapter = build_adapter(
        config, lambda port: InterviewService(engine=engine, port=port, settings=the_settings),
        http=True, session=session)
    await adapter.startup()
    runner = await serve_http(adapter, host="127.0.0.1", port=0)
    url = f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
    sender = SlackSender(url=url, secret=SIGNING_SECRET, fake=fake, session=session)
    return SlackWorld(fake=fake, adapter=adapter, sender=sender, runner=runner,
                      session=session, engine=engine)


async def run_slack_interview(world: SlackWorld, *, role_name: str = "database-administrator",
                              profile: str = "strong", seed: int = 0) -> list[int]:
    """A whole interview from the `/interview` form to the report, the candidate played by
    a SimulatedCandidate; returns the per-question scores (compare with Discord's)."""
    from bot.roles import load_role
    from bot.simulated import SimulatedCandidate

    role = load_role(role_name)
    candidate = SimulatedCandidate(role=role, profile=profile, seed=seed)
    interview_id, thread = await world.start_from_form(role=role_name,
                                                       resume=candidate.resume())
    await answer_until_the_end(world, role, candidate, thread)
    export = await world.service.export(interview_id)
    return [int(s["score"]) for s in export["scores"]]


async def answer_until_the_end(world: SlackWorld, role: Role, candidate: SimulatedCandidate,
                               thread: str,
                               dress: Callable[[int, str], str] = lambda _n, answer: answer,
                               ) -> None:
    """Plays the candidate in the interview's DM thread until the bot ends the interview
    (`dress` may change the n-th answer before it is sent), then waits for the recruiter
    channel's posts and for the service to settle."""
    from adapters.console import END_KINDS, question_for

    dm = SlackWorld.dm(CANDIDATE)
    for n in range(60):
        last = world.thread(dm, thread)[-1]
        turn = world.bot_turn(last.response["ts"])
        if turn.kind in END_KINDS:
            break
        answer = candidate.reply(turn.text, kind=turn.kind,
                                 question=question_for(role, turn.question_id))
        await world.say(dress(n, answer), thread_ts=thread)
    else:
        raise AssertionError("the interview never ended")
    await world.fake.wait_for(lambda: world.fake.posts(RECRUITER_CHANNEL))
    await world.settle()
