"""The functions behind `critic review` and `critic rewrite`, for use from Python."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .document import MAX_BYTES_DEFAULT, is_docx, parse_text, read_document_text
from .engine import ReviewOptions, review_parsed
from .errors import InputError
from .models import DocumentResult, ParsedDocument
from .rubric.load import load_rubric
from .rubric.schema import Rubric


def _rubric(rubric: Rubric | str | Path | None) -> Rubric:
    return rubric if isinstance(rubric, Rubric) else load_rubric(rubric)


def _review(parsed: ParsedDocument, rubric: Rubric | str | Path | None, options: ReviewOptions | None
            ) -> DocumentResult:
    # the result keeps the document's headings and paragraphs, so reports can show the dossier as written, and
    # what the reader could not review (nested too deeply), so reports can say so
    return replace(review_parsed(parsed, _rubric(rubric), options), blocks=parsed.blocks, warnings=parsed.warnings)


def review_text(text: str, *, path: str = "<text>", kind: str | None = None,
                rubric: Rubric | str | Path | None = None, options: ReviewOptions | None = None) -> DocumentResult:
    """Review Markdown (default) or plain text (`kind="plain"`, or a `path` ending in .txt)."""
    return _review(parse_text(text, path, kind), rubric, options)


def review_file(path: str | Path, *, kind: str | None = None, rubric: Rubric | str | Path | None = None,
                options: ReviewOptions | None = None, max_bytes: int = MAX_BYTES_DEFAULT) -> DocumentResult:
    """Review a file; raises InputError (with the file name in its message) if it cannot be read.

    A `.docx` file (or `kind="docx"`) is read as a Word document; that needs the `critic[docx]` extra.
    """
    if kind == "docx" or (kind is None and is_docx(str(path))):
        from .docx_reader import read_docx

        return _review(read_docx(path, max_bytes=max_bytes), rubric, options)
    text = read_document_text(path, max_bytes=max_bytes)
    return review_text(text, path=str(path), kind=kind, rubric=rubric, options=options)


def scaffold_rewrite(bullet: str, *, rubric: Rubric | str | Path | None = None,
                     options: ReviewOptions | None = None):
    """Review one bullet and return (BulletResult, Scaffold) with the deterministic rewrite scaffold.

    Raises InputError when the text holds no words to review (only markup such as `**`, or a critic directive).
    """
    from .scaffold import build_scaffold

    result = review_text(bullet, kind="plain", rubric=rubric, options=options)
    if not result.bullets:
        raise InputError("the bullet has no words to review (only markup or a critic directive comment)")
    bullet_result = result.bullets[0]
    return bullet_result, build_scaffold(bullet_result)
