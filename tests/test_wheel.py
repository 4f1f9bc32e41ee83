"""The wheel carries the rubric and prompts: installed into a fresh virtual environment, `critic review` works
from any directory (no source checkout on the path)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile

from .conftest import FIXTURES, ROOT


def test_wheel_ships_data_and_runs_from_a_fresh_venv(tmp_path):
    source = tmp_path / "src-copy"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".ci-venv", "venv", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
        ".hypothesis", "benchmarks"))
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("critic-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "critic/rubrics/default.yaml" in names
    assert any(n.startswith("critic/prompts/") for n in names)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(FIXTURES / "weak-dossier.md", elsewhere / "draft.md")
    proc = subprocess.run([str(env_dir / "bin" / "critic"), "review", "draft.md", "--format", "json"],
                          cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert '"perfect-safety-claim"' in proc.stdout
    rules = subprocess.run([str(env_dir / "bin" / "critic"), "rules"], cwd=elsewhere, capture_output=True,
                           text=True, timeout=120)
    assert rules.returncode == 0 and "/critic/rubrics/default.yaml" in rules.stdout

    # the HTML report's stylesheet ships in the wheel and is inlined
    assert "critic/report/html.css" in names
    html = subprocess.run([str(env_dir / "bin" / "critic"), "review", "draft.md", "-f", "html"], cwd=elsewhere,
                          capture_output=True, text=True, timeout=120)
    assert html.returncode == 1 and "<style>" in html.stdout and "mark.hl" in html.stdout, html.stderr

    # a Word dossier: without the docx extra a one-line error names it; with it, the file reviews end to end
    import docx

    word = docx.Document()
    word.add_paragraph("Eliminated all jailbreaks in the support assistant.", style="List Bullet")
    word.save(elsewhere / "draft.docx")
    review_docx = [str(env_dir / "bin" / "critic"), "review", "draft.docx", "-f", "json"]
    missing = subprocess.run(review_docx, cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.strip() == ("critic: error: draft.docx: reading Word files needs the docx extra: "
                                      "pip install 'critic[docx]'")
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"{wheel}[docx]"], check=True, capture_output=True,
                   timeout=600)
    found = subprocess.run(review_docx, cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert found.returncode == 1, found.stderr
    assert '"perfect-safety-claim"' in found.stdout and '"line": 1' in found.stdout
