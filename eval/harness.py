"""Run question sets through the pipeline and compute every metric the report shows."""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

from eval.answers import (
    answer_body,
    char_f1,
    citation_judgements,
    crag_score,
    key_point_recall,
    rouge_l,
)
from eval.metrics import (
    first_relevant_rank,
    gold_recall_at,
    hit_at,
    ndcg_at,
    reciprocal_rank,
)
from rag.answer.base import GeneratorError
from rag.answer.validate import QuestionError

REQUIRED = ("id", "question", "answerable", "gold")
RETRIEVAL_DEPTH = 10
CORRECT_KEY_POINT_RECALL = 0.5


class SetError(ValueError):
    """A malformed question file; the message names the file and line."""


def load_set(path: Path) -> list[dict]:
    """Rows of a question file in the dev/test format; `split` defaults to the file stem."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SetError(f"{path}: cannot read question set ({error})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise SetError(f"{path}:{number}: not JSON ({error.msg})") from None
        missing = [key for key in REQUIRED if key not in row]
        if missing:
            raise SetError(f"{path}:{number}: missing field(s) {missing}; required {list(REQUIRED)}")
        row.setdefault("split", path.stem)
        row.setdefault("type", "unknown")
        row.setdefault("key_points", [])
        row.setdefault("reference_answer", "")
        rows.append(row)
    if not rows:
        raise SetError(f"{path}: no questions")
    return rows


def evaluate_row(row: dict, pipeline) -> dict:
    """Answer and score one question through the pipeline."""
    result = {k: row[k] for k in ("id", "split", "type", "question", "answerable")}
    if "pair_of" in row:
        result["pair_of"] = row["pair_of"]
    try:
        answer = pipeline.run(row["question"], depth=RETRIEVAL_DEPTH)
    except (QuestionError, GeneratorError) as error:
        return {**result, "error": str(error)}
    hits = list(answer.trace.retrieved)
    gate = answer.trace.gate
    chunks = [h.chunk for h in hits]
    result["retrieved"] = [
        {"rank": h.rank, "chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id,
         "start": h.chunk.start, "end": h.chunk.end, "kind": h.chunk.kind, "score": round(h.score, 5)}
        for h in hits
    ]
    result["timings_ms"] = {
        "retrieve": answer.timings_ms["retrieve"],
        "compose": answer.timings_ms["gate"] + answer.timings_ms["generate"],
    }
    result["gate"] = {"decision": gate.decision, "reasons": list(gate.reasons),
                      "score": round(gate.score, 4), "asked": gate.asked}
    result["answer"] = answer.text
    result["refused"] = answer.refused
    result["evidence_score"] = round(answer.evidence_score, 4)
    result["generator"] = answer.generator
    if row["answerable"]:
        rank = first_relevant_rank(chunks, row["gold"])
        result["retrieval"] = {
            "rank": rank,
            **{f"hit@{k}": hit_at(rank, k) for k in (1, 3, 5, 10)},
            "mrr@10": reciprocal_rank(rank, 10),
            "ndcg@10": ndcg_at(chunks, row["gold"], 10),
            "recall@5": gold_recall_at(chunks, row["gold"], 5),
            "recall@10": gold_recall_at(chunks, row["gold"], 10),
        }
    sentences = citation_judgements(answer) if not answer.refused else []
    result["sentences"] = sentences
    body = answer_body(answer) if not answer.refused else ""
    kp = key_point_recall(body, row["key_points"]) if row["answerable"] else None
    all_supported = bool(sentences) and all(s["supported"] for s in sentences)
    correct = (kp or 0) >= CORRECT_KEY_POINT_RECALL and all_supported
    result["answer_metrics"] = {
        "key_point_recall": kp,
        "char_f1": char_f1(body, row["reference_answer"]) if row["answerable"] else None,
        "rouge_l": rouge_l(body, row["reference_answer"]) if row["answerable"] else None,
        "correct": correct if row["answerable"] and not answer.refused else None,
    }
    result["crag"] = crag_score(row["answerable"], answer.refused, correct)
    return result


def run_rows(rows, pipeline, progress: bool = True):
    """Evaluate rows with a progress bar on stderr."""
    from tqdm import tqdm

    out = []
    for row in tqdm(rows, desc="evaluating", unit="q", file=sys.stderr, disable=not progress):
        out.append(evaluate_row(row, pipeline))
    return out


def pair_accuracy(results: list[dict], originals: dict[str, dict]) -> dict | None:
    """Minimal pairs: the original answered and its one-constraint change refused."""
    pairs = [r for r in results if r.get("pair_of") and "error" not in r]
    pairs = [(originals.get(r["pair_of"]), r) for r in pairs]
    pairs = [(o, r) for o, r in pairs if o is not None and "error" not in o]
    if not pairs:
        return None
    return {
        "minimal_pairs": len(pairs),
        "minimal_pair_accuracy": _mean(
            1.0 if (not o["refused"] and r["refused"]) else 0.0 for o, r in pairs
        ),
        "minimal_pair_rejection": _mean(1.0 if r["refused"] else 0.0 for _, r in pairs),
    }


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarize(results: list[dict]) -> dict:
    """Aggregate metrics of one set of results."""
    answerable = [r for r in results if r["answerable"] and "error" not in r]
    unanswerable = [r for r in results if not r["answerable"] and "error" not in r]
    answered = [r for r in results if "error" not in r and not r["refused"]]
    sentences = [s for r in answered for s in r["sentences"]]
    needed = [n for s in sentences for n in s["needed"]]
    summary = {
        "questions": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "errors": sum("error" in r for r in results),
    }
    for key in ("hit@1", "hit@3", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@5", "recall@10"):
        summary[key] = _mean(r["retrieval"][key] for r in answerable)
    for key in ("key_point_recall", "char_f1", "rouge_l"):
        summary[key] = _mean(r["answer_metrics"][key] for r in answerable)
    summary["answer_accuracy"] = _mean(
        1.0 if r["answer_metrics"]["correct"] else 0.0 for r in answerable if not r["refused"]
    )
    summary["citation_recall"] = _mean(1.0 if s["supported"] else 0.0 for s in sentences)
    summary["citation_precision"] = _mean(1.0 if n else 0.0 for n in needed)
    summary["facts_in_citations"] = _mean(0.0 if s["missing"] else 1.0 for s in sentences)
    summary["rejection_rate_unanswerable"] = _mean(1.0 if r["refused"] else 0.0 for r in unanswerable)
    summary["false_refusal_rate_answerable"] = _mean(1.0 if r["refused"] else 0.0 for r in answerable)
    summary["crag_score"] = _mean(r["crag"] for r in results if "error" not in r)
    for stage in ("retrieve", "compose"):
        values = [r["timings_ms"][stage] for r in results if "timings_ms" in r]
        summary[f"{stage}_ms_p50"] = percentile(values, 50)
        summary[f"{stage}_ms_p95"] = percentile(values, 95)
    return summary


def summarize_by_type(results: list[dict]) -> dict[str, dict]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["type"]].append(r)
    return {t: summarize(rs) for t, rs in sorted(groups.items())}
