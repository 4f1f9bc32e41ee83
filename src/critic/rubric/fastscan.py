"""Optional acceleration of the whole-document scan with google-re2, giving exactly the matches of Python's `re`.

Python's backtracking engine tries every alternative of a large vocabulary at every character, which costs about a
microsecond per character per pattern. RE2 scans in linear time, but it differs from `re` in details (ASCII-only
`\\w`/`\\b`/`\\s`, no look-arounds) and may pick a different end for a match. So RE2 is used only to say *where* a
match can start, and Python's own compiled pattern decides, at that position, whether and what it matches:

1. Each Python pattern is translated to an RE2 pattern that matches a superset: look-arounds are dropped, and
   classes are widened so that RE2 accepts at least every string Python accepts (see `_Translator`).
2. The document is turned into an ASCII "haystack" of the same length: each non-ASCII character becomes `_` if
   Python's `\\w` matches it, else `\\x01`. ASCII is kept as is, so `\\b` means the same in both engines.
3. `finditer` below runs RE2 to find the leftmost position from `pos` where RE2 can match, asks Python's
   `pattern.match(text, position)`, and either yields Python's match (and continues at its end) or, if Python does
   not match there, continues one character further. Because RE2 matches a superset, no position that Python would
   match is ever skipped, so the matches are exactly those of `pattern.finditer(text)`.

Patterns that cannot be translated (back-references, conditionals, patterns that can match the empty string, ...)
simply stay on Python's engine. Without the `re2` module everything stays on Python's engine.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 - the regex parser's own names
from re import _parser

WORD_PLACEHOLDER = "_"       # stands for any non-ASCII character that Python's \w matches
OTHER_PLACEHOLDER = "\x01"   # stands for any other non-ASCII character
# ASCII letters that Python's IGNORECASE also matches to a non-ASCII letter (K: KELVIN SIGN, S: LONG S, I: dotted
# and dotless I); tests/test_fastscan.py checks this against every code point.
FOLDS_OUTSIDE_ASCII = frozenset("iksIKS")
_ANY_BYTE = r"[\x00-\xff]"
_NO_BYTE = r"[^\x00-\xff]"

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class Unsupported(Exception):
    """The pattern uses something the translation does not handle; it stays on Python's engine."""


def _hex(code: int) -> str:
    return "\\x%02x" % code


