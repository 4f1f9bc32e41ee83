"""The HTML report in a real browser (issue 11): Debian's chromium, driven by playwright's Python package.

The system's chromium is used as it is (`executable_path`); no browser is ever downloaded (`playwright install`
is never run). `.ci/run` installs the `chromium` package with apt when /usr/bin/chromium is missing; without a
chromium binary these tests are skipped, saying why. One browser serves the whole module.

Each page is opened with every request intercepted (only the report file itself may load) and every console
message, page error and dialog recorded. `CRITIC_UPDATE_SCREENSHOT=1` rewrites docs/report.png, the screenshot
the README shows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, run_critic
from .test_html_report import HOSTILE, HOSTILE_PATH, hostile_report

SAMPLE = FIXTURES / "sample-dossier.md"
SCREENSHOT = ROOT / "docs" / "report.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTH = 1000


def find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium binary (/usr/bin/chromium): install Debian's package with "
                    "`apt-get install -y chromium` (.ci/run does this) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # console errors and warnings, page errors, dialogs


def open_file(browser, path: Path, height: int = 800) -> Opened:
    """Open a local file with every request intercepted: the file itself loads, everything else is refused."""
    context = browser.new_context(viewport={"width": WIDTH, "height": height})
    page = context.new_page()
    opened = Opened(page=page)
    url = path.resolve().as_uri()

    def route(request_route):
        opened.requests.append(request_route.request.url)
        if request_route.request.url == url:
            request_route.continue_()
        else:
            request_route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: opened.problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: opened.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (opened.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url, wait_until="load")
    return opened


# Reads each bullet back from the rendered DOM: its text without the mode tags, and every highlighted piece with
# its offset in that text, the findings and modes it carries and how the browser actually styled it.
READ_BULLETS = """() => [...document.querySelectorAll('article.bullet')].map(article => {
  const paragraph = article.querySelector('.bullet-text');
  const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
  let text = '', marks = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.tag')) continue;
    const mark = node.parentElement.closest('mark');
    if (mark) {
      const style = getComputedStyle(mark);
      marks.push({start: text.length, text: node.data, ids: mark.dataset.findings.split(' '),
                  modes: mark.dataset.modes.split(' '), cls: mark.className, background: style.backgroundColor,
                  underline: style.textDecorationLine, underlineStyle: style.textDecorationStyle});
    }
    text += node.data;
  }
  const tags = [...paragraph.querySelectorAll('.tag')].map(t => ({mode: t.title, width: t.offsetWidth,
                                                                 label: t.innerText}));
  return {line: +article.dataset.line, text, marks, tags,
          rows: [...article.querySelectorAll('li[data-finding]')].map(li => [+li.dataset.finding, li.dataset.mode])};
})"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    report = folder / "report.html"
    sample_path = str(SAMPLE.relative_to(ROOT))  # as a user types it (the screenshot shows it)
    proc = run_critic("review", sample_path, "--format", "html", "-o", str(report), cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(run_critic("review", sample_path, "--format", "json", cwd=ROOT).stdout)["files"][0]
    return report, data


def test_sample_report_renders_its_findings_and_loads_nothing(browser, sample):
    report, data = sample
    opened = open_file(browser, report)
    assert opened.requests == [report.resolve().as_uri()]
    assert opened.problems == []
    bullets = opened.page.evaluate(READ_BULLETS)
    assert [(b["line"], b["text"]) for b in bullets] == [(b["line"], b["text"]) for b in data["bullets"]]
    styles_by_class: dict[str, set] = {}
    checked = 0
    for rendered, expected in zip(bullets, data["bullets"]):
        assert sorted(rendered["rows"]) == [[k, f["failure_mode"]] for k, f in enumerate(expected["findings"])]
        for k, finding in enumerate(expected["findings"]):
            pieces = [m for m in rendered["marks"] if str(k) in m["ids"]]
            span = finding["span"]
            if span["end"] == span["start"]:
                assert pieces == []
                continue
            # the marked pieces of finding k are exactly its words, where they sit, under its failure mode
            assert "".join(p["text"] for p in pieces) == span["text"]
            assert pieces[0]["start"] == span["start"]
            assert all(finding["failure_mode"] in p["modes"] for p in pieces)
            checked += 1
        for mark in rendered["marks"]:
            assert mark["background"] not in ("rgba(0, 0, 0, 0)", "transparent") and mark["underline"] == "underline"
            styles_by_class.setdefault(mark["cls"], set()).add((mark["background"], mark["underlineStyle"]))
        ends = {(f["span"]["end"], f["failure_mode"]) for f in expected["findings"]
                if f["span"]["end"] > f["span"]["start"]}
        assert sorted(t["mode"] for t in rendered["tags"]) == sorted(mode for _, mode in ends)
        assert all(t["width"] > 0 and t["label"].strip() for t in rendered["tags"])  # tags are visible text
    assert checked >= 15
    # one look per failure mode, and no two modes look alike
    assert all(len(looks) == 1 for looks in styles_by_class.values())
    looks = [next(iter(v)) for v in styles_by_class.values()]
    assert len(styles_by_class) >= 6 and len(set(looks)) == len(looks)


def test_screenshot_is_produced_and_shows_the_report(browser, sample, tmp_path):
    report, _ = sample
    opened = open_file(browser, report)
    shot = opened.page.screenshot(full_page=True)
    width, height = png_size(shot)
    assert width == WIDTH and height > 3000  # twelve bullets, the summary and the checklist
    blank = browser.new_page(viewport={"width": WIDTH, "height": height})
    empty = blank.screenshot(full_page=True)
    blank.close()
    assert png_size(empty) == (width, height)
    assert len(shot) > 20 * len(empty)  # a same-sized blank page compresses to almost nothing
    if os.environ.get("CRITIC_UPDATE_SCREENSHOT"):
        # the README's picture: the top of the report (verdict, legend, summary, the first bullets)
        SCREENSHOT.write_bytes(opened.page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": 1750}))
    assert png_size(SCREENSHOT.read_bytes()) == (WIDTH, 1750)
    assert "docs/report.png" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_hostile_text_stays_text_in_the_browser(browser, rubric, tmp_path):
    report = tmp_path / "hostile.html"
    report.write_text(hostile_report(rubric), encoding="utf-8")
    opened = open_file(browser, report)
    assert opened.requests == [report.resolve().as_uri()]
    assert opened.problems == []  # no alert() ran, no image tried to load
    page = opened.page
    assert page.evaluate("document.querySelectorAll('script, img, b').length") == 0
    assert page.evaluate(READ_BULLETS)[0]["text"] == HOSTILE
    assert page.evaluate("document.querySelector('.file-head h2').textContent") == HOSTILE_PATH


def test_the_report_prints(browser, tmp_path):
    (tmp_path / "a.md").write_text("- Eliminated all PII leakage from the summaries feature.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("- Helped with the rollout of the new content filter.\n", encoding="utf-8")
    report = tmp_path / "report.html"
    assert run_critic("review", "a.md", "b.md", "-f", "html", "-o", str(report), cwd=tmp_path).returncode == 1
    opened = open_file(browser, report)
    page = opened.page
    page.emulate_media(media="print")
    printed = page.evaluate("""() => ({
      bullet: getComputedStyle(document.querySelector('article.bullet')).breakInside,
      adjust: getComputedStyle(document.querySelector('mark.hl')).printColorAdjust,
      background: getComputedStyle(document.querySelector('mark.hl')).backgroundColor,
      index: getComputedStyle(document.querySelector('nav.files')).display,
      second: getComputedStyle(document.querySelectorAll('section.file')[1]).breakBefore,
    })""")
    assert printed == {"bullet": "avoid", "adjust": "exact", "background": printed["background"], "index": "none",
                       "second": "page"}
    assert printed["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert int(re.search(rb"/Count (\d+)", pdf).group(1)) >= 2  # the second file starts a page
    assert opened.problems == []


def test_the_checks_would_catch_a_request_and_a_console_error(browser, tmp_path):
    """The interception and the console recording are not vacuous: a page that breaks both rules is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"https://example.com/x.css\">"
                   "</head><body><script>console.error('boom')</script></body></html>", encoding="utf-8")
    opened = open_file(browser, bad)
    assert "https://example.com/x.css" in opened.requests
    assert any("boom" in p for p in opened.problems)
