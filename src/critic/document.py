"""Documents in, bullets out.

Markdown goes through markdown-it-py (CommonMark, plus front matter) so that code blocks, front matter, HTML
comments and link URLs are never read as prose, and every bullet keeps its source line and column. Plain text is
one bullet a line. Inline `critic-disable…` comments become suppressions attached to the bullets they cover.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .inputs import STDIN_NAME, read_bytes
from .models import Block, Bullet, ParsedDocument, ReadWarning, Segment, Suppression
from .text import line_number, normalize, split_lines, squash

MAX_BYTES_DEFAULT = 32 * 1024 * 1024

# `<!-- critic-disable-next rule-a, rule-b: why -->`, `<!-- critic-disable -->`, `<!-- critic-enable rule-a -->`.
# Comments are found with str.find and the head of each is matched anchored, so reading directives is linear in
# the text however many unclosed `<!--` it holds (a regex over the whole text backtracks to every later `-->`).
_DIRECTIVE_HEAD = re.compile(r"\s*critic-(disable-next|disable|enable)\b")
_TARGET_SEPARATORS = re.compile(r"[\s,]+")


def _comments(text: str):
    """(start, end) of each complete `<!-- ... -->` in the text, left to right, never overlapping."""
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            return
        close = text.find("-->", start + 4)
        if close < 0:  # unclosed: no later comment can be closed either
            return
        yield start, close + 3
        pos = close + 3


def _directive(text: str, start: int, end: int) -> tuple[str, tuple[str, ...], str] | None:
    """(verb, targets, reason) of the comment text[start:end], or None if it is not a critic directive."""
    head = _DIRECTIVE_HEAD.match(text, start + 4, end - 3)
    if head is None:
        return None
    targets, _colon, reason = text[head.end():end - 3].partition(":")
    if ">" in targets:  # `<!-- critic-disable a > b -->` is not a directive
        return None
    return head.group(1), tuple(t for t in _TARGET_SEPARATORS.split(targets.strip()) if t), reason.strip()


def directives(text: str, line: int = 1):
    """(verb, Suppression) for each critic directive comment in the text; `line` is the text's first line."""
    counted, line_of = 0, line
    for start, end in _comments(text):
        found = _directive(text, start, end)
        if found is None:
            continue
        line_of += text.count("\n", counted, start)
        counted = start
        verb, targets, reason = found
        yield verb, Suppression(targets=targets, reason=reason, line=line_of)


def only_directives(line: str) -> bool:
    """True when the line holds directive comments and nothing else but whitespace."""
    found, pos = False, 0
    for start, end in _comments(line):
        if line[pos:start].strip() or _directive(line, start, end) is None:
            return False
        found, pos = True, end
    return found and not line[pos:].strip()


# Markup that must not be read as words. Each is replaced by spaces of the same length, so offsets hold.
_MASKS = [
    re.compile(r"\]\((?:<[^<>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"),  # ](url "t")
    re.compile(r"\]\[[^\]]*\]"),                                 # reference links ][label]
    re.compile(r"<(?:https?|mailto|ftp):[^<>\s]*>"),             # autolinks
    re.compile(r"\b(?:https?://|www\.)[^\s<>()]+"),              # bare URLs
    re.compile(r"</?[A-Za-z][^<>]*>"),                           # inline HTML tags
    re.compile(r"!?\[|[*`]|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])|\\(?=[!-/:-@\[-`{-~])"),  # emphasis, code, escapes
]

_TXT_MARKER = re.compile(r"^\s*(?:[-*+\u2022\u2023\u25e6\u25aa\u2013]|\(?\d{1,3}[.)])\s+")


def _mask(line: str) -> str:
    line = _blank_comments(line)  # inline HTML comments
    for pattern in _MASKS:
        line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line


def _blank_comments(line: str) -> str:
    parts, pos = [], 0
    for start, end in _comments(line):
        parts += [line[pos:start], " " * (end - start)]
        pos = end
    parts.append(line[pos:])
    return "".join(parts)


