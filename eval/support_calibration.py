"""Calibrate the citation-support threshold: `python -m eval.support_calibration`.

Reads the hand-labelled sample eval/support_labels.jsonl (sentence, passage, label) and
reports, for each candidate threshold, the judge's accuracy against the human labels; the
best one is what `rag.answer.support.SUPPORT_THRESHOLD` should hold. Each pair is one
sentence against one passage, as the grounding guard judges it. Rows S001–S080 were written
from the seeds; the `llm_*` kinds (S081 on) are sentences a real small model wrote
(tests/fakes/recordings), each against the passage the guard would judge it by.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from rag.answer.support import SUPPORT_THRESHOLD, judge


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
        verdict = judge(row["sentence"], [row["passage"]])
        row["score"], row["missing"] = verdict.score, list(verdict.missing)
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
    llm = [row for row in rows if row["kind"].startswith("llm_")]
    llm_value = accuracy(llm, SUPPORT_THRESHOLD)[0] if llm else None
    print(json.dumps({"labels": len(rows), "best_threshold": best,
                      "current_threshold": SUPPORT_THRESHOLD, "current_accuracy": round(value, 4),
                      "current_errors_by_kind": dict(errors), "llm_labels": len(llm),
                      "llm_accuracy": round(llm_value, 4) if llm else None}, ensure_ascii=False))


if __name__ == "__main__":
    main()
