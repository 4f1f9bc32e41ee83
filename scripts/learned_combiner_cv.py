"""Would a learned combiner beat the rubric on real writing? Grouped cross-validation over the real dev set.

    pip install scikit-learn            # only for this experiment; critic does not depend on it
    python scripts/learned_combiner_cv.py

For each failure mode it compares, on ../shared/real/dev.jsonl:
- the rubric as shipped;
- a logistic regression over the rubric's rule outputs and vocabulary hits;
- the same plus word unigrams and bigrams;
each model trained on the corpus dev split plus the real-dev source groups of the other folds (6 folds, grouped by
the bullet's source repository, so no source is in both training and test), real bullets weighted 4x. A learned
component would ship only if it beat the rubric here (issue 13); see docs/accuracy.md for the result.

The rubric was tuned on all of real dev, so that comparison flatters it. The second table is fair to both sides:
the corpus bullets of group `dev-s-heldout` (never tuned on) scored by the rubric and by the same models trained on
the rest of the corpus and all of real dev.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from critic import load_rubric  # noqa: E402
from critic.evaluation import EVALUATED_MODES  # noqa: E402
from critic.rubric.match import CompiledRubric, compile_rubric  # noqa: E402

REAL_DEV = ROOT.parent / "shared" / "real" / "dev.jsonl"
HELD_OUT_GROUP = "dev-s-heldout"


def rows(paths) -> list[dict]:
    return [json.loads(line) for path in paths for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def features(rubric, fast, full, text: str) -> tuple[list[int], set[str]]:
    findings, signals = fast.evaluate(fast.match(text))
    fired = {rule.id for rule, _ in findings + signals}
    every = full.match(text)
    modes = {rule.failure_mode for rule, _ in findings}
    return ([int(r.id in fired) for r in rubric.rules]
            + [int(bool(every.hits(name))) for name in sorted(rubric.vocabularies)]), modes


def prf(truth, predicted) -> str:
    tp = int(((truth == 1) & (predicted == 1)).sum())
    fp = int(((truth == 0) & (predicted == 1)).sum())
    fn = int(((truth == 1) & (predicted == 0)).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r) if p + r else 0:.3f}"


def model_predictions(x_train, y, weight, x_test, texts_train, texts_test, with_words: bool):
    if with_words:
        words = CountVectorizer(ngram_range=(1, 2), binary=True, min_df=2)
        x_train = hstack([csr_matrix(x_train), words.fit_transform(texts_train)]).tocsr()
        x_test = hstack([csr_matrix(x_test), words.transform(texts_test)]).tocsr()
    model = LogisticRegression(C=0.5, max_iter=4000, class_weight="balanced")
    return model.fit(x_train, y, sample_weight=weight).predict(x_test)


MODELS = (("LR(rules+vocabularies)", False), ("LR(+word n-grams)", True))


def held_out_comparison(corpus, built_corpus, real, x_real) -> None:
    """Rubric and models on the corpus group nobody tuned on; models trained on the rest and on real dev."""
    held = [i for i, r in enumerate(corpus) if r.get("group") == HELD_OUT_GROUP]
    rest = [i for i, r in enumerate(corpus) if r.get("group") != HELD_OUT_GROUP]
    if not held:
        return
    x_corpus = np.array([f for f, _ in built_corpus])
    x_train = np.vstack([x_corpus[rest], x_real])
    weight = np.concatenate([np.ones(len(rest)), np.full(len(real), 4.0)])
    texts_train = [corpus[i]["text"] for i in rest] + [r["text"] for r in real]
    texts_test = [corpus[i]["text"] for i in held]
    print(f"\n{len(held)} corpus bullets of group {HELD_OUT_GROUP} (never tuned on); models trained on the other "
          f"{len(rest)} corpus dev bullets and all real dev")
    for mode in EVALUATED_MODES:
        y = np.array([mode in corpus[i]["labels"] for i in rest] + [mode in r["labels"] for r in real], dtype=int)
        truth = np.array([mode in corpus[i]["labels"] for i in held], dtype=int)
        line = {"rubric": prf(truth, np.array([mode in built_corpus[i][1] for i in held], dtype=int))}
        for name, with_words in MODELS:
            line[name] = prf(truth, model_predictions(x_train, y, weight, x_corpus[held], texts_train, texts_test,
                                                      with_words))
        print(f"{mode:22} " + "  |  ".join(f"{k}: {v}" for k, v in line.items()))


def main() -> int:
    if not REAL_DEV.exists():
        print(f"{REAL_DEV} not found: nothing to cross-validate", file=sys.stderr)
        return 2
    rubric = load_rubric()
    fast, full = compile_rubric(rubric), CompiledRubric(rubric, split_terms=True)
    corpus = rows(sorted((ROOT / "fixtures" / "corpus").glob("dev*.jsonl")))
    real = rows([REAL_DEV])
    built_corpus = [features(rubric, fast, full, " ".join(r["text"].split())) for r in corpus]
    built_real = [features(rubric, fast, full, " ".join(r["text"].split())) for r in real]
    x_corpus = np.array([f for f, _ in built_corpus])
    x_real = np.array([f for f, _ in built_real])
    groups = np.array([r["group"] for r in real])
    texts_corpus, texts_real = [r["text"] for r in corpus], [r["text"] for r in real]
    print(f"{len(real)} real dev bullets from {len(set(groups))} sources; {len(corpus)} corpus dev bullets")
    for mode in EVALUATED_MODES:
        y_corpus = np.array([mode in r["labels"] for r in corpus], dtype=int)
        y_real = np.array([mode in r["labels"] for r in real], dtype=int)
        line = {"rubric": prf(y_real, np.array([mode in modes for _, modes in built_real], dtype=int))}
        for name, with_words in MODELS:
            predicted = np.zeros(len(real), dtype=int)
            for train, test in GroupKFold(n_splits=6).split(real, groups=groups):
                y = np.concatenate([y_corpus, y_real[train]])
                if y.sum() < 2:
                    continue
                weight = np.concatenate([np.ones(len(corpus)), np.full(len(train), 4.0)])
                predicted[test] = model_predictions(
                    np.vstack([x_corpus, x_real[train]]), y, weight, x_real[test],
                    texts_corpus + [texts_real[i] for i in train], [texts_real[i] for i in test], with_words)
            line[name] = prf(y_real, predicted)
        print(f"{mode:22} " + "  |  ".join(f"{k}: {v}" for k, v in line.items()))
    held_out_comparison(corpus, built_corpus, real, x_real)
    return 0


if __name__ == "__main__":
    sys.exit(main())