# Every bullet carries the open `disable` regions, so their number is bounded: without a bound, a document that
# opens a new region before each bullet would cost memory quadratic in its length.
MAX_OPEN_REGIONS = 64


@dataclass
class Suppressions:
    """Tracks `disable-next` (for the next bullet) and `disable`/`enable` regions while reading in order."""

    path: str = "<text>"
    pending_next: list[Suppression] = field(default_factory=list)
    regions: list[Suppression] = field(default_factory=list)

    def apply(self, verb: str, sup: Suppression) -> None:
        if verb == "disable-next":
            self.pending_next.append(sup)
        elif verb == "disable":
            # a region for the same targets replaces the open one (its reason is the newest)
            self.regions = [r for r in self.regions if set(r.targets) != set(sup.targets)] + [sup]
            if len(self.regions) > MAX_OPEN_REGIONS:
                raise InputError(f"{self.path}:{sup.line}: more than {MAX_OPEN_REGIONS} critic-disable regions are "
                                 f"open at once; close them with <!-- critic-enable -->")
        elif not sup.targets:  # enable everything
            self.regions.clear()
        else:
            self.regions = [r for r in self.regions if not set(r.targets) & set(sup.targets) and r.targets]

    def scan(self, text: str, line: int) -> None:
        for verb, suppression in directives(text, line):
            self.apply(verb, suppression)

    def take(self) -> tuple[Suppression, ...]:
        taken = tuple(self.regions) + tuple(self.pending_next)
        self.pending_next.clear()
        return taken


class _BulletBuilder:
    """Collects the paragraph lines of one list item (not its nested lists) into a Bullet."""

    def __init__(self, line: int, depth: int):
        self.line, self.depth = line, depth
        self.raw_parts: list[str] = []
        self.segments: list[Segment] = []
        self.offset = 0
        self.suppressions: tuple[Suppression, ...] = ()
        self.inline_suppressions: list[Suppression] = []

    def add_line(self, line_no: int, column: int, content: str) -> None:
        if self.raw_parts:
            self.raw_parts.append(" ")
            self.offset += 1
        masked = _mask(normalize(content))
        self.segments.append(Segment(offset=self.offset, line=line_no, column=column, length=len(masked)))
        self.raw_parts.append(masked)
        self.offset += len(masked)

    def build(self) -> Bullet | None:
        raw = "".join(self.raw_parts)
        text = squash(raw)
        if not text:
            return None
        segments = _segments_for_squashed(raw, self.segments)
        first = segments[0]
        return Bullet(text=text, line=first.line, column=first.column, segments=segments, depth=self.depth,
                      suppressions=self.suppressions + tuple(self.inline_suppressions))


def _segments_for_squashed(raw: str, segments: list[Segment]) -> tuple[Segment, ...]:
    """Re-express segments over the squashed text (runs of spaces collapsed, ends trimmed).

    A new segment starts at every source line and after every collapsed run, so that any offset in the squashed
    text maps back exactly to a source column.
    """
    out: list[Segment] = []
    seg_index = 0
    pos = 0
    squashed_len = 0
    n = len(raw)
    while pos < n and raw[pos].isspace():
        pos += 1
    while pos < n:
        # advance to the segment holding pos
        while seg_index + 1 < len(segments) and segments[seg_index + 1].offset <= pos:
            seg_index += 1
        seg = segments[seg_index]
        seg_end = seg.offset + seg.length
        run_end = pos
        while run_end < n and run_end < seg_end and not raw[run_end].isspace():
            run_end += 1
        if run_end == pos:  # whitespace inside a segment boundary; skip it
            pos += 1
            continue
        out.append(Segment(offset=squashed_len, line=seg.line, column=seg.column + (pos - seg.offset),
                           length=run_end - pos))
        squashed_len += run_end - pos
        pos = run_end
        while pos < n and raw[pos].isspace():
            pos += 1
        if pos < n:
            squashed_len += 1  # the single space that replaced the run
    return tuple(_merge_adjacent(out))


