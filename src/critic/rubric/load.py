"""YAML rubric files -> validated Rubric objects.

Vocabularies are expanded here, once: `{name}` in a pattern becomes a non-capturing group of the vocabulary's
alternatives. Every problem is a RubricError naming the file and, where there is one, the rule.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import RubricError
from ..models import Severity
from . import cache
from .schema import COMMON_RULE_KEYS, FINDING_KINDS, RULE_KINDS, SCOPES, ChecklistEntry, Examples, Rubric, Rule

TOP_KEYS = {"schema", "name", "version", "description", "extends", "disable", "failure_modes", "dimensions",
            "vocabularies", "rules", "checklist", "scoring"}
SCORING_KEYS = {"severity_points", "signal_cap", "negation_window"}
CHECKLIST_KEYS = {"id", "title", "hint", "pattern", "examples"}
MIN_EXAMPLES = 2
DEFAULT_RUBRIC = "default"

_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def bundled_rubric_dir() -> Path:
    """Rubrics ship inside the package (critic/rubrics); a source checkout falls back to ./rubrics."""
    packaged = Path(str(resources.files("critic"))) / "rubrics"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rubrics"


def resolve_rubric_path(name_or_path: str | Path | None, relative_to: Path | None = None) -> Path:
    """`None` or a bare name ("default") means a bundled rubric; anything else is a file path."""
    name = str(name_or_path or DEFAULT_RUBRIC)
    if "/" not in name and "\\" not in name and not name.endswith((".yaml", ".yml")):
        candidate = bundled_rubric_dir() / f"{name}.yaml"
        if candidate.is_file():
            return candidate
        raise RubricError(name, "no bundled rubric of that name (give a path to a .yaml file)")
    path = Path(name)
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    return path


def load_rubric(name_or_path: str | Path | None = None) -> Rubric:
    path = resolve_rubric_path(name_or_path)
    return _load_cached(str(path.resolve()) if path.exists() else str(path))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Rubric:
    try:
        key = cache.digest(Path(path).read_bytes())
    except OSError:
        key = None  # _load reports the problem
    regexes = cache.regexes_for(key)  # compiled patterns of this rubric file, kept across runs (see cache.py)
    rubric = _load(Path(path), seen=())
    regexes.save()
    return rubric


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError(str(path), "no such file") from None
    except IsADirectoryError:
        raise RubricError(str(path), "is a directory, not a rubric file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(str(path), f"cannot be read ({exc})") from None
    cache_name = f"yaml-{cache.digest(text.encode('utf-8'))}{cache.SUFFIX}"
    data = cache.read(cache_name)
    if isinstance(data, dict):
        return data
    data = _parse_yaml(text, path)
    try:
        if json.loads(json.dumps(data)) == data:  # only plain JSON data is cached
            cache.write(cache_name, data)
    except (TypeError, ValueError):
        pass
    return data


def _parse_yaml(text: str, path: Path) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RubricError(where, f"invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise RubricError(str(path), "a rubric must be a YAML mapping with `rules:`")
    return data


def _load(path: Path, seen: tuple[str, ...]) -> Rubric:
    where = str(path)
    if where in seen:
        raise RubricError(where, "`extends` loops back to this file")
    data = _read_yaml(path)
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise RubricError(where, f"unknown top-level key(s): {', '.join(sorted(unknown))}")

    base: Rubric | None = None
    if data.get("extends"):
        base_path = resolve_rubric_path(data["extends"], relative_to=path.parent)
        base = _load(base_path.resolve() if base_path.exists() else base_path, seen + (where,))

    failure_modes = dict(base.failure_modes) if base else {}
    failure_modes.update(_string_map(data.get("failure_modes", {}), where, "failure_modes"))
    dimensions = dict(base.dimensions) if base else {}
    dimensions.update(_string_map(data.get("dimensions", {}), where, "dimensions"))

    raw_vocab = _raw_vocabularies(data.get("vocabularies", {}), where)
    vocabularies = dict(base.vocabularies) if base else {}
    vocabularies.update(_expand_vocabularies(raw_vocab, vocabularies, where))

    scoring = data.get("scoring") or {}
    if not isinstance(scoring, dict) or set(scoring) - SCORING_KEYS:
        raise RubricError(where, f"`scoring` accepts only: {', '.join(sorted(SCORING_KEYS))}")

    base_rules = list(base.rules) if base else []
    disabled = data.get("disable") or []
    if not isinstance(disabled, list):
        raise RubricError(where, "`disable` must be a list of rule ids")
    known = {r.id for r in base_rules}
    for rule_id in disabled:
        if rule_id not in known:
            raise RubricError(where, "`disable` names a rule the base rubric does not have", rule=str(rule_id))
    rules = [r for r in base_rules if r.id not in disabled]

    ids = {r.id for r in rules}
    for raw in data.get("rules") or []:
        rule = _parse_rule(raw, where, vocabularies, failure_modes, dimensions)
        if rule.id in ids:
            raise RubricError(where, "duplicate rule id", rule=rule.id)
        ids.add(rule.id)
        rules.append(rule)
    if not rules:
        raise RubricError(where, "the rubric has no rules")

    checklist = list(base.checklist) if base else []
    checklist_ids = {c.id for c in checklist}
    for raw in data.get("checklist") or []:
        entry = _parse_checklist(raw, where, vocabularies)
        if entry.id in checklist_ids:
            raise RubricError(where, "duplicate checklist id", rule=entry.id)
        checklist_ids.add(entry.id)
        checklist.append(entry)

    severity_points = dict(base.severity_points) if base else {"error": 25, "warning": 12, "info": 5}
    severity_points.update(scoring.get("severity_points") or {})
    return Rubric(
        name=str(data.get("name") or (base.name if base else path.stem)),
        version=str(data.get("version") or (base.version if base else "0")),
        path=where,
        failure_modes=failure_modes,
        dimensions=dimensions,
        vocabularies=vocabularies,
        rules=tuple(rules),
        checklist=tuple(checklist),
        severity_points=severity_points,
        signal_cap=int(scoring.get("signal_cap", base.signal_cap if base else 30)),
        negation_window=int(scoring.get("negation_window", base.negation_window if base else 4)),
    )


def _string_map(value, where: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RubricError(where, f"`{key}` must map ids to one-line descriptions")
    return {str(k): v for k, v in value.items()}


# --- vocabularies -------------------------------------------------------------------------------------------

def phrase_to_regex(phrase: str) -> str:
    """A plain vocabulary phrase -> regex: case-free, any hyphen/space between words, plural allowed.

    `red team` matches "red team", "red-team", "red-teams", "Red Teams"; a trailing `*` allows any word ending
    (`automat*` matches "automated", "automation"); `liability` also matches "liabilities".
    """
    phrase = phrase.strip()
    open_ended = phrase.endswith("*")
    if open_ended:
        phrase = phrase[:-1]
    words = [w for w in re.split(r"[\s\-]+", phrase) if w]
    if not words:
        return ""
    body = r"[\s-]*".join(re.escape(w) for w in words)
    last = words[-1]
    if open_ended:
        body += r"\w*"
    elif re.search(r"[^aeiou]y$", last, re.I):
        body = body[:-1] + "(?:y|ies)"
    elif last[-1:].isalpha() and not last.isupper():
        body += "(?:e?s)?"
    prefix = r"\b" if re.match(r"\w", words[0]) else ""
    suffix = r"\b" if open_ended or re.search(r"\w$", last) else ""
    return prefix + body + suffix


_ESCAPES_AND_CLASSES = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]")  # an escaped character; a [class]
_STRUCTURE = re.compile(r"[()|]")


def _boundary_sequence(term: str) -> bool:
    """True when a vocabulary term (as written, before `{name}` references are expanded: those always expand to a
    group) is `\\b` followed by a sequence with no top-level `|`, so that the `\\b` can be shared."""
    if not term.startswith(r"\b"):
        return False
    if "|" not in term:
        return True
    depth = 0
    for token in _STRUCTURE.findall(_ESCAPES_AND_CLASSES.sub("", term)):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            return False
    return True


def _factor_word_boundaries(alternatives: list[tuple[str, bool]]) -> list[str]:
    """`\\bA|\\bB|C|\\bD` -> `\\b(?:A|B)|C|\\bD`: the same matches in the same order of preference, but
    Python's engine tests the shared `\\b` once per position instead of once per term, which roughly halves the
    cost of large vocabularies inside words."""
    out: list[str] = []
    run: list[str] = []

    def flush():
        if len(run) > 1:
            out.append(r"\b(?:" + "|".join(term[2:] for term in run) + ")")
        else:
            out.extend(run)
        run.clear()

    for term, shares_boundary in alternatives:
        if shares_boundary:
            run.append(term)
        else:
            flush()
            out.append(term)
    flush()
    return out


def _raw_vocabularies(value, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise RubricError(where, "`vocabularies` must map names to lists of terms")
    out = {}
    for name, terms in value.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise RubricError(where, f"vocabulary name {name!r} must be lower_snake_case")
        if isinstance(terms, str):
            terms = [terms]
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise RubricError(where, f"vocabulary {name!r} must be a non-empty list of strings")
        out[name] = terms
    return out


def _expand_vocabularies(raw: dict[str, list[str]], inherited: dict[str, str], where: str) -> dict[str, str]:
    expanded: dict[str, str] = {}

    def expand(name: str, stack: tuple[str, ...]) -> str:
        if name in expanded:
            return expanded[name]
        if name in stack:
            raise RubricError(where, f"vocabulary {name!r} refers to itself through {' -> '.join(stack)}")
        alternatives = []
        for term in raw[name]:
            if term.startswith("re:"):
                written = term[3:].strip()
                source = _substitute(written, lambda ref: lookup(ref, stack + (name,)), where, f"vocabulary {name}")
            else:
                written = source = phrase_to_regex(term)
            alternatives.append((source, _boundary_sequence(written)))
        # longest first, so that the reported match is the most specific term
        alternatives.sort(key=lambda alternative: len(alternative[0]), reverse=True)
        source = "(?:" + "|".join(_factor_word_boundaries(alternatives)) + ")"
        _check_regex(source, where, f"vocabulary {name}")
        expanded[name] = source
        return source

    def lookup(ref: str, stack: tuple[str, ...]) -> str:
        if ref in raw:
            return expand(ref, stack)
        if ref in inherited:
            return inherited[ref]
        raise RubricError(where, f"unknown vocabulary {{{ref}}} in vocabulary {stack[-1]!r}")

    for vocab in raw:
        expand(vocab, ())
    return expanded


def _substitute(pattern: str, lookup, where: str, rule: str) -> str:
    def replace(match: re.Match) -> str:
        return lookup(match.group(1))

    try:
        return _REF.sub(replace, pattern)
    except RubricError:
        raise
    except Exception as exc:  # pragma: no cover - defensive
        raise RubricError(where, f"cannot expand pattern: {exc}", rule=rule) from None


def _check_regex(source: str, where: str, rule: str) -> None:
    try:
        # the matcher's flags, so that the compiled pattern is the one it reuses (validity does not depend on them)
        cache.compile(source, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise RubricError(where, f"invalid regex: {exc}", rule=rule) from None


def _pattern(value, where: str, rule: str, key: str, vocabularies: dict[str, str]) -> str:
    """A pattern is a regex string or a list of them (any may match); `{vocab}` is expanded."""
    return _joined(_pattern_parts(value, where, rule, key, vocabularies), where, rule)


def _joined(parts: list[str], where: str, rule: str) -> str:
    """One regex that matches where any of `parts` does."""
    source = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    _check_regex(source, where, rule)
    return source


def _pattern_parts(value, where: str, rule: str, key: str, vocabularies: dict[str, str]) -> list[str]:
    """Each regex of a pattern (one, or the items of a list), with `{vocab}` expanded and checked."""
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        parts = value
    else:
        raise RubricError(where, f"`{key}` must be a regex or a list of regexes", rule=rule)

    def lookup(ref: str) -> str:
        if ref not in vocabularies:
            raise RubricError(where, f"`{key}` uses unknown vocabulary {{{ref}}}", rule=rule)
        return vocabularies[ref]

    expanded = [_substitute(p, lookup, where, rule) for p in parts]
    for p in expanded:
        _check_regex(p, where, rule)
    return expanded


# --- rules ---------------------------------------------------------------------------------------------------

def _examples(value, where: str, rule: str) -> Examples:
    if not isinstance(value, dict) or set(value) - {"bad", "good"}:
        raise RubricError(where, "`examples` must have `bad:` and `good:` lists", rule=rule)
    bad, good = value.get("bad") or [], value.get("good") or []
    for label, items in (("bad", bad), ("good", good)):
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise RubricError(where, f"`examples.{label}` must be a list of strings", rule=rule)
        if len(items) < MIN_EXAMPLES:
            raise RubricError(where, f"needs at least {MIN_EXAMPLES} {label} examples (has {len(items)})",
                              rule=rule)
    return Examples(bad=tuple(bad), good=tuple(good))


def _text(raw: dict, key: str, where: str, rule: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(where, f"missing `{key}`", rule=rule)
    return " ".join(value.split())


def _parse_rule(raw, where: str, vocabularies: dict[str, str], failure_modes: dict[str, str],
                dimensions: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise RubricError(where, "each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RubricError(where, f"rule id {rule_id!r} must be lower-kebab-case", rule=str(rule_id))
    unknown = set(raw) - COMMON_RULE_KEYS
    if unknown:
        raise RubricError(where, f"unknown key(s): {', '.join(sorted(unknown))}", rule=rule_id)
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise RubricError(where, f"`kind` must be one of {', '.join(RULE_KINDS)}", rule=rule_id)
    for key in RULE_KINDS[kind]:
        if key not in raw:
            raise RubricError(where, f"a {kind} rule needs `{key}`", rule=rule_id)
    scope = raw.get("scope", "bullet")
    if scope not in SCOPES:
        raise RubricError(where, f"`scope` must be one of {', '.join(SCOPES)}", rule=rule_id)
    if scope == "document" and kind != "absent":
        raise RubricError(where, "only `absent` rules can have document scope", rule=rule_id)

    fields: dict = {"id": rule_id, "kind": kind, "scope": scope,
                    "message": _text(raw, "message", where, rule_id),
                    "rationale": _text(raw, "rationale", where, rule_id),
                    "fix": _text(raw, "fix", where, rule_id),
                    "examples": _examples(raw.get("examples"), where, rule_id),
                    "negation": bool(raw.get("negation", False))}
    if kind == "signal":
        for key in ("failure_mode", "severity"):
            if key in raw:
                raise RubricError(where, f"a signal has no `{key}`", rule=rule_id)
        points = raw.get("points")
        if not isinstance(points, int) or not 0 < points <= 50:
            raise RubricError(where, "`points` must be a whole number from 1 to 50", rule=rule_id)
        fields["points"] = points
    else:
        mode = raw.get("failure_mode")
        if mode not in failure_modes:
            raise RubricError(where, f"`failure_mode` must be one of {', '.join(failure_modes)}", rule=rule_id)
        fields["failure_mode"] = mode
        try:
            fields["severity"] = Severity(raw.get("severity", "warning"))
        except ValueError:
            raise RubricError(where, "`severity` must be error, warning or info", rule=rule_id) from None
        if "points" in raw:
            if not isinstance(raw["points"], int) or not 0 <= raw["points"] <= 100:
                raise RubricError(where, "`points` must be a whole number from 0 to 100", rule=rule_id)
            fields["points"] = raw["points"]
    dimension = raw.get("dimension", "")
    if kind == "signal" or dimension:
        if dimension not in dimensions:
            raise RubricError(where, f"`dimension` must be one of {', '.join(dimensions)}", rule=rule_id)
    fields["dimension"] = dimension
    for key in ("pattern", "when", "unless", "unless_near"):
        if key in raw:
            parts = _pattern_parts(raw[key], where, rule_id, key, vocabularies)
            fields[key] = _joined(parts, where, rule_id)
            if key == "unless":
                fields["unless_any"] = tuple(parts)
    if fields.get("negation") and "negation" not in vocabularies:
        raise RubricError(where, "`negation: true` needs a `negation` vocabulary", rule=rule_id)
    if kind == "absent" and (fields.get("negation") or fields.get("unless_near")):
        raise RubricError(where, "an absent rule cannot use `negation` or `unless_near`", rule=rule_id)
    return Rule(**fields)


def _parse_checklist(raw, where: str, vocabularies: dict[str, str]) -> ChecklistEntry:
    if not isinstance(raw, dict):
        raise RubricError(where, "each checklist entry must be a mapping")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise RubricError(where, f"checklist id {entry_id!r} must be lower-kebab-case", rule=str(entry_id))
    unknown = set(raw) - CHECKLIST_KEYS
    if unknown:
        raise RubricError(where, f"unknown key(s): {', '.join(sorted(unknown))}", rule=entry_id)
    if "pattern" not in raw:
        raise RubricError(where, "a checklist entry needs `pattern`", rule=entry_id)
    return ChecklistEntry(
        id=entry_id,
        title=_text(raw, "title", where, entry_id),
        hint=_text(raw, "hint", where, entry_id),
        pattern=_pattern(raw["pattern"], where, entry_id, "pattern", vocabularies),
        examples=_examples(raw.get("examples"), where, entry_id),
    )
