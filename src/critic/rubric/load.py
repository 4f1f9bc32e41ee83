"""YAML rubric files -> validated Rubric objects, compiled once so that every phrase is checked at load.

Every problem is a RubricError naming the file and, where there is one, the line, the rule or vocabulary and the
phrase: `rubric.yaml:42: vocabulary business_result: ... (in 'renew*al')`.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from ..errors import RubricError
from ..models import Severity
from . import cache, numbers
from .phrases import PhraseError
from .schema import (COMMON_RULE_KEYS, RULE_KINDS, SCHEMA, SCOPES, UNLESS_KEYS, ChecklistEntry, ClauseBreaks,
                     Examples, Rubric, Rule, Term, Vocabulary, rubric_from_plain, rubric_to_plain)

TOP_KEYS = {"schema", "name", "version", "description", "extends", "disable", "failure_modes", "dimensions",
            "clauses", "vocabularies", "rules", "checklist", "scoring"}
SCORING_KEYS = {"severity_points", "signal_cap", "negation_window"}
CHECKLIST_KEYS = {"id", "title", "hint", "pattern", "examples"}
VOCABULARY_KEYS = {"phrases", "except"}
CLAUSE_KEYS = {"before", "after_comma"}
PATTERN_KEYS = ("pattern", "when", "unless_near")
MIN_EXAMPLES = 2
DEFAULT_RUBRIC = "default"
MIGRATION = "docs/rubric-format.md#migrating-from-schema-1"

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def bundled_rubric_dir() -> Path:
    """Rubrics ship inside the package (critic/rubrics); a source checkout falls back to ./rubrics."""
    here = Path(__file__).resolve().parents
    packaged = here[1] / "rubrics"
    return packaged if packaged.is_dir() else here[3] / "rubrics"


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
    """Load, validate and compile a rubric; the same unchanged file is loaded once per process."""
    path = resolve_rubric_path(name_or_path)
    try:
        key = str(path.resolve()) if path.exists() else str(path)
        stat = path.stat() if path.exists() else None
    except (OSError, RuntimeError):  # a symlink loop
        raise RubricError(str(path), "cannot be read (a symbolic link loop)") from None
    return _load_compiled(key, (stat.st_mtime_ns, stat.st_size) if stat else None)


@lru_cache(maxsize=8)
def _load_compiled(path: str, version: tuple | None) -> Rubric:  # `version`: reload a file that changed
    from .match import CompileError, CompiledRubric, compile_rubric, remember

    try:
        # the path is part of the key: the compiled rubric names its file (errors, traces, `critic rules`)
        entry = cache.entry_name(path.encode("utf-8") + b"\0" + Path(path).read_bytes(), engine_version())
    except OSError:
        entry = None  # _load reports the problem
    stored = cache.read(entry) if entry else None
    if isinstance(stored, dict):
        try:
            rubric = rubric_from_plain(stored["rubric"])
            remember(rubric, CompiledRubric.from_state(rubric, stored["compiled"]))
            return rubric
        except Exception:  # noqa: BLE001 - a damaged entry: compile again
            pass
    files: list[str] = []
    rubric = _load(Path(path), seen=(), files=files)
    try:
        compiled = compile_rubric(rubric)
    except CompileError as exc:
        raise RubricError(exc.term.where or rubric.path, f"{exc.owner}: {_message(exc)}") from None
    except PhraseError as exc:
        raise RubricError(rubric.path, str(exc)) from None
    if entry:
        cache.write(entry, {"rubric": rubric_to_plain(rubric), "compiled": compiled.state()}, files)
    return rubric


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A digest of the matcher's own source: a cached compiled rubric is valid only for the code that built it."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _message(exc) -> str:
    text = str(exc)
    prefix = f"{exc.owner}: "
    return text[len(prefix):] if text.startswith(prefix) else text


# --- YAML with line numbers ------------------------------------------------------------------------------------

class _Located(str):
    """A string from the YAML file that remembers the line it was written on."""

    line = 0


def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_str(loader, node):
        value = _Located(loader.construct_scalar(node))
        value.line = node.start_mark.line + 1
        return value

    Loader.add_constructor("tag:yaml.org,2002:str", construct_str)
    return yaml, Loader


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError(str(path), "no such file") from None
    except IsADirectoryError:
        raise RubricError(str(path), "is a directory, not a rubric file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(str(path), f"cannot be read ({exc})") from None
    yaml, loader = _yaml_loader()
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RubricError(where, f"invalid YAML: {problem}") from None
    except RecursionError:
        raise RubricError(str(path), "invalid YAML: nested too deeply") from None
    if not isinstance(data, dict):
        raise RubricError(str(path), "a rubric must be a YAML mapping with `rules:`")
    return data


def _at(path: str, value) -> str:
    line = getattr(value, "line", 0)
    return f"{path}:{line}" if line else path


# --- the rubric ------------------------------------------------------------------------------------------------

def _load(path: Path, seen: tuple[str, ...], files: list[str]) -> Rubric:
    """Parse and validate one rubric file (and what it extends); `files` collects every file read."""
    where = str(path)
    if where in seen:
        raise RubricError(where, "`extends` loops back to this file")
    data = _read_yaml(path)
    files.append(where)
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise RubricError(where, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    _check_schema(data, where)

    base: Rubric | None = None
    if data.get("extends"):
        if not isinstance(data["extends"], str):
            raise RubricError(where, "`extends` must be a bundled rubric name or a path")
        base_path = resolve_rubric_path(data["extends"], relative_to=path.parent)
        base = _load(base_path.resolve() if base_path.exists() else base_path, seen + (where,), files)

    failure_modes = dict(base.failure_modes) if base else {}
    failure_modes.update(_string_map(data.get("failure_modes", {}), where, "failure_modes"))
    dimensions = dict(base.dimensions) if base else {}
    dimensions.update(_string_map(data.get("dimensions", {}), where, "dimensions"))
    vocabularies = _vocabularies(data.get("vocabularies") or {}, where, dict(base.vocabularies) if base else {})
    clauses = _clauses(data.get("clauses"), where, base.clauses if base else ClauseBreaks())

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
            raise RubricError(_at(where, rule_id), "`disable` names a rule the base rubric does not have",
                              rule=str(rule_id))
    rules = [r for r in base_rules if r.id not in disabled]

    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise RubricError(where, "`rules` must be a list of rules")
    ids = {r.id for r in rules}
    for raw in raw_rules:
        rule = _parse_rule(raw, where, vocabularies, failure_modes, dimensions)
        if rule.id in ids:
            raise RubricError(_at(where, raw.get("id")), "duplicate rule id", rule=rule.id)
        ids.add(rule.id)
        rules.append(rule)
    if not rules:
        raise RubricError(where, "the rubric has no rules")

    checklist = list(base.checklist) if base else []
    checklist_ids = {c.id for c in checklist}
    for raw in data.get("checklist") or []:
        entry = _parse_checklist(raw, where)
        if entry.id in checklist_ids:
            raise RubricError(where, "duplicate checklist id", rule=entry.id)
        checklist_ids.add(entry.id)
        checklist.append(entry)

    severity_points = dict(base.severity_points) if base else {"error": 25, "warning": 12, "info": 5}
    severity_points.update(_severity_points(scoring.get("severity_points"), where))
    return Rubric(
        name=str(data.get("name") or (base.name if base else path.stem)),
        version=str(data.get("version") or (base.version if base else "0")),
        path=where,
        failure_modes=failure_modes,
        dimensions=dimensions,
        vocabularies=vocabularies,
        rules=tuple(rules),
        checklist=tuple(checklist),
        clauses=clauses,
        severity_points=severity_points,
        signal_cap=_whole(scoring, "signal_cap", base.signal_cap if base else 30, where),
        negation_window=_whole(scoring, "negation_window", base.negation_window if base else 4, where),
    )


def _check_schema(data: dict, where: str) -> None:
    schema = data.get("schema", SCHEMA)
    if schema == SCHEMA:
        return
    if schema == 1:
        # A schema-1 file that only extends, disables or rescores still reads the same; patterns do not.
        rules = data.get("rules") or []
        patterned = [r.get("id") for r in rules if isinstance(r, dict) and set(r) & {*PATTERN_KEYS, *UNLESS_KEYS}]
        if patterned or data.get("checklist") or data.get("vocabularies"):
            what = f"rule {patterned[0]!r} has regular-expression patterns" if patterned else \
                "its vocabularies and checklist are regular expressions"
            raise RubricError(where, f"schema 1 rubrics are no longer read ({what}): vocabularies and rules are now "
                                     f"phrases (`schema: 2`); see {MIGRATION}")
        return
    raise RubricError(where, f"unknown `schema: {schema}` (this critic reads schema {SCHEMA}; see {MIGRATION})")


def _string_map(value, where: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RubricError(where, f"`{key}` must map ids to one-line descriptions")
    return {str(k): str(v) for k, v in value.items()}


def _severity_points(value, where: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - {"error", "warning", "info"} or not all(
            type(v) is int and v >= 0 for v in value.values()):
        raise RubricError(where, "`scoring.severity_points` maps error/warning/info to whole numbers")
    return {str(k): v for k, v in value.items()}


def _whole(scoring: dict, key: str, default: int, where: str) -> int:
    value = scoring.get(key, default)
    if type(value) is not int or value < 0:
        raise RubricError(where, f"`scoring.{key}` must be a whole number")
    return value


def _terms(value, where: str, what: str) -> tuple[Term, ...]:
    """A phrase or a list of phrases, each kept with the line it was written on."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise RubricError(_at(where, value if isinstance(value, str) else None),
                          f"{what} must be a phrase or a non-empty list of phrases")
    return tuple(Term(str(item).strip(), where, getattr(item, "line", 0)) for item in items)