def _merge_adjacent(segments: list[Segment]) -> list[Segment]:
    """Words separated by one space on the same line form one segment; keeps the table short."""
    merged: list[Segment] = []
    for seg in segments:
        last = merged[-1] if merged else None
        if (last and last.line == seg.line and seg.offset == last.offset + last.length + 1
                and seg.column == last.column + last.length + 1):
            merged[-1] = Segment(last.offset, last.line, last.column, last.length + 1 + seg.length)
        else:
            merged.append(seg)
    return merged


def _content_column(source_line: str, content_line: str) -> int:
    """1-based column where a paragraph line's content starts in the source line."""
    stripped = source_line.rstrip()
    content = content_line.rstrip()
    start = len(stripped) - len(content)
    if start >= 0 and stripped[start:] == content:
        return start + 1
    found = source_line.find(content_line.strip())
    return (found if found >= 0 else 0) + 1


# markdown-it stops reading blocks nested deeper than its `maxNesting` levels of markup (a list level counts two,
# the list and its item; a block quote one) and silently drops what is inside. Its default of 20 left bullets below
# the ninth list level unread. At 128 it reads 63 list levels and 127 block-quote levels, at about two Python
# frames a level: far inside the recursion limit. Deeper content is reported (see _skipped_nesting). Inline
# parsing keeps the default limit: its cost for every `[` grows with the limit, and nothing is dropped there.
BLOCK_NESTING = 128
INLINE_NESTING = 20
MAX_LIST_LEVELS = BLOCK_NESTING // 2 - 1


def _markdown_parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": BLOCK_NESTING}).use(front_matter_plugin)
    inline_parser = MarkdownIt("commonmark", {"maxNesting": INLINE_NESTING})

    def inline(state) -> None:  # markdown-it's core "inline" rule, run with the inline parser's limit
        for token in state.tokens:
            # Bullets are read from the raw source; inline parsing only finds `<!-- critic-... -->` comments, so
            # it runs only where one can be (it was half the parsing time and most of the memory on big files).
            if token.type == "inline" and "critic-" in token.content:
                if token.children is None:
                    token.children = []
                inline_parser.inline.parse(token.content, inline_parser, state.env, token.children)

    parser.core.ruler.at("inline", inline)
    return parser


def _skipped_nesting(tokens) -> tuple[ReadWarning, ...]:
    """A warning when markdown-it skipped content nested beyond BLOCK_NESTING (it says nothing itself)."""
    for token in tokens:
        if token.nesting == 1 and token.level >= BLOCK_NESTING - 1 and token.map:
            return (ReadWarning(token.map[0] + 1, f"lists or block quotes nested too deeply (past {BLOCK_NESTING} "
                                                  f"levels of markup, {MAX_LIST_LEVELS} list levels); the text "
                                                  f"nested here was not reviewed"),)
    return ()


_PARSER = None


