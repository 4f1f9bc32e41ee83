"""`critic review --format html` (issue 11): one self-contained page. These tests read the HTML with Python's
own parser; tests/test_html_browser.py renders it in a real browser."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from critic import load_rubric, review_text
from critic.engine import review_parsed
from critic.models import Bullet, ParsedDocument
from critic.report import ReportContext, render

from .conftest import FIXTURES, ROOT, run_critic

SAMPLE = FIXTURES / "sample-dossier.md"
HOSTILE = ("Eliminated all risk <script>alert(\"x\")</script> & 'single' \"double\" "
           "https://example.com/a?b=1&c=<2> </p><img src=x onerror=alert(1)>")
HOSTILE_PATH = "<b>draft</b> & \"quotes\".md"


class Page(HTMLParser):
    """What a test needs from a report: tags seen, the text of each bullet and its highlight pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.bullets: list[dict] = []
        self._stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("meta", "br", "img", "link", "input", "hr"):  # void elements never close
            return
        self._stack.append((tag, attrs))
        classes = attrs.get("class", "").split()
        if tag == "article" and "bullet" in classes:
            self.bullets.append({"line": int(attrs["data-line"]), "score": int(attrs["data-score"]), "text": "",
                                 "marks": [], "rows": [], "tags": []})
        elif tag == "span" and "tag" in classes and self._inside("p", "bullet-text"):
            self.bullets[-1]["tags"].append((len(self.bullets[-1]["text"]), attrs["title"]))
        elif tag == "li" and "data-finding" in attrs and self.bullets and self._inside("article"):
            self.bullets[-1]["rows"].append((int(attrs["data-finding"]), attrs["data-mode"]))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def _inside(self, tag, cls=None) -> bool:
        return any(t == tag and (cls is None or cls in a.get("class", "").split()) for t, a in self._stack)

    def handle_data(self, data):
        if not self._inside("p", "bullet-text") or self._inside("span", "tag"):
            return
        bullet = self.bullets[-1]
        if self._inside("mark"):
            mark = next(a for t, a in reversed(self._stack) if t == "mark")
            bullet["marks"].append((len(bullet["text"]), data, mark["data-findings"].split(),
                                    mark["data-modes"].split()))
        bullet["text"] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def finding_words(bullet: dict, index: int) -> tuple[str, int, set[str]]:
    """The words marked for finding `index` of a parsed bullet, where they start, and the modes on them."""
    pieces = [(start, text, modes) for start, text, ids, modes in bullet["marks"] if str(index) in ids]
    if not pieces:
        return "", -1, set()
    start = pieces[0][0]
    return "".join(p[1] for p in pieces), start, set().union(*(set(p[2]) for p in pieces))


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory) -> tuple[str, dict]:
    out = tmp_path_factory.mktemp("html") / "report.html"
    proc = run_critic("review", str(SAMPLE), "--format", "html", "-o", str(out))
    assert proc.returncode == 1, proc.stderr  # the sample has error-level findings
    assert proc.stdout == ""
    data = json.loads(run_critic("review", str(SAMPLE), "--format", "json").stdout)
    return out.read_text(encoding="utf-8"), data["files"][0]


# --- the document as written -----------------------------------------------------------------------------------

def test_results_keep_headings_and_paragraphs_but_json_does_not_change():
    result = review_text("# Dossier\n\nWhy I am ready.\n\n## Launches\n\n- Cut churn 3% in the bank segment.\n")
    assert [(b.text, b.line, b.heading) for b in result.blocks] == [
        ("Dossier", 1, 1), ("Why I am ready.", 3, 0), ("Launches", 5, 2)]
    assert "blocks" not in result.to_dict()


