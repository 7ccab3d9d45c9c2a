"""Ways to damage a built index, as a hostile probe found them (issue 11, item 10).

Each case edits the current build in place and names the file and the words the loader's
message must contain. `resign` recomputes the manifest's sha256s afterwards: the damage is
then invisible to the checksums, so only the schema, order, offset and dimension checks can
catch it (a buggy writer, or someone who "fixed" the manifest by hand).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from rag.store.index import current_path


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write_rows(path: Path, rows: list) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _edit_manifest(build: Path, edit: Callable[[dict], object]) -> None:
    path = build / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(edit(manifest), ensure_ascii=False), encoding="utf-8")


def chunk_extra_field(build: Path) -> None:
    rows = _rows(build / "chunks.jsonl")
    rows[1]["colour"] = "red"
    _write_rows(build / "chunks.jsonl", rows)


def chunk_missing_field(build: Path) -> None:
    rows = _rows(build / "chunks.jsonl")
    del rows[1]["kind"]
    _write_rows(build / "chunks.jsonl", rows)


def manifest_list(build: Path) -> None:
    _edit_manifest(build, lambda manifest: [manifest])


def manifest_without_embedder(build: Path) -> None:
    _edit_manifest(build, lambda manifest: {k: v for k, v in manifest.items() if k != "embedder"})


def manifest_garbage(build: Path) -> None:
    (build / "manifest.json").write_bytes(b"\x00\xff{{ not json")


def _faiss_vectors(build: Path) -> np.ndarray:
    import faiss

    index = faiss.read_index(str(build / "faiss.index"))
    return index.reconstruct_n(0, index.ntotal)


def _write_faiss(build: Path, vectors: np.ndarray) -> None:
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(build / "faiss.index"))


def faiss_wrong_dimension(build: Path) -> None:
    vectors = _faiss_vectors(build)
    _write_faiss(build, np.hstack([vectors, np.zeros((len(vectors), 1), dtype=np.float32)]))


def sentence_vectors_wrong_dimension(build: Path) -> None:
    vectors = np.load(build / "sentence_vectors.npy")
    np.save(build / "sentence_vectors.npy", vectors[:, :-8].copy(), allow_pickle=False)


def faiss_bit_flip(build: Path) -> None:
    """Flip the top exponent bit of one stored float, in the file's own bytes."""
    vectors = _faiss_vectors(build)
    row = int(np.argmax(np.abs(vectors).max(axis=1)))
    col = int(np.argmax(np.abs(vectors[row])))
    target = struct.pack("<f", float(vectors[row, col]))
    data = bytearray((build / "faiss.index").read_bytes())
    at = data.find(target)
    assert at >= 0
    data[at + 3] ^= 0x40  # exponent bit: the value changes by a factor of ~2^64 or 2^-64
    (build / "faiss.index").write_bytes(bytes(data))


def sentence_vector_nan(build: Path) -> None:
    vectors = np.load(build / "sentence_vectors.npy")
    vectors[2, 5] = np.nan
    np.save(build / "sentence_vectors.npy", vectors, allow_pickle=False)


def faiss_nan(build: Path) -> None:
    vectors = _faiss_vectors(build)
    vectors[0, 0] = np.nan
    _write_faiss(build, vectors)


def chunks_shuffled(build: Path) -> None:
    rows = _rows(build / "chunks.jsonl")
    _write_rows(build / "chunks.jsonl", rows[::-1])


def chunk_offsets_huge(build: Path) -> None:
    rows = _rows(build / "chunks.jsonl")
    rows[0]["start"], rows[0]["end"] = 10**9, 10**9 + len(rows[0]["text"])
    _write_rows(build / "chunks.jsonl", rows)


def sentence_offsets_huge(build: Path) -> None:
    rows = _rows(build / "sentences.jsonl")
    rows[0]["start"], rows[0]["end"] = 10**9, 10**9 + 5
    _write_rows(build / "sentences.jsonl", rows)


@dataclass(frozen=True)
class Case:
    damage: Callable[[Path], None]
    file: str  # the file the message names
    what: str  # words of the message once checksums are re-signed (or for the manifest)
    checksummed: bool = True  # False: the manifest itself, which records the checksums


CASES = {
    "chunk-extra-field": Case(chunk_extra_field, "chunks.jsonl", "unexpected field(s) ['colour']"),
    "chunk-missing-field": Case(chunk_missing_field, "chunks.jsonl", "missing field(s) ['kind']"),
    "manifest-list": Case(manifest_list, "manifest.json", "expected a JSON object", False),
    "manifest-no-embedder": Case(
        manifest_without_embedder, "manifest.json", "missing field 'embedder'", False
    ),
    "manifest-garbage": Case(manifest_garbage, "manifest.json", "unreadable", False),
    "faiss-wrong-dimension": Case(faiss_wrong_dimension, "faiss.index", "dimension 257"),
    "sentence-vectors-wrong-dimension": Case(
        sentence_vectors_wrong_dimension, "sentence_vectors.npy", "dimension 248"
    ),
    "faiss-bit-flip": Case(faiss_bit_flip, "faiss.index", "has norm"),
    "faiss-nan": Case(faiss_nan, "faiss.index", "NaN"),
    "sentence-vector-nan": Case(sentence_vector_nan, "sentence_vectors.npy", "NaN"),
    "chunks-shuffled": Case(chunks_shuffled, "chunks.jsonl", "out of order"),
    "chunk-offsets-1e9": Case(chunk_offsets_huge, "chunks.jsonl", "offsets 1000000000"),
    "sentence-offsets-1e9": Case(sentence_offsets_huge, "sentences.jsonl", "offsets 1000000000"),
}


def damage(index_dir: Path, name: str, resign: bool = False) -> Case:
    """Apply case `name` to the current build of `index_dir`; return the case."""
    case = CASES[name]
    build = current_path(index_dir).resolve()
    case.damage(build)
    if resign and case.checksummed:
        from rag.store.integrity import build_checksums

        _edit_manifest(build, lambda manifest: {**manifest, "files": build_checksums(build)})
    return case
