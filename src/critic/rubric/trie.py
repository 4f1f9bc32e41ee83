"""The phrase trie: one left-to-right pass over a text's tokens finds every plain phrase of every label.

Words are compared as *word classes*: a rubric word with all its forms (`pass` -> pass, passes, passed, passing),
a prefix (`automat*`), or a kind of token (a figure in digits, a year). Each token of a text is looked up once
(memoised) to the classes it belongs to; the trie maps sequences of classes to the labels whose phrases they spell.

Two compile-time steps move work out of the per-text path (see match.py for when they apply):
- *gap edges*: a pattern such as `{win_verb} ...4 {deal_noun}` over plain word lists becomes trie paths with an
  edge that skips up to 4 words, so the pass finds it like any phrase;
- *relabelling*: a terminal of a plain vocabulary also carries the labels of the vocabularies that include it.
A node is a dict: class id -> child node, LABELS -> the labels ending there, GAPS -> ((width, node), ...).
"""

from __future__ import annotations

from .numbers import is_figure, is_year
from .phrases import Word
from .tokens import Tokens
from .words import FUNCTION_WORDS, forms

LABELS = -1   # node key: the labels whose phrases end at this node
GAPS = -2     # node key: ((most words skipped, continuation node), ...)
MEMO_LIMIT = 100_000
Span = tuple[int, int]


def _union(first: dict, second: dict) -> dict:
    """A new node that matches what either node matches. Subtrees only one of them has are shared, not copied:
    nodes are never changed afterwards except in ways that hold wherever they sit (labels, gap edges added for a
    label that ends there)."""
    merged = dict(first)
    _merge_into(merged, second)
    return merged


def _merge_into(target: dict, source: dict) -> None:
    for key, value in source.items():
        if key == LABELS:
            target[LABELS] = tuple(sorted(set(target.get(LABELS, ())) | set(value)))
        elif key == GAPS:
            for width, continuation in value:  # duplicates by width are merged by the next merge_gaps round
                WordTrie._add_gap(target, width, continuation)
        elif key in target:
            if target[key] is not value:
                target[key] = _union(target[key], value)
        else:
            target[key] = value


