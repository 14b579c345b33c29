"""Platform text the database cannot store (NUL, lone surrogates) is cleaned at the core's
entry, résumé files are decoded by their byte-order mark, and a failing statement never
carries a candidate's text into an error or a log line."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.logs import LIBRARY_CAPS, LogLevelsError, configure_logging, parse_levels
from bot.inbound import clean_text, decode_text_file
from bot.service import InterviewService, StartRequest
from storage.engine import session
from storage.models import Candidate, Turn
from tests.helpers import start
from tests.test_service import turns_of

RESUME = "Senior DBA, 8 years\nManaged PostgreSQL clusters at Ørsted"


def test_clean_text_drops_only_what_no_database_stores() -> None:
    assert clean_text("a\x00b\ud83dc\udc00 ok ✓ 🙂") == "abc ok ✓ 🙂"
    assert clean_text("tabs\tand\nnewlines\r\n") == "tabs\tand\nnewlines\r\n"


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-8", b""), ("cp1252", b""),
])
def test_resume_files_decode_by_their_byte_order_mark(encoding: str, bom: bytes) -> None:
    assert decode_text_file(bom + RESUME.encode(encoding)) == RESUME


async def test_nul_and_lone_surrogates_are_stored_without_and_answered(
        service: InterviewService, engine: Engine) -> None:
    cand = await start(service)
    replies = await cand.say("I'm Ada,\x00 a DBA \ud83d with 8 years of PostgreSQL.")
    assert replies and replies[0].kind == "project"
    stored = [t.text for t in turns_of(engine, cand.started.interview_id)
              if t.speaker == "candidate"]
    assert stored == ["I'm Ada, a DBA  with 8 years of PostgreSQL."]


async def test_a_utf16_resume_read_as_bytes_is_stored_as_text(service: InterviewService,
                                                             engine: Engine) -> None:
    resume = decode_text_file(codecs.BOM_UTF16_LE + RESUME.encode("utf-16-le"))
    await service.start_interview(StartRequest(
        role="database-administrator", candidate_id="U9", candidate_name="Ada\x00 Lovelace",
        platform="console", resume=resume + "\x00"))
    with session(engine) as s:
        candidate = s.exec(sa.select(Candidate)).scalars().one()
    assert candidate.resume == RESUME and candidate.display_name == "Ada Lovelace"


async def test_role_names_from_a_chat_are_names_never_paths(service: InterviewService) -> None:
    from bot.errors import InvalidRequestError

    for name in ("../../etc/passwd", "bot/role_library/data-analyst.yaml", "/tmp/x.yaml"):
        with pytest.raises(InvalidRequestError):
            await service.start_interview(StartRequest(
                role=name, candidate_id="U9", candidate_name="Ada", platform="console"))


def test_a_failing_statement_carries_no_parameters_into_the_error_or_the_log(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    secret = "my answer mentions my home address, 12 Secret Lane"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(sa.exc.IntegrityError) as raised, session(engine) as s:
        s.add(Turn(interview_id="no-such-interview", seq=1, speaker="candidate",
                   kind="pending", stage="greeting", text=secret))
        s.commit()
    logging.getLogger("test").exception("insert failed", exc_info=raised.value)
    assert secret not in str(raised.value) and secret not in caplog.text
    assert "hidden due to hide_parameters" in str(raised.value)


def test_libraries_are_capped_unless_named() -> None:
    configure_logging(logging.DEBUG)
    for name, cap in LIBRARY_CAPS.items():
        assert logging.getLogger(name).getEffectiveLevel() == cap, name
    configure_logging(logging.DEBUG, "slack_bolt=DEBUG, my.lib=ERROR")
    assert logging.getLogger("slack_bolt").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("my.lib").getEffectiveLevel() == logging.ERROR
    configure_logging(logging.WARNING)
    assert logging.getLogger("slack_bolt").getEffectiveLevel() == logging.WARNING
    assert parse_levels("") == {}
    with pytest.raises(LogLevelsError, match="logger=LEVEL"):
        parse_levels("slack_bolt:LOUD")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger().level
    yield
    for name in (*LIBRARY_CAPS, "my.lib"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.getLogger().setLevel(root)
