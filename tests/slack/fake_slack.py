"""A fake Slack Web API on 127.0.0.1: real HTTP, Slack-shaped answers, every call recorded.

Modelled on slack-bolt-python's tests/mock_web_api_server, but bound to port 0 and with
state: users, channels, user groups and the messages posted. It enforces the limits that
matter to the adapter (a bad token, an unknown channel, too many blocks, a section over
3,000 characters, blocks carrying over 12,000 characters of text, a message over 40,000)
and can be scripted to answer 429 with Retry-After or an `ok: false` error, so the real
`AsyncWebClient` meets what Slack sends.
Commands' `response_url`s point here too (`/hooks/...`).
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests.fakes.local_server import poll_until, serve

T = TypeVar("T")
# Every Web API method any test saw called, for the manifest's scope check.
SEEN_METHODS: set[str] = set()


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The blocks sent, whether as JSON or as a form field holding JSON."""
        blocks = self.params.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def blocks_text(self) -> str:
        return json.dumps(self.blocks, ensure_ascii=False)


@dataclass
class Scripted:
    status: int = 429
    retry_after: int = 0
    error: str | None = None
    times: int = 1
    when: Callable[[dict[str, Any]], bool] | None = None  # only calls whose params match


class FakeSlack:
    def __init__(self, *, token: str = "xoxb-test-token", team_id: str = "T0TEAM",
                 bot_user_id: str = "UBOT", bot_id: str = "BBOT",
                 app_token: str = "xapp-1-A0INTERVIEW-test") -> None:
        self.token = token
        self.app_token = app_token
        self.socket_frames: list[dict[str, Any]] = []  # what apps sent back over Socket Mode
        self._sockets: list[web.WebSocketResponse] = []
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) → message
        self.hooks: list[Call] = []
        self.scripts: dict[str, list[Scripted]] = {}
        self._ts = itertools.count(1)
        self._ts_base = int(time.time())
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.on_call: Callable[[Call], None] | None = None  # for the bench: no polling
        # Share of calls per method answered 429 (Retry-After 1), at random: the crash run.
        self.rate_limited: dict[str, float] = {}
        self.random = random.Random(0)
        self._threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.add_user(bot_user_id, "interview-bot", is_bot=True)

    # ------------------------------------------------------------ set-up

    def add_user(self, user_id: str, name: str, *, is_bot: bool = False,
                 tz: str = "Europe/London", deleted: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id, "team_id": self.team_id, "name": name.split()[0].lower(),
            "real_name": name, "deleted": deleted, "is_bot": is_bot, "is_app_user": False,
            "tz": tz, "profile": {"display_name": name, "real_name": name}}

    def add_channel(self, channel_id: str, name: str, *, is_private: bool,
                    members: list[str] | None = None, **flags: bool) -> None:
        """A channel as `conversations.info` describes it (docs.slack.dev, conversation
        object): the sharing flags say whether another workspace or organisation (Slack
        Connect) is in it. `members` answer `conversations.members`."""
        self.channels[channel_id] = {
            "id": channel_id, "name": name, "is_channel": not is_private,
            "is_group": is_private, "is_im": False, "is_mpim": False,
            "is_private": is_private, "is_archived": False, "is_member": True,
            "is_shared": False, "is_ext_shared": False, "is_org_shared": False,
            "is_pending_ext_shared": False, "pending_shared": [], "context_team_id": self.team_id,
            **flags}
        self.members[channel_id] = list(members if members is not None else [self.bot_user_id])

    def script(self, method: str, *, status: int = 429, retry_after: int = 0,
               error: str | None = None, times: int = 1,
               when: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """The next `times` calls to `method` (those whose params satisfy `when`) fail:
        HTTP 429 with Retry-After, or (with `error`) HTTP 200 `{"ok": false, "error": error}`."""
        self.scripts.setdefault(method, []).append(
            Scripted(status=200 if error else status, retry_after=retry_after, error=error,
                     times=times, when=when))

    def next_ts(self) -> str:
        """Like Slack's: the epoch second, then a counter that keeps them unique and
        ordered (conversations.replies' `oldest` compares them with the clock)."""
        return f"{max(self._ts_base, int(time.time()))}.{next(self._ts):06d}"

    # ------------------------------------------------------------ reading the record

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def hook_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}/{next(self._ts)}"

    def ok_calls(self, method: str, **match: Any) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200
                and c.response.get("ok") and all(c.params.get(k) == v for k, v in match.items())]

    def posts(self, channel: str | None = None) -> list[Call]:
        found = self.ok_calls("chat.postMessage")
        return [c for c in found if channel is None or c.response["channel"] == channel]

    def hook_texts(self) -> list[str]:
        return [str(h.params.get("text", "")) for h in self.hooks]

    async def wait_for(self, predicate: Callable[[], T], *, timeout: float = 10.0) -> T:
        """Poll until `predicate()` is truthy; fail with the record if it never is."""
        return await poll_until(predicate, timeout=timeout, describe=lambda: (
            f"last calls {[(c.method, c.status) for c in self.calls[-20:]]}, "
            f"hooks {self.hook_texts()[-5:]}"))

    # ------------------------------------------------------------ serving

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{path:.*}", self._hook)
        app.router.add_get("/link", self._socket)
        self._runner, self.port = await serve(app)

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def socket_connected(self) -> bool:
        return bool(self._sockets)

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope (slash_commands, events_api, interactive)."""
        await self._sockets[-1].send_json(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "debug_info": {"host": "fake-socket"},
                                "connection_info": {"app_id": "A0INTERVIEW"}})
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                self.socket_frames.append(json.loads(frame.data))
        self._sockets.remove(socket)
        return socket

    async def _hook(self, request: web.Request) -> web.Response:
        self.hooks.append(Call("response_url", await request.json()))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(await request.post())
        SEEN_METHODS.add(method)
        call = Call(method, params)
        self.calls.append(call)
        scripted = self._scripted(method, params)
        if self.random.random() < self.rate_limited.get(method, 0.0):
            scripted = Scripted(status=429, retry_after=1)
        if scripted and scripted.status == 429:
            call.status = 429
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(scripted.retry_after)})
        if scripted and scripted.error:
            call.response = {"ok": False, "error": scripted.error}
        elif request.headers.get("Authorization") != f"Bearer {self._token_for(method)}":
            call.response = {"ok": False, "error": "invalid_auth"}
        else:
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            call.response = (handler(params) if handler
                             else {"ok": False, "error": "unknown_method"})
        if self.on_call is not None:
            self.on_call(call)
        return web.json_response(call.response)

    def _token_for(self, method: str) -> str:
        return self.app_token if method == "apps.connections.open" else self.token

    def _scripted(self, method: str, params: dict[str, Any]) -> Scripted | None:
        queue = self.scripts.get(method) or []
        scripted = next((s for s in queue if s.when is None or s.when(params)), None)
        if scripted is None:
            return None
        scripted.times -= 1
        if scripted.times <= 0:
            queue.remove(scripted)
        return scripted

    # ------------------------------------------------------------ methods

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake",
                "user": "interview-bot", "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("users", ""))
        if user not in self.users or "," in user:
            return {"ok": False, "error": "user_not_found"}
        channel = "D" + user[1:]
        self.channels.setdefault(channel, {"id": channel, "is_im": True, "is_private": True,
                                           "is_channel": False, "is_group": False,
                                           "is_mpim": False, "user": user})
        return {"ok": True, "channel": {"id": channel}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.channels.get(str(params.get("channel")))
        if found is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": dict(found)}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        text = str(params.get("text") or "")
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(text) > 40000:
            return {"ok": False, "error": "msg_too_long"}
        if blocks_problem(blocks):
            return {"ok": False, "error": "invalid_blocks"}
        if blocks_text_length(blocks) > BLOCKS_TEXT_LIMIT:
            return {"ok": False, "error": "msg_blocks_too_long"}
        ts = self.next_ts()
        message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id,
                   "text": text, "ts": ts, "blocks": blocks}
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        if isinstance(params.get("metadata"), dict):  # chat.postMessage `metadata`
            message["metadata"] = params["metadata"]
        self.messages[(channel, ts)] = message
        self._threads.setdefault((channel, message.get("thread_ts") or ts), []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _message_at(self, channel: str, ts: str
                    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """A posted message by channel and ts, or the error Slack answers for it."""
        if channel not in self.channels:
            return None, {"ok": False, "error": "channel_not_found"}
        found = self.messages.get((channel, ts))
        return found, {"ok": False, "error": "message_not_found"}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        """chat.update (docs.slack.dev/reference/methods/chat.update): only a message this
        app posted, by channel and ts; the same block limits as posting."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found, error = self._message_at(channel, ts)
        if found is None:
            return error
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks_problem(blocks):
            return {"ok": False, "error": "invalid_blocks"}
        if blocks_text_length(blocks) > BLOCKS_TEXT_LIMIT:
            return {"ok": False, "error": "msg_blocks_too_long"}
        found.update(text=str(params.get("text") or found["text"]), blocks=blocks)
        return {"ok": True, "channel": channel, "ts": ts, "text": found["text"],
                "message": dict(found)}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """chat.delete (docs.slack.dev/reference/methods/chat.delete): a bot token deletes
        only its own messages (`cant_delete_message` otherwise); answers channel and ts."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        found, error = self._message_at(channel, ts)
        if found is None:
            return error
        if found.get("bot_id") != self.bot_id:
            return {"ok": False, "error": "cant_delete_message"}
        del self.messages[(channel, ts)]
        return {"ok": True, "channel": channel, "ts": ts}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread, parent first, oldest to newest (docs.slack.dev/reference/methods/
        conversations.replies): `oldest`/`latest` bounds, `limit` and `cursor` paging,
        each message's `metadata` only with `include_all_metadata`."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        if (channel, ts) not in self.messages:
            return {"ok": False, "error": "thread_not_found"}
        thread = [m for m in self._threads.get((channel, ts), [])
                  if (channel, m["ts"]) in self.messages]  # a test may delete one
        return self._page(sorted(thread, key=lambda m: float(m["ts"])), params)

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """A channel's top-level messages, newest first (docs.slack.dev/reference/methods/
        conversations.history); thread replies are not in it."""
        channel = str(params.get("channel", ""))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        top = [m for (c, _), m in self.messages.items() if c == channel
               and m.get("thread_ts") in (None, m["ts"])]
        return self._page(sorted(top, key=lambda m: -float(m["ts"])), params)

    def _page(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        kept = [m for m in messages
                if (oldest <= float(m["ts"]) if inclusive else oldest < float(m["ts"]))
                and (float(m["ts"]) <= latest if inclusive else float(m["ts"]) < latest)]
        start = int(str(params.get("cursor") or "0").removeprefix("c") or 0)
        limit = int(params.get("limit") or 100)
        page = kept[start:start + limit]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                 for m in page]
        more = start + limit < len(kept)
        return {"ok": True, "messages": [dict(m) for m in shown], "has_more": more,
                "response_metadata": {"next_cursor": f"c{start + limit}" if more else ""}}

    def message_in(self, channel: str, ts: str) -> dict[str, Any]:
        """A message as it reads now (after any chat.update)."""
        return self.messages[(channel, ts)]

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        """Paginated as Slack pages it: `limit` members, then `response_metadata.next_cursor`
        (empty on the last page). Shape from docs.slack.dev/reference/methods/
        conversations.members."""
        channel = str(params.get("channel"))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        members = self.members.get(channel, [])
        start = int(str(params.get("cursor") or "0").removeprefix("c") or 0)
        limit = int(params.get("limit") or 100)
        page = members[start:start + limit]
        more = start + limit < len(members)
        return {"ok": True, "members": page,
                "response_metadata": {"next_cursor": f"c{start + limit}" if more else ""}}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if str(params.get("channel")) not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel")), str(params.get("message_ts"))
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.users.get(str(params.get("user")))
        if found is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": dict(found)}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.usergroups.get(str(params.get("usergroup")))
        if found is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(found)}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if not view or len(view.get("blocks", [])) > 100 or len(view["title"]["text"]) > 24:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "V0VIEW", "team_id": self.team_id, **view}}


# Slack refuses a message whose blocks carry more than about 12,000 characters of text in
# all (`msg_blocks_too_long`). It is undocumented; bolt-js issue #2867 summed every `text`
# string in the block tree, as `blocks_text_length` does, and saw 11,341 refused, issue #2509
# found 13,297 the cut-off for markdown blocks. The fake refuses above 12,000.
BLOCKS_TEXT_LIMIT = 12_000


def blocks_text_length(node: object) -> int:
    """Every `text` string in a block tree, summed (bolt-js #2867's measure)."""
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(blocks_text_length(v) for v in node.values())
    if isinstance(node, list):
        return sum(blocks_text_length(v) for v in node)
    return 0


def blocks_problem(blocks: list[dict[str, Any]]) -> str | None:
    """The Block Kit limits Slack enforces with `invalid_blocks`."""
    if len(blocks) > 50:
        return "more than 50 blocks"
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        if block.get("type") == "section" and len(text) > 3000:
            return "section text over 3000"
        if block.get("type") == "header" and len(text) > 150:
            return "header over 150"
        if len(block.get("fields") or []) > 10:
            return "more than 10 fields"
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "overflow":  # Block Kit reference: 2 to 5 options
            options = accessory.get("options") or []
            if not 2 <= len(options) <= 5 or any(len(o.get("value", "")) > 150
                                                 for o in options):
                return "overflow needs 2-5 options with values of at most 150 characters"
        for element in block.get("elements") or []:
            if element.get("type") == "button" and (len(element.get("value", "")) > 2000
                                                    or len(element["text"]["text"]) > 75):
                return "button value over 2000 or label over 75 characters"
        if block.get("type") == "actions" and len(block.get("elements") or []) > 25:
            return "more than 25 elements in an actions block"
    return None
