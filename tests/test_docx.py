"""Word and Google Docs dossiers (`critic review dossier.docx`, issue 11). Every .docx is built here with
python-docx: one as Word writes lists (list styles), one as Google Docs exports them (numbering on Normal
paragraphs, nested levels, a table, empty paragraphs)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx", reason="python-docx is in the test extra: pip install -e '.[test]'")

from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from critic import review_file  # noqa: E402
from critic.docx_reader import read_docx  # noqa: E402

from .conftest import run_critic  # noqa: E402

ABSOLUTE = "Eliminated all jailbreaks in the support assistant."
HELPED = "Helped with the red-team rota for the billing model."
TRADEOFF = "Cut refund-fraud losses by $400K a year by pausing instant refunds, accepting a 2-day wait for 3% of customers."
GATE = "Made sure every release passed the launch review."
REGISTER = "We keep a residual risk register reviewed monthly with named owners."
QUOTED = "Removed all toxic replies from the onboarding bot."


def numbered(paragraph, num_id: int, level: int):
    """Give a paragraph list numbering directly (`w:numPr`), as Google Docs exports every list item."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def google_docs_export(path: Path) -> Path:
    """Paragraphs numbered 1..14 in the body; the table's paragraphs are not counted."""
    doc = docx.Document()
    doc.add_paragraph("Promotion case: Priya Raman", style="Title")           # 1
    doc.add_heading("Launches", 1)                                            # 2
    doc.add_paragraph("")                                                     # 3 (empty)
    numbered(doc.add_paragraph(ABSOLUTE), 1, 0)                               # 4 bulleted, level 0
    numbered(doc.add_paragraph(HELPED), 1, 1)                                 # 5 level 1
    numbered(doc.add_paragraph(TRADEOFF), 1, 2)                               # 6 level 2
    table = doc.add_table(rows=1, cols=2)
    numbered(table.cell(0, 0).paragraphs[0], 1, 0).add_run("Eliminated all risk inside the table.")
    table.cell(0, 1).text = "Eliminated all leaks, says the table."
    doc.add_heading("Risk", 1)                                                # 7
    numbered(doc.add_paragraph(GATE), 5, 0)                                   # 8 numbered list
    doc.add_paragraph(REGISTER)                                               # 9 plain paragraph
    doc.add_paragraph("<!-- critic-disable-next perfect-safety-claim: quoting the customer's contract -->")  # 10
    numbered(doc.add_paragraph(QUOTED), 5, 0)                                 # 11
    numbered(doc.add_paragraph("Not a list item: numbering removed.", style="List Paragraph"), 0, 0)  # 12
    doc.add_paragraph("")                                                     # 13
    numbered(doc.add_paragraph("   "), 5, 0)                                  # 14 empty list item
    doc.save(path)
    return path


def word_lists(path: Path) -> Path:
    """Lists as Word writes them: list paragraph styles, numbering through the style."""
    doc = docx.Document()
    doc.add_heading("Dossier", 0)                                             # 1
    doc.add_paragraph(ABSOLUTE, style="List Bullet")                          # 2
    doc.add_paragraph(HELPED, style="List Bullet 2")                          # 3
    doc.add_paragraph(GATE, style="List Number")                              # 4
    numbered(doc.add_paragraph(TRADEOFF, style="List Paragraph"), 3, 1)       # 5
    doc.add_paragraph("A paragraph in between.", style="List Continue")       # 6
    doc.add_paragraph(QUOTED, style="List Number 3")                          # 7
    doc.save(path)
    return path


def test_google_docs_export_bullets_paragraph_numbers_and_levels(tmp_path):
    parsed = read_docx(google_docs_export(tmp_path / "case.docx"))
    assert [(b.text, b.line, b.column, b.depth) for b in parsed.bullets] == [
        (ABSOLUTE, 4, 1, 0), (HELPED, 5, 1, 1), (TRADEOFF, 6, 1, 2), (GATE, 8, 1, 0), (QUOTED, 11, 1, 0)]
    assert [(b.text, b.line, b.heading) for b in parsed.blocks] == [
        ("Promotion case: Priya Raman", 1, 1), ("Launches", 2, 1), ("Risk", 7, 1), (REGISTER, 9, 0),
        ("Not a list item: numbering removed.", 12, 0)]
    assert not any("table" in b.text for b in parsed.bullets + parsed.blocks)  # tables are skipped


def test_word_list_styles_are_bullets(tmp_path):
    parsed = read_docx(word_lists(tmp_path / "word.docx"))
    assert [(b.text, b.line, b.depth) for b in parsed.bullets] == [
        (ABSOLUTE, 2, 0), (HELPED, 3, 1), (GATE, 4, 0), (TRADEOFF, 5, 1), (QUOTED, 7, 2)]
    assert [(b.text, b.line) for b in parsed.blocks] == [("Dossier", 1), ("A paragraph in between.", 6)]


def test_suppression_paragraph_covers_the_next_bullet(tmp_path):
    result = review_file(google_docs_export(tmp_path / "case.docx"))
    quoted = next(b for b in result.bullets if b.bullet.text == QUOTED)
    suppressed = [f for f in quoted.findings if f.suppressed]
    assert [f.failure_mode for f in suppressed] == ["perfect-safety-claim"]
    assert suppressed[0].suppression_reason == "quoting the customer's contract"
    absolute = next(b for b in result.bullets if b.bullet.text == ABSOLUTE)
    assert "perfect-safety-claim" in absolute.failure_modes  # the directive covers only the next bullet


