"""Errors meant for the person at the terminal: one line, what was wrong, what to do."""

from __future__ import annotations


class ComplaintError(Exception):
    """Base of every error shown to the user as one line; `exit_code` is the process's."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(ComplaintError):
    """A value typed by a person (or read from a file) is not acceptable."""

    exit_code = 2


class NotFound(ComplaintError):
    """No complaint has that number."""


class InvalidTransition(ComplaintError):
    """The step does not fit the state the case is in."""


class StorageError(ComplaintError):
    """The register cannot be opened or written."""


class NotPermitted(ComplaintError):
    """The office's rules do not let this person take this step (their roles)."""

    exit_code = 5
