"""Run `critic` in this process (for tests that patch a function of critic first): the exit code and everything
written to standard output and standard error, with `input` as standard input."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass


@dataclass
class Result:
    exit_code: int
    output: str


def invoke(args: list[str], input: str = "") -> Result:
    from critic.cli import main

    out = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(input.encode("utf-8")), encoding="utf-8")
    saved = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved
    return Result(code, out.getvalue())
