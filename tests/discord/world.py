"""One Discord server for a test: the fake REST API, the real client logged in against it,
the gateway events fed through discord.py's parsers, and people: a recruiter, a candidate, a
bystander, another bot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.console import END_KINDS, question_for
from adapters.discord.bot_client import InterviewBotClient
from adapters.discord.config import DiscordConfig
from adapters.discord.runner import build_client
from bot.roles import load_role
from bot.service import InterviewService
from bot.settings import FlowSettings, Settings
from bot.simulated import SimulatedCandidate
from storage.engine import session as db_session
from storage.models import Turn
from tests.discord import gateway
from tests.discord.fake_discord import GUILD_ID, VIEW_CHANNEL, FakeDiscord

GUILD = GUILD_ID
RECRUITER_ROLE = 1169400000000003001
BOT_ROLE = 1169400000000003002
STAFF_ROLE = 1169400000000003003  # nobody holds it until a test hands it out
ADMIN_ROLE = 1169400000000003004  # Administrator: sees every channel, whatever overwrites say
RECRUITER = 1169400000000002001
CANDIDATE = 1169400000000002002
BYSTANDER = 1169400000000002003
OTHER_BOT = 1169400000000002004
INTERVIEWS = 1169400000000004001
RECRUITERS = 1169400000000004002
GENERAL = 1169400000000004003
BOT_PERMISSIONS = ((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 36)
                   | (1 << 38))  # view, send, embed, attach, history, private threads, in threads
STARTED = re.compile(r"Started interview `([0-9a-f]{8})`")
PRIVATE = [{"id": str(GUILD), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
           {"id": str(RECRUITER_ROLE), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"},
           {"id": str(BOT_ROLE), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"}]
PUBLIC: list[dict[str, Any]] = []


@dataclass
class DiscordWorld:
    fake: FakeDiscord
    client: InterviewBotClient
    engine: Engine

    @property
    def service(self) -> InterviewService:
        return self.client.service

    async def close(self) -> None:
        await self.settle()
        await self.client.close()
        await self.fake.stop()

    async def settle(self, timeout: float = 10.0) -> None:
        await self.client.in_flight.wait_idle(timeout)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """What discord.py's gateway does with a DISPATCH frame."""
        self.client._connection.parsers[event](data)

    # ------------------------------------------------------------ recruiters

    async def interact(self, subcommand: str, *, user: int = RECRUITER,
                       channel: int = GENERAL, attachments: dict[str, Any] | None = None,
                       **options: tuple[str, Any]) -> list[Any]:
        """Run `/interview subcommand` and return the calls that answered it."""
        data = gateway.interaction(self.fake, user_id=user, channel_id=channel,
                                   subcommand=subcommand, options=options,
                                   attachments=attachments)
        self.dispatch("INTERACTION_CREATE", data)
        token = data["token"]
        await self.fake.wait_for(lambda: _final_reply(self.fake.interaction_replies(token)))
        await self.settle()
        return self.fake.interaction_replies(token)

    async def command(self, subcommand: str, *, user: int = RECRUITER,
                      attachments: dict[str, Any] | None = None,
                      **options: tuple[str, Any]) -> str:
        """The text of the (ephemeral) answer to `/interview subcommand`."""
        replies = await self.interact(subcommand, user=user, attachments=attachments,
                                      **options)
        final = _final_reply(replies)
        assert final is not None
        body = final.body.get("data", final.body) if "callback" in final.path else final.body
        assert int(body.get("flags", 0)) & 64, "recruiter answers must be ephemeral"
        return str(body.get("content", ""))

    async def autocomplete(self, subcommand: str, focused: str, *, user: int = RECRUITER,
                           **options: tuple[str, Any]) -> list[dict[str, Any]]:
        data = gateway.interaction(self.fake, user_id=user, channel_id=GENERAL,
                                   subcommand=subcommand, options=options, focused=focused)
        self.dispatch("INTERACTION_CREATE", data)
        token = data["token"]
        found = await self.fake.wait_for(lambda: self.fake.interaction_replies(token))
        assert found[0].body["type"] == 8
        return list(found[0].body["data"]["choices"])

    async def start(self, candidate: int = CANDIDATE,
                    role: str = "database-administrator",
                    attachments: dict[str, Any] | None = None, **extra: tuple[str, Any]
                    ) -> tuple[str, str]:
        """`/interview start`; returns (interview id, thread id). Discord then tells the bot
        about its new thread (THREAD_CREATE), as the gateway does."""
        reply = await self.command("start", candidate=("user", str(candidate)),
                                   role=("str", role), attachments=attachments, **extra)
        found = STARTED.search(reply)
        assert found, reply
        summary = await self.service.status(found.group(1))
        thread = summary.conversation.thread
        self.dispatch("THREAD_CREATE", gateway.thread_create(self.fake, thread))
        return summary.id, thread

    async def press(self, message: dict[str, Any], custom_id: str, *, user: int = RECRUITER,
                    channel: int | str = RECRUITERS, values: list[str] | None = None
                    ) -> list[Any]:
        """Press a button (or choose in a select) on a message; the calls that answered."""
        data = gateway.component_interaction(self.fake, user_id=user, channel_id=channel,
                                             message=message, custom_id=custom_id,
                                             values=values)
        return await self._answered(data)

    async def submit(self, custom_id: str, fields: dict[str, str], *, user: int = RECRUITER,
                     channel: int | str = RECRUITERS) -> list[Any]:
        """Submit a form (modal) the bot opened."""
        data = gateway.modal_submit(self.fake, user_id=user, channel_id=channel,
                                    custom_id=custom_id, fields=fields)
        return await self._answered(data)

    async def _answered(self, data: dict[str, Any]) -> list[Any]:
        """Every component callback ends by answering: a message (callback type 4), a form
        (type 9) or a follow-up after deferring; its work is done by then."""
        self.dispatch("INTERACTION_CREATE", data)
        token = data["token"]
        await self.fake.wait_for(lambda: any(
            c.path.startswith("/webhooks/") or c.body.get("type") in (4, 9)
            for c in self.fake.interaction_replies(token)))
        await self.settle()
        return self.fake.interaction_replies(token)

    # ------------------------------------------------------------ candidates

    async def say(self, text: str, *, thread: str, user: int = CANDIDATE,
                  message_id: int | None = None, **extra: Any) -> dict[str, Any]:
        """A MESSAGE_CREATE in the thread; waits until the bot has handled it."""
        data = gateway.message_create(self.fake, channel_id=thread, author_id=user,
                                      content=text, message_id=message_id, **extra)
        await self.deliver(data)
        return data

    async def deliver(self, data: dict[str, Any]) -> None:
        done = self.client.in_flight.finished
        self.dispatch("MESSAGE_CREATE", data)
        await self.fake.wait_for(lambda: self.client.in_flight.finished > done)
        await self.settle()

    async def edit(self, original: dict[str, Any], text: str, *,
                   text_edit: bool = True) -> None:
        """A MESSAGE_UPDATE of `original` (the full message, as Discord sends it); with
        `text_edit=False`, an update without `edited_timestamp` (a link preview added)."""
        data = gateway.message_update(original, text, text_edit=text_edit)
        done = self.client.in_flight.finished
        self.dispatch("MESSAGE_UPDATE", data)
        await self.fake.wait_for(lambda: self.client.in_flight.finished > done)
        await self.settle()

    def bot_turn(self, message_id: str) -> Turn:
        """The stored bot turn a Discord message was posted for (the core keeps its id)."""
        with db_session(self.engine) as s:
            turn = s.exec(select(Turn).where(Turn.platform_message_id == message_id,
                                             Turn.speaker == "bot")).first()
        assert turn is not None, message_id
        return turn

    def candidate_turns(self, interview_id: str) -> list[Turn]:
        with db_session(self.engine) as s:
            return list(s.exec(select(Turn).where(Turn.interview_id == interview_id,
                                                  Turn.speaker == "candidate")).all())


