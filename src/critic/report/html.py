"""`--format html`: one self-contained page to read, share and print.

The page shows each dossier as it was written (headings, paragraphs and bullets in order), every bullet with a
score badge, its dimension bars and the words that triggered each finding highlighted by failure mode; then the
dossier's findings, its checklist and a summary by failure mode; and, once for the whole report, how to fix each
rule that fired. It has no JavaScript and loads nothing: the CSS (html.css) is inlined, and a
Content-Security-Policy forbids every other resource, so the file can be mailed, opened offline and printed.
Everything that comes from a document, a file name or a rubric is escaped.

Highlights: a finding covers `text[start:end]` of its bullet. Findings overlap, so the text is cut at every
boundary and each piece is one `<mark>` listing the findings that cover it (`data-findings`, indices into the
bullet's active findings): the marks of finding k read back exactly its words. A tag after each finding's words
names its failure mode, and each mode has its own underline style, so colour is never the only cue.
"""

from __future__ import annotations

from html import escape
from importlib import resources

from ..models import BulletResult, DocumentResult, Finding

PALETTE_SIZE = 8  # .m0 ... .m7 in html.css


def render(results: list[DocumentResult], context) -> str:
    modes = _Modes(results, getattr(context, "rubric", None))
    title = "critic report" + (f": {results[0].path}" if len(results) == 1 else f" ({len(results)} files)")
    parts = [_head(title), "<body>", _report_header(results, context), _legend(modes)]
    if len(results) > 1:
        parts.append(_file_index(results))
    for number, result in enumerate(results, start=1):
        parts.append(_file_section(result, number, modes, context))
    parts.append(_fixes(results, modes, getattr(context, "rubric", None)))
    parts.append(_footer(results))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


# --- page frame ------------------------------------------------------------------------------------------------

def _head(title: str) -> str:
    css = resources.files(__package__).joinpath("html.css").read_text(encoding="utf-8")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            # nothing but the inline style may load or run: no scripts, fonts, images or requests
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "base-uri 'none'; form-action 'none'\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"critic\">\n"
            f"<title>{escape(title)}</title>\n<style>\n{css}</style>\n</head>")


def _report_header(results: list[DocumentResult], context) -> str:
    passed = getattr(context, "passed", True)
    reasons = []
    fail_on = getattr(context, "fail_on", None)
    if fail_on is not None:
        reasons.append(f"fail on {fail_on.value}")
    if getattr(context, "fail_under", None) is not None:
        reasons.append(f"fail under {context.fail_under}")
    baseline = getattr(context, "extra", {}).get("baseline")
    if baseline:
        known = sum(1 for r in results for f in r.active_findings if f.known)
        reasons.append(f"{known} known in baseline {baseline} ignored")
    verdict = "passed" if passed else "failed"
    why = f" <span class=\"muted\">({escape(', '.join(reasons))})</span>" if reasons else ""
    files = "one dossier" if len(results) == 1 else f"{len(results)} dossiers"
    return (f"<header class=\"report\">\n<h1>critic report</h1>\n<p>{files} reviewed: "
            f"<span class=\"verdict {verdict}\">{verdict}</span>{why}</p>\n</header>")


def _file_index(results: list[DocumentResult]) -> str:
    items = "".join(f"<li><a href=\"#file-{n}\">{escape(r.path)}</a> {_badge(r.score)}</li>"
                    for n, r in enumerate(results, start=1))
    return f"<nav class=\"files\" aria-label=\"Files\">\n<h2>Files</h2>\n<ol>{items}</ol>\n</nav>"


def _footer(results: list[DocumentResult]) -> str:
    from .. import __version__

    rubrics = sorted({r.rubric for r in results if r.rubric})
    rubric = f" with rubric {escape(', '.join(rubrics))}" if rubrics else ""
    return f"<footer>Made by critic {escape(__version__)}{rubric}. Scores are out of 100.</footer>"


# --- failure modes: palette slot, tag and legend ---------------------------------------------------------------