def test_every_bullet_appears_once_in_order_with_its_headings(sample_html):
    html, data = sample_html
    page = parse(html)
    assert [b["line"] for b in page.bullets] == [b["line"] for b in data["bullets"]]
    assert [b["text"] for b in page.bullets] == [b["text"] for b in data["bullets"]]
    assert [b["score"] for b in page.bullets] == [b["score"] for b in data["bullets"]]
    # the document's headings sit between the bullets, in order
    positions = [html.index(escape(text)) for text in ("Launches", "Risk and governance", "Team and culture")]
    assert positions == sorted(positions)
    bullet = [html.index(f'data-line="{b["line"]}"') for b in data["bullets"]]
    assert positions[0] < bullet[0] < bullet[3] < positions[1] < bullet[4] < bullet[7] < positions[2] < bullet[8]


def test_highlights_are_exactly_the_words_of_each_finding(sample_html):
    html, data = sample_html
    page = parse(html)
    checked = 0
    for parsed, expected in zip(page.bullets, data["bullets"]):
        assert sorted(parsed["rows"]) == [(k, f["failure_mode"]) for k, f in enumerate(expected["findings"])]
        for k, finding in enumerate(expected["findings"]):
            words, start, modes = finding_words(parsed, k)
            span = finding["span"]
            if span["end"] > span["start"]:
                assert (words, start) == (span["text"], span["start"])
                assert finding["failure_mode"] in modes
                checked += 1
            else:
                assert words == ""  # a whole-bullet finding has no words to mark
        # nothing is marked that no finding covers
        marked = {i for _, _, ids, _ in parsed["marks"] for i in ids}
        assert marked <= {str(k) for k in range(len(expected["findings"]))}
    assert checked >= 15


def test_score_badges_dimension_bars_checklist_and_summary(sample_html):
    html, data = sample_html
    page = parse(html)
    fills = [a["style"] for t, a in page.tags if t == "span" and "fill" in a.get("class", "").split()]
    expected_fills = [f"width:{v}%" for b in data["bullets"] for v in b["dimensions"].values()]
    assert fills == expected_fills
    badges = [a for t, a in page.tags if t == "span" and "badge" in a.get("class", "").split()]
    assert len(badges) == len(data["bullets"]) + 1  # one per bullet and the document's
    present = [t for t, a in page.tags if t == "li" and a.get("class") == "present"]
    missing = [t for t, a in page.tags if t == "li" and a.get("class") == "missing"]
    assert len(present) == data["summary"]["checklist_present"]
    assert len(present) + len(missing) == data["summary"]["checklist_total"]
    rows = [a["data-mode"] for t, a in page.tags if t == "tr" and "data-mode" in a]
    assert sorted(rows) == sorted(data["summary"]["by_failure_mode"])
    for mode, count in data["summary"]["by_failure_mode"].items():
        row = re.search(rf'<tr data-mode="{mode}">.*?</tr>', html).group(0)
        assert f'<td class="num">{count}</td>' in row


def test_each_fix_hint_is_shown_once(sample_html):
    html, data = sample_html
    fixes = {f["rule"]: f["fix"] for b in data["bullets"] for f in b["findings"]}
    assert len(fixes) >= 8
    for rule, fix in fixes.items():
        assert html.count(f'id="fix-{rule}"') == 1
        assert html.count(escape(fix)) == 1, rule


# --- self-contained, escaped -----------------------------------------------------------------------------------

def test_the_page_loads_nothing_and_runs_nothing(sample_html):
    html, _ = sample_html
    page = parse(html)
    tags = {t for t, _ in page.tags}
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [a for _, a in page.tags for name in a if name.startswith("on") or name in ("src", "srcset")]
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert not re.search(r"https?://|url\(|@import", html)
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp


def hostile_report(rubric, path=HOSTILE_PATH) -> str:
    """A bullet no reader would produce (readers mask tags and URLs), straight into the engine and the reporter."""
    parsed = ParsedDocument(path=path, bullets=(Bullet(text=HOSTILE, line=1, column=1),))
    result = review_parsed(parsed, rubric)
    assert result.bullets[0].active_findings  # so highlighting runs over the hostile text
    return render("html", [result], ReportContext(rubric=rubric))