def test_checklist_counts_paragraphs_and_reports_paragraph_numbers(tmp_path):
    result = review_file(google_docs_export(tmp_path / "case.docx"))
    register = next(c for c in result.checklist if c.id == "residual-risk-register")
    assert register.lines == (9,)


def test_review_docx_end_to_end_as_json(tmp_path):
    path = google_docs_export(tmp_path / "case.docx")
    proc = run_critic("review", str(path), "--format", "json")
    assert proc.returncode == 1, proc.stderr  # an error-level absolute claim
    data = json.loads(proc.stdout)["files"][0]
    assert data["path"] == str(path)
    assert [(b["line"], b["column"], b["text"]) for b in data["bullets"]] == [
        (4, 1, ABSOLUTE), (5, 1, HELPED), (6, 1, TRADEOFF), (8, 1, GATE), (11, 1, QUOTED)]
    absolute = data["bullets"][0]
    claim = next(f for f in absolute["findings"] if f["failure_mode"] == "perfect-safety-claim")
    assert (claim["line"], claim["column"]) == (4, 1)
    assert ABSOLUTE[claim["span"]["start"]:claim["span"]["end"]] == claim["span"]["text"] != ""
    assert [f["failure_mode"] for f in data["bullets"][4]["suppressed"]] == ["perfect-safety-claim"]
    assert data["bullets"][2]["score"] >= 70 and data["bullets"][3]["score"] < 50


def test_line_and_sarif_say_the_location_is_a_paragraph(tmp_path):
    path = word_lists(tmp_path / "word.docx")
    lines = run_critic("review", str(path), "-f", "line").stdout.splitlines()
    assert any(line.startswith(f"{path}:2:1: error absolute-safety-claim: ") for line in lines)
    bullet_lines = [line for line in lines if not line.startswith(f"{path}:1:1:")]
    assert bullet_lines and all(line.endswith(f"(paragraph {line.split(':')[1]})") for line in bullet_lines)
    sarif = json.loads(run_critic("review", str(path), "-f", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert results and all(r["properties"]["paragraph"] == r["locations"][0]["physicalLocation"]["region"]
                           ["startLine"] for r in results)


def test_html_report_of_a_docx_names_paragraphs(tmp_path):
    path = word_lists(tmp_path / "word.docx")
    html = run_critic("review", str(path), "-f", "html").stdout
    assert "paragraph 2</span>" in html and "line 2</span>" not in html


def test_kind_docx_reads_a_file_without_the_extension(tmp_path):
    path = word_lists(tmp_path / "word.docx").rename(tmp_path / "exported")
    assert run_critic("review", str(path), "-f", "json").returncode == 2  # read as Markdown: binary
    proc = run_critic("review", str(path), "--kind", "docx", "-f", "json")
    assert proc.returncode == 1, proc.stderr
    assert len(json.loads(proc.stdout)["files"][0]["bullets"]) == 5


# --- bad input -------------------------------------------------------------------------------------------------

def _one_line_error(proc, name: str) -> str:
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith(f"critic: error: {name}: ")
    return lines[0]


@pytest.mark.parametrize("content", [
    b"this is plain text, not a Word file\n",
    b"PK\x03\x04" + b"\x00" * 40,                       # a truncated ZIP header
], ids=["text", "truncated-zip"])
def test_a_file_that_is_not_a_docx_is_one_line_error(tmp_path, content):
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    assert "not a Word .docx file" in _one_line_error(run_critic("review", str(path)), str(path))


def test_a_zip_that_is_not_a_word_document_is_one_line_error(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("notes.txt", "hello")
    assert "not a readable Word .docx file" in _one_line_error(run_critic("review", str(path)), str(path))


def test_a_damaged_docx_is_one_line_error(tmp_path):
    good = word_lists(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "damaged.docx"
    path.write_bytes(good[: len(good) // 2])
    _one_line_error(run_critic("review", str(path)), str(path))


def test_a_docx_that_unpacks_to_far_more_than_the_size_limit_is_refused(tmp_path):
    path = word_lists(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/padding.bin", b"\0" * (9 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    message = _one_line_error(run_critic("review", str(path), "--max-size", "1"), str(path))
    assert "unpacks to " in message and "more than 8x the size limit (1 MiB" in message and "--max-size" in message
    assert run_critic("review", str(path), "--max-size", "2", "-f", "json").returncode == 1


def test_missing_extra_names_it(tmp_path):
    path = word_lists(tmp_path / "word.docx")
    fake = tmp_path / "no-docx"
    (fake / "docx").mkdir(parents=True)
    (fake / "docx" / "__init__.py").write_text("raise ImportError('No module named docx')\n", encoding="utf-8")
    message = _one_line_error(run_critic("review", str(path), env={"PYTHONPATH": str(fake)}), str(path))
    assert "pip install 'critic[docx]'" in message


def test_docx_from_standard_input_is_refused_clearly():
    proc = run_critic("review", "-", "--kind", "docx", input=b"")
    assert proc.returncode == 2 and "read by name" in proc.stderr


def test_write_refuses_a_docx_and_leaves_it_alone(tmp_path):
    path = word_lists(tmp_path / "word.docx")
    before = path.read_bytes()
    proc = run_critic("review", str(path), "--rewrite", "--interactive", "--write", input="")
    assert proc.returncode == 2 and "a .docx is only reviewed" in proc.stderr
    assert path.read_bytes() == before and not (tmp_path / "word.docx.bak").exists()
