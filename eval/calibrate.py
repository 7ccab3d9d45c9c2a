"""Calibrate the answerability gate on the dev split only: `python -m eval.calibrate`.

Runs every dev question (eval/dev.jsonl, its natural negatives and its minimal pairs)
through retrieval and the gate's checks once, then searches a small grid of thresholds
(answer strength, premise support, weight of dense similarity, wh-context anchor) for the one that rejects the
most unanswerable questions while keeping false refusals of answerable ones within
`--max-false-refusal`. Prints the chosen values to put in `GateThresholds`' defaults, with
the in-sample rates. The test split is never read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from eval.harness import load_set
from rag.gate.gate import GateThresholds
from rag.pipeline import Pipeline
from rag.settings import load_settings

DEV_SETS = (
    Path("eval/dev.jsonl"),
    Path("eval/dev2.jsonl"),
    Path("eval/natural_dev.jsonl"),
    Path("eval/pairs_dev.jsonl"),
)


@dataclass(frozen=True)
class Window:
    """The numbers the thresholds act on, for one sentence window."""

    coverage: float
    semantic: float
    passes_hard_checks: bool  # constraints found, slot filled, premise not refuted
    premise_score: float
    anchor: float


def collect(pipeline: Pipeline, rows: list[dict]) -> list[tuple[dict, list[Window]]]:
    """Every row with the windows the gate judged for it (none when the evidence contradicts
    the question, which refuses whatever the thresholds)."""
    out = []
    for row in rows:
        hits = pipeline.search(row["question"])
        _, usable, judged = pipeline.gate.assess(row["question"], hits)
        if pipeline.gate.contradicted(judged, usable):
            judged = []
        windows = [
            Window(j.coverage, j.evidence.semantic, not j.missing and j.slot_ok and not j.refuted,
                   j.premise_score, j.anchor)
            for j in judged
        ]
        out.append((row, windows))
    return out


def answers(windows: list[Window], th: GateThresholds) -> bool:
    """Whether the gate, with thresholds `th`, lets the question through."""
    return any(
        w.passes_hard_checks and w.premise_score >= th.premise and w.anchor >= th.anchor
        and w.coverage + th.semantic_weight * max(0.0, w.semantic - th.semantic_floor) >= th.answer
        for w in windows
    )


def rates(data, th: GateThresholds) -> dict[str, float]:
    """Rejection of unanswerable and false refusal of answerable questions."""
    answerable = [answers(w, th) for r, w in data if r["answerable"]]
    unanswerable = [not answers(w, th) for r, w in data if not r["answerable"]]
    return {
        "rejection_rate_unanswerable": sum(unanswerable) / max(1, len(unanswerable)),
        "false_refusal_rate_answerable": 1 - sum(answerable) / max(1, len(answerable)),
    }


def search(data, max_false_refusal: float) -> tuple[GateThresholds, dict]:
    """The grid point with the most rejection within the false-refusal budget (ties: the
    lowest thresholds, which refuse least)."""
    best = None
    grid = list(itertools.product(
        [round(0.15 + 0.025 * i, 3) for i in range(31)],  # answer
        [0.5, 0.6, 0.7, 0.75, 0.8, 0.85],  # premise
        [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0],  # semantic weight
    ))
    for (answer, premise, weight), anchor in itertools.product(grid, [0.0, 0.15, 0.2, 0.25, 0.34, 0.4, 0.5]):
        th = GateThresholds(answer=answer, premise=premise, semantic_weight=weight, anchor=anchor)
        r = rates(data, th)
        if r["false_refusal_rate_answerable"] > max_false_refusal:
            continue
        key = (r["rejection_rate_unanswerable"], -answer, -premise, -weight, -anchor)
        if best is None or key > best[0]:
            best = (key, th, r)
    if best is None:
        raise SystemExit("no threshold keeps false refusals within the budget")
    return best[1], best[2]


def main() -> None:
    os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, action="append", help="dev files (default: all three)")
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--max-false-refusal", type=float, default=0.05)
    args = parser.parse_args()
    settings = load_settings(env=os.environ, overrides={"index_dir": args.index})
    pipeline = Pipeline.from_settings(settings).load(generator=False)
    rows = [row for path in (args.set or DEV_SETS) for row in load_set(path)]
    if any(row["split"] != "dev" and not str(row["id"]).startswith("dev") for row in rows):
        raise SystemExit("calibration reads the dev split only")
    data = collect(pipeline, rows)
    th, r = search(data, args.max_false_refusal)
    print(json.dumps({
        "answer": th.answer, "premise": th.premise, "semantic_weight": th.semantic_weight,
        "anchor": th.anchor,
        "semantic_floor": th.semantic_floor, "in_sample": r,
        "current_defaults": rates(data, GateThresholds()),
        "questions": len(rows), "unanswerable": sum(not row["answerable"] for row in rows),
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
