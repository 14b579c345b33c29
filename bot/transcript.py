"""Reading transcript files for `interview-bot evaluate`.

Two formats: JSON (the export format, or `{"role": ..., "turns": [{"speaker", "text"}]}`),
and plain text where each turn starts with `Speaker: text` (the reference transcript's
format; header and report blocks between `=====` lines are recognised and skipped).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.flow import INTRO_ID, PROJECT_ID, Kind
from bot.retrieval import Bm25Index
from bot.roles import Role
from bot.scoring_items import ConversationTurn

BOT_SPEAKERS = {"ai recruiter", "recruiter", "interviewer", "bot", "ai", "assistant",
                "interview-bot", "ai interviewer", "hiring manager"}
CANDIDATE_SPEAKERS = {"candidate", "you", "applicant", "user", "interviewee"}
_SEPARATOR = re.compile(r"^\s*(?:={5,}|-{5,})\s*$")
_SPEAKER_LINE = re.compile(r"^([A-Za-z][\w .'-]{0,40}):\s?(.*)$")
_CANDIDATE_QUESTION_PROMPT = re.compile(
    r"any (?:other |more |further )?questions|questions for me|anything else you'?d like to "
    r"know|anything else i can help", re.IGNORECASE)
MIN_BANK_MATCH_TERMS = 2


class TranscriptError(ValueError):
    """The file cannot be read as a transcript; the message says why."""


@dataclass
class Transcript:
    turns: list[tuple[str, str]]  # (speaker "bot" | "candidate", text)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def role_hint(self) -> str | None:
        for key in ("role", "position", "job", "title"):
            if self.metadata.get(key):
                return self.metadata[key]
        return None

    @property
    def candidate_name(self) -> str:
        return self.metadata.get("candidate") or "The candidate"


def read_transcript(path: str | Path) -> Transcript:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TranscriptError(f"{p}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"{p}: cannot read: {exc}") from exc
    if not raw.strip():
        raise TranscriptError(f"{p}: the file is empty")
    transcript = _parse_json(raw, p) if raw.lstrip().startswith(("{", "[")) else _parse_text(raw)
    if not any(s == "candidate" for s, _ in transcript.turns):
        raise TranscriptError(f"{p}: no candidate turns found (expected lines like "
                              "'Candidate: ...' or JSON turns with speaker 'candidate')")
    if not any(s == "bot" for s, _ in transcript.turns):
        raise TranscriptError(f"{p}: no interviewer turns found")
    return transcript


def _parse_json(raw: str, path: Path) -> Transcript:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    meta: dict[str, str] = {}
    if isinstance(data, dict):
        info = data.get("interview") if isinstance(data.get("interview"), dict) else data
        for key in ("role", "candidate", "position"):
            if isinstance(info.get(key), str):
                meta[key] = info[key]
        turns_data = data.get("turns")
    else:
        turns_data = data
    if not isinstance(turns_data, list):
        raise TranscriptError(f"{path}: expected a list of turns under \"turns\"")
    turns = []
    for i, turn in enumerate(turns_data):
        if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
            raise TranscriptError(f"{path}: turns[{i}] needs a \"speaker\" and a \"text\"")
        speaker = _speaker(str(turn.get("speaker", "")))
        if speaker is None:
            raise TranscriptError(f"{path}: turns[{i}].speaker must be \"bot\" or \"candidate\"")
        turns.append((speaker, turn["text"]))
    return Transcript(turns, meta)


def _speaker(name: str) -> str | None:
    lowered = name.strip().lower()
    if lowered in BOT_SPEAKERS:
        return "bot"
    if lowered in CANDIDATE_SPEAKERS:
        return "candidate"
    return None


def _parse_text(raw: str) -> Transcript:
    blocks: list[list[str]] = [[]]
    for line in raw.splitlines():
        if _SEPARATOR.match(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    body_index = max(range(len(blocks)), key=lambda i: _speaker_lines(blocks[i]))
    meta: dict[str, str] = {}
    for block in blocks[:body_index]:
        for line in block:
            m = _SPEAKER_LINE.match(line.strip())
            if m:
                meta[m.group(1).strip().lower()] = m.group(2).strip()
    return Transcript(_turns(blocks[body_index]), meta)


def _speaker_lines(lines: list[str]) -> int:
    return sum(1 for line in lines
               if (m := _SPEAKER_LINE.match(line)) and _speaker(m.group(1)) is not None)


def _turns(lines: list[str]) -> list[tuple[str, str]]:
    turns: list[tuple[str, list[str]]] = []
    for line in lines:
        m = _SPEAKER_LINE.match(line)
        speaker = _speaker(m.group(1)) if m else None
        if m and speaker:
            turns.append((speaker, [m.group(2)]))
        elif turns:
            turns[-1][1].append(line)
    return [(s, _unquote("\n".join(parts).strip())) for s, parts in turns]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


def label_turns(transcript: Transcript, role: Role) -> list[ConversationTurn]:
    """Give an unlabelled transcript the kinds the scorer needs: which bot turns were
    questions (and which bank question each matches), which replies were answers."""
    bank = Bm25Index([f"{q.topic} {q.question}" for q in role.questions])
    labelled: list[ConversationTurn] = []
    stage = "questions"
    seen_project = False
    free = 0
    for index, (speaker, text) in enumerate(transcript.turns):
        if speaker == "candidate":
            kind = "question" if stage == "candidate_questions" else "answer"
            labelled.append(ConversationTurn("candidate", kind, text))
            continue
        if stage == "candidate_questions" or _CANDIDATE_QUESTION_PROMPT.search(text):
            kind = Kind.CANDIDATE_QUESTIONS if stage != "candidate_questions" else Kind.ANSWER
            stage = "candidate_questions"
            labelled.append(ConversationTurn("bot", kind.value, text))
            continue
        if "?" not in text:
            labelled.append(ConversationTurn("bot", Kind.NOTICE.value, text))
            continue
        if index == 0:
            labelled.append(ConversationTurn("bot", Kind.GREETING.value, _last_question(text),
                                             INTRO_ID))
        elif not seen_project and "you mentioned" in text.lower():
            seen_project = True
            labelled.append(ConversationTurn("bot", Kind.PROJECT.value, text, PROJECT_ID))
        else:
            hits = bank.search(_questions_only(text), k=1)
            if hits and len(hits[0].matched) >= MIN_BANK_MATCH_TERMS:
                qid = role.questions[hits[0].index].id
            else:
                free += 1
                qid = f"open-{free}"
            labelled.append(ConversationTurn("bot", Kind.TECHNICAL.value, text, qid))
    return labelled


def _questions_only(text: str) -> str:
    """The question sentences of a bot turn: acknowledgements would skew the bank match."""
    asked = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip().endswith("?")]
    return " ".join(asked) or text


def _last_question(text: str) -> str:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    return asked[-1] if asked else text


def infer_role(transcript: Transcript, roles: list[Role]) -> Role | None:
    """The role whose question bank best matches what the interviewer asked."""
    if not roles:
        return None
    asked = " ".join(t for s, t in transcript.turns if s == "bot")
    docs = [" ".join(q.question for q in r.questions) + " " + r.job_description for r in roles]
    hits = Bm25Index(docs).search(asked, k=1)
    return roles[hits[0].index] if hits else None
