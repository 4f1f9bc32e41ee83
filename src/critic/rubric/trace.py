"""How the rubric read one text: for each rule, which phrase matched where, in which clause, and what silenced it.

`critic explain RULE --text "BULLET"` prints this for one rule, `critic explain --text "BULLET"` for every rule
that found anything. The trace is computed with every phrase compiled as a label of its own (slower than a review,
so only here), which is what lets it name the phrase and the line of the rubric behind each match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .match import CompiledRubric, RulePlan, TextMatch
from .schema import Rubric, Term


@dataclass
class Match:
    text: str
    words: tuple[int, int]        # 1-based word numbers, inclusive
    clause: str                   # "2.1": sentence 2, its first clause
    term: Term | None = None      # the phrase that matched, where known
    note: str = ""                # why it did not count, if it did not


@dataclass
class RuleTrace:
    rule_id: str
    kind: str
    verdict: str                  # "fires", "signal", "silent", "absent: fires" ...
    looked_for: str               # the trigger, as written
    matches: list[Match] = field(default_factory=list)
    vetoed: list[Match] = field(default_factory=list)   # hits removed by a vocabulary's `except:`
    # (item as written, where it must be found: bullet/sentence/clause, its first match or None)
    unless: list[tuple[str, str, Match | None]] = field(default_factory=list)


def _clause_names(found: TextMatch) -> list[str]:
    tokens = found.tokens
    names, first_clause = [], {}
    for sentence, clause in zip(tokens.sentence, tokens.clause):
        first_clause.setdefault(sentence, clause)
        names.append(f"{sentence + 1}.{clause - first_clause[sentence] + 1}")
    return names


class Tracer:
    def __init__(self, rubric: Rubric):
        self.compiled = CompiledRubric(rubric, split_terms=True)

    def _match(self, found: TextMatch, clauses: list[str], label: str, span) -> Match:
        start, end = found.char_span(span)
        term = None
        for alias in self.compiled.plans[label].aliases:  # which phrase of the label produced this span
            if span in found.hits(alias):
                term = self.compiled.plans[alias].term or self._term(found, alias, span)
                break
        return Match(found.tokens.text[start:end], (span[0] + 1, span[1]), clauses[span[0]], term)

    def _term(self, found: TextMatch, label: str, span):
        plan = self.compiled.plans[label]
        for alias in plan.aliases:
            if span in found.hits(alias):
                return self.compiled.plans[alias].term or self._term(found, alias, span)
        return None

    def trace(self, text: str, rule_ids: list[str] | None = None) -> tuple[TextMatch, list[str], list[RuleTrace]]:
        found = TextMatch(self.compiled, text, keep_vetoed=True)
        clauses = _clause_names(found)
        traces = []
        for plan in self.compiled.rule_plans:
            if rule_ids is not None and plan.rule.id not in rule_ids:
                continue
            traces.append(self._rule(found, clauses, plan))
        return found, clauses, traces

    def _rule(self, found: TextMatch, clauses: list[str], plan: RulePlan) -> RuleTrace:
        rule = plan.rule
        hits = found.hits(plan.trigger)
        looked_for = ", ".join(t.text for t in rule.trigger)
        trace = RuleTrace(rule.id, rule.kind, "", looked_for)
        for span in hits:
            match = self._match(found, clauses, plan.trigger, span)
            if plan.near is not None and found.negated(plan.near, span):
                match.note = "preceded by a negation or disclaimer"
            elif plan.unless:
                veto = found.vetoing_unless(plan, span)
                if veto is not None:
                    index = plan.unless.index(veto[0])
                    other = self._match(found, clauses, veto[0], veto[1])
                    scope = plan.unless_scopes[index]
                    where = "" if scope == "bullet" else f" in the same {scope}"
                    match.note = f"silenced by unless {rule.unless[index].text!r}: {other.text!r}{where}"
            trace.matches.append(match)
        for span, veto in (found.vetoed or {}).get(plan.trigger, []):
            match = self._match(found, clauses, plan.trigger, span)
            match.note = f"dropped: overlaps the exception {found.hit(veto).match!r}"
            trace.vetoed.append(match)
        for index, (label, scope) in enumerate(zip(plan.unless, plan.unless_scopes)):
            first = found.hits(label)
            trace.unless.append((rule.unless[index].text, scope,
                                 self._match(found, clauses, label, first[0]) if first else None))
        live = next((m for m in trace.matches if not m.note), None)
        if rule.kind == "absent":
            trace.verdict = "fires (not found)" if not hits else "silent (found)"
        elif live is None:
            trace.verdict = "silent"
        else:
            trace.verdict = "signal" if rule.is_signal else "fires"
        return trace


def render(text: str, found: TextMatch, clauses: list[str], traces: list[RuleTrace], rubric: Rubric,
           show_silent: bool) -> str:
    tokens = found.tokens
    lines = [f"Text: {text}"]
    parts, first = [], 0
    for index, name in enumerate(clauses):  # each clause as written, from its first word to its last
        if index + 1 == len(clauses) or clauses[index + 1] != name:
            parts.append(f"[{name}] {tokens.text[tokens.starts[first]:tokens.ends[index]]}")
            first = index + 1
    lines.append("Clauses (sentence.clause): " + " | ".join(parts))
    for trace in traces:
        if not show_silent and not trace.matches and trace.kind != "absent" and not trace.vetoed:
            continue
        rule = rubric.rule(trace.rule_id)
        kind = f"signal +{rule.points}" if rule.is_signal else f"{rule.severity.value}, {rule.failure_mode}"
        lines += ["", f"{trace.rule_id} ({kind}): {trace.verdict.upper()}", f"  looks for: {trace.looked_for}"]
        if not trace.matches:
            lines.append("    no match")
        for match in trace.matches + trace.vetoed:
            source = f" <- {match.term.text!r} ({match.term.where})" if match.term else ""
            state = f"  [{match.note}]" if match.note else "  [counts]"
            lines.append(f"    {match.text!r} words {match.words[0]}-{match.words[1]}, clause {match.clause}"
                         f"{source}{state}")
        for scope, heading in (("bullet", "anywhere in the bullet"), ("sentence", "in the trigger's sentence"),
                               ("clause", "in the trigger's clause")):
            items = [(written, match) for written, where, match in trace.unless if where == scope]
            if items:
                lines.append(f"  unless ({heading}):")
            for written, match in items:
                found_text = f"{match.text!r} clause {match.clause}" if match else "no match"
                lines.append(f"    {written}: {found_text}")
    return "\n".join(lines) + "\n"
