"""`critic rewrite` with no argument on a terminal: paste a bullet, see its critique and scaffold (and the verified
LLM rewrite when a model is configured), repeat. End of input (Ctrl-D) ends the loop with exit code 0; Ctrl-C ends it
with 130 and no traceback.

The prompt and the greeting go to standard error, so standard output holds only the critiques (and can be piped
or captured like any other `critic rewrite` output). Several lines pasted at once are reviewed one after another.
"""

from __future__ import annotations

import sys
from typing import Callable, TextIO

PROMPT = "bullet> "
GREETING = ("Paste a bullet and press Enter to see its critique and a rewrite scaffold; several lines are reviewed "
            "one by one. Ctrl-D ends.\n")
INTERRUPTED = 130


def paste_loop(critique: Callable[[str], str], *, stdin: TextIO | None = None, stdout: TextIO | None = None,
               stderr: TextIO | None = None) -> int:
    """Read bullets line by line until end of input; print `critique(line)` for each non-empty one. Returns the
    exit code: 0 at end of input, 130 on Ctrl-C."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    stderr.write(GREETING)
    try:
        while True:
            stderr.write(PROMPT)
            stderr.flush()
            line = stdin.readline()
            if not line:  # end of input (Ctrl-D at the start of a line)
                stderr.write("\n")
                return 0
            if not line.strip():
                continue
            stdout.write(critique(" ".join(line.split())))
            stdout.write("\n")
            stdout.flush()
    except KeyboardInterrupt:
        stderr.write("\n")
        stderr.flush()
        return INTERRUPTED
