"""Word documents in, bullets out: `.docx` files as Word saves them and as Google Docs exports them.

It gives the same ParsedDocument as the Markdown reader (document.py):
- a list paragraph is a bullet, numbered or bulleted, at any level: it has numbering (`w:numPr`, on the
  paragraph or through its style) or a list style ("List Bullet", "List Number 2", "List Paragraph"); its
  numbering level is the bullet's depth;
- every other paragraph is a block (a heading when its style is "Heading N" or "Title"), evidence for the
  dossier checklist;
- a paragraph that holds only a `<!-- critic-disable… -->` comment is a directive, as a line of a .txt file;
- tables, text boxes, headers, footers, footnotes and Word comments are not read.

A Word file has no lines, so locations are paragraph numbers: `line` is the paragraph's number in the body
(1-based, counting every paragraph, empty ones and headings included, but not those inside tables) and `column`
is 1.

python-docx is an optional dependency (`pip install 'critic[docx]'`), imported only here and only when a .docx
file is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

# the directive syntax and the disable/enable bookkeeping are the Markdown reader's, so both behave alike
from .document import MAX_BYTES_DEFAULT, Suppressions, directives, is_docx, only_directives  # noqa: F401
from .inputs import read_bytes
from .errors import InputError
from .models import Block, Bullet, ParsedDocument
from .text import normalize, squash

EXTRA_HINT = "pip install 'critic[docx]'"

# A .docx is a ZIP of XML. Its parts may unpack to at most this many times --max-size, so a small file that
# inflates to gigabytes is refused instead of exhausting memory.
MAX_UNPACKED_FACTOR = 8

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LIST_STYLE = re.compile(r"list(?: (?:bullet|number|paragraph))?(?: (\d))?", re.IGNORECASE)  # not "List Continue"
_HEADING_STYLE = re.compile(r"heading (\d)", re.IGNORECASE)
# Masked as in Markdown: comments and bare URLs are not prose (replaced by spaces, then squashed away).
_NOT_PROSE = re.compile(r"<!--.*?-->|\b(?:https?://|www\.)[^\s<>()]+", re.DOTALL)


def read_docx(path: str | Path, max_bytes: int = MAX_BYTES_DEFAULT) -> ParsedDocument:
    """Read a .docx file; every way it can fail is one InputError naming the file."""
    name = str(path)
    directory = f"is a directory; pass the files in it (for example {name.rstrip('/')}/*.docx)"
    return parse_docx(read_bytes(path, max_bytes, directory=directory), name, max_bytes)


def parse_docx(data: bytes, name: str, max_bytes: int = MAX_BYTES_DEFAULT) -> ParsedDocument:
    document = _open(data, name, max_bytes)
    styles = _Styles(document)
    suppressions = Suppressions(name)
    bullets: list[Bullet] = []
    blocks: list[Block] = []
    for number, element in enumerate(_body_paragraphs(document.element.body), start=1):
        raw = normalize(_paragraph_text(element))
        if only_directives(raw):
            suppressions.scan(raw, number)
            continue
        text = squash(_NOT_PROSE.sub(lambda m: " " * len(m.group(0)), raw))
        if not text:
            continue
        heading, style_listed, style_level = styles.of(element)
        depth = None if heading else _list_depth(element, style_listed, style_level)
        if depth is None:
            blocks.append(Block(text=text, line=number, heading=heading))
            continue
        inline = tuple(suppression for _, suppression in directives(raw, number))
        bullets.append(Bullet(text=text, line=number, column=1, depth=depth,
                              suppressions=suppressions.take() + inline))
    return ParsedDocument(path=name, bullets=tuple(bullets), blocks=tuple(blocks))


def _open(data: bytes, name: str, max_bytes: int):
    try:
        import docx
    except ImportError:
        raise InputError(f"{name}: reading Word files needs the docx extra: {EXTRA_HINT}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise InputError(f"{name}: not a Word .docx file (it is not a ZIP package); save it as .docx") from None
    if unpacked > max_bytes * MAX_UNPACKED_FACTOR:
        raise InputError(f"{name}: unpacks to {unpacked / 1048576:.0f} MiB, more than {MAX_UNPACKED_FACTOR}x the "
                         f"size limit ({max_bytes / 1048576:.0f} MiB, raise it with --max-size)")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a third-party parser on a damaged file can raise anything
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(f"{name}: not a readable Word .docx file ({reason})") from None


def _body_paragraphs(body):
    """The body's paragraphs in order, including those in content controls; tables are skipped."""
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_paragraphs(content)


