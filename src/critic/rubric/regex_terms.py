"""The `re:` escape hatch: a vocabulary term written as a regular expression, run on RE2.

RE2 matches in time linear in the text, whatever the pattern, so no rubric - the default one or a user's - can make
a review hang (`(a+)+$` is as fast as `a+`). What RE2 cannot express (look-arounds, back-references) is refused
when the rubric loads, with the term named: write it as phrases with `except:` instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .phrases import PhraseError

try:
    import re2
except ImportError:  # pragma: no cover - google-re2 is a dependency; this keeps the message clear without it
    re2 = None


def _options():
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return options


def compile_term(source: str):
    if re2 is None:
        raise PhraseError("`re:` terms need the google-re2 package (pip install google-re2)")
    options = _options()
    try:
        return re2.compile(source, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise PhraseError(f"not a regular expression RE2 can run ({reason}); look-arounds and back-references "
                          "are not supported: write phrases with `except:` instead") from None


def regex_set(sources: list[str]):
    """One RE2 set of all the rubric's `re:` terms: a single pass over a text says which of them match at all, so
    the (costlier) search for where each matches runs only for those. None when there are none."""
    if not sources:
        return None
    patterns = re2.Set.SearchSet(_options())
    for source in sources:
        patterns.Add(source)
    patterns.Compile()
    return patterns


def token_spans(pattern, text: str, starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
    """The token spans (first, last + 1) covering each non-empty match of `pattern` in `text`."""
    spans = []
    for match in pattern.finditer(text):
        begin, finish = match.span()
        if finish <= begin:
            continue
        first = bisect_right(ends, begin)
        after = bisect_left(starts, finish)
        if after > first:
            spans.append((first, after))
    return spans
