"""Reading interviews: one interview's status, lists of them, and the export (transcript,
scores and report) in the documented format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.export import export_markdown as render_export_markdown
from bot.export import report_json, scores_json, with_human_scores, with_review
from bot.flow import OPEN_STATUSES, Stage
from bot.ports import ConversationRef
from bot.reviewed import review_markdown
from bot.usecases.core import ServiceCore, conversation_of
from bot.usecases.finishing import stored_evaluation
from bot.usecases.reviews import reviewed_of
from storage import repository as repo
from storage.models import Candidate, Interview


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    candidate_name: str
    candidate_id: str
    role_name: str
    role_title: str
    status: str
    stage: str
    progress: str
    candidate_turns: int
    created_at: datetime
    last_candidate_at: datetime | None
    deadline_at: datetime | None
    recommendation: str | None
    overall_score: float | None
    conversation: ConversationRef
    # The candidate's own id in this database (`forget` takes it; `candidate_id` is their
    # chat user id).
    candidate_key: str = ""


async def status(core: ServiceCore, interview_id: str) -> InterviewSummary:
    full_id = await core.resolve(interview_id)
    return await core.read(summary, core, full_id)


async def list_status(core: ServiceCore, *, open_only: bool = True,
                      candidate_id: str | None = None, platform: str | None = None,
                      workspaces: Sequence[str] | None = None) -> list[InterviewSummary]:
    """Newest first; `candidate_id` is the platform's user id. Adapters pass their
    `platform` (a user id means nothing on another platform) and `workspaces`."""
    def run(session: Session) -> list[InterviewSummary]:
        statuses = [s.value for s in OPEN_STATUSES] if open_only else None
        candidates = None
        if candidate_id:
            query = sa.select(Candidate.id).where(Candidate.platform_user_id == candidate_id)
            if platform:
                query = query.where(Candidate.platform == platform)
            candidates = list(session.execute(query).scalars().all())
            if not candidates:
                return []
        found = repo.list_interviews(session, statuses=statuses, candidate_ids=candidates,
                                     platform=platform, workspaces=workspaces)
        return [summary(session, core, i.id) for i in found]
    return await core.read(run)


def summary(session: Session, core: ServiceCore, interview_id: str) -> InterviewSummary:
    interview, candidate = core.load(session, interview_id)
    role = core.role_of(session, interview)
    report = repo.get_report(session, interview_id)
    reviewed = reviewed_of(session, interview_id) if report is not None else None
    shown = reviewed.report if reviewed is not None else None
    return InterviewSummary(
        id=interview.id, candidate_name=candidate.display_name,
        candidate_id=candidate.platform_user_id, role_name=role.name, role_title=role.title,
        status=interview.status, stage=interview.stage, progress=progress_of(interview),
        candidate_turns=interview.candidate_turns, created_at=interview.created_at,
        last_candidate_at=interview.last_candidate_at, deadline_at=interview.deadline_at,
        recommendation=shown.recommendation_label if shown else None,
        overall_score=shown.overall_score if shown else None,
        conversation=conversation_of(interview), candidate_key=candidate.id)


async def export(core: ServiceCore, interview_id: str) -> dict[str, Any]:
    full_id = await core.resolve(interview_id)
    return await core.read(export_data, core, full_id)


async def export_markdown(core: ServiceCore, interview_id: str) -> str:
    full_id = await core.resolve(interview_id)
    data = await core.read(export_data, core, full_id)
    stored = await core.read(stored_evaluation, full_id)
    reviewed = await core.read(reviewed_of, full_id)
    markdown = render_export_markdown(data, stored.evaluations if stored else [],
                                      stored.report if stored else None)
    return markdown + ("\n" + review_markdown(reviewed) if reviewed and reviewed.reviews
                       else "")


def export_data(session: Session, core: ServiceCore, interview_id: str) -> dict[str, Any]:
    interview, candidate = core.load(session, interview_id)
    role = core.role_of(session, interview)
    stored = stored_evaluation(session, interview_id)
    reviewed = reviewed_of(session, interview_id) if stored is not None else None
    return {
        "format": "interview-bot/1",
        "interview": {
            "id": interview.id, "role": role.name, "role_title": role.title,
            "status": interview.status, "stage": interview.stage,
            "candidate": candidate.display_name, "candidate_id": candidate.id,
            "brain": interview.brain,
            "platform": interview.platform, "created_at": interview.created_at.isoformat(),
            "finished_at": interview.finished_at.isoformat() if interview.finished_at
            else None,
            "end_reason": interview.end_reason,
            "consent_version": interview.consent_version,
            "late_messages_not_kept": interview.late_messages_dropped,
            "token_usage": {"prompt": interview.prompt_tokens,
                            "completion": interview.completion_tokens},
        },
        "turns": [
            {"speaker": t.speaker, "text": t.text, "at": t.created_at.isoformat(),
             "kind": t.kind, "question_id": t.question_id,
             "edited": t.edited_at is not None}
            for t in repo.list_turns(session, interview_id)
        ],
        "scores": with_human_scores(scores_json(stored.evaluations), reviewed)
        if stored else [],
        "report": with_review(report_json(stored.report), reviewed) if stored else None,
    }


def progress_of(interview: Interview) -> str:
    stage = Stage(interview.stage)
    total = len(interview.plan)
    if stage is Stage.GREETING:
        return "introduction"
    if stage is Stage.PROJECT:
        return "project question"
    if stage is Stage.TECHNICAL:
        return f"technical question {interview.question_index + 1} of {total}"
    if stage is Stage.CANDIDATE_QUESTIONS:
        return "candidate's questions"
    return "finished"