def _vocabularies(value, where: str, inherited: dict[str, Vocabulary]) -> dict[str, Vocabulary]:
    """Vocabularies of this file; one that shares a base vocabulary's name adds its phrases to it."""
    if not isinstance(value, dict):
        raise RubricError(where, "`vocabularies` must map names to lists of phrases")
    out = dict(inherited)
    for name, body in value.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise RubricError(_at(where, name), f"vocabulary name {name!r} must be lower_snake_case")
        if name in numbers.RECOGNIZERS:
            raise RubricError(_at(where, name), f"vocabulary name {name!r} is a built-in recognizer; choose another "
                                                f"(recognizers: {', '.join(numbers.RECOGNIZERS)})")
        exceptions: tuple[Term, ...] = ()
        if isinstance(body, dict):
            unknown = set(body) - VOCABULARY_KEYS
            if unknown or "phrases" not in body:
                raise RubricError(_at(where, name), f"vocabulary {name!r}: a mapping has `phrases:` and, optionally, "
                                                    "`except:`")
            if "except" in body:
                exceptions = _terms(body["except"], where, f"vocabulary {name!r}: `except`")
            body = body["phrases"]
        phrases = _terms(body, where, f"vocabulary {name!r}")
        if name in out:
            previous = out[name]
            phrases, exceptions = previous.phrases + phrases, previous.exceptions + exceptions
        out[name] = Vocabulary(name=str(name), phrases=phrases, exceptions=exceptions)
    return out