def _paragraph_text(paragraph) -> str:
    """The visible text: runs, hyperlinks, insertions and fields; not deleted text, not text boxes."""
    parts = []
    for element in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        if _in_text_box(element, paragraph):
            continue
        if element.tag == f"{_W}t":
            parts.append(element.text or "")
        else:
            parts.append("-" if element.tag == f"{_W}noBreakHyphen" else " ")
    return "".join(parts)


def _in_text_box(element, paragraph) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag == f"{_W}txbxContent":
            return True
        parent = parent.getparent()
    return False


class _Styles:
    """What a paragraph style says about its paragraphs, worked out once per style (python-docx lookups are slow)."""

    def __init__(self, document):
        self.document = document
        self.facts: dict[str | None, tuple[int, bool, int | None]] = {}

    def of(self, element) -> tuple[int, bool, int | None]:
        """(heading level or 0, whether the style makes a list item, the list level it gives or None)."""
        style_ref = element.find(f"{_W}pPr/{_W}pStyle")
        style_id = style_ref.get(f"{_W}val") if style_ref is not None else None
        if style_id not in self.facts:
            self.facts[style_id] = _style_facts(self._style(element))
        return self.facts[style_id]

    def _style(self, element):
        """The paragraph's style (the document's default paragraph style when it names none), or None."""
        from docx.text.paragraph import Paragraph

        try:
            return Paragraph(element, self.document).style
        except (KeyError, ValueError, AttributeError):
            return None


def _style_chain(style):
    seen = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        yield style
        style = style.base_style


def _style_facts(style) -> tuple[int, bool, int | None]:
    heading, listed, level = 0, False, None
    for s in _style_chain(style):
        name = (s.name or "").strip()
        if not heading and name.lower() == "title":
            heading = 1
        match = _HEADING_STYLE.fullmatch(name)
        if not heading and match:
            heading = min(max(int(match.group(1)), 1), 6)
        inherited = _num_pr(s.element)
        if inherited is not None and inherited[0] != "0":
            listed = True
            level = level if level is not None else inherited[1]
        match = _LIST_STYLE.fullmatch(name)
        if match:
            listed = True
            if level is None and match.group(1):
                level = int(match.group(1)) - 1  # "List Bullet 2" is the second level
    return heading, listed, level


def _num_pr(element):
    """(numId, ilvl) of a `w:pPr/w:numPr` under element, or None when it has none."""
    num_pr = element.find(f"{_W}pPr/{_W}numPr")
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{_W}numId")
    level = num_pr.find(f"{_W}ilvl")
    num_value = num_id.get(f"{_W}val") if num_id is not None else None
    level_value = level.get(f"{_W}val") if level is not None else None
    return num_value, int(level_value) if level_value and level_value.isdigit() else None


def _list_depth(element, style_listed: bool, style_level: int | None) -> int | None:
    """The nesting level (0 = top) of a list paragraph, or None when the paragraph is not in a list."""
    own = _num_pr(element)
    if own is not None and own[0] == "0":  # numId 0: numbering explicitly removed
        return None
    listed = style_listed or (own is not None and own[0] is not None)
    if not listed:
        return None
    level = own[1] if own is not None and own[1] is not None else style_level
    return max(level or 0, 0)
