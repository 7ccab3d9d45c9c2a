"""`python -m eval.scale` at CI size: synthetic corpora, the stores built and probed, a report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.scale import BEGIN, END, main, seed_sentences, synthesize

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.unit
def test_synthetic_corpus_recombines_seed_sentences():
    sentences = seed_sentences(SEEDS)
    indptr, indices, articles = synthesize(len(sentences), 500, seed=3)
    lengths = np.diff(indptr)
    assert lengths.size == 500 and lengths.min() >= 2 and lengths.max() <= 5
    assert indices.max() < len(sentences)
    assert articles.size == 500 and (np.diff(articles) >= 0).all()
    again = synthesize(len(sentences), 500, seed=3)
    assert np.array_equal(again[1], indices)  # deterministic


@pytest.mark.slow
def test_scale_benchmark_at_ci_size_writes_the_table(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    out = tmp_path / "docs"
    out.mkdir()
    (out / "scale.md").write_text(f"# Scale\n\nprose stays\n\n{BEGIN}\nold\n{END}\n\nmore prose\n",
                                  encoding="utf-8")
    assert main(["--sizes", "400", "--max", "400", "--milvus-max", "0", "--rounds", "5",
                 "--throughput-passages", "0", "--out", str(out), "--work", str(tmp_path / "w"),
                 "--flat-max-rows", "200"]) == 0
    rows = json.loads((out / "scale.json").read_text(encoding="utf-8"))["rows"]
    assert [r["passages"] for r in rows] == [400]
    row = rows[0]
    assert row["layout"] == "hnsw" and 0.0 <= row["recall_at_10"] <= 1.0
    for key in ("bm25_p95_ms", "dense_p95_ms", "hybrid_p95_ms", "serve_rss_mb", "build_s", "disk_mb"):
        assert row[key] > 0, key
    text = (out / "scale.md").read_text(encoding="utf-8")
    assert "prose stays" in text and "more prose" in text and "old" not in text
    assert "| 400 | faiss+bm25s | hnsw |" in text
