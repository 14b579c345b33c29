"""Talking to real kinds of OpenAI-compatible servers: format negotiation, one deadline per
request, and usage counted whatever becomes of a reply."""

from __future__ import annotations

import pytest
from aiohttp import web
from openai import AsyncOpenAI
from pydantic import BaseModel, ConfigDict

from bot.brains.base import TokenUsage
from bot.brains.judge import ScoreOutput
from bot.brains.structured import (
    JSON_OBJECT,
    JSON_OBJECT_WITH_SCHEMA,
    Completion,
    Meter,
    ModelClient,
    ModelUnavailableError,
    extract_json,
    parse_output,
    strict_schema,
)
from tests.fakes.openai_server import FakeOpenAI, Recorded, Reply
from tests.fakes.openai_variants import ProseOpenAI, SchemaRefusingOpenAI, TricklingOpenAI

SYSTEM = "You grade one answer from a written job interview against a rubric."
USER = "Topic: x\nThe candidate's replies are between <<<c-1>>> and <<<end-c-1>>>.\n" \
       "<<<c-1>>>\nI use EXPLAIN ANALYZE first.\n<<<end-c-1>>>"


class Flat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    tags: list[str]
    ok: bool
    count: int


@pytest.mark.parametrize("reply", [
    '{"a": 1}',
    '```json\n{"a": 1}\n```',
    'Sure! Here it is:\n```\n{"a": 1}\n```\nAnything else?',
    'Here is my assessment: {"a": 1} I hope this helps {not json}.',
    'I think {this} is it: {"a": 1}',
], ids=["bare", "fenced", "fenced-in-prose", "in-prose", "after-a-stray-brace"])
def test_the_json_object_is_found_however_the_model_wraps_it(reply: str) -> None:
    assert extract_json(reply) == {"a": 1}


@pytest.mark.parametrize("reply", ["", "I would give it a four.", '{"a": 1', "[1, 2]"])
def test_no_json_object_is_no_json_object(reply: str) -> None:
    assert extract_json(reply) is None


def test_the_schema_sent_is_strict_and_flat() -> None:
    schema = strict_schema(ScoreOutput)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert list(schema["properties"])[:3] == ["evidence", "justification", "score"]
    assert "$defs" not in schema and all("default" not in p for p in
                                         schema["properties"].values())


def test_missing_text_and_flags_read_as_empty_but_a_missing_number_does_not() -> None:
    lenient = Completion('{"name": "x", "extra": 1, "count": 2}', "stop", TokenUsage())
    parsed, reason = parse_output(Flat, lenient)
    assert parsed == Flat(name="x", tags=[], ok=False, count=2) and not reason
    parsed, reason = parse_output(Flat, Completion('{"name": "x"}', "stop", TokenUsage()))
    assert parsed is None and "count" in reason
    parsed, reason = parse_output(Flat, Completion('{"name": "x', "length", TokenUsage()))
    assert parsed is None and "cut off at max_tokens" in reason


def client_for(fake: FakeOpenAI, *, timeout: float = 5.0, retries: int = 0) -> AsyncOpenAI:
    return AsyncOpenAI(api_key="test", base_url=fake.base_url, timeout=timeout,
                       max_retries=retries)


async def structured(caller: ModelClient, meter: Meter):
    return await caller.structured(model="m", system=SYSTEM, user=USER, schema=ScoreOutput,
                                   max_tokens=200, temperature=0, meter=meter)


async def test_llama_cpp_python_refuses_json_schema_once_then_json_object_is_used() -> None:
    fake = await SchemaRefusingOpenAI().start()
    try:
        caller = ModelClient(client_for(fake), deadline=5.0)
        meter = Meter()
        first, _ = await structured(caller, meter)
        second, _ = await structured(caller, meter)
    finally:
        await fake.stop()
    assert first is not None and second is not None
    assert [r.response_format for r in fake.requests] == [
        "json_schema", "json_object", "json_object"]
    assert caller.mode_for("m") == JSON_OBJECT_WITH_SCHEMA
    assert "matching the JSON schema ScoreOutput" in fake.requests[1].system_text
    assert (meter.usage.prompt, meter.usage.completion) == (fake.bill.prompt,
                                                            fake.bill.completion)