class _Modes:
    """Each failure mode gets a palette slot and a short tag (its initials: tech-only-metric -> TOM)."""

    def __init__(self, results: list[DocumentResult], rubric):
        declared = list(getattr(rubric, "failure_modes", {}) or {})
        seen = [f.failure_mode for r in results for f in r.active_findings if f.failure_mode]
        self.order = declared + sorted(set(seen) - set(declared))
        self.present = [m for m in self.order if m in set(seen)]
        self.descriptions = dict(getattr(rubric, "failure_modes", {}) or {})
        self.tags: dict[str, str] = {}
        for mode in self.order:
            tag = "".join(word[:1] for word in mode.split("-")).upper() or "?"
            base, n = tag, 2
            while tag in self.tags.values():
                tag, n = f"{base}{n}", n + 1
            self.tags[mode] = tag

    def css_class(self, mode: str) -> str:
        index = self.order.index(mode) if mode in self.order else len(self.order)
        return f"m{index % PALETTE_SIZE}"

    def tag(self, mode: str) -> str:
        return (f"<span class=\"tag {self.css_class(mode)}\" title=\"{escape(mode)}\">"
                f"<span aria-hidden=\"true\">{escape(self.tags.get(mode, '?'))}</span>"
                f"<span class=\"sr\"> {escape(mode)}</span></span>")


def _legend(modes: _Modes) -> str:
    if not modes.present:
        return "<section class=\"legend\" aria-labelledby=\"legend\">\n<h2 id=\"legend\">Legend</h2>\n" \
               "<p>No findings, so nothing is highlighted.</p>\n</section>"
    items = "".join(f"<li><mark class=\"hl {modes.css_class(mode)}\">words</mark>{modes.tag(mode)} "
                    f"<code>{escape(mode)}</code></li>" for mode in modes.present)
    return ("<section class=\"legend\" aria-labelledby=\"legend\">\n<h2 id=\"legend\">Legend</h2>\n"
            "<p class=\"muted\">The words that triggered a finding are highlighted, and the tag after them names "
            "its failure mode; each mode has its own colour and underline. The summary under each file says what "
            "the modes mean.</p>\n"
            f"<ul class=\"legend-list\">{items}</ul>\n</section>")


# --- one file --------------------------------------------------------------------------------------------------

def _unit(result: DocumentResult) -> str:
    """Word files have no lines: their locations are paragraph numbers (see docx_reader.py)."""
    return "paragraph" if result.path.lower().endswith(".docx") else "line"


def _band(score: int | None) -> str:
    if score is None:
        return "band-none"
    return "band-good" if score >= 70 else "band-mid" if score >= 45 else "band-low"


def _badge(score: int | None, big: bool = False) -> str:
    size = " big" if big else ""
    if score is None:
        return f"<span class=\"badge band-none{size}\">no score</span>"
    return f"<span class=\"badge {_band(score)}{size}\">{score}<small>/100</small></span>"


