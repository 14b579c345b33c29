"""Ending an interview: the scored evaluation and the six-section HR report, stored once and
posted to the recruiter channel once.

The evaluation is computed (`compute_evaluation`), stored (`store_evaluation`) and read
back (`stored_evaluation`) here and nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from bot.brains.base import TokenUsage
from bot.brains.offline import OfflineBrain
from bot.flow import Status
from bot.guard import guard_report
from bot.ports import ReportDelivery
from bot.report import HRReport, render_markdown
from bot.roles import Role
from bot.scoring.conversation import report_request
from bot.scoring.evaluation import QuestionEvaluation
from bot.scoring.items import ConversationTurn, items_from_conversation
from bot.usecases.core import ServiceCore, conversation_of
from bot.usecases.delivery import retry_since
from storage import repository as repo
from storage.models import Candidate, Interview, QuestionScore, Report

logger = logging.getLogger(__name__)
T = TypeVar("T")
A = TypeVar("A")


@dataclass(frozen=True)
class Evaluated:
    evaluations: list[QuestionEvaluation]
    report: HRReport
    markdown: str
    usage: TokenUsage = TokenUsage()


async def finish_if_ended(core: ServiceCore, interview_id: str, *,
                          status: str | None = None) -> None:
    """Evaluate and report an ended interview (its `status` read unless given). A refused or
    failed report post is not the candidate's problem: it stays stored, and `recover` or
    `finish` posts it later."""
    if status is None:
        interview = await core.read(repo.get_interview, interview_id)
        status = interview.status if interview is not None else None
    if status not in (Status.COMPLETED, Status.EXPIRED):
        return
    try:
        await finish(core, interview_id)
    except Exception as exc:
        logger.warning("report for interview %s not posted yet: %s", interview_id, exc)


async def finish(core: ServiceCore, interview_id: str, *,
                 partial: bool | None = None) -> Evaluated:
    """Evaluate, store and post the report once; later calls return the stored result."""
    full_id = await core.resolve(interview_id)
    async with core.lock(full_id):
        stored = await core.read(stored_evaluation, full_id)
        if stored is None:
            stored = await _evaluate_and_store(core, full_id, partial)
        await _post_report_once(core, full_id, stored)
    return stored


async def evaluate(core: ServiceCore, interview_id: str, *,
                   partial: bool | None = None) -> Evaluated:
    """Score an interview without storing or posting anything (status, previews)."""
    full_id = await core.resolve(interview_id)
    return await compute_evaluation(core, full_id, partial)


async def compute_evaluation(core: ServiceCore, interview_id: str,
                             partial: bool | None) -> Evaluated:
    interview, candidate, role, turns = await core.read(_conversation, core, interview_id)
    items = await off_loop(items_from_conversation, role, turns)
    notes = await core.read(_record_notes, interview_id)
    try:
        scored = await think(core.brain.evaluate, items, candidate_name=candidate.display_name)
    except Exception:
        logger.exception("brain %s failed to score; using offline", core.brain.name)
        scored = await think(core.offline.evaluate, items)
        notes.append("Scoring fell back to the offline brain.")
    notes += scored.notes
    if partial is None:
        partial = interview.status != Status.COMPLETED
    request = await off_loop(lambda: report_request(
        role, turns, items, scored.evaluations, candidate_name=candidate.display_name,
        partial=partial, notes=notes))
    try:
        reported = await think(core.brain.report, request)
    except Exception:
        logger.exception("brain %s failed to write the report; using offline",
                         core.brain.name)
        reported = await think(core.offline.report, replace(
            request, notes=[*notes, "The report fell back to the offline brain."]))
    usage = scored.usage + reported.usage
    report = reported.report.model_copy(update={
        "prompt_tokens": interview.prompt_tokens + usage.prompt,
        "completion_tokens": interview.completion_tokens + usage.completion,
    })
    report, evaluations = await off_loop(guard_report, report, scored.evaluations,
                                         job_description=role.job_description)
    header = f"# {candidate.display_name}: {role.title}"
    markdown = await off_loop(render_markdown, report, evaluations, header=header)
    return Evaluated(evaluations, report, markdown, usage)


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Scoring, signals and the report are CPU work: in a worker thread, so the adapters'
    event loop keeps acknowledging while an interview is evaluated."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def think(method: Callable[..., Awaitable[T]], argument: A, **kwargs: Any) -> T:
    """Await a brain's `evaluate` or `report`. The offline brain's are plain CPU under an
    `async def`: they run in a worker thread (on an event loop of its own there). A model
    brain's wait on the network, on this loop, where its client lives."""
    brain = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if isinstance(brain, OfflineBrain) and getattr(type(brain), name, None) is getattr(
            OfflineBrain, name, None):
        return await asyncio.to_thread(asyncio.run, method(argument, **kwargs))
    return await method(argument, **kwargs)


