"""Issue 10, "time is linear in the input": the document reader (comments, critic directives, link masks) on the
pathological shapes of hostile input, each timed at two sizes (tests/timing.py). The rubric's own patterns are
tested with the rubric engine."""

from __future__ import annotations

import pytest

from critic.document import MAX_OPEN_REGIONS, parse_text
from critic.errors import InputError

from .timing import assert_linear, repeat_to

# (name, kind, build(size) -> text); each was quadratic or worse in the reader before issue 10
SHAPES = [
    ("unclosed directive, Markdown", "markdown", lambda n: repeat_to("<!-- critic-disable: a ", n)),
    ("unclosed directive, plain text", "plain", lambda n: repeat_to("<!-- critic-disable: a ", n)),
    ("unclosed directive in a bullet", "markdown", lambda n: repeat_to("<!-- critic-disable a ", n, "- ")),
    ("unclosed comments in a bullet", "markdown", lambda n: repeat_to("<!-- ", n, "- Cut churn ")),
    ("unclosed comments, plain text", "plain", lambda n: repeat_to("<!-- ", n, "Cut churn ")),
    ("unclosed <link> destinations", "markdown", lambda n: repeat_to("](<", n, "- ")),
    ("unclosed autolinks", "markdown", lambda n: repeat_to("<http:", n, "- ")),
    ("many directives in one HTML block", "markdown",
     lambda n: repeat_to("<!-- critic-disable-next a -->\n", n, "<div>\n", "</div>\n\n- Cut churn 3%\n")),
    ("many directives, plain text", "plain", lambda n: repeat_to("<!-- critic-disable a -->\n- Cut churn 3%\n", n)),
]


@pytest.mark.parametrize("name,kind,build", SHAPES, ids=[s[0] for s in SHAPES])
def test_the_document_reader_is_linear_on_hostile_shapes(name, kind, build):
    # 20 KB -> 40 KB: at 10 KB the constant costs of a parse still hide a quadratic term
    assert_linear(build, lambda text: parse_text(text, "hostile", kind), small=20_000, large=40_000)


def test_a_100_kb_unclosed_directive_is_read_quickly(tmp_path):
    """The reproduction of issue 10 through the command: 13 s (.md) and 24 s (.txt) before."""
    from .conftest import run_critic

    for name in ("p.md", "p.txt"):
        path = tmp_path / name
        path.write_text(repeat_to("<!-- critic-disable: a ", 100_000), encoding="utf-8")
        proc = run_critic("review", str(path), "-q", timeout=60)
        assert proc.returncode in (0, 1), proc.stderr


def test_directives_still_apply_after_the_rewrite_of_the_scanner():
    text = ("<!-- critic-disable weak-ownership, unquantified-impact: kept for context -->\n"
            "- Supported the red-team program.\n"
            "<!-- critic-enable -->\n\n"
            "<!-- critic-disable-next perfect-safety-claim: quoting the contract -->\n"
            "- Eliminated all risk.\n"
            "- Plain bullet <!-- critic-disable-next x --> with an inline comment\n"
            "- Not a directive <!-- critic-disable a > b --> here\n")
    first, second, third, fourth = parse_text(text, "d.md").bullets
    assert [(s.targets, s.reason, s.line) for s in first.suppressions] == [
        (("weak-ownership", "unquantified-impact"), "kept for context", 1)]
    assert [(s.targets, s.reason) for s in second.suppressions] == [(("perfect-safety-claim",), "quoting the contract")]
    assert [s.targets for s in third.suppressions] == [("x",)]
    assert third.text == "Plain bullet with an inline comment"
    assert fourth.suppressions == ()


def test_directive_lines_in_plain_text():
    text = ("<!-- critic-disable-next a: why --> <!-- critic-disable-next b -->\n"
            "Cut churn 3%\n"
            "<!-- critic-disable-next c --> and words\n")
    bullets = parse_text(text, "d.txt").bullets
    assert [b.text for b in bullets] == ["Cut churn 3%", "and words"]
    assert [s.targets for s in bullets[0].suppressions] == [("a",), ("b",)]


def test_repeating_the_same_disable_region_does_not_pile_up():
    text = "".join(f"<!-- critic-disable weak-ownership: reason {i} -->\n- Supported review {i}.\n\n"
                   for i in range(200))
    last = parse_text(text, "d.md").bullets[-1]
    assert [(s.targets, s.reason) for s in last.suppressions] == [(("weak-ownership",), "reason 199")]


def test_too_many_open_disable_regions_is_a_clear_error():
    """Each bullet carries the open regions: unbounded, a region per bullet made memory quadratic."""
    text = "".join(f"<!-- critic-disable rule-{i} -->\n- Cut churn {i}%\n\n" for i in range(MAX_OPEN_REGIONS + 1))
    with pytest.raises(InputError, match=rf"d.md:{3 * MAX_OPEN_REGIONS + 1}: more than {MAX_OPEN_REGIONS} "
                                         r"critic-disable regions are open at once"):
        parse_text(text, "d.md")