class _Translator:
    """Python regex parse tree -> RE2 (Latin-1) pattern source matching a superset of what Python matches.

    The RE2 pattern runs on the ASCII haystack, where every non-ASCII character is one of the two placeholders.
    Widening rules: an element that Python could match to a non-ASCII word character also accepts `_`; one that
    could match another non-ASCII character also accepts `\\x01`; `\\s` also accepts the ASCII characters Python
    counts as space and RE2 does not (\\v, \\x1c-\\x1f). Negated classes and `.` need nothing: they already match
    both placeholders. `^`/`$` are always multi-line (a superset of the single-line anchors).
    """

    def __init__(self, ignorecase: bool, dotall: bool):
        self.ignorecase = ignorecase
        self.dotall = dotall

    def sequence(self, items, ignorecase: bool, dotall: bool) -> str:
        return "".join(self.item(op, av, ignorecase, dotall) for op, av in items)

    def item(self, op, av, ignorecase: bool, dotall: bool) -> str:
        if op is C.LITERAL:
            if av >= 128:
                return "[" + WORD_PLACEHOLDER + _hex(1) + "]"
            if ignorecase and chr(av) in FOLDS_OUTSIDE_ASCII:
                return "[" + _hex(av) + WORD_PLACEHOLDER + "]"
            return _hex(av)
        if op is C.NOT_LITERAL:
            return "[^" + _hex(av) + "]" if av < 128 else _ANY_BYTE
        if op is C.ANY:
            return _ANY_BYTE if dotall else r"[^\n]"
        if op is C.IN:
            return self.char_class(av, ignorecase)
        if op is C.BRANCH:
            return "(?:" + "|".join(self.sequence(branch, ignorecase, dotall) for branch in av[1]) + ")"
        if op is C.SUBPATTERN:
            _group, add, delete, body = av
            known = C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_DOTALL | C.SRE_FLAG_MULTILINE | C.SRE_FLAG_UNICODE
            if (add | delete) & ~known:
                raise Unsupported("inline flags")
            inner_ic = (ignorecase or bool(add & C.SRE_FLAG_IGNORECASE)) and not delete & C.SRE_FLAG_IGNORECASE
            inner_dot = (dotall or bool(add & C.SRE_FLAG_DOTALL)) and not delete & C.SRE_FLAG_DOTALL
            prefix = "(?i:" if inner_ic else "(?-i:"
            return prefix + self.sequence(body, inner_ic, inner_dot) + ")"
        if op is C.ATOMIC_GROUP:  # atomic matching only removes matches: a plain group is a superset
            return "(?:" + self.sequence(av, ignorecase, dotall) + ")"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, body = av
            inner = "(?:" + self.sequence(body, ignorecase, dotall) + ")"
            if high is C.MAXREPEAT:
                return inner + ("*" if low == 0 else "+" if low == 1 else "{%d,}" % low)
            if high > 1000:
                raise Unsupported("repeat count above RE2's limit")
            return inner + "{%d,%d}" % (low, high)
        if op is C.AT:
            return self.anchor(av)
        if op in (C.ASSERT, C.ASSERT_NOT):
            return ""  # dropping a look-around only widens what matches
        raise Unsupported(str(op))

    @staticmethod
    def anchor(av) -> str:
        if av in (C.AT_BEGINNING, C.AT_BEGINNING_LINE):
            return "(?m:^)"
        if av is C.AT_BEGINNING_STRING:
            return r"\A"
        if av in (C.AT_END, C.AT_END_LINE):
            return "(?m:$)"
        if av is C.AT_END_STRING:
            return r"\z"
        if av is C.AT_BOUNDARY:
            return r"\b"
        if av is C.AT_NON_BOUNDARY:
            return r"\B"
        raise Unsupported(str(av))

    @staticmethod
    def char_class(items, ignorecase: bool) -> str:
        negate = False
        parts: list[str] = []
        extra: set[str] = set()
        for op, av in items:
            if op is C.NEGATE:
                negate = True
            elif op is C.LITERAL:
                if av < 128:
                    parts.append(_hex(av))
                    if ignorecase and chr(av) in FOLDS_OUTSIDE_ASCII:
                        extra.add(WORD_PLACEHOLDER)
                else:
                    extra.update((WORD_PLACEHOLDER, OTHER_PLACEHOLDER))
            elif op is C.RANGE:
                low, high = av
                if low < 128:
                    parts.append(_hex(low) + "-" + _hex(min(high, 127)))
                    if ignorecase and any(low <= ord(ch) <= high for ch in FOLDS_OUTSIDE_ASCII):
                        extra.add(WORD_PLACEHOLDER)
                if high >= 128:
                    extra.update((WORD_PLACEHOLDER, OTHER_PLACEHOLDER))
            elif op is C.CATEGORY:
                if av is C.CATEGORY_WORD:
                    parts.append(r"\w")
                    extra.add(WORD_PLACEHOLDER)
                elif av is C.CATEGORY_DIGIT:
                    parts.append(r"\d")
                    extra.add(WORD_PLACEHOLDER)
                elif av is C.CATEGORY_SPACE:
                    parts.append(r"\s\x0b\x1c-\x1f")
                    extra.add(OTHER_PLACEHOLDER)
                elif av is C.CATEGORY_NOT_WORD:
                    parts.append(r"\W")
                elif av is C.CATEGORY_NOT_DIGIT:
                    parts.append(r"\D")
                elif av is C.CATEGORY_NOT_SPACE:
                    parts.append(r"\S")
                else:
                    raise Unsupported(str(av))
            else:
                raise Unsupported(str(op))
        if negate:
            # Never lists a placeholder, and RE2's \w \d \s are narrower than Python's: RE2's negated class matches
            # at least what Python's does. Non-ASCII members were left out, which only widens it further.
            return "[^" + "".join(parts) + "]" if parts else _ANY_BYTE
        parts.extend(_hex(ord(ch)) for ch in sorted(extra))
        return "[" + "".join(parts) + "]" if parts else _NO_BYTE


