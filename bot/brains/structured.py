"""Talking to whatever OpenAI-compatible server is configured, the way real ones behave.

Real servers differ (see tests/fakes/openai_variants.py for each shape): OpenAI, vLLM,
llama.cpp's own server and recent Ollama accept `response_format: json_schema`;
llama-cpp-python's server accepts only `text` and `json_object` and refuses a schema with
422; some builds answer 500 naming `response_format`; small models wrap JSON in ```json
fences, put it inside prose, or run on until `max_tokens`. So every structured call here
negotiates: `json_schema`, then `json_object` carrying the schema (llama-cpp-python turns
that `schema` key into a grammar), then plain `json_object`, then plain text, the schema
always stated in the prompt when the server is not enforcing it, and the reply extracted
and validated in code. What worked is remembered per server and model, so the refusals
are paid once per process.

Every request has `max_tokens` and one deadline for the whole request (the SDK's timeout
bounds each read, not the call: a server trickling its reply would run past it), and the
usage of every reply is counted, including replies that then fail to parse.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError

from bot.brains.base import TokenUsage

logger = logging.getLogger(__name__)

Output = TypeVar("Output", bound=BaseModel)

# Ways of asking for JSON, most to least enforced by the server.
JSON_SCHEMA = "json_schema"
JSON_OBJECT_WITH_SCHEMA = "json_object+schema"
JSON_OBJECT = "json_object"
TEXT = "text"
ORDER = (JSON_SCHEMA, JSON_OBJECT_WITH_SCHEMA, JSON_OBJECT, TEXT)
STARTS = {"auto": JSON_SCHEMA, JSON_SCHEMA: JSON_SCHEMA,
          JSON_OBJECT: JSON_OBJECT_WITH_SCHEMA, TEXT: TEXT}

ATTEMPTS_ON_BAD_OUTPUT = 2
# What a missing key reads as, by type; a missing number (a score) is never guessed.
_EMPTY: dict[Any, Callable[[], Any]] = {list: list, str: str, bool: bool}
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.S)


class ModelUnavailableError(RuntimeError):
    """No usable reply came back: refused (4xx/5xx after the SDK's retries), unreachable, or
    not complete within the deadline. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str
    usage: TokenUsage
    refusal: str | None = None
    mode: str = TEXT


class Meter:
    """Token usage of every reply a task received, whatever became of the reply."""

    def __init__(self) -> None:
        self.usage = TokenUsage()

    def add(self, usage: TokenUsage) -> None:
        self.usage = self.usage + usage


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A strict, flat JSON schema: every field required, no other keys, no defaults.
    Built from pydantic's own schema; our output models are flat on purpose (local servers
    handle `$ref` unevenly), and defaults exist only so code can read lenient replies."""
    schema = model.model_json_schema()
    if "$defs" in schema:
        raise ValueError(f"{model.__name__} must stay flat (no nested models)")
    for prop in schema["properties"].values():
        prop.pop("default", None)
    schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = False
    return schema


def schema_instruction(model: type[BaseModel]) -> str:
    """What a server that does not enforce the schema needs to read instead."""
    schema = json.dumps(strict_schema(model), separators=(",", ":"))
    return (f"Reply with one JSON object only, no code fences and no other text, matching "
            f"the JSON schema {model.__name__}: {schema}")


def extract_json(text: str) -> dict[str, Any] | None:
    """The first JSON object in a reply: bare, inside ```json fences, or inside prose."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        stripped = candidate.strip()
        for start in (i for i, ch in enumerate(stripped) if ch == "{"):
            try:
                value, _ = decoder.raw_decode(stripped, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def parse_output(schema: type[Output], completion: Completion) -> tuple[Output | None, str]:
    """The reply as `schema`, or why not. Unknown keys are ignored and missing text, list
    and flag keys read as empty: small models drop keys more often than they get the
    substance wrong. A missing number (a score) is never guessed."""
    if completion.refusal:
        return None, "the model refused"
    data = extract_json(completion.text)
    if data is None:
        cut = " (cut off at max_tokens)" if completion.finish_reason == "length" else ""
        return None, f"no JSON object in the reply{cut}"
    known = {k: v for k, v in data.items() if k in schema.model_fields}
    for name, info in schema.model_fields.items():
        if name not in known and info.is_required():
            empty = _EMPTY.get(getattr(info.annotation, "__origin__", info.annotation))
            if empty is not None:
                known[name] = empty()
    try:
        return schema.model_validate(known), ""
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})
        return None, f"off-schema fields: {', '.join(fields) or 'unknown'}"


def _usage(response: Any) -> TokenUsage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return TokenUsage()
    return TokenUsage(usage.prompt_tokens or 0, usage.completion_tokens or 0)


def refuses_format(exc: ModelUnavailableError) -> bool:
    """A server saying it does not take this `response_format`: 400/422 (llama-cpp-python's
    FastAPI validation, OpenAI on older models), or a 5xx whose message names it."""
    if exc.status in (400, 422):
        return True
    return bool(exc.status and exc.status >= 500
                and ("response_format" in exc.body or "json_schema" in exc.body))


class ModelClient:
    """One OpenAI-compatible endpoint, with deadlines, token limits and format negotiation."""

    def __init__(self, client: AsyncOpenAI, *, deadline: float,
                 response_format: str = "auto") -> None:
        self.client = client
        self.deadline = deadline
        self.start = STARTS[response_format]
        self._worked: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def mode_for(self, model: str) -> str | None:
        """The response format that last worked for this server and model, if any yet."""
        return self._worked.get(self._key(model))

    def _key(self, model: str) -> str:
        return f"{self.client.base_url}|{model}"

    async def complete(self, *, model: str, messages: list[dict[str, str]], max_tokens: int,
                       temperature: float, meter: Meter,
                       response_format: dict[str, Any] | None = None,
                       mode: str = TEXT) -> Completion:
        """One request, finished within the deadline or abandoned. Usage is metered as soon
        as a reply arrives, before anything judges it."""
        extra: dict[str, Any] = {"response_format": response_format} if response_format else {}
        try:
            async with asyncio.timeout(self.deadline):
                response = await self.client.chat.completions.create(
                    model=model, messages=messages, max_tokens=max_tokens,  # type: ignore[arg-type]
                    temperature=temperature, **extra)
        except TimeoutError as exc:
            raise ModelUnavailableError(
                f"no complete reply within {self.deadline:g} s") from exc
        except openai.APIStatusError as exc:
            body = json.dumps(exc.body) if exc.body is not None else str(exc)
            raise ModelUnavailableError(f"HTTP {exc.status_code}", status=exc.status_code,
                                        body=body) from exc
        except openai.APIError as exc:
            raise ModelUnavailableError(type(exc).__name__) from exc
        usage = _usage(response)
        meter.add(usage)
        if not response.choices:
            return Completion("", "error", usage, mode=mode)
        choice = response.choices[0]
        return Completion(choice.message.content or "", choice.finish_reason or "", usage,
                          getattr(choice.message, "refusal", None), mode)

    async def structured(self, *, model: str, system: str, user: str, schema: type[Output],
                         max_tokens: int, temperature: float, meter: Meter,
                         check: Callable[[Output], str | None] | None = None,
                         ) -> tuple[Output | None, str]:
        """The reply parsed as `schema` and passing `check`, asked for at most twice; else
        None and the last reason. Transport failures raise `ModelUnavailableError`."""
        reason = ""
        for attempt in range(ATTEMPTS_ON_BAD_OUTPUT):
            prompt = user if not attempt else (
                f"{user}\n\nYour previous reply could not be used ({reason}). Reply again "
                "with only the JSON object, keeping every text field short.")
            completion = await self._negotiated(model, system, prompt, schema, max_tokens,
                                                temperature, meter)
            parsed, reason = parse_output(schema, completion)
            if parsed is not None and check is not None:
                reason = check(parsed) or ""
                parsed = None if reason else parsed
            if parsed is not None:
                return parsed, ""
            logger.warning("%s reply unusable (attempt %d, %s): %s", schema.__name__,
                           attempt + 1, completion.mode, reason)
        return None, reason

    async def _negotiated(self, model: str, system: str, user: str, schema: type[BaseModel],
                          max_tokens: int, temperature: float, meter: Meter) -> Completion:
        key = self._key(model)
        if key in self._worked:
            return await self._try_modes(key, model, system, user, schema, max_tokens,
                                         temperature, meter)
        # Until one format has worked, requests go one at a time: parallel scoring calls
        # would otherwise each pay the same refusal.
        async with self._locks.setdefault(key, asyncio.Lock()):
            return await self._try_modes(key, model, system, user, schema, max_tokens,
                                         temperature, meter)

    async def _try_modes(self, key: str, model: str, system: str, user: str,
                         schema: type[BaseModel], max_tokens: int, temperature: float,
                         meter: Meter) -> Completion:
        modes = [self._worked[key]] if key in self._worked else \
            list(ORDER[ORDER.index(self.start):])
        for index, mode in enumerate(modes):
            system_text = system if mode == JSON_SCHEMA else \
                f"{system}\n{schema_instruction(schema)}"
            messages = [{"role": "system", "content": system_text},
                        {"role": "user", "content": user}]
            try:
                completion = await self.complete(
                    model=model, messages=messages, max_tokens=max_tokens,
                    temperature=temperature, meter=meter,
                    response_format=_response_format(mode, schema), mode=mode)
            except ModelUnavailableError as exc:
                if index + 1 < len(modes) and refuses_format(exc):
                    logger.info("server refused response_format %s (%s); trying %s", mode,
                                exc, modes[index + 1])
                    continue
                raise
            self._worked[key] = mode
            return completion
        raise ModelUnavailableError("no response format accepted")  # unreachable: loop raises


def _response_format(mode: str, schema: type[BaseModel]) -> dict[str, Any] | None:
    if mode == JSON_SCHEMA:
        return {"type": "json_schema", "json_schema": {
            "name": schema.__name__, "schema": strict_schema(schema), "strict": True}}
    if mode == JSON_OBJECT_WITH_SCHEMA:
        # llama-cpp-python's extension (its PR #1122): the schema becomes a grammar.
        return {"type": "json_object", "schema": strict_schema(schema)}
    if mode == JSON_OBJECT:
        return {"type": "json_object"}
    return None
