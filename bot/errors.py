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
