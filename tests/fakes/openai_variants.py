"""OpenAI-compatible servers and small models as they really behave, one quirk each.

Each is `FakeOpenAI` (a cooperative model) with one behaviour changed:

- `SchemaRefusingOpenAI`: llama-cpp-python's server. Its request model types
  `response_format` as `{"type": Literal["text", "json_object"], "schema": NotRequired}`
  (llama_cpp/llama_types.py, `ChatCompletionRequestResponseFormat`), so FastAPI refuses a
  `json_schema` request with 422 and pydantic v2's validation detail, the shape below.
  It accepts `json_object` with a `schema` key (its "JSON schema mode", PR #1122).
- `FencingOpenAI`: a model that wraps every JSON reply in ```json fences.
- `ProseOpenAI`: a model that talks around its JSON ("Here is my assessment: {...}"), or,
  with `json_inside=False`, answers structured requests in prose only.
- `RunawayOpenAI`: a model that repeats itself until `max_tokens`, as Qwen2.5-Coder-0.5B
  did with a question (tests/data/real-model-outputs/), so every reply ends with
  `finish_reason: "length"`.
- `TricklingOpenAI`: a server sending its reply a few bytes at a time (a CPU server, or a
  slow proxy): each read is quick, the whole reply is not.
- `ReplayOpenAI`: replays what Qwen2.5-Coder-0.5B-Instruct on llama.cpp really answered
  (tests/data/real-model-outputs/): the messages, the scores and the report.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from itertools import cycle
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.flow import Kind
from tests.fakes.openai_server import FakeOpenAI, Recorded, Reply, default_reply, score_json

REAL_OUTPUTS = Path(__file__).resolve().parent.parent / "data" / "real-model-outputs"


class SchemaRefusingOpenAI(FakeOpenAI):
    def refuse(self, recorded: Recorded) -> web.Response | None:
        if recorded.response_format not in ("text", "json_object"):
            return web.json_response({"detail": [{
                "type": "literal_error", "loc": ["body", "response_format", "type"],
                "msg": "Input should be 'text' or 'json_object'",
                "input": recorded.response_format,
                "ctx": {"expected": "'text' or 'json_object'"}}]}, status=422)
        return None


class FencingOpenAI(FakeOpenAI):
    def respond(self, recorded: Recorded) -> Reply:
        reply = default_reply(recorded)
        if recorded.schema_name:
            return Reply(content=f"```json\n{reply.content}\n```")
        return reply


class ProseOpenAI(FakeOpenAI):
    def __init__(self, *, json_inside: bool = True) -> None:
        super().__init__()
        self.json_inside = json_inside

    def respond(self, recorded: Recorded) -> Reply:
        reply = default_reply(recorded)
        if not recorded.schema_name:
            return reply
        if self.json_inside:
            return Reply(content=f"Sure! Here is my assessment of the answer.\n{reply.content}"
                                 "\nI hope this helps; let me know if you need more detail.")
        return Reply(content="The candidate gave a reasonable answer that touches on several "
                             "of the points, so I would put it at about a four.")


class RunawayOpenAI(FakeOpenAI):
    def respond(self, recorded: Recorded) -> Reply:
        content = default_reply(recorded).content or ""
        if recorded.schema_name:  # the justification never ends
            data = json.loads(content)
            head = json.dumps({"evidence": data.get("evidence", [])})[:-1]
            return Reply(content=head + ', "justification": "' + "The answer covers it. " * 400)
        sentence = content.rstrip() if content.rstrip().endswith("?") else \
            "What other changes could have been made?"
        return Reply(content=" ".join([content] + [sentence] * 200))


class TricklingOpenAI(FakeOpenAI):
    """Sends each reply in `chunks` pieces, `pause` seconds apart."""

    def __init__(self, *, chunks: int = 40, pause: float = 0.05) -> None:
        super().__init__()
        self.chunks = chunks
        self.pause = pause

    async def send(self, request: web.Request, payload: dict[str, Any]) -> web.StreamResponse:
        return await self._stream(request, payload, chunks=self.chunks, pause=self.pause)


def real_outputs() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    lines = (REAL_OUTPUTS / "qwen2.5-coder-0.5b-instruct.jsonl").read_text().splitlines()
    export = json.loads((REAL_OUTPUTS / "interview-average-export.json").read_text())
    return [json.loads(line) for line in lines if line.strip()], export


def real_messages_by_kind() -> dict[str, list[str]]:
    """What the model wrote for each kind of message, in the order it wrote them: the
    exported interview's bot turns (the greeting's own first paragraph only: the rest is
    fixed text) and the strong run's replies, matched to their kind by position."""
    logged, export = real_outputs()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for turn in export["turns"]:
        # Its one "answer" turn was the offline wording (no passage matched): no model text.
        if turn["speaker"] != "bot" or turn["kind"] == "answer":
            continue
        text = turn["text"].split("\n\n")[0] if turn["kind"] == "greeting" else turn["text"]
        by_kind[turn["kind"]].append(text)
    # The strong run, one request per line: greeting, project, follow-up, four technical
    # questions, the candidate-questions turn, an answer about the role, the wrap-up.
    kinds = ["greeting", "project", "followup", "technical", "technical", "technical",
             "technical", "candidate_questions", "answer", "wrap_up"]
    for kind, line in zip(kinds, logged, strict=True):
        by_kind[kind].append(line["content"])
    by_kind["deflection"] = list(by_kind["followup"])
    return dict(by_kind)


