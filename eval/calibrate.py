"""Calibrate the refusal model on the dev set: `python -m eval.calibrate [--set eval/dev.jsonl]`.

Collects the evidence features of every dev question, fits a logistic regression
(answerable vs not) with L2 regularisation, and picks the threshold that rejects the most
unanswerable questions while keeping false refusals on answerable ones at or under
`--max-false-refusal`. Prints weights to paste into `EvidenceModel`'s defaults and the
leave-one-out estimate, which is the honest figure (the in-sample one is optimistic).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

from eval.harness import load_set
from rag.answer.evidence import FEATURES
from rag.settings import load_settings
from rag.store.index import load_index
from rag.wiring import embedder_for, make_generator, make_retriever


def collect(set_path: Path, settings) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Feature matrix, labels (1 = answerable) and rows of a question set."""
    index = load_index(settings.index_dir)
    embedder = embedder_for(settings).load()
    retriever = make_retriever(settings, index, embedder)
    generator = make_generator(settings, index, embedder)
    rows = load_set(set_path)
    features, labels = [], []
    for row in rows:
        hits = retriever.retrieve(row["question"], top_k=settings.top_k)
        candidates = generator.candidates(row["question"], hits)
        features.append(generator.features(row["question"], hits, candidates))
        labels.append(1.0 if row["answerable"] else 0.0)
    return np.array(features, dtype=np.float64), np.array(labels), rows


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000):
    """Weights and bias (on the raw feature scale) of a class-balanced, L2-penalised fit.

    Features are standardised for the fit, so the penalty treats them alike; unanswerable
    questions are the minority, so each class gets half the total weight.
    """
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    z = (x - mean) / std
    weight = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * weight
        w -= 0.5 * (z.T @ g / len(y) + l2 * w)
        b -= 0.5 * g.mean()
    return w / std, b - float(np.sum(w * mean / std))


def choose_threshold(p: np.ndarray, y: np.ndarray, max_false_refusal: float) -> float:
    """Highest threshold whose false-refusal rate on answerable questions stays in budget."""
    best = 0.0
    for t in np.unique(np.concatenate([p, [0.0]])):
        false_refusal = float(np.mean(p[y == 1] < t)) if (y == 1).any() else 0.0
        if false_refusal <= max_false_refusal:
            best = max(best, float(t))
    return best


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    refuse = p < threshold
    return {
        "rejection_rate_unanswerable": float(refuse[y == 0].mean()) if (y == 0).any() else 0.0,
        "false_refusal_rate_answerable": float(refuse[y == 1].mean()) if (y == 1).any() else 0.0,
    }


def main() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path("eval/dev.jsonl"))
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--max-false-refusal", type=float, default=0.10)
    args = parser.parse_args()
    settings = load_settings(env=os.environ, overrides={"index_dir": args.index})
    x, y, _ = collect(args.set, settings)
    w, b = fit_logistic(x, y)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    threshold = choose_threshold(p, y, args.max_false_refusal)
    # Leave-one-out: refit without each question, then judge that question.
    loo = np.zeros(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        wi, bi = fit_logistic(x[keep], y[keep])
        pi = 1 / (1 + np.exp(-(x[keep] @ wi + bi)))
        ti = choose_threshold(pi, y[keep], args.max_false_refusal)
        loo[i] = (1 / (1 + np.exp(-(x[i] @ wi + bi)))) - ti
    print(json.dumps({
        "features": FEATURES,
        "weights": [round(float(v), 4) for v in w],
        "bias": round(float(b), 4),
        "threshold": round(threshold, 4),
        "in_sample": rates(p, y, threshold),
        "leave_one_out": rates(loo, y, 0.0),
        "questions": int(len(y)),
        "unanswerable": int((y == 0).sum()),
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
