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
from .phrases import Gap, PhraseError, Ref, Regex, Slot, parse
from .regex_terms import compile_term, regex_set, token_spans
from .schema import Rubric, Rule, Term
from .tokens import ClauseWords, Tokens, tokenize
from .trie import WordTrie

Span = tuple[int, int]
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
    unless_scopes: tuple[str, ...]  # where each item must be found: bullet, sentence or clause
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
        self.trie = WordTrie()
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
            self.rule_plans.append(RulePlan(rule, trigger, unless, rule.unless_scopes, near))
        self.checklist = [(entry, self._label_of(entry.pattern, f"{entry.id}!checklist", f"checklist {entry.id}"))
                          for entry in rubric.checklist]
        self._check_cycles()
        if not split_terms:  # a trace keeps every phrase a label of its own, so it can name it
            self._figures_as_word_classes()
            self._inline_patterns()
            self.trie.merge_gaps()
            self._flatten_word_lists()
            self._forget_unused_labels()
        self._index_dependencies()
        self._regex_set = regex_set(self._regex_sources)

    # --- moving work into the trie (exact: the same hits, found in the one pass) ---------------------------------

    def _figures_as_word_classes(self) -> None:
        """`{number}` and `{year}` look at one token each: they become word classes, so the phrases and patterns
        built on them can go into the trie too."""
        for name in ("number", "year"):
            plan = self.plans[name]
            if plan.recognizer is numbers.RECOGNIZERS[name]:
                plan.recognizer = None
                self.trie.insert((self.trie.kind_class("figure" if name == "number" else "year"),), name)

    def _plain(self) -> set[str]:
        """Labels whose hits all come from the trie: no recognizer, `re:`, exceptions or pattern left, and only
        such labels as aliases."""
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
        return plain

    def _with_aliases(self, label: str) -> list[str]:
        found, pending = [], [label]
        while pending:
            name = pending.pop()
            if name not in found:
                found.append(name)
                pending.extend(self.plans[name].aliases)
        return found

    def _inline_patterns(self) -> None:
        """A pattern whose labels are all plain (`{win_verb} ...4 {deal_noun}`) becomes trie paths with gap edges:
        from every end of its first label, an edge skipping up to N words to the next label's phrases. Repeated
        until nothing changes, since a label whose patterns all went into the trie is plain itself."""
        while True:
            plain = self._plain()
            changed = False
            for owner, plan in self.plans.items():
                kept = []
                for steps in plan.patterns:
                    if self._inline(owner, steps, plain):
                        changed = True
                    else:
                        kept.append(steps)
                plan.patterns = kept
            if not changed:
                return

    def _inline(self, owner: str, steps: tuple, plain: set[str]) -> bool:
        if steps[0][0] != "label" or any(step[0] not in ("label", "gap") for step in steps):
            return False  # anchors stay patterns
        labels = [step[1] for step in steps if step[0] == "label"]
        if not all(label in plain for label in labels):
            return False
        rest: list[tuple[int, list]] = []
        width = 0
        for step in steps[1:]:
            if step[0] == "gap":
                width = step[1]
                continue
            names = self._with_aliases(step[1])
            if any(name in self.trie.gapped for name in names):
                return False  # a later label must be plain word sequences
            rest.append((width, [seq for name in names for seq in self.trie.sequences.get(name, ())]))
            width = 0
        first = [node for name in self._with_aliases(labels[0]) for node in self.trie.terminals.get(name, ())]
        if not rest or not first or not all(sequences for _, sequences in rest):
            return False
        self.trie.inline(owner, first, rest)
        return True

    def _flatten_word_lists(self) -> None:
        """A plain label needs no computing: its trie entries also carry the labels of every vocabulary that
        includes it, so those find its hits in the one trie pass."""
        plain = self._plain()
        users: dict[str, set[str]] = {}
        for name, plan in self.plans.items():
            for alias in plan.aliases:
                users.setdefault(alias, set()).add(name)

        def everyone_above(label: str, seen: set[str]) -> set[str]:
            """The vocabularies that include `label`, through plain ones only: a vocabulary with exceptions (or
            anything else to compute) must see the hits first and pass on only those its exceptions leave."""
            for user in users.get(label, ()):
                if user not in seen:
                    seen.add(user)
                    if user in plain:
                        everyone_above(user, seen)
            return seen

        self.trie.relabel({label: everyone_above(label, set()) for label in plain})
        for plan in self.plans.values():  # their hits now arrive with the trie pass
            plan.aliases = [alias for alias in plan.aliases if alias not in plain]

    def _forget_unused_labels(self) -> None:
        """After inlining and flattening, most word-list vocabularies are only the stuff other phrases are made of:
        no rule, checklist entry or remaining pattern asks for their hits. The trie stops reporting them, which
        shortens the one pass and what follows it. (`hits()` of such a vocabulary is then empty; a trace compiles
        the rubric without this step.)"""
        wanted = [label for plan in self.rule_plans for label in (plan.trigger, *plan.unless, plan.near) if label]
        wanted += [label for _, label in self.checklist]
        used: set[str] = set()
        while wanted:
            label = wanted.pop()
            if label in used:
                continue
            used.add(label)
            plan = self.plans[label]
            wanted.extend(plan.aliases)
            wanted.extend(step[1] for steps in plan.patterns for step in steps if step[0] == "label")
            if plan.exceptions:
                wanted.append(plan.exceptions)
        self.trie.keep_only(used)

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
        has_figures = bool(tokens.figures)
        stack += [name for name in self._recognizer_labels if numbers.may_recognize(name, keys, has_figures)]
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
        return {"trie": self.trie.state(), "plans": plans,
                "regex_sources": self._regex_sources, "dependencies": self._dependencies(),
                "rules": [[p.trigger, list(p.unless), p.near] for p in self.rule_plans],
                "checklist": [label for _, label in self.checklist]}

    @classmethod
    def from_state(cls, rubric: Rubric, state: dict) -> "CompiledRubric":
        self = cls.__new__(cls)
        self.rubric, self.split_terms = rubric, False
        self.window = rubric.negation_window
        self.clause_words = ClauseWords(frozenset(rubric.clauses.before), frozenset(rubric.clauses.after_comma))
        self.trie = WordTrie.from_state(state["trie"])
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
        self.rule_plans = [RulePlan(rule, trigger, tuple(unless), rule.unless_scopes, near)
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
            self.trie.insert(tuple(self.trie.class_id(word) for word in words), label)
            compound = self.trie.compound_class(words)
            if compound is not None:
                self.trie.insert((compound,), label)

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

    def literal_hits(self, tokens: Tokens) -> dict[str, list[Span]]:
        """Every phrase in the trie (plain phrases, inlined patterns) of every label in one pass."""
        return self.trie.walk(tokens)

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

    def document_rules_matched(self, found: "TextMatch") -> list[str]:
        """Ids of the document-scope rules whose pattern this text matches (an `absent` document rule fires when
        no bullet does)."""
        return [plan.rule.id for plan in self.rule_plans if plan.rule.scope == "document" and found.hits(plan.trigger)]

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
        sentence, word = self.tokens.sentence, self.tokens.word
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
            elif kind == "gap" and steps[at + 1][0] == "end":  # `X ...N $`: X ends within the last N words
                if word[n - 1] - word[position - 1] <= steps[at][1] and sentence[n - 1] == sentence[position - 1]:
                    out.update(ends(at + 2, position))
            else:
                if kind == "gap":
                    most, label, after = steps[at][1], steps[at + 1][1], at + 2
                else:
                    most, label, after = 0, steps[at][1], at + 1
                starting = self._starting(label)
                current = sentence[position - 1]
                last_word = word[position - 1]
                for where in range(position, n if kind == "gap" else min(position + 1, n)):
                    if sentence[where] != current or word[where] - last_word > most + 1:
                        break  # beyond the sentence, or more than `most` written words skipped
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
                if word[start] - word[0] <= most and sentence[start] == sentence[0]:
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
        for label, scope in zip(plan.unless, plan.unless_scopes):
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
