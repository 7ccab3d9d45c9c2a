"""`rag eval`: evaluate question sets and write the report files."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from eval.harness import load_set, pair_accuracy, run_rows, summarize, summarize_by_type
from eval.report import compare, summary_table, write_outputs
from rag.settings import Settings, redact_credentials
from rag.store.index import index_exists

DEFAULT_SETS = (
    Path("eval/dev.jsonl"),
    Path("eval/test.jsonl"),
    Path("eval/dev2.jsonl"),
    Path("eval/natural_dev.jsonl"),
    Path("eval/natural_test.jsonl"),
    Path("eval/pairs_dev.jsonl"),
    Path("eval/pairs_test.jsonl"),
)


def run_eval(
    settings: Settings, sets: list[Path], out_dir: Path, progress: bool = True,
    api_key: str | None = None, store_token: str | None = None, embedder=None,
) -> dict:
    """Evaluate each set with the configured pipeline; returns the summary written to disk.
    A loaded `embedder` of the same settings may be passed in (`Pipeline.load`).

    Minimal-pair files (rows with `pair_of`) are scored against the originals' results,
    which must be in one of the other sets."""
    from rag.pipeline import Pipeline
    from rag.wiring import build_from_settings

    loaded = {Path(p).stem: load_set(Path(p)) for p in sets}
    pipeline = Pipeline.from_settings(settings, api_key=api_key, store_token=store_token)
    if not index_exists(settings.index_dir):
        print(f"no index at {settings.index_dir}: building it from {settings.seeds_dir} …", file=sys.stderr)
        build_from_settings(settings, progress=progress, store_token=store_token)
    pipeline.load(embedder=embedder)
    index = pipeline.index
    results, summaries, by_type = [], {}, {}
    for name, rows in loaded.items():
        rows_out = run_rows(rows, pipeline, progress)
        for row in rows_out:
            row["set"] = name
        results += rows_out
        summaries[name] = summarize(rows_out)
        by_type[name] = summarize_by_type(rows_out)
    originals = {r["id"]: r for r in results}
    for name in loaded:
        pairs = pair_accuracy([r for r in results if r["set"] == name], originals)
        if pairs:
            summaries[name].update(pairs)
    meta = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "index": str(index.path),
        "build_seconds": index.manifest.get("build_seconds"),
        "chunks": len(index.chunks),
        "embedder": index.manifest["embedder"],
        "settings": {k: redact_credentials(str(v)) for k, v in asdict(settings).items()},
        "sets": {name: str(p) for name, p in zip(loaded, sets)},
    }
    write_outputs(Path(out_dir), meta, summaries, by_type, results)
    return {"meta": meta, "sets": summaries, "by_type": by_type}


def compare_files(a: Path, b: Path) -> str:
    """The delta table between two summary.json files."""
    data = []
    for path in (a, b):
        try:
            data.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a readable summary.json ({error})") from None
        if "sets" not in data[-1]:
            raise ValueError(f"{path}: has no 'sets'; expected a summary.json written by rag eval")
    return compare(data[0], data[1], Path(a).parent.name or str(a), Path(b).parent.name or str(b))


__all__ = ["DEFAULT_SETS", "compare_files", "run_eval", "summary_table"]