def translate(pattern: re.Pattern) -> tuple[str, bool]:
    """(RE2 Latin-1 source matching a superset of `pattern` on haystacks made by `haystack`, whether no match of
    `pattern` can contain a NUL or no match can contain a newline). Raises Unsupported for patterns that stay on
    Python's engine."""
    if not isinstance(pattern.pattern, str):
        raise Unsupported("only str patterns")
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    flags = parsed.state.flags
    if flags & (C.SRE_FLAG_ASCII | C.SRE_FLAG_LOCALE):
        raise Unsupported("flags")
    if parsed.getwidth()[0] == 0:
        raise Unsupported("can match the empty string")
    ignorecase = bool(flags & C.SRE_FLAG_IGNORECASE)
    dotall = bool(flags & C.SRE_FLAG_DOTALL)
    body = _Translator(ignorecase, dotall).sequence(parsed, ignorecase, dotall)
    # A match that cannot contain the NUL, or cannot contain a newline, never runs from one text into the next
    # across the "\n\x00\n" separator (see CompiledRubric.scan).
    contained = not _can_consume(parsed, 0, dotall) or not _can_consume(parsed, 10, dotall)
    return ("(?i:" if ignorecase else "(?-i:") + body + ")", contained


def haystack(text: str) -> bytes:
    """`text` as ASCII bytes of the same length, non-ASCII characters replaced by the two placeholders."""
    if text.isascii():
        return text.encode("ascii")
    table = {ord(ch): WORD_PLACEHOLDER if ch.isalnum() else OTHER_PLACEHOLDER for ch in set(_NON_ASCII.findall(text))}
    return text.translate(table).encode("ascii")


def _class_has(items, code: int) -> bool:
    """Whether a class matches the control character `code` (NUL or newline: no case, not a word or digit)."""
    negate = False
    member = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            member = member or av == code
        elif op is C.RANGE:
            member = member or av[0] <= code <= av[1]
        elif op is C.CATEGORY:
            spaces = (C.CATEGORY_SPACE,) if chr(code).isspace() else (C.CATEGORY_NOT_SPACE,)
            member = member or av in (C.CATEGORY_NOT_WORD, C.CATEGORY_NOT_DIGIT) + spaces
        else:
            return True  # unknown: assume it can
    return member != negate


def _can_consume(items, code: int, dotall: bool) -> bool:
    """Whether some match of this sequence can contain the character `code` (NUL or newline)."""
    for op, av in items:
        if op is C.LITERAL:
            if av == code:
                return True
        elif op is C.NOT_LITERAL:
            if av != code:
                return True
        elif op is C.ANY:
            if dotall or code != 10:
                return True
        elif op is C.IN:
            if _class_has(av, code):
                return True
        elif op is C.BRANCH:
            if any(_can_consume(branch, code, dotall) for branch in av[1]):
                return True
        elif op is C.SUBPATTERN:
            inner = (dotall or bool(av[1] & C.SRE_FLAG_DOTALL)) and not av[2] & C.SRE_FLAG_DOTALL
            if _can_consume(av[3], code, inner):
                return True
        elif op is C.ATOMIC_GROUP:
            if _can_consume(av, code, dotall):
                return True
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if _can_consume(av[2], code, dotall):
                return True
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero-width: never part of a match's span
        else:
            return True  # back-references, conditionals, anything new: assume it can
    return False


class Accelerator:
    """RE2 twins of a list of Python patterns, compiled on first use; `None` twins stay on Python's engine."""

    def __init__(self, patterns: list[re.Pattern], translations=None):
        """`translations(pattern, translate)` may remember `translate`'s results (see cache.py)."""
        import re2  # noqa: F401 - ImportError means no acceleration
        from re2 import _re2

        self._translate = translations or (lambda pattern, function: function(pattern))

        self._re2 = _re2
        self.unanchored = _re2.RE2.Anchor.UNANCHORED
        self._patterns = patterns
        self._twins: list = [False] * len(patterns)  # False = not compiled yet, None = unsupported

    def twin(self, index: int):
        """(RE2 `Match` of the twin of pattern `index`, whether its matches stay inside one text), or None if the pattern
        stays on Python's engine. `Match(self.unanchored, haystack, pos, end)[0][0]` is the leftmost position from
        `pos` where the twin matches, or -1: no position where Python's pattern matches is ever before it."""
        twin = self._twins[index]
        if twin is False:
            twin = None
            try:
                source, contained = self._translate(self._patterns[index], translate)
                options = self._re2.RE2.Options()
                options.encoding = self._re2.RE2.Options.Encoding.LATIN1
                options.never_capture = True
                options.log_errors = False
                options.max_mem = 32 << 20
                compiled = self._re2.RE2(source.encode("latin-1"), options)
                if compiled.ok():
                    twin = compiled.Match, contained
            except Exception:  # noqa: BLE001 - anything unexpected: stay on Python's engine
                twin = None
            self._twins[index] = twin
        return twin