def _clauses(value, where: str, inherited: ClauseBreaks) -> ClauseBreaks:
    if value is None:
        return inherited
    if not isinstance(value, dict) or set(value) - CLAUSE_KEYS:
        raise RubricError(where, "`clauses` has `before:` and `after_comma:` lists of words")
    words = {}
    for key in CLAUSE_KEYS:
        items = value.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise RubricError(where, f"`clauses.{key}` must be a list of words")
        words[key] = tuple(str(i).strip().lower() for i in items)
    return ClauseBreaks(before=words["before"], after_comma=words["after_comma"])


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
    return Examples(bad=tuple(str(b) for b in bad), good=tuple(str(g) for g in good))


def _text(raw: dict, key: str, where: str, rule: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(where, f"missing `{key}`", rule=rule)
    return " ".join(value.split())


def _parse_rule(raw, where: str, vocabularies: dict[str, Vocabulary], failure_modes: dict[str, str],
                dimensions: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise RubricError(where, "each rule must be a mapping")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RubricError(_at(where, rule_id), f"rule id {rule_id!r} must be lower-kebab-case", rule=str(rule_id))
    at = _at(where, rule_id)
    rule_id = str(rule_id)
    unknown = set(raw) - COMMON_RULE_KEYS
    if unknown:
        raise RubricError(at, f"unknown key(s): {', '.join(sorted(unknown))}", rule=rule_id)
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise RubricError(at, f"`kind` must be one of {', '.join(RULE_KINDS)}", rule=rule_id)
    for key in RULE_KINDS[kind]:
        if key not in raw:
            raise RubricError(at, f"a {kind} rule needs `{key}`", rule=rule_id)
    scope = raw.get("scope", "bullet")
    if scope not in SCOPES:
        raise RubricError(at, f"`scope` must be one of {', '.join(SCOPES)}", rule=rule_id)
    if scope == "document" and kind != "absent":
        raise RubricError(at, "only `absent` rules can have document scope", rule=rule_id)
    negation = raw.get("negation", False)
    if not isinstance(negation, bool):
        raise RubricError(at, "`negation` is true or false", rule=rule_id)

    fields: dict = {"id": rule_id, "kind": str(kind), "scope": str(scope),
                    "message": _text(raw, "message", at, rule_id),
                    "rationale": _text(raw, "rationale", at, rule_id),
                    "fix": _text(raw, "fix", at, rule_id),
                    "examples": _examples(raw.get("examples"), at, rule_id),
                    "negation": negation}
    if kind == "signal":
        for key in ("failure_mode", "severity"):
            if key in raw:
                raise RubricError(at, f"a signal has no `{key}`", rule=rule_id)
        points = raw.get("points")
        if type(points) is not int or not 0 < points <= 50:
            raise RubricError(at, "`points` must be a whole number from 1 to 50", rule=rule_id)
        fields["points"] = points
    else:
        mode = raw.get("failure_mode")
        if mode not in failure_modes:
            raise RubricError(at, f"`failure_mode` must be one of {', '.join(failure_modes)}", rule=rule_id)
        fields["failure_mode"] = str(mode)
        try:
            fields["severity"] = Severity(raw.get("severity", "warning"))
        except ValueError:
            raise RubricError(at, "`severity` must be error, warning or info", rule=rule_id) from None
        if "points" in raw:
            if type(raw["points"]) is not int or not 0 <= raw["points"] <= 100:
                raise RubricError(at, "`points` must be a whole number from 0 to 100", rule=rule_id)
            fields["points"] = raw["points"]
    dimension = raw.get("dimension", "")
    if kind == "signal" or dimension:
        if dimension not in dimensions:
            raise RubricError(at, f"`dimension` must be one of {', '.join(dimensions)}", rule=rule_id)
    fields["dimension"] = str(dimension)
    for key in PATTERN_KEYS:
        if key in raw:
            fields[key] = _terms(raw[key], where, f"rule {rule_id!r}: `{key}`")
    unless_keys = [key for key in UNLESS_KEYS if key in raw]
    if kind == "conditional" and not unless_keys:
        raise RubricError(at, f"a conditional rule needs `unless` (or {', '.join(list(UNLESS_KEYS)[1:])})",
                          rule=rule_id)
    if kind != "conditional" and unless_keys:
        raise RubricError(at, f"only a conditional rule has `{unless_keys[0]}`", rule=rule_id)
    unless: list[Term] = []
    scopes: list[str] = []
    for key in unless_keys:
        terms = _terms(raw[key], where, f"rule {rule_id!r}: `{key}`")
        unless.extend(terms)
        scopes.extend([UNLESS_KEYS[key]] * len(terms))
    fields["unless"], fields["unless_scopes"] = tuple(unless), tuple(scopes)
    if negation and "negation" not in vocabularies:
        raise RubricError(at, "`negation: true` needs a `negation` vocabulary", rule=rule_id)
    if kind == "absent" and (negation or "unless_near" in raw):
        raise RubricError(at, "an absent rule cannot use `negation` or `unless_near`", rule=rule_id)
    return Rule(**fields)


def _parse_checklist(raw, where: str) -> ChecklistEntry:
    if not isinstance(raw, dict):
        raise RubricError(where, "each checklist entry must be a mapping")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise RubricError(_at(where, entry_id), f"checklist id {entry_id!r} must be lower-kebab-case",
                          rule=str(entry_id))
    at = _at(where, entry_id)
    unknown = set(raw) - CHECKLIST_KEYS
    if unknown:
        raise RubricError(at, f"unknown key(s): {', '.join(sorted(unknown))}", rule=str(entry_id))
    if "pattern" not in raw:
        raise RubricError(at, "a checklist entry needs `pattern`", rule=str(entry_id))
    return ChecklistEntry(
        id=str(entry_id),
        title=_text(raw, "title", at, entry_id),
        hint=_text(raw, "hint", at, entry_id),
        pattern=_terms(raw["pattern"], where, f"checklist {entry_id!r}: `pattern`"),
        examples=_examples(raw.get("examples"), at, entry_id),
    )
