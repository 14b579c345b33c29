"""`evaluate` on transcript files: the reference transcript, JSON, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.roles import load_role
from bot.transcript import TranscriptError, label_turns, read_transcript

REFERENCE = Path(__file__).parent / "data" / "seed-interview-transcript.txt"


def test_reference_transcript_is_read_with_its_header() -> None:
    transcript = read_transcript(REFERENCE)
    assert transcript.metadata["position"] == "Database Administrator"
    assert transcript.candidate_name == "Robert Taylor"
    assert transcript.turns[0][0] == "bot" and transcript.turns[1][0] == "candidate"
    assert not transcript.turns[1][1].startswith('"')
    assert not any("EVALUATION REPORT" in text for _, text in transcript.turns)


def test_reference_bank_matches() -> None:
    role = load_role("database-administrator")
    labelled = label_turns(read_transcript(REFERENCE), role)
    asked = [t for t in labelled if t.kind in ("greeting", "project", "technical")]
    assert [t.kind for t in asked] == ["greeting", "project", "technical", "technical",
                                       "technical"]
    topics = [role.question(t.question_id).topic for t in asked[2:]]
    assert topics == ["Query optimisation", "Data modelling", "Replication"]


def test_json_transcript(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"role": "database-administrator", "turns": [
        {"speaker": "bot", "text": "Introduce yourself?"},
        {"speaker": "candidate", "text": "I'm a DBA."}]}))
    transcript = read_transcript(path)
    assert transcript.role_hint == "database-administrator"
    assert transcript.turns == [("bot", "Introduce yourself?"), ("candidate", "I'm a DBA.")]


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty"),
    ("   \n", "empty"),
    ("{not json", "invalid JSON"),
    ('{"turns": [{"speaker": "alien", "text": "hi"}]}', "speaker"),
    ("Just some notes without speakers.", "no candidate turns"),
])
def test_bad_transcripts_are_refused_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(TranscriptError, match=message):
        read_transcript(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcript(tmp_path / "nope.txt")