def _final_reply(calls: list[Any]) -> Any:
    """The answer a person sees: a follow-up, or an immediate message (callback type 4)."""
    for call in calls:
        if call.path.startswith("/webhooks/") or call.body.get("type") == 4:
            return call
    return None


def settings_for(**flow: int) -> Settings:
    return Settings(flow=FlowSettings(**flow))


def make_fake(*, recruiter_overwrites: list[dict[str, Any]] | None = None) -> FakeDiscord:
    fake = FakeDiscord(guild_id=GUILD)
    fake.add_role(RECRUITER_ROLE, "Recruiter")
    fake.add_role(BOT_ROLE, "interview-bot", permissions=BOT_PERMISSIONS,
                  bot_id=int(fake.bot["id"]))
    fake.add_role(STAFF_ROLE, "Staff")
    fake.add_role(ADMIN_ROLE, "Admins", permissions=1 << 3)
    fake.members[int(fake.bot["id"])] = [BOT_ROLE]
    fake.add_member(RECRUITER, "Rita Recruiter", roles=(RECRUITER_ROLE,))
    fake.add_member(CANDIDATE, "Ada Lovelace")
    fake.add_member(BYSTANDER, "Otto Other")
    fake.add_member(OTHER_BOT, "Helper Bot", bot=True)
    fake.add_channel(INTERVIEWS, "interviews")
    fake.add_channel(RECRUITERS, "recruiters",
                     overwrites=PRIVATE if recruiter_overwrites is None else recruiter_overwrites)
    fake.add_channel(GENERAL, "general")
    return fake


