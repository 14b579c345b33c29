"""Whom an erasure is about, and the erasure itself, within a scope.

A recruiter names a candidate the way they know them: by name, by an interview's id (or its
first characters), by the candidate id `status` and `export` show, or by their chat user.
In Slack or Discord the search is scoped to the workspace or server it is run from, and so
is what is erased: the candidate's interviews there, and the candidate's own row once no
interview of theirs is left anywhere. From the terminal nothing limits it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Candidate, ErasureRecord, Interview, utcnow
from storage.reminders import TABLES, delete_interviews

_HEX = re.compile(r"[0-9a-f]{6,32}")
MIN_PREFIX = 6


@dataclass(frozen=True)
class Scope:
    """Where a search and an erasure may reach: a platform and its workspaces (None: all)."""

    platform: str | None = None
    workspaces: tuple[str, ...] | None = None

    def interviews(self) -> sa.Select[tuple[str]]:
        query = sa.select(Interview.id)
        if self.platform:
            query = query.where(Interview.platform == self.platform)
        if self.workspaces is not None:
            query = query.where(col(Interview.workspace).in_(self.workspaces))
        return query


@dataclass(frozen=True)
class Match:
    """One candidate a search found, described so a recruiter can tell people apart."""

    candidate_id: str
    name: str
    platform: str
    platform_user_id: str
    interviews: tuple[tuple[str, str, str], ...]  # (interview id, role, status), newest first


class NoCandidateError(LookupError):
    """Nothing in scope matches."""


class SeveralCandidatesError(LookupError):
    """More than one candidate matches: `matches` lists them, so the caller can ask which."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(f"{len(matches)} candidates match")
        self.matches = matches


def find_candidate(session: Session, who: str, scope: Scope = Scope()) -> Match:
    """The one candidate `who` names within `scope`: a candidate id (or a prefix of six or
    more characters), an interview id (or prefix), `platform:user id`, a chat user id, or
    the candidate's name (case-insensitive; the whole name, or a first name alone)."""
    who = who.strip()
    if not who:
        raise NoCandidateError(who)
    found = _by_ids(session, who.lower(), scope) or _by_user(session, who, scope) \
        or _by_name(session, who, scope)
    if not found:
        raise NoCandidateError(who)
    matches = [_describe(session, c, scope) for c in found]
    if len(matches) > 1:
        raise SeveralCandidatesError(matches)
    return matches[0]


def _in_scope(session: Session, candidates: Sequence[Candidate], scope: Scope
              ) -> list[Candidate]:
    """Candidates with an interview in scope, or with no interview anywhere (a résumé left
    by a start that failed); with no scope at all, every one."""
    if scope.platform is None and scope.workspaces is None:
        return list(candidates)
    kept = []
    for candidate in candidates:
        if scope.platform and candidate.platform != scope.platform:
            continue
        mine = sa.select(Interview.id).where(Interview.candidate_id == candidate.id)
        inside = session.execute(scope.interviews().where(
            Interview.candidate_id == candidate.id).limit(1)).first()
        if inside is not None or session.execute(mine.limit(1)).first() is None:
            kept.append(candidate)
    return kept


def _by_ids(session: Session, who: str, scope: Scope) -> list[Candidate]:
    if not _HEX.fullmatch(who):
        return []
    pattern = who.replace("%", "").replace("_", "") + "%"
    exact = session.get(Candidate, who)
    candidates = [exact] if exact is not None else list(session.exec(
        select(Candidate).where(col(Candidate.id).like(pattern)).limit(5)).all())
    interviews = session.exec(select(Interview.candidate_id).where(
        col(Interview.id).like(pattern), col(Interview.id).in_(scope.interviews()))
        .limit(5)).all()
    ids = {c.id for c in _in_scope(session, candidates, scope)} | set(interviews)
    return [c for c in (session.get(Candidate, i) for i in sorted(ids)) if c is not None]


def _by_user(session: Session, who: str, scope: Scope) -> list[Candidate]:
    query = select(Candidate).where(Candidate.platform_user_id == who)
    if scope.platform:
        query = query.where(Candidate.platform == scope.platform)
    matches = list(session.exec(query).all())
    if not matches and ":" in who:
        platform, user = who.split(":", 1)
        if scope.platform in (None, platform):
            matches = list(session.exec(select(Candidate).where(
                Candidate.platform == platform, Candidate.platform_user_id == user)).all())
    return _in_scope(session, matches, scope)


def _by_name(session: Session, who: str, scope: Scope) -> list[Candidate]:
    """The whole name first ("Ada Lovelace"); failing that, a first name ("Ada")."""
    name = " ".join(who.split()).lower()
    query = select(Candidate)
    if scope.platform:
        query = query.where(Candidate.platform == scope.platform)
    whole = list(session.exec(query.where(sa.func.lower(Candidate.display_name) == name)).all())
    found = _in_scope(session, whole, scope)
    if found or " " in name:
        return found
    first = list(session.exec(query.where(
        sa.func.lower(Candidate.display_name).like(name.replace("%", "") + " %"))).all())
    return _in_scope(session, first, scope)


def _describe(session: Session, candidate: Candidate, scope: Scope) -> Match:
    rows = session.execute(
        sa.select(Interview.id, Interview.role_name, Interview.status)
        .where(Interview.candidate_id == candidate.id, col(Interview.id).in_(scope.interviews()))
        .order_by(col(Interview.created_at).desc())).all()
    return Match(candidate.id, candidate.display_name, candidate.platform,
                 candidate.platform_user_id, tuple((r[0], r[1], r[2]) for r in rows))


def erase(session: Session, candidate_id: str, scope: Scope = Scope(), *,
          requested_by: str) -> dict[str, int]:
    """Delete the candidate's interviews in scope with every row about them, then the
    candidate once no interview of theirs is left; record that it happened (counts only).
    Rows deleted per table."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NoCandidateError(candidate_id)
    interview_ids = session.execute(scope.interviews().where(
        Interview.candidate_id == candidate_id)).scalars().all()
    counts = delete_interviews(session, list(interview_ids))
    left = session.execute(sa.select(Interview.id).where(
        Interview.candidate_id == candidate_id).limit(1)).first()
    counts["candidates"] = 0
    if left is None:
        table = Candidate.__table__
        counts["candidates"] = session.execute(
            sa.delete(table).where(table.c.id == candidate_id)).rowcount
    session.add(ErasureRecord(requested_by=requested_by, platform=candidate.platform,
                              rows={name: counts.get(name, 0) for name in TABLES},
                              created_at=utcnow()))
    return counts
