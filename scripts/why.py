"""Debug aid for rubric authors: which vocabulary terms match a bullet.

    python scripts/why.py "Encrypted all model weights at rest, per security policy." [vocab ...]
"""

import re
import sys

from critic import load_rubric

rubric = load_rubric(sys.argv[2] if len(sys.argv) > 2 and sys.argv[2].endswith(".yaml") else None)
text = sys.argv[1]
names = [a for a in sys.argv[2:] if not a.endswith(".yaml")] or sorted(rubric.vocabularies)
for name in names:
    pattern = re.compile(rubric.vocabularies[name], re.I | re.M)
    hits = [m.group(0) for m in pattern.finditer(text)]
    if hits:
        print(f"{name:<20} {hits}")
