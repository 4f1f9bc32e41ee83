"""Markdown and plain-text extraction: which bullets, where they are, what is skipped, suppressions."""

from __future__ import annotations

from critic import review_file, review_text
from critic.document import parse_markdown, parse_plain

from .conftest import FIXTURES

MIXED = FIXTURES / "mixed-dossier.md"

# (line, column, depth) of every bullet in fixtures/mixed-dossier.md, counted by hand from the file
MIXED_BULLETS = [
    (23, 3, 0), (24, 5, 0), (27, 3, 0), (28, 3, 0), (32, 5, 1), (33, 5, 1), (34, 3, 0), (35, 3, 0), (39, 4, 0),
    (42, 6, 1), (44, 6, 1), (45, 4, 0), (46, 4, 0), (52, 5, 0), (53, 5, 0), (58, 3, 0), (61, 3, 0), (62, 3, 0),
    (85, 3, 0), (88, 3, 0), (89, 3, 0),
]


def test_mixed_dossier_bullets_have_exact_lines_columns_and_depth():
    doc = parse_markdown(MIXED.read_text(encoding="utf-8"), str(MIXED))
    assert [(b.line, b.column, b.depth) for b in doc.bullets] == MIXED_BULLETS


def test_front_matter_code_blocks_and_html_comments_are_not_bullets():
    doc = parse_markdown(MIXED.read_text(encoding="utf-8"))
    lines = {b.line for b in doc.bullets}
    assert not lines & set(range(1, 10))        # front matter with "- Amara Osei"
    assert not lines & set(range(15, 20))       # multi-line HTML comment holding "- " lines
    assert not lines & set(range(70, 84))       # fenced and indented code blocks
    texts = " ".join(b.text for b in doc.bullets)
    assert "jailbreak-v3" not in texts and "not a bullet" not in texts and "Amara" not in texts


def test_link_urls_are_not_read_but_link_text_is():
    doc = parse_markdown("- See the [retention dashboard](https://example.com/zero-risk/churn) today\n")
    assert doc.bullets[0].text == "See the retention dashboard today"
    result = review_text("- See the [notes](https://x.test/eliminated-all-risks) on churn\n")
    assert not any(f.failure_mode == "perfect-safety-claim" for f in result.bullets[0].findings)


def test_multi_line_bullet_is_one_bullet_and_findings_point_into_the_right_line():
    source = "- Shipped the new intake flow\n  and made sure it passed the\n  launch review.\n"
    # (no gate word on the first line, so the first match of the gate rule starts on the continuation line)
    result = review_text(source)
    assert len(result.bullets) == 1
    bullet = result.bullets[0]
    assert bullet.bullet.text == "Shipped the new intake flow and made sure it passed the launch review."
    gate = next(f for f in bullet.findings if f.rule == "compliance-gate-passed")
    assert (gate.line, gate.column) == (2, 7)  # "made sure" on the continuation line


def test_finding_column_counts_from_the_original_line_with_markup():
    result = review_text("* **Removed every** jailbreak path\n")
    finding = next(f for f in result.bullets[0].findings if f.rule == "absolute-safety-claim")
    assert (finding.line, finding.column) == (1, 5)


def test_bullets_in_block_quotes_and_numbered_lists():
    doc = parse_markdown("> - quoted bullet\n>   continued\n\n3) third item\n10. tenth item\n")
    assert [(b.line, b.column, b.text) for b in doc.bullets] == [
        (1, 5, "quoted bullet continued"), (4, 4, "third item"), (5, 5, "tenth item")]


def test_curly_quotes_and_dashes_are_folded_for_matching():
    result = review_text("- Our filter guarantees \u201czero harmful outputs\u201d \u2014 no exceptions\n")
    assert "perfect-safety-claim" in result.bullets[0].failure_modes


def test_rules_anchored_at_the_start_apply_to_every_bullet_not_only_the_first():
    result = review_text("- Cut churn 3%.\n- Helped with the audit.\n- Supported the launch.\n")
    assert [("weak-ownership" in b.failure_modes) for b in result.bullets] == [False, True, True]


def test_plain_text_is_one_bullet_a_line_with_optional_markers():
    doc = parse_plain("- first\n* second\n\n3. third\n\u2022 fourth\nfifth without marker\n")
    assert [(b.line, b.column, b.text) for b in doc.bullets] == [
        (1, 3, "first"), (2, 3, "second"), (4, 4, "third"), (5, 3, "fourth"), (6, 1, "fifth without marker")]


def test_plain_fixture_file_reads_eight_bullets():
    result = review_file(FIXTURES / "plain-bullets.txt")
    assert len(result.bullets) == 8


# --- suppression ---------------------------------------------------------------------------------------------

def test_disable_next_suppresses_one_rule_for_the_next_bullet_only_and_counts_it():
    source = ("<!-- critic-disable-next perfect-safety-claim: quoting the contract -->\n"
              "- Eliminated all hallucinations.\n"
              "- Eliminated all hallucinations.\n")
    result = review_text(source)
    first, second = result.bullets
    suppressed = [f for f in first.findings if f.suppressed]
    assert [f.rule for f in suppressed] == ["absolute-safety-claim"]
    assert suppressed[0].suppression_reason == "quoting the contract"
    assert "perfect-safety-claim" not in first.failure_modes
    assert "perfect-safety-claim" in second.failure_modes
    assert result.summary()["suppressed"] == 1
    # a suppressed finding does not cost points
    assert first.score > second.score


def test_disable_region_until_enable_and_disable_all():
    source = ("<!-- critic-disable weak-ownership -->\n"
              "- Helped with the audit.\n"
              "- Supported the launch.\n"
              "<!-- critic-enable weak-ownership -->\n"
              "- Helped with the launch.\n"
              "<!-- critic-disable -->\n"
              "- Eliminated all risk.\n")
    result = review_text(source)
    modes = [b.failure_modes for b in result.bullets]
    assert "weak-ownership" not in modes[0] and "weak-ownership" not in modes[1]
    assert "weak-ownership" in modes[2]
    assert modes[3] == frozenset()
    assert result.summary()["suppressed"] >= 4


def test_mixed_fixture_suppression_is_counted_not_dropped():
    result = review_file(MIXED)
    bullet = next(b for b in result.bullets if b.bullet.line == 58)
    assert [f.rule for f in bullet.findings if f.suppressed] == ["absolute-safety-claim"]
    assert result.summary()["suppressed"] == 1
