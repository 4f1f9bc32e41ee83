"""Configuration: `[tool.critic]` in pyproject.toml or a `.critic.toml`, found by walking up from the reviewed file.

Precedence: command-line flags > the config file > built-in defaults. `--config FILE` skips the search.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, InputError
from .inputs import read_bytes, safe_resolve
from .models import Severity

KEYS = {"rubric", "disable", "severity", "fail-under", "fail-on", "llm"}
CONFIG_NAMES = (".critic.toml", "pyproject.toml")


@dataclass(frozen=True)
class Config:
    path: str | None = None                  # where it came from; None = defaults
    rubric: str | None = None                # resolved path or bundled name
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_under: int | None = None
    fail_on: Severity | None = None
    llm: dict = field(default_factory=dict)  # [tool.critic.llm], read by the rewrite pass only


MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _table(path: Path) -> dict | None:
    """The critic table of a config file, or None if this file has none (a pyproject without [tool.critic])."""
    try:
        raw = read_bytes(path, MAX_CONFIG_BYTES, missing="no such config file", directory="is a directory, not a "
                                                                                         "config file")
        data = tomllib.loads(raw.decode("utf-8"))
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    tool = data.get("tool")
    if path.name == "pyproject.toml":
        if tool is None:
            return None
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool` must be a table ([tool.critic] holds critic's settings)")
        table = tool.get("critic")
    elif isinstance(tool, dict) and "critic" in tool:
        table = tool["critic"]
    else:
        return data  # a .critic.toml has its keys at the top level
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `tool.critic` must be a table ([tool.critic]), not a {_toml_type(table)}")
    return table


def _toml_type(value) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}.get(type(value),
                                                                                             type(value).__name__)


def find_config(start: Path) -> Path | None:
    """The nearest .critic.toml, or pyproject.toml with a [tool.critic] table, at or above `start`."""
    here = start if start.is_dir() else start.parent
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                if name == "pyproject.toml" and _table(candidate) is None:
                    continue
                return candidate
    return None


def load_config(explicit: str | Path | None = None, start: str | Path | None = None) -> Config:
    if explicit is not None:
        path = Path(explicit)  # _table says why it cannot be read (missing, a directory, a FIFO...)
    else:
        path = find_config(safe_resolve(start or "."))
        if path is None:
            return Config()
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.critic] table")
    return parse_config(table, path)


def parse_config(table: dict, path: Path) -> Config:
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(KEYS))})")
    rubric = table.get("rubric")
    if rubric is not None:
        if not isinstance(rubric, str):
            raise ConfigError(f"{path}: `rubric` must be a path or a bundled rubric name")
        if "/" in rubric or rubric.endswith((".yaml", ".yml")):
            rubric = str((path.parent / rubric).resolve())
    disable = table.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise ConfigError(f"{path}: `disable` must be a list of rule or failure-mode ids")
    severity_table = table.get("severity", {})
    if not isinstance(severity_table, dict):
        raise ConfigError(f"{path}: `severity` must be a table of id = \"error\" | \"warning\" | \"info\"")
    severity = {}
    for key, value in severity_table.items():
        try:
            severity[key] = Severity(value)
        except (ValueError, TypeError):
            raise ConfigError(f"{path}: severity of {key!r} must be error, warning or info, not {value!r}") from None
    fail_under = table.get("fail-under")
    if fail_under is not None and (isinstance(fail_under, bool) or not isinstance(fail_under, int)
                                   or not 0 <= fail_under <= 100):
        raise ConfigError(f"{path}: `fail-under` must be a whole number from 0 to 100")
    fail_on = table.get("fail-on")
    if fail_on is not None:
        try:
            fail_on = Severity(fail_on)
        except (ValueError, TypeError):
            raise ConfigError(f"{path}: `fail-on` must be error, warning or info") from None
    llm = table.get("llm", {})
    if not isinstance(llm, dict):
        raise ConfigError(f"{path}: `llm` must be a table")
    _reject_secrets(llm, path)
    return Config(path=str(path), rubric=rubric, disable=frozenset(disable), severity=severity,
                  fail_under=fail_under, fail_on=fail_on, llm=llm)


_SECRET_NAME = re.compile(r"(?:^|[_-])(?:api[_-]?key|key|secret|password|passwd|token|credentials?|auth|"
                          r"authorization|bearer)$", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{16,}|\bsk-ant-")


def _reject_secrets(table: dict, path: Path, where: str = "llm") -> None:
    """API keys come only from the environment: a key-like setting is an error (its value is never shown)."""
    for key, value in table.items():
        name = f"{where}.{key}"
        named = _SECRET_NAME.search(str(key)) and not where.endswith(".prices")  # prices are keyed by model
        if named or (isinstance(value, str) and _SECRET_VALUE.search(value)):
            raise ConfigError(f"{path}: `{name}` looks like an API key; critic reads keys only from the "
                              f"environment (OPENAI_API_KEY, ANTHROPIC_API_KEY), never from config files. Remove "
                              f"it (and rotate the key if this file was shared)")
        if isinstance(value, dict):
            _reject_secrets(value, path, name)


def validate_ids(config: Config, rule_ids: set[str], failure_modes: set[str]) -> None:
    """Unknown ids in `disable`/`severity` are typos: say so instead of silently ignoring them."""
    known = rule_ids | failure_modes
    for key in sorted(set(config.disable) | set(config.severity)):
        if key not in known:
            raise ConfigError(f"{config.path}: {key!r} is not a rule or failure-mode id of the rubric "
                              f"(see `critic rules`)")
