"""Errors the service raises for users: each carries a message fit to show as it is."""

from __future__ import annotations


class InterviewError(Exception):
    """A request the service refuses; `str(error)` says what is wrong and how to fix it."""


class InterviewNotFoundError(InterviewError):
    pass


class AlreadyInterviewingError(InterviewError):
    pass


class InvalidRequestError(InterviewError):
    pass


class AmbiguousCandidateError(InvalidRequestError):
    """Several candidates match what was given; `matches` lists them (name, candidate id,
    chat user, interviews) so the caller can ask which one is meant."""

    def __init__(self, message: str, matches: list[object]) -> None:
        super().__init__(message)
        self.matches = matches
