"""Benchmark the core pipeline: `python -m eval.bench [--set eval/dev.jsonl]`.

Prints, for the default settings on the seed corpus: cold and warm `rag build` times,
hit@1/hit@5/MRR for BM25, dense and hybrid retrieval, refusal rates, and end-to-end query
latency (validate + retrieve + compose) p50/p95. Figures, not assertions: run it on a quiet
machine and paste what it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from eval.harness import load_set, percentile
from eval.metrics import first_relevant_rank, hit_at, reciprocal_rank
from rag.pipeline import Pipeline
from rag.settings import load_settings
from rag.wiring import build_from_settings


def main() -> None:
    os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path("eval/dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=3, help="latency passes over the set")
    args = parser.parse_args()
    settings = load_settings(env=os.environ)
    rows = load_set(args.set)
    figures: dict = {"set": str(args.set), "questions": len(rows)}

    with tempfile.TemporaryDirectory() as folder:
        settings = settings.replace(index_dir=Path(folder) / "index")
        started = time.perf_counter()
        build_from_settings(settings, progress=False)
        figures["build_cold_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        report = build_from_settings(settings, progress=False)
        figures["build_warm_s"] = round(time.perf_counter() - started, 2)
        figures["warm_build_embedded"] = report.embedded + report.sentences_embedded

        answerable = [r for r in rows if r["answerable"]]
        for name in ("bm25", "dense", "hybrid"):
            pipeline = Pipeline.from_settings(settings.replace(retriever=name)).load(generator=False)
            ranks = [
                first_relevant_rank([h.chunk for h in pipeline.search(r["question"], top_k=10)], r["gold"])
                for r in answerable
            ]
            figures[name] = {
                "hit@1": round(statistics.mean(hit_at(x, 1) for x in ranks), 3),
                "hit@5": round(statistics.mean(hit_at(x, 5) for x in ranks), 3),
                "mrr@10": round(statistics.mean(reciprocal_rank(x) for x in ranks), 3),
            }

        totals, refused = [], {}
        for _ in range(args.repeat):
            # A fresh pipeline per pass, so no question finds its vector cached from before.
            pipeline = Pipeline.from_settings(settings).load()
            for row in rows:
                answer = pipeline.run(row["question"])
                totals.append(answer.timings_ms["total"])
                refused[row["id"]] = (row["answerable"], answer.refused)
        unanswerable = [r for a, r in refused.values() if not a]
        answerable_refused = [r for a, r in refused.values() if a]
        figures["refusal_rate_unanswerable"] = round(sum(unanswerable) / len(unanswerable), 3)
        figures["false_refusal_rate_answerable"] = round(sum(answerable_refused) / len(answerable_refused), 3)
        figures["query_ms_p50"] = round(percentile(totals, 50), 1)
        figures["query_ms_p95"] = round(percentile(totals, 95), 1)
        figures["query_samples"] = len(totals)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