class OldOpenAIModel(FakeOpenAI):
    """OpenAI's answer on a model without structured outputs (400, invalid_request_error),
    and to an argument it does not know."""

    def refuse(self, recorded: Recorded) -> web.Response | None:
        fmt = recorded.body.get("response_format") or {}
        if fmt.get("type") == "json_schema" or "schema" in fmt:
            return web.json_response({"error": {
                "message": "Invalid parameter: 'response_format' of type "
                           f"'{fmt.get('type')}' is not supported with this model.",
                "type": "invalid_request_error", "param": "response_format",
                "code": None}}, status=400)
        return None


class ServerErrorOnSchema(FakeOpenAI):
    """A build that answers an unsupported format with 500 naming it (ik_llama.cpp issue
    #778: 'response_format type must be one of "text" or "json_object"')."""

    def refuse(self, recorded: Recorded) -> web.Response | None:
        if recorded.response_format == "json_schema":
            return web.json_response({"error": {
                "code": 500, "type": "server_error", "message":
                'response_format type must be one of "text" or "json_object", but got: '
                "json_schema"}}, status=500)
        return None


@pytest.mark.parametrize("server", [OldOpenAIModel, ServerErrorOnSchema],
                         ids=["400-then-plain-json-object", "500-naming-response-format"])
async def test_other_refusals_step_down_too(server) -> None:
    fake = await server().start()
    try:
        caller = ModelClient(client_for(fake), deadline=5.0)
        parsed, _ = await structured(caller, Meter())
    finally:
        await fake.stop()
    assert parsed is not None
    assert caller.mode_for("m") in (JSON_OBJECT, JSON_OBJECT_WITH_SCHEMA)
    assert fake.requests[-1].response_format == "json_object"


async def test_a_refusal_of_plain_text_is_the_server_down_not_a_format() -> None:
    fake = await FakeOpenAI().start()
    fake.then(*[Reply(status=400)] * 4)
    try:
        caller = ModelClient(client_for(fake), deadline=5.0)
        with pytest.raises(ModelUnavailableError) as failure:
            await structured(caller, Meter())
    finally:
        await fake.stop()
    assert failure.value.status == 400 and len(fake.requests) == 4  # every format tried
    assert caller.mode_for("m") is None  # nothing worked, nothing remembered


async def test_the_sdk_timeout_bounds_each_read_but_the_deadline_bounds_the_request() -> None:
    # 30 pieces 0.05 s apart: no read waits long, the whole reply takes about 1.5 s.
    fake = await TricklingOpenAI(chunks=30, pause=0.05).start()
    try:
        sdk_only = await client_for(fake, timeout=0.3).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=50)
        caller = ModelClient(client_for(fake, timeout=0.3), deadline=0.3)
        meter = Meter()
        with pytest.raises(ModelUnavailableError, match="within 0.3 s"):
            await caller.complete(model="m", messages=[{"role": "user", "content": "hi"}],
                                  max_tokens=50, temperature=0, meter=meter)
    finally:
        await fake.stop()
    assert sdk_only.choices[0].message.content  # the SDK alone let the trickle finish
    assert meter.usage == TokenUsage() and fake.bill.completion == \
        sdk_only.usage.completion_tokens  # the abandoned reply was never billed


async def test_usage_of_replies_that_fail_to_parse_is_counted() -> None:
    fake = await ProseOpenAI(json_inside=False).start()
    try:
        caller = ModelClient(client_for(fake), deadline=5.0)
        meter = Meter()
        parsed, reason = await structured(caller, meter)
    finally:
        await fake.stop()
    assert parsed is None and reason == "no JSON object in the reply"
    assert len(fake.requests) == 2  # asked twice
    assert (meter.usage.prompt, meter.usage.completion) == (fake.bill.prompt,
                                                            fake.bill.completion) != (0, 0)


async def test_every_request_carries_max_tokens() -> None:
    fake = await FakeOpenAI().start()
    try:
        caller = ModelClient(client_for(fake), deadline=5.0)
        await structured(caller, Meter())
        await caller.complete(model="m", messages=[{"role": "user", "content": "hi"}],
                              max_tokens=42, temperature=0, meter=Meter())
    finally:
        await fake.stop()
    assert [r.body["max_tokens"] for r in fake.requests] == [200, 42]


async def test_a_server_known_to_refuse_schemas_is_asked_for_json_object_first() -> None:
    fake = await SchemaRefusingOpenAI().start()
    try:
        caller = ModelClient(client_for(fake), deadline=5.0, response_format="json_object")
        parsed, _ = await structured(caller, Meter())
    finally:
        await fake.stop()
    assert parsed is not None and [r.response_format for r in fake.requests] == ["json_object"]
