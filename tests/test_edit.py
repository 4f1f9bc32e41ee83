"""--write: only each bullet's exact source span changes, atomically, with a backup; a span whose text changed
since the review is refused."""

from __future__ import annotations

import os
import stat

from critic import review_text
from critic.edit import apply_edits, locate, plan_edit

DOC = ("---\ntitle: Dossier\n---\n# Impact\r\n\r\n"
       "- **Helped** with the [jailbreak eval](https://example.com/a_b) for the launch.\r\n"
       "  It ran for the whole quarter.\r\n"
       "  - Nested: worked long nights on review.\r\n"
       "1. Ensured every model passed review.   \r\n"
       "\r\n"
       "Closing paragraph that is not a bullet.\r\n")


def bullets(text, path="d.md"):
    return [b.bullet for b in review_text(text, path=path).bullets]


def test_spans_cover_the_bullet_text_and_its_inline_markup():
    found = {b.text: locate(DOC, b)[0].raw for b in bullets(DOC)}
    assert found["Helped with the jailbreak eval for the launch. It ran for the whole quarter."] == (
        "**Helped** with the [jailbreak eval](https://example.com/a_b) for the launch.\r\n"
        "  It ran for the whole quarter.")
    assert found["Nested: worked long nights on review."] == "Nested: worked long nights on review."
    assert found["Ensured every model passed review."] == "Ensured every model passed review."


def test_apply_changes_only_the_spans_and_keeps_a_backup(tmp_path):
    path = tmp_path / "d.md"
    path.write_bytes(("\ufeff" + DOC).encode())
    os.chmod(path, 0o640)
    source = DOC
    first, nested, ordered = bullets(DOC)
    edits = [plan_edit(source, first, "Decided which jailbreak eval gated the launch, protecting [$X].")[0],
             plan_edit(source, ordered, "Chose the release gate, accepting [N weeks] of delay.")[0]]
    result = apply_edits(path, edits)
    assert result.written and not result.refused and len(result.applied) == 2
    expected = DOC.replace("**Helped** with the [jailbreak eval](https://example.com/a_b) for the launch.\r\n"
                           "  It ran for the whole quarter.",
                           "Decided which [jailbreak eval](https://example.com/a_b) gated the launch, protecting "
                           "[$X].")  # the link goes back around its words
    expected = expected.replace("Ensured every model passed review.", "Chose the release gate, accepting [N weeks] "
                                                                      "of delay.")
    assert path.read_bytes() == ("\ufeff" + expected).encode()  # BOM, CRLF, trailing spaces, the rest untouched
    assert (tmp_path / "d.md.bak").read_bytes() == ("\ufeff" + DOC).encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.md", "d.md.bak"]  # no temporary file left


def test_a_span_that_changed_since_the_review_is_refused(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOC, encoding="utf-8", newline="")
    first, nested, ordered = bullets(DOC)
    edits = [plan_edit(DOC, first, "Decided the jailbreak eval gate.")[0],
             plan_edit(DOC, ordered, "Chose the gate.")[0]]
    path.write_text(DOC.replace("Ensured every model", "Ensured each model"), encoding="utf-8", newline="")
    result = apply_edits(path, edits)
    assert [e.line for e, _why in result.refused] == [ordered.line]
    assert "changed since it was reviewed" in result.refused[0][1]
    assert "Decided the [jailbreak eval](https://example.com/a_b) gate." in path.read_text(
        encoding="utf-8") and "Ensured each model" in path.read_text(
        encoding="utf-8")


def test_diff_only_writes_nothing(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(DOC, encoding="utf-8", newline="")
    (first, *_rest) = bullets(DOC)
    result = apply_edits(path, [plan_edit(DOC, first, "Decided the jailbreak eval gate.")[0]], write=False)
    assert not result.written and "+- Decided the [jailbreak eval](https://example.com/a_b) gate." in result.diff
    assert path.read_bytes() == DOC.encode() and not (tmp_path / "d.md.bak").exists()


def test_a_bullet_with_a_directive_comment_is_not_rewritten():
    text = "- Eliminated all risk <!-- critic-disable-next perfect-safety-claim: quoted --> in launches\n"
    (bullet,) = bullets(text)
    edit, why = plan_edit(text, bullet, "Cut risk [N%].")
    assert edit is None and "HTML comment" in why