async def open_world(engine: Engine, *, settings: Settings | None = None,
                     recruiter_overwrites: list[dict[str, Any]] | None = None) -> DiscordWorld:
    fake = make_fake(recruiter_overwrites=recruiter_overwrites)
    await fake.start()
    config = DiscordConfig(token=fake.token, guild_ids=(GUILD,), interviews_channel=INTERVIEWS,
                           recruiter_channel=RECRUITERS, recruiter_role=RECRUITER_ROLE,
                           api_url=fake.api_url)
    the_settings = settings or settings_for()
    client = build_client(
        config, lambda port: InterviewService(engine=engine, port=port, settings=the_settings),
        guild_ready_timeout=0.01)
    # The real login over HTTP: GET /users/@me, the application, then setup_hook's sync.
    await client.login(fake.token)
    world = DiscordWorld(fake=fake, client=client, engine=engine)
    world.dispatch("READY", gateway.ready(fake))
    world.dispatch("GUILD_CREATE", gateway.guild_create(fake))
    await fake.wait_for(lambda: client.is_ready() and client.in_flight.started > 0)
    await world.settle()
    return world


async def run_discord_interview(world: DiscordWorld, *, role_name: str = "database-administrator",
                                profile: str = "strong", seed: int = 0) -> list[int]:
    """A whole interview from `/interview start` to the report, the candidate played by a
    SimulatedCandidate answering in the thread; returns the per-question scores the report
    in the recruiter channel carries (the same core serves Slack: compare them)."""
    role = load_role(role_name)
    candidate = SimulatedCandidate(role=role, profile=profile, seed=seed)
    interview_id, thread = await world.start(
        role=role_name, resume=("str", candidate.resume()))
    await answer_until_done(world, thread, candidate)
    await world.fake.wait_for(lambda: world.fake.posted(RECRUITERS))
    await world.settle()
    export = await world.service.export(interview_id)
    return [int(s["score"]) for s in export["scores"]]


async def answer_until_done(world: DiscordWorld, thread: str,
                            candidate: SimulatedCandidate) -> None:
    """The simulated candidate answers each bot message in the thread until the wrap-up."""
    for _ in range(60):
        last = world.fake.posted(thread)[-1]
        turn = world.bot_turn(last["id"])
        if turn.kind in END_KINDS:
            return
        answer = candidate.reply(turn.text, kind=turn.kind,
                                 question=question_for(candidate.role, turn.question_id))
        await world.say(answer, thread=thread)
    raise AssertionError("the interview never ended")


def embed_text(message: dict[str, Any]) -> str:
    """Every visible string of a posted message's embeds."""
    parts: list[str] = []
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("url", "")]
        for f in embed.get("fields") or []:
            parts += [f["name"], f["value"]]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)

