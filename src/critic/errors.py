"""Errors the user can act on. The CLI prints `str(error)` as one line and exits 2; no traceback."""

from __future__ import annotations


class CriticError(Exception):
    """Base class: a problem with the user's input, rubric or configuration."""

    exit_code = 2


class InputError(CriticError):
    """A document that cannot be read: missing, a directory, binary, not UTF-8, too large."""


class RubricError(CriticError):
    """A rubric file that does not load or does not validate."""

    def __init__(self, path: str, problem: str, rule: str | None = None):
        self.path, self.problem, self.rule = path, problem, rule
        where = f"{path}: rule {rule!r}" if rule else path
        super().__init__(f"{where}: {problem}")


class ConfigError(CriticError):
    """A configuration file with an unknown key or a bad value."""
