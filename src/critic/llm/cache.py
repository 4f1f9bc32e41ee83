"""On-disk cache of VERIFIED rewrites, so a second identical run makes no calls.

Key: sha256 of provider, model, base URL, prompt version, rubric fingerprint, review options, variants, redaction
and the bullet text. Only the key's hash names a file; a file holds the verified rewrites and nothing else (no
prompt, no key, no bullet). Entries are verified again when read, so a stale or edited file cannot smuggle an
unverified rewrite through.

Location: $CRITIC_CACHE_DIR, else the user cache directory (XDG_CACHE_HOME or ~/.cache on Linux,
~/Library/Caches on macOS, %LOCALAPPDATA% on Windows) + /critic/llm.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

FORMAT = 1


def cache_dir(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    if environ.get("CRITIC_CACHE_DIR"):
        return Path(environ["CRITIC_CACHE_DIR"]).expanduser() / "llm"
    if sys.platform == "win32":
        base = Path(environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "critic" / "llm"


def cache_key(*, provider: str, model: str, base_url: str | None, prompt_version: str, rubric: str,
              options: str, variants: int, redact: bool, bullet: str) -> str:
    material = json.dumps([FORMAT, provider, model, base_url or "", prompt_version, rubric, options, variants,
                           redact, bullet], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None = None, enabled: bool = True):
        self.directory = directory or cache_dir()
        self.enabled = enabled

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[dict] | None:
        if not self.enabled:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("rewrites"), list):
            return None
        return [r for r in data["rewrites"] if isinstance(r, dict)]

    def put(self, key: str, rewrites: list[dict]) -> None:
        """Best effort: a cache that cannot be written never fails the run."""
        if not self.enabled or not rewrites:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": FORMAT, "rewrites": rewrites}, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except (OSError, UnboundLocalError, NameError):
                pass
