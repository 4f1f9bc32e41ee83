"""critic: a narrative critic for promotion dossiers.

The public Python API (the CLI is built on it):

    >>> import critic
    >>> result = critic.review_text("- Eliminated all hallucinations in the new model.")
    >>> result.bullets[0].findings[0].failure_mode
    'perfect-safety-claim'

`review_text` and `review_file` return a `DocumentResult`; `load_rubric` loads the bundled or a custom rubric;
`scaffold_rewrite` gives the deterministic rewrite scaffold for one bullet.
"""

from __future__ import annotations

from .api import review_file, review_text, scaffold_rewrite
from .engine import ReviewOptions
from .errors import ConfigError, CriticError, InputError, RubricError
from .models import BulletResult, ChecklistItem, DocumentResult, Finding, Severity, Signal
from .rubric.load import load_rubric

__version__ = "0.1.0"

__all__ = [
    "BulletResult", "ChecklistItem", "ConfigError", "CriticError", "DocumentResult", "Finding", "InputError",
    "ReviewOptions", "RubricError", "Severity", "Signal", "load_rubric", "review_file", "review_text",
    "scaffold_rewrite", "__version__",
]
