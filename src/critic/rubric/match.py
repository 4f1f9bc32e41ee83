"""The compiled matcher: every phrase of the rubric in one token trie, rules as combinations of phrase hits.

Compiling (once per rubric and process, see `compile_rubric`):
- each vocabulary, rule pattern and checklist pattern becomes a *label*;
- a phrase of plain words goes into one trie over word classes (a word class is a rubric word with its forms, or
  a prefix), so that one left-to-right pass over a text finds every such phrase of every label;
- a phrase with vocabularies, recognizers, gaps or anchors becomes a *pattern*: a short sequence of labels and
  gaps, matched from the hits of its first label;
- `except:` phrases are a label of their own that vetoes the hits it overlaps or touches.

Matching a text: tokenize once, run the trie once, then compute the hits of a label only when a rule asks for it
(an `unless` is looked at only where its trigger matched). Hits are token spans (first, last + 1), ordered
leftmost first and, at one start, longest first: a finding reports its trigger's first such hit.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from . import numbers
from .phrases import Anchor, Gap, PhraseError, Ref, Regex, Slot, Word, parse
from .regex_terms import compile_term, regex_set, token_spans
from .schema import Rubric, Rule, Term
from .tokens import ClauseWords, Tokens, tokenize
from .words import FUNCTION_WORDS, forms

Span = tuple[int, int]
_LABELS = -1            # trie node key under which the labels ending there are kept
MAX_EXPANSIONS = 20_000  # word sequences one phrase may expand to (choices multiply)


@dataclass(frozen=True)
class Hit:
    """A rule (or checklist entry) triggered on one text: where (character offsets), and what matched."""

    start: int
    end: int
    match: str


@dataclass
class LabelPlan:
    """How to find the hits of one label."""

    name: str
    aliases: list[str] = field(default_factory=list)       # labels whose hits are this label's hits
    patterns: list[tuple] = field(default_factory=list)    # (("label", name) | ("gap", n) | ("start",) | ("end",), ...)
    regexes: list = field(default_factory=list)            # (index in the rubric's RE2 set, compiled pattern)
    recognizer: object = None                              # numbers.RECOGNIZERS entry
    exceptions: str | None = None                          # label of the `except:` phrases
    term: Term | None = None                               # traces: the one phrase this label stands for


@dataclass(frozen=True)
class RulePlan:
    rule: Rule
    trigger: str
    unless: tuple[str, ...]       # one label per `unless` item, so a trace can say which item vetoed
    near: str | None              # cue label for `negation` / `unless_near`


class CompileError(PhraseError):
    def __init__(self, term: Term, owner: str, message: str):
        super().__init__(f"{owner}: {message} (in {term.text!r})")
        self.term, self.owner = term, owner


class CompiledRubric:
    """A rubric with its phrases compiled; build it once per process (see `compile_rubric`)."""

    def __init__(self, rubric: Rubric, extra_recognizers: dict | None = None, split_terms: bool = False):
        """`extra_recognizers`: name -> function(tokens) -> spans, usable as `{name}` (for tools and tests).
        `split_terms`: give every phrase a label of its own too, so a trace can say which phrase matched (slower)."""
        self.rubric = rubric
        self.split_terms = split_terms
        self.window = rubric.negation_window
        self.clause_words = ClauseWords(frozenset(rubric.clauses.before), frozenset(rubric.clauses.after_comma))
        self._trie: dict = {}
        self._class_ids: dict[tuple, int] = {}       # ("forms", frozenset) | ("prefix", str) -> word class id
        self._exact: dict[str, list[int]] = {}       # word form -> class ids
        self._prefixes: dict[str, list[int]] = {}    # prefix -> class ids
        self._prefix_lengths: list[int] = []
        self._classes_of: dict[str, tuple[int, ...]] = {}  # token key -> class ids (memo)
        self.plans: dict[str, LabelPlan] = {}
        self._anonymous = 0
        self._regex_sources: list[str] = []
        for name, recognizer in {**numbers.RECOGNIZERS, **(extra_recognizers or {})}.items():
            self.plans[name] = LabelPlan(name, recognizer=recognizer)
        for vocabulary in rubric.vocabularies.values():
            self.plans[vocabulary.name] = LabelPlan(vocabulary.name)
        for vocabulary in rubric.vocabularies.values():
            owner = f"vocabulary {vocabulary.name}"
            for term in vocabulary.phrases:
                self._add_phrase(vocabulary.name, term, owner)
            if vocabulary.exceptions:
                self.plans[vocabulary.name].exceptions = self._label_of(
                    vocabulary.exceptions, f"{vocabulary.name}!except", owner + " except")
        self.rule_plans: list[RulePlan] = []
        negation = "negation" if "negation" in rubric.vocabularies else None
        for rule in rubric.rules:
            owner = f"rule {rule.id}"
            trigger = self._label_of(rule.trigger, f"{rule.id}!trigger", owner)
            unless = tuple(self._label_of((term,), f"{rule.id}!unless{index}", owner)
                           for index, term in enumerate(rule.unless))
            near = self._label_of(rule.unless_near, f"{rule.id}!near", owner) if rule.unless_near else (
                negation if rule.negation else None)
            self.rule_plans.append(RulePlan(rule, trigger, unless, near))
        self.checklist = [(entry, self._label_of(entry.pattern, f"{entry.id}!checklist", f"checklist {entry.id}"))
                          for entry in rubric.checklist]
        self._check_cycles()
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        if not split_terms:
            self._flatten_word_lists()
        self._index_dependencies()
        self._regex_set = regex_set(self._regex_sources)

    def _flatten_word_lists(self) -> None:
        """A vocabulary of plain phrases only (no patterns, recognizers, `re:` or exceptions) needs no computing:
        its phrases' trie entries also carry the labels of every vocabulary that includes it, so those find its
        hits in the one trie pass."""
        plain = {name for name, plan in self.plans.items()
                 if not (plan.patterns or plan.regexes or plan.recognizer is not None or plan.exceptions
                         or plan.aliases)}
        changed = True
        while changed:  # a vocabulary made only of plain vocabularies is plain too
            changed = False
            for name, plan in self.plans.items():
                if name not in plain and plan.aliases and all(a in plain for a in plan.aliases) and not (
                        plan.patterns or plan.regexes or plan.recognizer is not None or plan.exceptions):
                    plain.add(name)
                    changed = True
        users: dict[str, set[str]] = {}
        for name, plan in self.plans.items():
            for alias in plan.aliases:
                users.setdefault(alias, set()).add(name)

        def everyone_above(label: str, seen: set[str]) -> set[str]:
            for user in users.get(label, ()):
                if user not in seen:
                    seen.add(user)
                    everyone_above(user, seen)
            return seen

        extra = {label: everyone_above(label, set()) for label in plain}

        def relabel(node: dict) -> None:
            labels = node.get(_LABELS)
            if labels is not None:
                more = set(labels)
                for label in labels:
                    more |= extra.get(label, set())
                node[_LABELS] = tuple(sorted(more))
            for key, child in node.items():
                if key != _LABELS:
                    relabel(child)

        relabel(self._trie)
        for plan in self.plans.values():  # their hits now arrive with the trie pass
            plan.aliases = [alias for alias in plan.aliases if alias not in plain]

    def _dependencies(self) -> tuple:
        return (self._alias_users, self._pattern_users, self._pattern_needs, self._pattern_ids,
                list(self._regex_labels.items()), self._recognizer_labels)

    def _index_dependencies(self) -> None:
        """Who uses each label, so a text computes only the labels its words can reach (see `possible`)."""
        self._alias_users: dict[str, list[str]] = {}
        self._pattern_users: dict[str, list[int]] = {}
        self._pattern_needs: list[tuple[str, int]] = []   # pattern id -> (owner label, distinct labels it needs)
        self._pattern_ids: dict[str, list[int]] = {}      # label -> ids of its patterns, in plan order
        self._regex_labels = {index: name for name, plan in self.plans.items() for index, _ in plan.regexes}
        self._recognizer_labels = [name for name, plan in self.plans.items() if plan.recognizer is not None]
        for name, plan in self.plans.items():
            for alias in plan.aliases:
                self._alias_users.setdefault(alias, []).append(name)
            for steps in plan.patterns:
                needed = {step[1] for step in steps if step[0] == "label"}
                pattern_id = len(self._pattern_needs)
                self._pattern_needs.append((name, len(needed)))
                self._pattern_ids.setdefault(name, []).append(pattern_id)
                for label in needed:
                    self._pattern_users.setdefault(label, []).append(pattern_id)

    def regexes_matching(self, text: str) -> list[int]:
        """Indices of the `re:` terms that match somewhere in the text: one RE2 pass for all of them."""
        return (self._regex_set.Match(text) or []) if self._regex_set is not None else []

    def possible(self, tokens: Tokens, literal: dict[str, list[Span]],
                 regexes_matched: set[int]) -> tuple[set[str], set[int]]:
        """(labels that can have hits in this text, patterns whose labels all can): forward chaining from the
        labels whose words occur, the recognizers whose figures occur and the `re:` terms. Everything else has no
        hits without being computed, which is what keeps a large rubric cheap on a short bullet."""
        keys = set(tokens.keys)
        stack = list(literal) + [self._regex_labels[i] for i in regexes_matched]
        stack += [name for name in self._recognizer_labels if numbers.may_recognize(name, keys)]
        reachable: set[str] = set()
        satisfied: set[int] = set()
        counts: dict[int, int] = {}
        alias_users, pattern_users, needs = self._alias_users, self._pattern_users, self._pattern_needs
        while stack:
            label = stack.pop()
            if label in reachable:
                continue
            reachable.add(label)
            stack.extend(alias_users.get(label, ()))
            for pattern_id in pattern_users.get(label, ()):
                count = counts[pattern_id] = counts.get(pattern_id, 0) + 1
                owner, needed = needs[pattern_id]
                if count == needed:
                    satisfied.add(pattern_id)
                    stack.append(owner)
        return reachable, satisfied

    # --- plain data, for the on-disk cache (cache.py) ------------------------------------------------------------

    def state(self) -> dict:
        """Everything matching needs, as plain data (dicts, lists, strings, numbers)."""
        plans = {}
        for name, plan in self.plans.items():
            recognizer = name if plan.recognizer is not None else None
            term = [plan.term.text, plan.term.path, plan.term.line] if plan.term else None
            plans[name] = [plan.aliases, [list(steps) for steps in plan.patterns],
                           [[index, self._regex_sources[index]] for index, _ in plan.regexes], recognizer,
                           plan.exceptions, term]
        return {"trie": self._trie, "exact": self._exact, "prefixes": self._prefixes, "plans": plans,
                "regex_sources": self._regex_sources, "dependencies": self._dependencies(),
                "rules": [[p.trigger, list(p.unless), p.near] for p in self.rule_plans],
                "checklist": [label for _, label in self.checklist]}

    @classmethod
    def from_state(cls, rubric: Rubric, state: dict) -> "CompiledRubric":
        self = cls.__new__(cls)
        self.rubric, self.split_terms = rubric, False
        self.window = rubric.negation_window
        self.clause_words = ClauseWords(frozenset(rubric.clauses.before), frozenset(rubric.clauses.after_comma))
        self._trie, self._exact, self._prefixes = state["trie"], state["exact"], state["prefixes"]
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        self._classes_of = {}
        self._regex_sources = state["regex_sources"]
        self.plans = {}
        for name, (aliases, patterns, regexes, recognizer, exceptions, term) in state["plans"].items():
            if recognizer is not None:
                base, _, value = recognizer.partition("=")
                function = numbers.RECOGNIZERS[base]
                recognizer = numbers.valued(function, float(value)) if value else function
            self.plans[name] = LabelPlan(
                name, aliases=list(aliases), patterns=[tuple(tuple(step) for step in steps) for steps in patterns],
                regexes=[(index, compile_term(source)) for index, source in regexes], recognizer=recognizer,
                exceptions=exceptions, term=Term(*term) if term else None)
        self.rule_plans = [RulePlan(rule, trigger, tuple(unless), near)
                           for rule, (trigger, unless, near) in zip(rubric.rules, state["rules"])]
        self.checklist = list(zip(rubric.checklist, state["checklist"]))
        (self._alias_users, self._pattern_users, self._pattern_needs, self._pattern_ids, regex_labels,
         self._recognizer_labels) = state["dependencies"]
        self._regex_labels = dict(regex_labels)
        self._regex_set = regex_set(self._regex_sources)
        return self

    # --- compiling ---------------------------------------------------------------------------------------------

    def _label_of(self, terms: tuple[Term, ...], name: str, owner: str) -> str:
        """A label for a list of phrases: a single `{vocabulary}` is that vocabulary itself."""
        if len(terms) == 1:
            parsed = self._parse(terms[0], owner)
            if not isinstance(parsed, Regex) and len(parsed) == 1 and isinstance(parsed[0], Ref) and \
                    not self.split_terms:
                return self._known(parsed[0], terms[0], owner)
        self.plans[name] = LabelPlan(name)
        for term in terms:
            self._add_phrase(name, term, owner)
        return name

    def _parse(self, term: Term, owner: str):
        try:
            return parse(term.text)
        except PhraseError as exc:
            raise CompileError(term, owner, str(exc)) from None

    def _known(self, ref: Ref, term: Term, owner: str) -> str:
        """The label a `{name}` refers to; `{percent=100}` gets a filtered copy of its recognizer."""
        if ref.name not in self.plans or "!" in ref.name or "#" in ref.name:
            raise CompileError(term, owner, f"unknown vocabulary {{{ref.name}}}")
        if ref.value is None:
            return ref.name
        recognizer = self.plans[ref.name].recognizer
        if recognizer is None:
            raise CompileError(term, owner, f"`{{{ref.name}=...}}`: only a recognizer ({', '.join(numbers.RECOGNIZERS)}) "
                                            "takes a value")
        if ref.label not in self.plans:
            self.plans[ref.label] = LabelPlan(ref.label, recognizer=numbers.valued(recognizer, ref.value))
        return ref.label

    def _add_phrase(self, label: str, term: Term, owner: str) -> None:
        parsed = self._parse(term, owner)
        if self.split_terms:
            sub = f"{label}#{len(self.plans[label].aliases)}"
            self.plans[sub] = LabelPlan(sub, term=term)
            self.plans[label].aliases.append(sub)
            label = sub
        plan = self.plans[label]
        if isinstance(parsed, Regex):
            try:
                plan.regexes.append((len(self._regex_sources), compile_term(parsed.source)))
                self._regex_sources.append(parsed.source)
            except PhraseError as exc:
                raise CompileError(term, owner, str(exc)) from None
            return
        if len(parsed) == 1 and isinstance(parsed[0], Ref):
            plan.aliases.append(self._known(parsed[0], term, owner))
            return
        if all(isinstance(element, Slot) for element in parsed):
            self._add_literal(label, parsed, term, owner)
            return
        steps: list[tuple] = []
        run: list[Slot] = []

        def flush():
            if run:
                self._anonymous += 1
                name = f"{label}!words{self._anonymous}"
                self.plans[name] = LabelPlan(name)
                self._add_literal(name, tuple(run), term, owner)
                steps.append(("label", name))
                run.clear()

        for element in parsed:
            if isinstance(element, Slot):
                run.append(element)
                continue
            flush()
            if isinstance(element, Ref):
                steps.append(("label", self._known(element, term, owner)))
            elif isinstance(element, Gap):
                steps.append(("gap", element.most))
            else:
                steps.append(("start",) if element.at_start else ("end",))
        flush()
        plan.patterns.append(tuple(steps))

    def _add_literal(self, label: str, slots: tuple[Slot, ...], term: Term, owner: str) -> None:
        count = 1
        for slot in slots:
            count *= len(slot.choices)
        if count > MAX_EXPANSIONS:
            raise CompileError(term, owner, f"the choices expand to {count:,} phrases (at most {MAX_EXPANSIONS:,}); "
                                            "split it into vocabularies")
        for choice in itertools.product(*(slot.choices for slot in slots)):
            words = [word for sequence in choice for word in sequence]
            self._insert([self._class_id(word) for word in words], label)
            compound = self._compound(words)
            if compound is not None:
                self._insert([compound], label)

    def _class_id(self, word: Word) -> int:
        if word.prefix:
            key: tuple = ("prefix", word.key)
        else:
            key = ("forms", frozenset((word.key,)) if word.exact else forms(word.key))
        class_id = self._class_ids.get(key)
        if class_id is None:
            class_id = self._class_ids[key] = len(self._class_ids)
            if word.prefix:
                self._prefixes.setdefault(word.key, []).append(class_id)
            else:
                for form in key[1]:
                    self._exact.setdefault(form, []).append(class_id)
        return class_id

    def _compound(self, words: list[Word]) -> int | None:
        """"red team" also matches "redteam": a class for the joined spelling of plain alphabetic words."""
        if len(words) < 2 or len(words) > 3 or any(w.prefix or w.exact or not w.key.isalpha() for w in words):
            return None
        if words[0].key in FUNCTION_WORDS or words[-1].key in FUNCTION_WORDS:
            return None
        head = "".join(w.key for w in words[:-1])
        joined = frozenset(head + form for form in forms(words[-1].key))
        key = ("forms", joined)
        class_id = self._class_ids.get(key)
        if class_id is None:
            class_id = self._class_ids[key] = len(self._class_ids)
            for form in joined:
                self._exact.setdefault(form, []).append(class_id)
        return class_id

    def _insert(self, class_ids: list[int], label: str) -> None:
        node = self._trie
        for class_id in class_ids:
            node = node.setdefault(class_id, {})
        labels = node.get(_LABELS, ())
        if label not in labels:
            node[_LABELS] = labels + (label,)

    def _check_cycles(self) -> None:
        def needs(name: str) -> set[str]:
            plan = self.plans[name]
            out = set(plan.aliases)
            for steps in plan.patterns:
                out.update(arg for kind, *rest in steps if kind == "label" for arg in rest)
            if plan.exceptions:
                out.add(plan.exceptions)
            return out

        state: dict[str, int] = {}

        def visit(name: str, path: tuple[str, ...]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                loop = " -> ".join(path[path.index(name):] + (name,))
                raise PhraseError(f"vocabulary {name!r} refers to itself through {loop}")
            state[name] = 1
            for other in needs(name):
                visit(other, path + (name,))
            state[name] = 2

        for name in list(self.plans):
            visit(name, ())

    # --- matching ----------------------------------------------------------------------------------------------

    def classes(self, key: str) -> tuple[int, ...]:
        found = self._classes_of.get(key)
        if found is not None:
            return found
        ids = list(self._exact.get(key, ()))
        for length in self._prefix_lengths:
            if length > len(key):
                break
            ids.extend(self._prefixes.get(key[:length], ()))
        found = tuple(ids)
        if len(key) <= 64 and len(self._classes_of) < 100_000:  # bounded, like the tokenizer's memo
            self._classes_of[key] = found
        return found

    def literal_hits(self, tokens: Tokens) -> dict[str, list[Span]]:
        """Every plain-word phrase of every label in one pass: label -> [(first, last + 1), ...]."""
        keys, sentence = tokens.keys, tokens.sentence
        classes = [self.classes(key) for key in keys]
        trie = self._trie
        out: dict[str, list[Span]] = {}
        n = len(keys)
        for start in range(n):
            for class_id in classes[start]:
                node = trie.get(class_id)
                if node is None:
                    continue
                pending = [(node, start + 1)]
                while pending:
                    node, after = pending.pop()
                    labels = node.get(_LABELS)
                    if labels is not None:
                        for label in labels:
                            spans = out.get(label)
                            if spans is None:
                                out[label] = [(start, after)]
                            else:
                                spans.append((start, after))
                    if after < n and sentence[after] == sentence[start]:
                        for next_id in classes[after]:
                            child = node.get(next_id)
                            if child is not None:
                                pending.append((child, after + 1))
        return out

    def match(self, text: str) -> "TextMatch":
        return TextMatch(self, text)

    def evaluate(self, found: "TextMatch") -> tuple[list[tuple[Rule, Hit]], list[tuple[Rule, Hit]]]:
        """(findings, signals) for one bullet-scope text, as (rule, hit) pairs, in rubric order."""
        findings, signals = [], []
        for plan in self.rule_plans:
            rule = plan.rule
            if rule.scope != "bullet":
                continue
            if rule.kind == "absent":
                if not found.hits(plan.trigger):
                    findings.append((rule, Hit(0, 0, "")))
                continue
            span = found.first_live(plan)
            if span is not None:
                (signals if rule.is_signal else findings).append((rule, found.hit(span)))
        return findings, signals

    def document_findings(self, matches: list["TextMatch"]) -> list[Rule]:
        """Document-scope `absent` rules whose pattern no bullet matched."""
        return [plan.rule for plan in self.rule_plans
                if plan.rule.scope == "document" and not any(m.hits(plan.trigger) for m in matches)]

    def checklist_hits(self, found: "TextMatch") -> list[str]:
        return [entry.id for entry, label in self.checklist if found.hits(label)]


class TextMatch:
    """One text's tokens and, computed on demand, the hits of each label."""

    def __init__(self, compiled: CompiledRubric, text: str, keep_vetoed: bool = False):
        """`keep_vetoed`: remember the hits each label's `except:` phrases removed, in `vetoed` (for traces)."""
        self.compiled = compiled
        self.vetoed: dict[str, list[tuple[Span, Span]]] | None = {} if keep_vetoed else None
        self.tokens = tokenize(text, compiled.clause_words)
        self.literal = compiled.literal_hits(self.tokens)
        self._regexes_matched = set(compiled.regexes_matching(text))
        self._reachable, self._satisfied = compiled.possible(self.tokens, self.literal, self._regexes_matched)
        self._hits: dict[str, list[Span]] = {}
        self._starts: dict[str, dict[int, list[int]]] = {}
        self._cue_ends: dict[str, list[int]] = {}
        self._regions: dict[tuple[str, str], dict[int, Span]] = {}

    def hits(self, label: str) -> list[Span]:
        found = self._hits.get(label)
        if found is None:
            found = self._hits[label] = self._compute(label) if label in self._reachable else []
        return found

    def _compute(self, label: str) -> list[Span]:
        plan = self.compiled.plans[label]
        spans = list(self.literal.get(label, ()))
        if plan.recognizer is not None:
            spans.extend(plan.recognizer(self.tokens))
        for alias in plan.aliases:
            spans.extend(self.hits(alias))
        if plan.patterns:
            for steps, pattern_id in zip(plan.patterns, self.compiled._pattern_ids[label]):
                if pattern_id in self._satisfied:
                    spans.extend(self._pattern(steps))
        for index, regex in plan.regexes:
            if index in self._regexes_matched:
                spans.extend(token_spans(regex, self.tokens.text, self.tokens.starts, self.tokens.ends))
        if plan.exceptions is not None and spans:
            vetoes = self.hits(plan.exceptions)
            if vetoes:
                if self.vetoed is not None:
                    self.vetoed[label] = [(span, next(v for v in vetoes if _touches_any(span, [v])))
                                          for span in spans if _touches_any(span, vetoes)]
                spans = [span for span in spans if not _touches_any(span, vetoes)]
        if len(spans) > 1:
            spans = sorted(set(spans), key=_leftmost_longest)
        return spans

    def _starting(self, label: str) -> dict[int, list[int]]:
        index = self._starts.get(label)
        if index is None:
            index = {}
            for start, end in self.hits(label):
                index.setdefault(start, []).append(end)
            self._starts[label] = index
        return index

    def _pattern(self, steps: tuple) -> list[Span]:
        """Every span where `steps` (labels, gaps, anchors) match in a row, within one sentence.

        `ends(at, position)` - where the rest of the pattern from step `at` can end when the match so far ends at
        `position` - is computed once per (step, position), so a pattern costs at most its steps x gap widths x
        words, however many hits its labels have: linear in the text.
        """
        sentence = self.tokens.sentence
        n = len(sentence)
        memo: dict[tuple[int, int], tuple[int, ...]] = {}

        def ends(at: int, position: int) -> tuple[int, ...]:
            if at == len(steps):
                return (position,)
            key = (at, position)
            found = memo.get(key)
            if found is not None:
                return found
            kind = steps[at][0]
            out: set[int] = set()
            if kind == "end":
                if position == n:
                    out.update(ends(at + 1, position))
            else:
                if kind == "gap":
                    most, label, after = steps[at][1], steps[at + 1][1], at + 2
                else:
                    most, label, after = 0, steps[at][1], at + 1
                starting = self._starting(label)
                current = sentence[position - 1]
                for skip in range(most + 1):
                    where = position + skip
                    if where >= n or sentence[where] != current:
                        break
                    for end in starting.get(where, ()):
                        if sentence[end - 1] == current:
                            out.update(ends(after, end))
            found = memo[key] = tuple(out)
            return found

        spans: list[Span] = []
        first = steps[0]
        if first[0] == "start":  # `^ X` or `^ ...N X`: X starts within the first N words
            most, label, after = (steps[1][1], steps[2][1], 3) if steps[1][0] == "gap" else (0, steps[1][1], 2)
            for start, end in self.hits(label):
                if start <= most and sentence[start] == sentence[0]:
                    spans.extend((start, stop) for stop in ends(after, end))
        else:
            for start, end in self.hits(first[1]):
                spans.extend((start, stop) for stop in ends(1, end))
        return spans

    def first_live(self, plan: RulePlan) -> Span | None:
        """The first trigger hit that no negation cue precedes and no `unless` item covers, or None. A hit inside
        a negated hit is negated with it ("chose not to market it as foolproof": not "foolproof" alone)."""
        negated: list[Span] = []
        for span in self.hits(plan.trigger):
            if plan.near is not None:
                if any(outer[0] <= span[0] and span[1] <= outer[1] for outer in negated) or \
                        self.negated(plan.near, span):
                    negated.append(span)
                    continue
            if plan.unless and self.vetoing_unless(plan, span) is not None:
                continue
            return span
        return None

    def negated(self, near: str, span: Span) -> bool:
        """A cue of `near` ends within the negation window before the span, in the same sentence."""
        ends = self._cue_ends.get(near)
        if ends is None:
            ends = self._cue_ends[near] = sorted({end for _, end in self.hits(near)})
        start = span[0]
        sentence = self.tokens.sentence
        first = bisect_left(ends, start - self.compiled.window + 1)
        last = bisect_right(ends, start)
        return any(sentence[ends[i] - 1] == sentence[start] for i in range(first, last))

    def vetoing_unless(self, plan: RulePlan, span: Span) -> tuple[str, Span] | None:
        """(unless label, its hit) that silences the rule for this trigger hit, or None."""
        scope = plan.rule.unless_scope
        for label in plan.unless:
            hits = self.hits(label)
            if not hits:
                continue
            if scope == "bullet":
                return label, hits[0]
            by_region = self._regions.get((label, scope))
            if by_region is None:
                region = self.tokens.sentence if scope == "sentence" else self.tokens.clause
                by_region = {}
                for hit in hits:
                    for number in range(region[hit[0]], region[hit[1] - 1] + 1):
                        by_region.setdefault(number, hit)
                self._regions[(label, scope)] = by_region
            region = self.tokens.sentence if scope == "sentence" else self.tokens.clause
            found = by_region.get(region[span[0]])
            if found is not None:
                return label, found
        return None

    def hit(self, span: Span) -> Hit:
        start, end = self.char_span(span)
        return Hit(start, end, self.tokens.text[start:end])

    def char_span(self, span: Span) -> tuple[int, int]:
        """Character offsets of a token span, widened over a currency sign before it and a % after it."""
        text, starts, ends = self.tokens.text, self.tokens.starts, self.tokens.ends
        start, end = starts[span[0]], ends[span[1] - 1]
        if start > 0 and text[start - 1] in numbers.CURRENCY_SYMBOLS:
            start -= 1
        if end < len(text) and text[end] == "%":
            end += 1
        return start, end


def _leftmost_longest(span: Span) -> tuple[int, int]:
    return span[0], -span[1]


def _touches_any(span: Span, vetoes: list[Span]) -> bool:
    start, end = span
    return any(veto_start <= end and veto_end >= start for veto_start, veto_end in vetoes)


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """The compiled matcher of a rubric object, built once and kept with it (so it lives as long as the rubric)."""
    compiled = rubric.__dict__.get("_compiled")
    if compiled is None:
        compiled = CompiledRubric(rubric)
        remember(rubric, compiled)
    return compiled


def remember(rubric: Rubric, compiled: CompiledRubric) -> None:
    """Use `compiled` (built here, or rebuilt from the on-disk cache) as the compiled form of `rubric`."""
    object.__setattr__(rubric, "_compiled", compiled)  # the dataclass is frozen; this is a cache, not a field
