"""Failures that stop a command: each class carries its exit code, and only `credcat`'s `main` catches them.

Problems in content are never exceptions (they are `Diagnostic` values, exit 1). Exceptions are
for the edges: how credcat was called (exit 2) and what the machine could not do (exit 3).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3


class CredcatError(Exception):
    """A failure that ends a command with a message and `exit_code`, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CredcatError):
    """How credcat was called is wrong: a bad option, an output folder it must not replace (exit 2)."""

    exit_code = EXIT_USAGE


class EnvironmentFailure(CredcatError):
    """The machine could not do its part: the indexer crashed, the disk is full, a folder is unwritable (exit 3)."""

    exit_code = EXIT_ENVIRONMENT
