"""What index verification costs at load: `python -m eval.bench_load [--index index]`.

Prints the build's size, the median time of `load_index` (everything, verification included),
of the sha256 verification alone and of the content checks alone (schemas, order, offsets,
dimensions, vector norms; `rag/store/integrity.py`). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.store import integrity
from rag.store.index import current_path, load_index


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    build = current_path(args.index).resolve()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in build.rglob("*") if p.is_file())
    loaded = load_index(args.index)  # warm the page cache and the imports
    chunks, documents = loaded.chunks, loaded.documents
    sentence_rows = loaded.sentences
    dim = manifest["embedder"]["dim"]

    def content_checks() -> None:
        columns = integrity.scan_chunk_lines(chunks.lines(), documents, manifest)
        integrity.check_vector_file(build / "vectors.npy", dim, len(chunks), "vectors.npy")
        integrity.scan_sentence_lines(sentence_rows.lines.lines(), columns)
        integrity.check_vector_file(build / "sentence_vectors.npy", dim, len(sentence_rows),
                                    "sentence_vectors.npy")
        integrity.check_bm25(loaded.bm25, len(chunks))

    total = _median_ms(lambda: load_index(args.index), args.repeat)
    checksums = _median_ms(lambda: integrity.verify_checksums(build, manifest["files"]), args.repeat)
    checks = _median_ms(content_checks, args.repeat)
    print(f"index {build}: {len(manifest['files'])} files, {size / 1e6:.1f} MB, "
          f"{len(chunks)} chunks, {len(sentence_rows)} sentences, dim {dim}")
    print(f"load_index (median of {args.repeat}): {total:.1f} ms")
    print(f"  sha256 of every file:  {checksums:.1f} ms ({checksums / total:.0%} of the load)")
    print(f"  content checks:        {checks:.1f} ms ({checks / total:.0%} of the load; "
          "the reconstruction of the FAISS vectors they check is not included)")


if __name__ == "__main__":
    main()
