"""Calibrate the citation-support threshold: `python -m eval.support_calibration`.

Reads the hand-labelled sample eval/support_labels.jsonl (sentence, passage, label) and
reports, for each candidate threshold, the judge's accuracy against the human labels; the
best one is what `rag.answer.support.SUPPORT_THRESHOLD` should hold.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rag.answer.support import SUPPORT_THRESHOLD, missing_facts, support_score


def load_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def accuracy(rows: list[dict], threshold: float) -> tuple[float, Counter]:
    """Agreement with the human labels, and the errors by kind."""
    errors: Counter = Counter()
    right = 0
    for row in rows:
        supported = row["score"] >= threshold and not row["missing"]
        if supported == (row["label"] == "supported"):
            right += 1
        else:
            errors[row["kind"]] += 1
    return right / len(rows), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path("eval/support_labels.jsonl"))
    args = parser.parse_args()
    rows = load_labels(args.labels)
    for row in rows:
        row["score"] = support_score(row["sentence"], [row["passage"]])
        row["missing"] = missing_facts(row["sentence"], [row["passage"]])
    candidates = [round(0.30 + 0.025 * i, 3) for i in range(27)]
    values = {t: accuracy(rows, t)[0] for t in candidates}
    top = max(values.values())
    plateau = [t for t in candidates if values[t] == top]
    best = plateau[len(plateau) // 2]  # the middle of the best plateau is the least fragile
    for threshold in candidates:
        value, errors = accuracy(rows, threshold)
        mark = " <- best" if threshold == best else ""
        print(f"threshold {threshold:.3f}: accuracy {value:.3f} errors {dict(errors)}{mark}")
    value, errors = accuracy(rows, SUPPORT_THRESHOLD)
    print(json.dumps({"labels": len(rows), "best_threshold": best,
                      "current_threshold": SUPPORT_THRESHOLD, "current_accuracy": round(value, 4),
                      "current_errors_by_kind": dict(errors)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