class WordTrie:
    def __init__(self) -> None:
        self.root: dict = {}
        self._class_ids: dict[tuple, int] = {}       # ("forms", frozenset) | ("prefix", str) | ("kind", name) -> id
        self.exact: dict[str, list[int]] = {}        # word form -> class ids
        self.prefixes: dict[str, list[int]] = {}     # prefix -> class ids
        self.kinds: dict[str, int] = {}              # "figure" | "year" -> class id
        self._prefix_lengths: list[int] = []
        self._classes_of: dict[str, tuple[int, ...]] = {}
        # compile-time only: where each label's phrases end, and the class sequences of its plain phrases
        self.terminals: dict[str, list[dict]] = {}
        self.sequences: dict[str, list[tuple[int, ...]]] = {}
        self.gapped: set[str] = set()                # labels with phrases that contain gap edges

    # --- building ----------------------------------------------------------------------------------------------

    def class_id(self, word: Word) -> int:
        if word.prefix:
            key: tuple = ("prefix", word.key)
        else:
            key = ("forms", frozenset((word.key,)) if word.exact else forms(word.key))
        return self._class(key)

    def kind_class(self, kind: str) -> int:
        """The class of every token of a kind ("figure": 12, 1,200, 3.5x; "year": 2024)."""
        return self._class(("kind", kind))

    def compound_class(self, words: list[Word]) -> int | None:
        """"red team" also matches "redteam": a class for the joined spelling of plain alphabetic words."""
        if len(words) < 2 or len(words) > 3 or any(w.prefix or w.exact or not w.key.isalpha() for w in words):
            return None
        if words[0].key in FUNCTION_WORDS or words[-1].key in FUNCTION_WORDS:
            return None
        head = "".join(w.key for w in words[:-1])
        return self._class(("forms", frozenset(head + form for form in forms(words[-1].key))))

    def _class(self, key: tuple) -> int:
        class_id = self._class_ids.get(key)
        if class_id is None:
            class_id = self._class_ids[key] = len(self._class_ids)
            if key[0] == "prefix":
                self.prefixes.setdefault(key[1], []).append(class_id)
                self._prefix_lengths = sorted({len(p) for p in self.prefixes})
            elif key[0] == "kind":
                self.kinds[key[1]] = class_id
            else:
                for form in key[1]:
                    self.exact.setdefault(form, []).append(class_id)
        return class_id

    def insert(self, class_ids: tuple[int, ...], label: str, start: dict | None = None) -> dict:
        """Add a phrase (a class sequence) for `label`, from the root or from `start`; returns its end node."""
        node = self.root if start is None else start
        for class_id in class_ids:
            node = node.setdefault(class_id, {})
        self._end(node, label)
        if start is None:
            self.sequences.setdefault(label, []).append(class_ids)
        return node

    def _end(self, node: dict, label: str) -> None:
        labels = node.get(LABELS, ())
        if label not in labels:
            node[LABELS] = labels + (label,)
            self.terminals.setdefault(label, []).append(node)

    def inline(self, owner: str, first: list[dict], rest: list[tuple[int, list[tuple[int, ...]]]]) -> None:
        """Make a pattern part of the trie: from every node in `first` (where the pattern's first label ends),
        a gap edge leads to the next label's phrases, and so on; the last ones end with `owner`.
        `rest`: (gap width, class sequences of the label) for each label after the first."""
        continuation: dict = {}
        entry = continuation
        for index, (width, sequences) in enumerate(rest):
            ends = [self._path(entry, sequence) for sequence in sequences]
            if index + 1 == len(rest):
                for node in ends:
                    self._end(node, owner)
            else:
                following: dict = {}
                for node in ends:
                    self._add_gap(node, rest[index + 1][0], following)
                entry = following
        for node in first:
            self._add_gap(node, rest[0][0], continuation)
        self.gapped.add(owner)

    @staticmethod
    def _path(node: dict, sequence: tuple[int, ...]) -> dict:
        for class_id in sequence:
            node = node.setdefault(class_id, {})
        return node

    @staticmethod
    def _add_gap(node: dict, width: int, continuation: dict) -> None:
        edges = node.get(GAPS, ())
        if not any(other is continuation and other_width == width for other_width, other in edges):
            node[GAPS] = edges + ((width, continuation),)

    def merge_gaps(self) -> None:
        """One gap edge per width at each node, leading to the union of its continuations, and width-0 edges merged
        into the node itself: the pass then looks at each position once per width, however many patterns start
        with the same words. Run once all patterns are inlined (it replaces nodes, so where a label ends is no
        longer tracked)."""
        changed = True
        while changed:
            changed = False
            for node in list(self._nodes()):
                edges = node.get(GAPS)
                if not edges or (len({w for w, _ in edges}) == len(edges) and all(w for w, _ in edges)):
                    continue
                changed = True
                del node[GAPS]
                by_width: dict[int, list[dict]] = {}
                for width, continuation in edges:
                    by_width.setdefault(width, []).append(continuation)
                for width, continuations in by_width.items():
                    if width == 0:
                        for continuation in continuations:
                            _merge_into(node, continuation)
                        continue
                    merged = continuations[0]
                    for continuation in continuations[1:]:
                        merged = _union(merged, continuation)
                    self._add_gap(node, width, merged)
        self.terminals.clear()

    def relabel(self, extra: dict[str, set[str]]) -> None:
        """Every node that ends a label in `extra` also ends the labels it maps to."""
        for node in self._nodes():
            labels = node.get(LABELS)
            if labels is not None:
                more = set(labels)
                for label in labels:
                    more |= extra.get(label, set())
                node[LABELS] = tuple(sorted(more))

    def keep_only(self, wanted: set[str]) -> None:
        """Nodes stop reporting labels outside `wanted`; branches that then lead to no label are cut, and word
        classes no branch uses are forgotten (a smaller trie to store, load and walk)."""
        for node in self._nodes():
            labels = node.get(LABELS)
            if labels is not None:
                kept = tuple(label for label in labels if label in wanted)
                if kept:
                    node[LABELS] = kept
                else:
                    del node[LABELS]
        live: dict[int, bool] = {}

        def alive(node: dict) -> bool:
            known = live.get(id(node))
            if known is not None:
                return known
            live[id(node)] = False  # no cycles in a trie; this only guards shared nodes visited twice
            for key in [k for k in node if k not in (LABELS, GAPS)]:
                if not alive(node[key]):
                    del node[key]
            if GAPS in node:
                kept_gaps = tuple((width, child) for width, child in node[GAPS] if alive(child))
                if kept_gaps:
                    node[GAPS] = kept_gaps
                else:
                    del node[GAPS]
            result = live[id(node)] = bool(node)
            return result

        alive(self.root)
        used = {key for node in self._nodes() for key in node if key not in (LABELS, GAPS)}
        self.exact = {form: kept for form, ids in self.exact.items() if (kept := [i for i in ids if i in used])}
        self.prefixes = {p: kept for p, ids in self.prefixes.items() if (kept := [i for i in ids if i in used])}
        self.kinds = {kind: i for kind, i in self.kinds.items() if i in used}
        self._prefix_lengths = sorted({len(p) for p in self.prefixes})
        self._classes_of.clear()

    def _nodes(self):
        seen: set[int] = set()
        pending = [self.root]
        while pending:
            node = pending.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield node
            for key, value in node.items():
                if key == GAPS:
                    pending.extend(child for _, child in value)
                elif key != LABELS:
                    pending.append(value)

    # --- matching ----------------------------------------------------------------------------------------------

    def classes(self, key: str) -> tuple[int, ...]:
        found = self._classes_of.get(key)
        if found is not None:
            return found
        ids = list(self.exact.get(key, ()))
        for length in self._prefix_lengths:
            if length > len(key):
                break
            ids.extend(self.prefixes.get(key[:length], ()))
        if key[:1].isdigit():
            if "figure" in self.kinds and is_figure(key):
                ids.append(self.kinds["figure"])
            if "year" in self.kinds and is_year(key):
                ids.append(self.kinds["year"])
        found = tuple(ids)
        if len(key) <= 64 and len(self._classes_of) < MEMO_LIMIT:  # bounded, like the tokenizer's memo
            self._classes_of[key] = found
        return found

    def walk(self, tokens: Tokens) -> dict[str, list[Span]]:
        """label -> [(first token, last token + 1), ...] of every trie phrase in the text, within sentences."""
        keys, sentence, word = tokens.keys, tokens.sentence, tokens.word
        classes = [self.classes(key) for key in keys]
        root = self.root
        out: dict[str, list[Span]] = {}
        n = len(keys)
        for start in range(n):
            here = sentence[start]
            for class_id in classes[start]:
                node = root.get(class_id)
                if node is None:
                    continue
                pending = [(node, start + 1)]
                while pending:
                    node, after = pending.pop()
                    labels = node.get(LABELS)
                    if labels is not None:
                        for label in labels:
                            spans = out.get(label)
                            if spans is None:
                                out[label] = [(start, after)]
                            else:
                                spans.append((start, after))
                    gaps = node.get(GAPS)
                    if gaps is not None:
                        last_word = word[after - 1]
                        for width, continuation in gaps:
                            for position in range(after, n):  # skipping at most `width` written words
                                if sentence[position] != here or word[position] - last_word > width + 1:
                                    break
                                for next_id in classes[position]:
                                    child = continuation.get(next_id)
                                    if child is not None:
                                        pending.append((child, position + 1))
                    if after < n and sentence[after] == here:
                        for next_id in classes[after]:
                            child = node.get(next_id)
                            if child is not None:
                                pending.append((child, after + 1))
        return out

    # --- plain data, for the on-disk cache ---------------------------------------------------------------------

    def state(self) -> list:
        return [self.root, self.exact, self.prefixes, self.kinds]

    @classmethod
    def from_state(cls, state: list) -> "WordTrie":
        trie = cls()
        trie.root, trie.exact, trie.prefixes, trie.kinds = state
        trie._prefix_lengths = sorted({len(p) for p in trie.prefixes})
        return trie