def _file_section(result: DocumentResult, number: int, modes: _Modes, context) -> str:
    summary = result.summary()
    sev = summary["by_severity"]
    facts = [f"{summary['bullets']} bullets", f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info"]
    if summary["suppressed"]:
        facts.append(f"{summary['suppressed']} suppressed")
    if result.checklist:
        facts.append(f"checklist {summary['checklist_present']} of {summary['checklist_total']}")
    head = (f"<div class=\"file-head\"><h2 id=\"file-{number}-title\">{escape(result.path)}</h2>"
            f"<span>score {_badge(result.score, big=True)}</span>"
            f"<span class=\"muted\">{escape(' · '.join(facts))}</span></div>")
    parts = [f"<section class=\"file\" id=\"file-{number}\" aria-labelledby=\"file-{number}-title\">", head]
    if not result.bullets:
        parts.append("<p>No bullets found: nothing to score.</p>")
    else:
        parts.append(_document_findings(result, modes))
        parts.append(_summary_table(result, modes))
        parts.append("<h3>The dossier</h3>")
        parts.append(_dossier(result, number, modes, context))
        if not getattr(context, "quiet", False):
            parts.append(_checklist(result))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _dossier(result: DocumentResult, number: int, modes: _Modes, context) -> str:
    """Headings, paragraphs and bullets in document order."""
    quiet = getattr(context, "quiet", False)
    items: list[tuple[int, int, str]] = []
    if not quiet:
        for block in result.blocks:
            if block.heading:
                level = min(block.heading + 3, 6)
                items.append((block.line, 0, f"<h{level} class=\"doc-h doc-h{min(block.heading, 3)}\">"
                                             f"{escape(block.text)}</h{level}>"))
            else:
                items.append((block.line, 0, f"<p class=\"doc-p\">{escape(block.text)}</p>"))
    for index, bullet in enumerate(result.bullets, start=1):
        if quiet and not any(not f.known for f in bullet.active_findings):
            continue
        items.append((bullet.bullet.line, 1, _bullet(bullet, f"file-{number}-b{index}", _unit(result), modes)))
    items.sort(key=lambda item: (item[0], item[1]))
    return "<div class=\"dossier\">\n" + "\n".join(html for _, _, html in items) + "\n</div>"


def _bullet(bullet: BulletResult, anchor: str, unit: str, modes: _Modes) -> str:
    b = bullet.bullet
    findings = bullet.active_findings
    depth = f" depth-{min(b.depth, 4)}" if b.depth else ""
    head = (f"<div class=\"bullet-head\">{_badge(bullet.score)}<span>{unit} {b.line}</span>"
            f"<span>{len(findings)} finding{'s' if len(findings) != 1 else ''}</span></div>")
    text = f"<p class=\"bullet-text\">{highlight(b.text, findings, modes)}</p>"
    rows = [_finding_row(k, f, modes) for k, f in _by_severity(findings)]
    listing = f"<ul class=\"findings\">{''.join(rows)}</ul>" if rows else ""
    notes = []
    suppressed = [f for f in bullet.findings if f.suppressed]
    if suppressed:
        notes.append("suppressed: " + "; ".join(
            f"{escape(f.rule)}" + (f" ({escape(f.suppression_reason)})" if f.suppression_reason else "")
            for f in suppressed))
    if bullet.signals:
        notes.append("strengths: " + ", ".join(
            f"{escape(s.rule)} +{s.points} {escape(s.dimension)}" for s in bullet.signals))
    note_list = f"<ul class=\"notes\">{''.join(f'<li>{n}</li>' for n in notes)}</ul>" if notes else ""
    return (f"<article class=\"bullet {_band(bullet.score)}{depth}\" id=\"{anchor}\" data-line=\"{b.line}\" "
            f"data-score=\"{bullet.score}\">\n<div class=\"bullet-main\">{head}{text}{listing}{note_list}</div>\n"
            f"{_dimension_bars(bullet.dimensions)}\n</article>")


def _by_severity(findings: tuple[Finding, ...]) -> list[tuple[int, Finding]]:
    """Findings with their index in the bullet's active findings, the most severe first."""
    return sorted(enumerate(findings), key=lambda item: -item[1].severity.rank)


def _finding_row(index: int, f: Finding, modes: _Modes, whole: str = "whole bullet") -> str:
    where = f"“{escape(f.match)}”" if f.end > f.start else whole
    known = " <span class=\"muted\">(known, in the baseline)</span>" if f.known else ""
    return (f"<li data-finding=\"{index}\" data-mode=\"{escape(f.failure_mode)}\">"
            f"<span class=\"sev sev-{f.severity.value}\">{f.severity.value}</span>{modes.tag(f.failure_mode)} "
            f"{escape(f.message)} <span class=\"muted\">{where}</span>{known} "
            f"<a class=\"rule\" href=\"#fix-{escape(f.rule)}\">{escape(f.rule)}</a></li>")


def highlight(text: str, findings: tuple[Finding, ...], modes: _Modes) -> str:
    """The bullet text, escaped, with each finding's words marked and tagged (see the module docstring)."""
    spans = [(k, f) for k, f in enumerate(findings) if 0 <= f.start < f.end <= len(text)]
    cuts = sorted({0, len(text)} | {f.start for _, f in spans} | {f.end for _, f in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(k, f) for k, f in spans if f.start <= a and b <= f.end]
        piece = escape(text[a:b])
        if covering:
            # the most severe finding colours the piece; data-modes and the tags name every mode
            lead = max(covering, key=lambda item: item[1].severity.rank)[1]
            names = list(dict.fromkeys(f.failure_mode for _, f in covering))
            ids = " ".join(str(k) for k, _ in covering)
            out.append(f"<mark class=\"hl {modes.css_class(lead.failure_mode)}\" data-findings=\"{ids}\" "
                       f"data-modes=\"{escape(' '.join(names))}\" title=\"{escape(', '.join(names))}\">"
                       f"{piece}</mark>")
        else:
            out.append(piece)
        ending = list(dict.fromkeys(f.failure_mode for _, f in spans if f.end == b))
        out.extend(modes.tag(mode) for mode in ending)
    return "".join(out)


def _dimension_bars(dimensions: dict[str, int]) -> str:
    rows = []
    for name, value in dimensions.items():
        width = max(0, min(100, value))
        rows.append(f"<div><dt>{escape(name)}</dt><dd><span class=\"bar\"><span class=\"fill {_band(value)}\" "
                    f"style=\"width:{width}%\"></span></span></dd><dd class=\"dim-num\">{value}</dd></div>")
    return f"<dl class=\"dims\" aria-label=\"dimension scores out of 100\">{''.join(rows)}</dl>"


def _document_findings(result: DocumentResult, modes: _Modes) -> str:
    active = [(k, f) for k, f in enumerate(result.document_findings) if not f.suppressed]
    if not active:
        return ""
    rows = "".join(_finding_row(k, f, modes, whole="whole dossier") for k, f in active)
    return (f"<div class=\"dossier-findings\"><h3>About the dossier as a whole</h3>"
            f"<ul class=\"findings\">{rows}</ul></div>")


def _summary_table(result: DocumentResult, modes: _Modes) -> str:
    counts: dict[str, list[int]] = {}
    for index, bullet in enumerate(result.bullets):
        for f in bullet.active_findings:
            entry = counts.setdefault(f.failure_mode, [0, 0, 0])
            entry[0] += 1
            entry[2] = max(entry[2], f.severity.rank)
        for mode in {f.failure_mode for f in bullet.active_findings}:
            counts[mode][1] += 1
    for f in result.document_findings:
        if not f.suppressed:
            entry = counts.setdefault(f.failure_mode, [0, 0, 0])
            entry[0] += 1
            entry[2] = max(entry[2], f.severity.rank)
    if not counts:
        return "<h3>Summary by failure mode</h3>\n<p>No findings.</p>"
    severity_name = {3: "error", 2: "warning", 1: "info"}
    ordered = sorted(counts, key=lambda m: (modes.order.index(m) if m in modes.order else len(modes.order), m))
    rows = "".join(
        f"<tr data-mode=\"{escape(mode)}\"><td>{modes.tag(mode)} <code>{escape(mode)}</code></td>"
        f"<td>{escape(modes.descriptions.get(mode, ''))}</td><td class=\"num\">{counts[mode][0]}</td><td class=\"num\">{counts[mode][1]}</td>"
        f"<td><span class=\"sev sev-{severity_name[counts[mode][2]]}\">{severity_name[counts[mode][2]]}</span></td>"
        f"</tr>" for mode in ordered)
    return ("<h3>Summary by failure mode</h3>\n<table class=\"summary\"><thead><tr><th>failure mode</th>"
            "<th>what it means</th><th class=\"num\">findings</th><th class=\"num\">bullets</th><th>worst</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _checklist(result: DocumentResult) -> str:
    if not result.checklist:
        return ""
    unit = _unit(result)
    items = []
    for item in result.checklist:
        if item.present:
            where = f"{unit}{'s' if len(item.lines) > 1 else ''} " + ", ".join(str(n) for n in item.lines)
            items.append(f"<li class=\"present\"><span class=\"mark-yes\" aria-hidden=\"true\">✓</span> "
                         f"<span class=\"sr\">shown:</span> {escape(item.title)} "
                         f"<span class=\"muted\">({where})</span></li>")
        else:
            items.append(f"<li class=\"missing\"><span class=\"mark-no\" aria-hidden=\"true\">✗</span> "
                         f"<span class=\"sr\">missing:</span> {escape(item.title)} "
                         f"<span class=\"muted\">— {escape(item.hint)}</span></li>")
    present = sum(1 for item in result.checklist if item.present)
    return (f"<h3>Dossier checklist: {present} of {len(result.checklist)} shown</h3>\n"
            f"<ul class=\"checklist\">{''.join(items)}</ul>")


# --- how to fix, once per rule ---------------------------------------------------------------------------------

def _fixes(results: list[DocumentResult], modes: _Modes, rubric) -> str:
    first: dict[str, Finding] = {}
    for result in results:
        for f in result.active_findings:
            first.setdefault(f.rule, f)
    if not first:
        return ""
    entries = []
    by_mode = sorted(first.items(), key=lambda item: modes.order.index(item[1].failure_mode)
                     if item[1].failure_mode in modes.order else len(modes.order))
    for rule_id, f in by_mode:
        rule = rubric.rule(rule_id) if rubric is not None else None
        why = f"<dd><span class=\"muted\">Why:</span> {escape(rule.rationale)}</dd>" \
            if rule is not None and rule.rationale else ""
        entries.append(f"<dt id=\"fix-{escape(rule_id)}\">{modes.tag(f.failure_mode)} <code>{escape(rule_id)}"
                       f"</code> — {escape(f.message)}</dt><dd><strong>Fix:</strong> {escape(f.fix)}</dd>{why}")
    return ("<section class=\"fixes\" aria-labelledby=\"fixes\">\n<h2 id=\"fixes\">How to fix</h2>\n"
            f"<dl class=\"fixes\">{''.join(entries)}</dl>\n</section>")