def parse_markdown(source: str, path: str = "<text>") -> ParsedDocument:
    global _PARSER
    if _PARSER is None:
        _PARSER = _markdown_parser()
    try:
        tokens = _PARSER.parse(source)
    except RecursionError:  # not expected within BLOCK_NESTING; a clear error rather than an internal one
        raise InputError(f"{path}: nested too deeply to be read as Markdown") from None
    lines = split_lines(source)  # as markdown-it counts lines: \n, \r\n or \r, never U+2028
    suppressions = Suppressions(path)
    bullets: list[Bullet] = []
    blocks: list[Block] = []
    stack: list[_BulletBuilder] = []
    item_levels: list[int] = []
    para_level = -1
    heading = 0

    for token in tokens:
        kind = token.type
        if kind == "list_item_open":
            builder = _BulletBuilder(line=token.map[0] + 1, depth=len(stack))
            stack.append(builder)
            item_levels.append(token.level)
        elif kind == "list_item_close":
            builder = stack.pop()
            item_levels.pop()
            bullet = builder.build()
            if bullet is not None:
                bullets.append(bullet)
        elif kind == "html_block":
            suppressions.scan(token.content, token.map[0] + 1)
        elif kind in ("paragraph_open", "heading_open"):
            para_level = token.level
            heading = int(token.tag[1:]) if kind == "heading_open" else 0
        elif kind == "inline":
            in_item = stack and para_level == item_levels[-1] + 1
            if in_item:
                builder = stack[-1]
                first = not builder.raw_parts
                if first:
                    builder.suppressions = suppressions.take()
                for child in token.children or ():
                    if child.type == "html_inline":
                        builder.inline_suppressions += [sup for _verb, sup in directives(child.content,
                                                                                          builder.line)]
                for i, content_line in enumerate(token.content.split("\n")):
                    line_no = token.map[0] + i
                    source_line = lines[line_no] if line_no < len(lines) else content_line
                    builder.add_line(line_no + 1, _content_column(source_line, content_line), content_line)
            elif token.content.strip():
                blocks.append(Block(text=squash(_mask(normalize(token.content))), line=token.map[0] + 1,
                                    heading=heading))
    bullets.sort(key=lambda b: (b.line, b.column))
    return ParsedDocument(path=path, bullets=tuple(bullets), blocks=tuple(blocks),
                          warnings=_skipped_nesting(tokens))


def parse_plain(source: str, path: str = "<text>") -> ParsedDocument:
    """One bullet a line; list markers are optional; `<!-- critic-… -->` lines work as in Markdown."""
    suppressions = Suppressions(path)
    bullets: list[Bullet] = []
    for index, line in enumerate(split_lines(source)):
        if only_directives(line):
            suppressions.scan(line, index + 1)
            continue
        marker = _TXT_MARKER.match(line)
        start = marker.end() if marker else len(line) - len(line.lstrip())
        builder = _BulletBuilder(line=index + 1, depth=0)
        builder.add_line(index + 1, start + 1, line[start:])
        if not squash(line[start:]):
            continue
        builder.suppressions = suppressions.take()
        bullet = builder.build()
        if bullet is not None:
            bullets.append(bullet)
    return ParsedDocument(path=path, bullets=tuple(bullets))


def is_docx(path: str) -> bool:
    """A Word file, read by docx_reader.py (named here so that asking costs no import of the Word reader)."""
    return path.lower().endswith(".docx")


def parse_text(source: str, path: str = "<text>", kind: str | None = None) -> ParsedDocument:
    """Parse by kind ("markdown" or "plain"); without one, `.txt` files are plain and the rest Markdown."""
    if kind is None:
        kind = "plain" if path.lower().endswith(".txt") else "markdown"
    if kind == "plain":
        return parse_plain(source, path)
    return parse_markdown(source, path)


def read_document_text(path: str | Path, max_bytes: int = MAX_BYTES_DEFAULT) -> str:
    """Read a user file (or standard input for "-") as UTF-8, with one clear InputError for each way it can be
    unreadable. The read is bounded (critic.inputs)."""
    name = STDIN_NAME if str(path) == "-" else str(path)
    directory = f"is a directory; pass the files in it (for example {name.rstrip('/')}/*.md)"
    return decode_document(read_bytes(path, max_bytes, directory=directory), name)


_UNICODE_BOMS = [(codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                 (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")]


def _other_encoding(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the bytes start with that byte-order mark (or look like BOM-less UTF-16)."""
    for bom, encoding in _UNICODE_BOMS:  # UTF-32 first: its little-endian BOM starts with UTF-16's
        if data.startswith(bom):
            return encoding
    head = data[:4096]
    if len(head) >= 8 and (head[1::2].count(0) > 0.9 * len(head[1::2]) or head[0::2].count(0) > 0.9 * len(head[0::2])):
        return "UTF-16"  # ASCII text with a zero byte beside every character
    return None


def decode_document(data: bytes, name: str) -> str:
    other = _other_encoding(data)
    if other is not None:
        raise InputError(f"{name}: the file is {other} text, not UTF-8; save it as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not Markdown or text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = line_number(data, exc.start)
        raise InputError(f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
                         ) from None
