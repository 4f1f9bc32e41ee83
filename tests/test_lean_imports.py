"""The review path stays lean: no LLM library is ever imported by a review, and rich only for the terminal report.

Each check runs in a fresh interpreter, so that nothing imported by other tests can hide an import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

BANNED = ("langchain", "langchain_core", "openai", "anthropic")

REPORT_MODULES = """
import json, sys
banned = {banned!r}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in banned or m.split(".")[0].startswith(banned))
print(json.dumps({{"banned": loaded, "rich": sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))}}))
"""


def _run(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code + REPORT_MODULES.format(banned=BANNED)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_api_review_imports_no_llm_library_and_no_rich():
    loaded = _run(f"""
import critic
result = critic.review_file({str(FIXTURES / "sample-dossier.md")!r})
assert result.bullets
""")
    assert loaded["banned"] == []
    assert loaded["rich"] == []


def test_cli_review_json_imports_no_llm_library_and_no_rich():
    loaded = _run(f"""
import contextlib, io, json, sys
sys.argv = ["critic", "review", {str(FIXTURES / "sample-dossier.md")!r}, "--format", "json"]
from critic.cli import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main()
except SystemExit as exc:
    assert exc.code in (0, 1), exc.code
assert json.loads(out.getvalue())["files"]
""")
    assert loaded["banned"] == []
    assert loaded["rich"] == [], "rich must load only for the terminal report"


def test_cli_review_terminal_report_imports_no_llm_library():
    loaded = _run(f"""
import contextlib, io, json, sys
sys.argv = ["critic", "review", {str(FIXTURES / "sample-dossier.md")!r}]
from critic.cli import main
try:
    with contextlib.redirect_stdout(io.StringIO()):
        main()
except SystemExit:
    pass
""")
    assert loaded["banned"] == []