def _record_notes(session: Session, interview_id: str) -> list[str]:
    """What the recruiter should know about how the transcript came to be."""
    notes = []
    fallbacks = repo.count_audit(session, interview_id=interview_id, action="reply_fallback")
    if fallbacks:
        notes.append(f"{fallbacks} interviewer message(s) fell back to the offline brain "
                     "(the model was unavailable or its output failed the guard).")
    noted = repo.count_audit(session, interview_id=interview_id, action="edit_noted")
    if noted:
        notes.append(f"The candidate edited {noted} message(s) after the interview had "
                     "moved on; the first versions were scored and the edits are kept in "
                     "the audit log.")
    from bot.usecases.rights import report_notes  # rights imports this module's users

    return notes + report_notes(session, interview_id)


async def _evaluate_and_store(core: ServiceCore, interview_id: str,
                              partial: bool | None) -> Evaluated:
    result = await compute_evaluation(core, interview_id, partial)
    await core.tx(store_evaluation, interview_id, result)
    return result


def _conversation(session: Session, core: ServiceCore, interview_id: str
                  ) -> tuple[Interview, Candidate, Role, list[ConversationTurn]]:
    interview, candidate = core.load(session, interview_id)
    turns = [ConversationTurn(t.speaker, t.kind, t.text, t.question_id)
             for t in repo.list_turns(session, interview_id)]
    return interview, candidate, core.role_of(session, interview), turns


def store_evaluation(session: Session, interview_id: str, result: Evaluated) -> None:
    interview = repo.locked_interview(session, interview_id)
    if interview is not None and (result.usage.prompt or result.usage.completion):
        interview.prompt_tokens += result.usage.prompt
        interview.completion_tokens += result.usage.completion
        session.add(interview)
    repo.save_scores(session, interview_id=interview_id, brain=result.report.brain,
                     evaluations=result.evaluations)
    session.add(Report(
        interview_id=interview_id, brain=result.report.brain, partial=result.report.partial,
        recommendation=result.report.recommendation_label,
        overall_score=result.report.overall_score,
        sections=result.report.model_dump(mode="json"), markdown=result.markdown))
    repo.audit(session, interview_id=interview_id, actor=result.report.brain,
               action="evaluated", detail={"overall_score": result.report.overall_score,
                                           "recommendation":
                                               result.report.recommendation_label})


def stored_evaluation(session: Session, interview_id: str) -> Evaluated | None:
    report = repo.get_report(session, interview_id)
    if report is None:
        return None
    evaluations = [evaluation_of(s) for s in repo.list_scores(session, interview_id)]
    return Evaluated(evaluations, HRReport.model_validate(report.sections), report.markdown)


async def _post_report_once(core: ServiceCore, interview_id: str, result: Evaluated) -> None:
    delivery = await core.read(_report_delivery, core, interview_id, result)
    if delivery is None:
        return
    await core.port.post_report(delivery)
    await core.tx(_mark_report_posted, core, interview_id)


def _report_delivery(session: Session, core: ServiceCore, interview_id: str,
                     result: Evaluated) -> ReportDelivery | None:
    report = repo.get_report(session, interview_id)
    if report is None or report.posted_at is not None:
        return None
    return card_delivery(session, core, interview_id, result.report, result.markdown,
                         since=retry_since(core, report.created_at))


def card_delivery(session: Session, core: ServiceCore, interview_id: str,
                  report: HRReport, markdown: str, *,
                  since: datetime | None = None) -> ReportDelivery:
    """What the recruiter channel's report card shows: the interview's people and role,
    `report`'s recommendation and score, the export (reviews included); `since` as in
    `ReportDelivery.retry_since`."""
    from bot.usecases.reading import export_data  # reading imports this module

    interview, candidate = core.load(session, interview_id)
    return ReportDelivery(
        interview_id=interview_id, candidate_name=candidate.display_name,
        role_title=core.role_of(session, interview).title,
        candidate_id=candidate.platform_user_id, recruiter_id=interview.recruiter_id,
        recommendation=report.recommendation_label, overall_score=report.overall_score,
        partial=report.partial, export=export_data(session, core, interview_id),
        markdown=markdown, conversation=conversation_of(interview), retry_since=since)


def _mark_report_posted(session: Session, core: ServiceCore, interview_id: str) -> None:
    report = repo.get_report(session, interview_id)
    if report is not None:
        report.posted_at = core.clock()
        session.add(report)


def evaluation_of(row: QuestionScore) -> QuestionEvaluation:
    """A stored score read back as it was given (details included)."""
    return QuestionEvaluation(
        position=row.position, question_id=row.question_id, topic=row.topic,
        question=row.question, score=row.score, justification=row.justification,
        evidence=list(row.evidence), flags=list(row.flags), confidence=row.confidence,
        scorer=row.scorer or row.brain, model=row.model, prompt_version=row.prompt_version,
        rubric_hash=row.rubric_hash, samples=row.samples, **dict(row.details or {}))
