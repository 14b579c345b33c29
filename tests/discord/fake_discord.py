"""A fake Discord REST API (and gateway) on 127.0.0.1: real HTTP, Discord-shaped JSON, every
call recorded.

discord.py's real `HTTPClient` (and its webhook adapter, for interaction responses and
follow-ups) talks to it once `Route.BASE` points here. It keeps a small world: one server
with roles, channels and members, the threads the bot opens and the messages it posts. It
enforces what matters to the adapter (the bot token, the 2,000-character limit with error
50035, `enforce_nonce` returning the existing message, embed limits) and can be scripted to
answer 429 with `retry_after` and rate-limit headers, as Discord does, so discord.py's own
rate-limit handling is what waits and retries.

Its gateway (`/gateway`, a websocket) speaks just enough of Discord's protocol for
`client.start()` to run: HELLO, then READY and GUILD_CREATE after IDENTIFY, heartbeat ACKs,
and any DISPATCH a test pushes. Frames are plain JSON text, which discord.py accepts beside
zlib-compressed binary.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatch
from typing import Any, TypeVar

import discord
from aiohttp import WSMsgType, web

from tests.fakes.local_server import poll_until, serve

T = TypeVar("T")
JSON = dict[str, Any]
VIEW_CHANNEL = 1 << 10
MANAGE_THREADS = 1 << 34
ADMINISTRATOR = 1 << 3
# Snowflake-sized ids: discord.py only recognises mentions of 15 to 20 digits.
GUILD_ID = 1169400000000001100
APPLICATION_ID = 1169400000000009000
BOT_ID = 1169400000000009001
OWNER_ID = 1169400000000000042


@dataclass
class Call:
    method: str
    path: str
    body: JSON = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    response: Any = None


@dataclass
class Scripted:
    method: str
    path: str
    retry_after: float
    times: int = 1
    status: int = 429
    error: JSON | None = None


class FakeDiscord:
    def __init__(self, *, token: str = "fake-bot-token", guild_id: int = GUILD_ID) -> None:
        self.token = token
        self.guild_id = guild_id
        self.application_id = APPLICATION_ID
        self.bot = user_payload(BOT_ID, "interview-bot", bot=True)
        self.users: dict[int, JSON] = {BOT_ID: self.bot}
        self.roles: dict[int, JSON] = {}
        self.channels: dict[int, JSON] = {}
        self.members: dict[int, list[int]] = {}  # user id → role ids
        self.thread_members: dict[int, set[int]] = {}
        self.messages: dict[int, list[JSON]] = {}
        self.attachments: dict[str, bytes] = {}
        self.calls: list[Call] = []
        self.scripts: list[Scripted] = []
        self._nonces: dict[str, JSON] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.identify: JSON | None = None
        self.gateway_closed_with: int | None = None
        self.on_identify: Callable[[], list[tuple[str, JSON]]] = lambda: []
        self._socket: web.WebSocketResponse | None = None
        self._seq = itertools.count(1)
        self.add_role(guild_id, "@everyone", permissions=VIEW_CHANNEL | (1 << 11) | (1 << 16)
                      | (1 << 38))

    # ------------------------------------------------------------ set-up

    def snowflake(self) -> int:
        return discord.utils.time_snowflake(datetime.now(UTC)) + next(self._ids)

    def add_role(self, role_id: int, name: str, *, permissions: int = 0,
                 bot_id: int | None = None) -> None:
        """A role; with `bot_id`, that bot's integration role (managed, `tags.bot_id`, as
        Discord creates it when the bot joins: discord.com/developers/docs/topics/permissions,
        role tags)."""
        self.roles[role_id] = {
            "id": str(role_id), "name": name, "color": 0, "hoist": False, "icon": None,
            "unicode_emoji": None, "position": 0 if role_id == self.guild_id else 1,
            "permissions": str(permissions), "managed": bot_id is not None,
            "mentionable": False, "flags": 0,
            **({"tags": {"bot_id": str(bot_id)}} if bot_id is not None else {})}

    def add_member(self, user_id: int, name: str, *, roles: tuple[int, ...] = (),
                   bot: bool = False) -> None:
        self.users[user_id] = user_payload(user_id, name, bot=bot)
        self.members[user_id] = list(roles)

    def add_channel(self, channel_id: int, name: str, *,
                    overwrites: list[JSON] | None = None) -> None:
        self.channels[channel_id] = {
            "id": str(channel_id), "type": 0, "guild_id": str(self.guild_id), "name": name,
            "position": len(self.channels), "permission_overwrites": overwrites or [],
            "nsfw": False, "parent_id": None, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0, "flags": 0}

    def set_overwrites(self, channel_id: int, overwrites: list[JSON]) -> None:
        """Change a channel's permissions on the server side only (no gateway event)."""
        self.channels[channel_id]["permission_overwrites"] = overwrites

    def script_429(self, method: str, path: str, *, retry_after: float = 0.05,
                   times: int = 1) -> None:
        """The next `times` requests to `method path` (after /api/v10; `*` matches any part)
        answer 429."""
        self.scripts.append(Scripted(method, path, retry_after, times))

    def script_error(self, method: str, path: str, *, status: int, code: int,
                     message: str) -> None:
        """The next request to `method path` (a pattern, as above) fails with Discord's
        error JSON."""
        self.scripts.append(Scripted(method, path, 0, status=status,
                                     error={"message": message, "code": code}))

    # ------------------------------------------------------------ reading the record

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def member_payload(self, user_id: int) -> JSON:
        return {"user": self.users[user_id], "roles": [str(r) for r in self.members[user_id]],
                "nick": None, "avatar": None, "joined_at": "2026-01-05T10:00:00+00:00",
                "deaf": False, "mute": False, "flags": 0, "pending": False,
                "premium_since": None, "communication_disabled_until": None}

    def requests(self, method: str, path_start: str, *, ok: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(path_start)
                and (not ok or c.status < 300)]

    def posted(self, channel_id: int | str) -> list[JSON]:
        """Messages the bot created in a channel or thread, oldest first."""
        return list(self.messages.get(int(channel_id), []))

    def interaction_replies(self, interaction_token: str) -> list[Call]:
        """The callback and follow-ups that answered one interaction, in order."""
        return [c for c in self.calls if c.status < 300 and f"/{interaction_token}" in c.path]

    async def wait_for(self, predicate: Callable[[], T], *, timeout: float = 10.0) -> T:
        """Poll until `predicate()` is truthy; fail with the record if it never is."""
        return await poll_until(predicate, timeout=timeout, describe=lambda: (
            f"last calls {[(c.method, c.path, c.status) for c in self.calls[-15:]]}"))

    # ------------------------------------------------------------ serving

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{path:.*}", self._api)
        app.router.add_get("/attachments/{name}", self._attachment)
        app.router.add_get("/gateway", self._gateway)
        self._runner, self.port = await serve(app)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def dispatch(self, event: str, data: JSON) -> None:
        """Push one DISPATCH frame to the connected client."""
        assert self._socket is not None, "no client is connected to the gateway"
        await self._socket.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None,
                                "t": None})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            if payload["op"] == 2:  # IDENTIFY
                self.identify = payload["d"]
                for event, data in self.on_identify():
                    await self.dispatch(event, data)
            elif payload["op"] == 1:  # heartbeat
                await socket.send_json({"op": 11, "d": None, "s": None, "t": None})
        self.gateway_closed_with = socket.close_code
        self._socket = None
        return socket

    async def _attachment(self, request: web.Request) -> web.Response:
        body = self.attachments.get(request.match_info["name"])
        return web.Response(body=body, status=200 if body is not None else 404)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        call = Call(request.method, path, query=dict(request.query))
        await self._read_body(request, call)
        self.calls.append(call)
        scripted = self._scripted(request.method, path)
        if scripted is not None and scripted.error is not None:
            call.status, call.response = scripted.status, scripted.error
            return _json(scripted.error, status=scripted.status, headers=_RATE_HEADERS)
        if scripted is not None:
            call.status = 429
            return _json(
                {"message": "You are being rate limited.", "retry_after": scripted.retry_after,
                 "global": False, "code": 0}, status=429,
                headers={"Via": "1.1 google", "Retry-After": "1",
                         "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                         "X-RateLimit-Reset-After": "0.05", "X-RateLimit-Bucket": "fake",
                         "X-RateLimit-Scope": "user"})
        is_hook = path.startswith(("/webhooks/", "/interactions/"))
        if not is_hook and request.headers.get("Authorization") != f"Bot {self.token}":
            call.status, call.response = 401, {"message": "401: Unauthorized", "code": 0}
        else:
            call.status, call.response = self._route(request.method, path, call)
        if call.status == 204:
            return web.Response(status=204, headers=_RATE_HEADERS)
        return _json(call.response, status=call.status, headers=_RATE_HEADERS)

    async def _read_body(self, request: web.Request, call: Call) -> None:
        if not request.can_read_body:
            return
        if request.content_type == "application/json":
            call.body = await request.json()
            return
        form = await request.post()
        for name, value in form.items():
            if name == "payload_json":
                call.body = json.loads(str(value))
            elif hasattr(value, "file"):
                call.files[value.filename] = value.file.read()

    def _scripted(self, method: str, path: str) -> Scripted | None:
        for script in self.scripts:
            if script.method == method and fnmatch(path, script.path) and script.times > 0:
                script.times -= 1
                return script
        return None

    # ------------------------------------------------------------ routes

    def _route(self, method: str, path: str, call: Call) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        match method, parts:
            case "GET", ["users", "@me"]:
                return 200, self.bot
            case "GET", ["oauth2", "applications", "@me"]:
                return 200, self._application()
            case "PUT", ["applications", _, "guilds", guild, "commands"]:
                return 200, [{**c, "id": str(self.snowflake()),
                              "application_id": str(self.application_id), "guild_id": guild,
                              "version": str(self.snowflake()), "type": c.get("type", 1)}
                             for c in call.body]
            case "GET", ["channels", channel]:
                found = self.channels.get(int(channel))
                return (200, found) if found else (404, _error(10003, "Unknown Channel"))
            case "DELETE", ["channels", channel]:
                found = self.channels.get(int(channel))
                if not found:
                    return 404, _error(10003, "Unknown Channel")
                if found["type"] in (10, 11, 12) and not self.bot_can(MANAGE_THREADS):
                    return 403, _error(50013, "Missing Permissions")
                return 200, self.channels.pop(int(channel))
            case "PATCH", ["channels", channel]:
                return self._edit_channel(int(channel), call.body)
            case "GET", ["guilds", guild, "members", user]:
                if int(guild) != self.guild_id or int(user) not in self.members:
                    return 404, _error(10007, "Unknown Member")
                return 200, self.member_payload(int(user))
            case "GET", ["users", user] if user != "@me":
                found_user = self.users.get(int(user))
                return (200, found_user) if found_user else (404, _error(10013, "Unknown User"))
            case "POST", ["users", "@me", "channels"]:
                return self._open_dm(int(call.body["recipient_id"]))
            case "POST", ["channels", channel, "threads"]:
                return self._create_thread(int(channel), call.body)
            case "PUT", ["channels", thread, "thread-members", user]:
                if int(user) not in self.members:
                    return 404, _error(10013, "Unknown User")
                self.thread_members.setdefault(int(thread), set()).add(int(user))
                return 204, None
            case "DELETE", ["channels", thread, "thread-members", user]:
                # Remove Thread Member: Manage Threads, or the creator of a private thread
                # (discord.com/developers/docs/resources/channel#remove-thread-member).
                found = self.channels.get(int(thread))
                if found is None:
                    return 404, _error(10003, "Unknown Channel")
                owner = found.get("owner_id") == self.bot["id"] and found["type"] == 12
                if not owner and not self.bot_can(MANAGE_THREADS):
                    return 403, _error(50013, "Missing Permissions")
                self.thread_members.setdefault(int(thread), set()).discard(int(user))
                return 204, None
            case "PATCH", ["channels", channel, "messages", message]:
                return self._edit_message(int(channel), int(message), call.body)
            case "POST", ["channels", channel, "messages"]:
                return self._create_message(int(channel), call.body, call.files)
            case "POST", ["interactions", interaction_id, _, "callback"]:
                return self._interaction_callback(interaction_id, call)
            case "POST", ["webhooks", _, _]:
                return self._followup(call)
        return 404, _error(0, f"404: Not Found ({method} {path})")

    def _application(self) -> JSON:
        return {"id": str(self.application_id), "name": "interview-bot", "icon": None,
                "description": "", "rpc_origins": [], "bot_public": False,
                "bot_require_code_grant": False, "owner": user_payload(OWNER_ID, "owner"),
                "team": None, "verify_key": "00" * 32, "flags": 1 << 19,
                "summary": "", "interactions_endpoint_url": None}

    def _create_thread(self, parent: int, body: JSON) -> tuple[int, Any]:
        if parent not in self.channels:
            return 404, _error(10003, "Unknown Channel")
        thread_id = self.snowflake()
        thread = {
            "id": str(thread_id), "type": body.get("type", 11), "guild_id": str(self.guild_id),
            "parent_id": str(parent), "owner_id": self.bot["id"], "name": body["name"],
            "last_message_id": None, "rate_limit_per_user": 0, "message_count": 0,
            "member_count": 1, "total_message_sent": 0, "flags": 0,
            "thread_metadata": {"archived": False, "locked": False,
                                "auto_archive_duration": body.get("auto_archive_duration",
                                                                  4320),
                                "archive_timestamp": _now(),
                                "invitable": body.get("invitable", True),
                                "create_timestamp": _now()},
            "member": {"id": str(thread_id), "user_id": self.bot["id"],
                       "join_timestamp": _now(), "flags": 0}}
        self.channels[thread_id] = thread
        self.thread_members[thread_id] = {int(self.bot["id"])}
        return 201, thread

    def bot_can(self, permission: int) -> bool:
        """The bot's server-wide permissions (its roles'); channel overwrites are not
        modelled, and the bot's roles are set per test."""
        granted = 0
        for role in [self.guild_id, *self.members.get(int(self.bot["id"]), [])]:
            granted |= int(self.roles[role]["permissions"]) if role in self.roles else 0
        return bool(granted & (permission | ADMINISTRATOR))

    def _edit_channel(self, channel: int, body: JSON) -> tuple[int, Any]:
        """Modify Channel for a thread (discord.com/developers/docs/resources/channel#modify-
        channel-json-params-thread): Manage Threads may change anything; the thread's
        creator may archive and lock it, rename it or change its auto-archive time."""
        found = self.channels.get(channel)
        if found is None:
            return 404, _error(10003, "Unknown Channel")
        if found["type"] not in (10, 11, 12):
            return 403, _error(50013, "Missing Permissions")  # channels: Manage Channels
        own_fields = {"name", "archived", "locked", "auto_archive_duration"}
        is_owner = found.get("owner_id") == self.bot["id"]
        if not self.bot_can(MANAGE_THREADS) and not (is_owner and set(body) <= own_fields):
            return 403, _error(50013, "Missing Permissions")
        metadata = found["thread_metadata"]
        for key in ("archived", "locked", "auto_archive_duration", "invitable"):
            if key in body:
                metadata[key] = body[key]
        if "name" in body:
            found["name"] = body["name"]
        return 200, found

    def _open_dm(self, user_id: int) -> tuple[int, Any]:
        """Create DM (POST /users/@me/channels): a type-1 channel with the recipient."""
        if user_id not in self.users:
            return 400, _error(50035, "Invalid Form Body")
        channel_id = next((c for c, data in self.channels.items() if data["type"] == 1
                           and data["recipients"][0]["id"] == str(user_id)), None)
        if channel_id is None:
            channel_id = self.snowflake()
            self.channels[channel_id] = {"id": str(channel_id), "type": 1,
                                         "last_message_id": None, "flags": 0,
                                         "recipients": [self.users[user_id]]}
        return 200, self.channels[channel_id]

    def dm_of(self, user_id: int) -> int | None:
        return next((c for c, data in self.channels.items() if data["type"] == 1
                     and data["recipients"][0]["id"] == str(user_id)), None)

    def _create_message(self, channel: int, body: JSON,
                        files: dict[str, bytes]) -> tuple[int, Any]:
        if channel not in self.channels:
            return 404, _error(10003, "Unknown Channel")
        content = body.get("content") or ""
        if len(content) > 2000:
            return 400, {"message": "Invalid Form Body", "code": 50035, "errors": {
                "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                         "message": "Must be 2000 or fewer in length."}]}}}
        embeds = body.get("embeds") or []
        if any(len(json.dumps(e)) > 12000 for e in embeds):
            return 400, {"message": "Invalid Form Body", "code": 50035}
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and nonce in self._nonces:
            return 200, self._nonces[nonce]
        if components_problem(body.get("components") or []):
            return 400, {"message": "Invalid Form Body", "code": 50035}
        message = self.message_payload(channel, self.bot, content, embeds=embeds,
                                       nonce=nonce, files=files)
        message["components"] = _sent_components(body.get("components") or [])
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        self.messages.setdefault(channel, []).append(message)
        if nonce:
            self._nonces[nonce] = message
        return 200, message

    def message_payload(self, channel: int, author: JSON, content: str, *,
                        embeds: list[JSON] | None = None, nonce: str | None = None,
                        files: dict[str, bytes] | None = None,
                        message_id: int | None = None) -> JSON:
        message_id = message_id or self.snowflake()
        return {
            "id": str(message_id), "channel_id": str(channel), "author": author,
            "content": content, "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [{"id": str(self.snowflake()), "filename": name, "size": len(data),
                             "url": f"http://127.0.0.1:{self.port}/attachments/{name}",
                             "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{name}",
                             "content_type": "text/markdown"}
                            for name, data in (files or {}).items()],
            "embeds": embeds or [], "pinned": False, "type": 0, "flags": 0,
            "components": [], **({"nonce": nonce} if nonce else {})}

    def _edit_message(self, channel: int, message_id: int, body: JSON) -> tuple[int, Any]:
        """Edit Message: only the bot's own message, by channel and id."""
        found = next((m for m in self.messages.get(channel, []) if int(m["id"]) == message_id),
                     None)
        if found is None:
            return 404, _error(10008, "Unknown Message")
        if components_problem(body.get("components") or []):
            return 400, {"message": "Invalid Form Body", "code": 50035}
        for key in ("content", "embeds"):
            if key in body:
                found[key] = body[key]
        if "components" in body:
            found["components"] = _sent_components(body["components"])
        found["edited_timestamp"] = _now()
        return 200, found

    def message_by_id(self, channel: int | str, message_id: int | str) -> JSON:
        return next(m for m in self.messages.get(int(channel), [])
                    if int(m["id"]) == int(message_id))

    def _interaction_callback(self, interaction_id: str, call: Call) -> tuple[int, Any]:
        if call.query.get("with_response") != "1":
            return 204, None
        data = call.body.get("data") or {}
        return 200, {"interaction": {
            "id": interaction_id, "type": 2, "response_message_id": None,
            "response_message_loading": call.body.get("type") == 5,
            "response_message_ephemeral": bool(int(data.get("flags", 0)) & 64)}}

    def _followup(self, call: Call) -> tuple[int, Any]:
        author = {**self.bot}
        message = self.message_payload(0, author, call.body.get("content") or "",
                                       embeds=call.body.get("embeds"))
        message["flags"] = int(call.body.get("flags", 0))
        message["components"] = _sent_components(call.body.get("components") or [])
        message["webhook_id"] = str(self.application_id)
        return 200, message