def real_scores_by_topic() -> dict[str, dict[str, Any]]:
    _, export = real_outputs()
    return {s["topic"]: s for s in export["scores"]}


def real_report_sections() -> dict[str, Any]:
    """The sections the model wrote. Its recommendation is what sat between the band label
    and the software's human-review sentence."""
    _, export = real_outputs()
    report = export["report"]
    recommendation = re.sub(r"^\*\*[^*]+\*\*\s*", "", report["recommendation"])
    recommendation = recommendation.split(" This is a recommendation")[0]
    return {"overall_suitability": report["overall_suitability"],
            "key_strengths": report["key_strengths"],
            "areas_for_development": report["areas_for_development"],
            "technical_skills": report["technical_skills"],
            "communication": report["communication"], "recommendation": recommendation}


_CAPPED = re.compile(r"\s*\(Capped at 3: none of the quoted evidence occurs in the answer\.\)")


class ReplayOpenAI(FakeOpenAI):
    """Answers each request with what the real model answered to that kind of request."""

    def __init__(self) -> None:
        super().__init__()
        self._messages = {kind: cycle(texts) for kind, texts in real_messages_by_kind().items()}
        self.scores = real_scores_by_topic()
        self.report = real_report_sections()

    def respond(self, recorded: Recorded) -> Reply:
        if recorded.schema_name == "ScoreOutput":
            topic = re.search(r"^Topic: (.+)$", recorded.user_text, re.M)
            real = self.scores.get(topic.group(1) if topic else "")
            if real is None:  # a question the real run was not asked: its typical reply
                real = {"score": 1, "evidence": [], "justification": (
                    "The candidate's answer does not contain any information about the "
                    "rubric points.")}
            justification = _CAPPED.sub("", real["justification"])
            # A capped score was above 3 before the cap; the export does not say by how
            # much, so it replays as 5.
            raw = real["score"] if "Capped at 3" not in real["justification"] else 5
            return Reply(content=score_json(raw, list(real["evidence"]), justification))
        if recorded.schema_name == "ReportOutput":
            return Reply(content=json.dumps(self.report))
        kind = recorded.kind or Kind.FOLLOWUP.value
        texts = self._messages.get(kind) or self._messages["followup"]
        return Reply(content=next(texts))