def test_everything_the_user_wrote_is_escaped(rubric):
    html = hostile_report(rubric)
    page = parse(html)
    assert not [t for t, _ in page.tags if t in ("script", "img", "b")]
    assert page.bullets[0]["text"] == HOSTILE
    assert escape(HOSTILE_PATH) in html and HOSTILE_PATH not in html
    words, start, modes = finding_words(page.bullets[0], 0)
    assert start == 0 and words.startswith("Eliminated all")


def test_several_files_make_one_page_with_a_section_each(tmp_path):
    (tmp_path / "a.md").write_text("- Eliminated all PII leakage from the summaries feature.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Helped with the rollout of the new content filter.\n", encoding="utf-8")
    proc = run_critic("review", "a.md", "b.txt", "-f", "html", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    html = proc.stdout  # standard output works as well as -o
    page = parse(html)
    assert html.count("<html") == 1 and html.count("</html>") == 1
    sections = [a["id"] for t, a in page.tags if t == "section" and "file" in a.get("class", "").split()]
    assert sections == ["file-1", "file-2"]
    assert re.findall(r'<h2 id="file-\d-title">([^<]*)</h2>', html) == ["a.md", "b.txt"]
    assert [a["href"] for t, a in page.tags if t == "a" and a["href"].startswith("#file-")] == ["#file-1",
                                                                                              "#file-2"]
    assert [b["text"] for b in page.bullets] == ["Eliminated all PII leakage from the summaries feature.",
                                                 "Helped with the rollout of the new content filter."]


def test_quiet_shows_only_bullets_with_findings(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("- Held the launch 9 days, moving $180K of bookings, to keep a $1.1M renewal.\n"
                   "- Eliminated all PII leakage from the summaries feature.\n", encoding="utf-8")
    full = parse(run_critic("review", str(doc), "-f", "html").stdout)
    quiet = parse(run_critic("review", str(doc), "-f", "html", "--quiet").stdout)
    assert [b["line"] for b in full.bullets] == [1, 2]
    assert [b["line"] for b in quiet.bullets] == [2]


def test_a_file_without_bullets_says_so(tmp_path):
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nNothing here yet.\n", encoding="utf-8")
    proc = run_critic("review", str(doc), "-f", "html")
    assert proc.returncode == 0
    assert "No bullets found" in proc.stdout and parse(proc.stdout).bullets == []


def test_the_report_is_not_written_over_a_reviewed_file(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("- Eliminated all PII leakage.\n", encoding="utf-8")
    proc = run_critic("review", str(doc), "-f", "html", "-o", str(doc))
    assert proc.returncode == 2 and "refusing to write the report over a file being reviewed" in proc.stderr
    assert doc.read_text(encoding="utf-8") == "- Eliminated all PII leakage.\n"


# --- accessibility: colour is never the only cue, and the colours are readable ---------------------------------

def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_highlight_palette_has_readable_contrast_and_distinct_underlines():
    css = (ROOT / "src" / "critic" / "report" / "html.css").read_text(encoding="utf-8")
    ink = re.search(r"--ink: (#[0-9a-f]{6})", css).group(1)
    slots = re.findall(r"\.m(\d) \{ --bg: (#[0-9a-f]{6}); --line: (#[0-9a-f]{6}); --style: (\w+); \}", css)
    assert [int(s[0]) for s in slots] == list(range(8))
    for _, background, line, _style in slots:
        assert _contrast(ink, background) >= 7      # text on its highlight (WCAG AAA)
        assert _contrast("#ffffff", line) >= 4.5    # white tag text on the mode's colour (WCAG AA)
    assert len({s[1] for s in slots}) == 8
    # next to each other in the legend, two modes never share an underline style
    styles = [s[3] for s in slots]
    assert all(a != b for a, b in zip(styles, styles[1:]))


def test_every_highlight_is_followed_by_a_text_tag_naming_its_mode(sample_html):
    html, data = sample_html
    for parsed, expected in zip(parse(html).bullets, data["bullets"]):
        ends = {(f["span"]["end"], f["failure_mode"]) for f in expected["findings"]
                if f["span"]["end"] > f["span"]["start"]}
        assert set(parsed["tags"]) == ends
        assert len(parsed["tags"]) == len(ends)  # one tag per mode and place, however many rules agree