_RATE_HEADERS = {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49",
                 "X-RateLimit-Reset-After": "1.0"}


def _json(data: Any, *, status: int, headers: dict[str, str]) -> web.Response:
    """Exactly `application/json`, as Discord sends it (discord.py compares the header)."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={**headers, "Content-Type": "application/json"})


def user_payload(user_id: int, name: str, *, bot: bool = False) -> JSON:
    return {"id": str(user_id), "username": name.lower().replace(" ", ""),
            "global_name": name, "discriminator": "0", "avatar": None, "bot": bot,
            "public_flags": 0}


def components_problem(rows: list[JSON]) -> str | None:
    """The component limits Discord answers 50035 for (discord.com/developers/docs/
    components/reference): at most 5 action rows, 5 buttons or 1 select per row, a
    custom_id of at most 100 characters, a select of 1 to 25 options."""
    if len(rows) > 5:
        return "more than 5 action rows"
    for row in rows:
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            return "an action row holds 1 to 5 components"
        for item in items:
            if len(item.get("custom_id") or "") > 100:
                return "custom_id over 100 characters"
            if item.get("type") == 3 and (len(items) > 1
                                          or not 1 <= len(item.get("options") or []) <= 25):
                return "a select is alone in its row with 1 to 25 options"
    return None


def _sent_components(rows: list[JSON]) -> list[JSON]:
    """Components as Discord echoes them back on the message (ids added)."""
    return [{**row, "id": n + 1} for n, row in enumerate(rows)]


def _error(code: int, message: str) -> JSON:
    return {"message": message, "code": code}


def _now() -> str:
    return datetime.now(UTC).isoformat()
