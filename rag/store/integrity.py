"""Index integrity: sha256 of every build file, and checks of schemas, dimensions and offsets.

`rag.store.index.load_index` runs these so that a damaged build is refused with the file and
what is wrong (`damaged index at …: <file>: <what>`) instead of a traceback or, worse, loading
and answering with vectors that no longer belong to their chunks. Each check raises `Damage`;
the loader adds the build path. Pure functions over already-parsed data, plus the hashing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import fields
from pathlib import Path

import numpy as np

from rag.types import Chunk, Document

MANIFEST = "manifest.json"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Stored vectors are L2-normalised (or all zero for an empty text); anything else is damage.
NORM_TOLERANCE = 1e-3


class Damage(ValueError):
    """One file of a build is not what the build wrote: `file` and `what` say how."""

    def __init__(self, file: str, what: str) -> None:
        super().__init__(f"{file}: {what}")
        self.file = file
        self.what = what


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_checksums(build_dir: Path) -> dict[str, str]:
    """sha256 of every file of a build but the manifest (which records them), by relative path."""
    build_dir = Path(build_dir)
    return {
        path.relative_to(build_dir).as_posix(): sha256_file(path)
        for path in sorted(build_dir.rglob("*"))
        if path.is_file() and path.relative_to(build_dir).as_posix() != MANIFEST
    }


def verify_checksums(build_dir: Path, recorded: dict[str, str]) -> None:
    """Every recorded file exists and has the recorded sha256."""
    for name, expected in sorted(recorded.items()):
        path = Path(build_dir) / name
        if not path.is_file():
            raise Damage(name, "missing")
        actual = sha256_file(path)
        if actual != expected:
            raise Damage(
                name, f"sha256 {actual[:12]}… is not the {expected[:12]}… recorded at build time "
                "(the file was changed or corrupted after the build)"
            )


def _require(condition: bool, file: str, what: str) -> None:
    if not condition:
        raise Damage(file, what)


def check_manifest(manifest: object, required_files: tuple[str, ...]) -> None:
    """The manifest is an object with the fields readers use, of the right types."""
    _require(isinstance(manifest, dict), MANIFEST, f"expected a JSON object, found {type(manifest).__name__}")
    for key, kind in (("build_id", str), ("embedder", dict), ("documents", list),
                      ("chunk_count", int), ("sentence_count", int), ("files", dict)):
        _require(key in manifest, MANIFEST, f"missing field {key!r}")
        _require(isinstance(manifest[key], kind) and not isinstance(manifest[key], bool),
                 MANIFEST, f"field {key!r} is not a {kind.__name__}")
    embedder = manifest["embedder"]
    for key in ("name", "model_id"):
        _require(isinstance(embedder.get(key), str), MANIFEST, f"embedder.{key} is not a string")
    dim = embedder.get("dim")
    _require(isinstance(dim, int) and not isinstance(dim, bool) and 0 < dim <= 65536,
             MANIFEST, f"embedder.dim {dim!r} is not a dimension between 1 and 65536")
    for number, entry in enumerate(manifest["documents"], start=1):
        _require(isinstance(entry, dict) and isinstance(entry.get("doc_id"), str)
                 and isinstance(entry.get("source_sha256"), str)
                 and isinstance(entry.get("chunks"), int),
                 MANIFEST, f"documents[{number - 1}] lacks doc_id, source_sha256 or chunks")
    files = manifest["files"]
    for name in required_files:
        _require(name in files, MANIFEST, f"no sha256 recorded for {name}")
    for name, digest in files.items():
        _require(isinstance(digest, str) and bool(_SHA256.match(digest)),
                 MANIFEST, f"files[{name!r}] is not a sha256 hex digest")


def _json_kind(annotation: str) -> tuple[type, ...]:
    """The JSON type a dataclass field is stored as (tuples as lists, `removed` — pairs keyed by
    strings — as an object)."""
    if annotation.startswith("tuple[tuple[str,"):
        return (dict,)
    if annotation.startswith("tuple"):
        return (list,)
    return {"str": (str,), "int": (int,), "bool": (bool,), "float": (int, float)}.get(
        annotation, (object,)
    )


DOCUMENT_SCHEMA = {f.name: _json_kind(str(f.type)) for f in fields(Document)}
CHUNK_SCHEMA = {**{f.name: _json_kind(str(f.type)) for f in fields(Chunk)}, "embed_hash": (str,)}
SENTENCE_SCHEMA = {"chunk_id": (str,), "start": (int,), "end": (int,), "embed_hash": (str,)}


def check_row(row: object, schema: dict[str, tuple[type, ...]], file: str, line: int) -> None:
    """A JSON lines row has exactly the schema's fields, each of its type (bool is not int).

    Messages are only built on failure: this runs for every row at every load."""
    if not isinstance(row, dict):
        raise Damage(file, f"line {line}: expected a JSON object")
    if row.keys() != schema.keys():
        extra, missing = sorted(set(row) - set(schema)), sorted(set(schema) - set(row))
        raise Damage(file, f"line {line}: " + "; ".join(
            ([f"unexpected field(s) {extra}"] if extra else [])
            + ([f"missing field(s) {missing}"] if missing else [])
        ))
    for key, kinds in schema.items():
        value = row[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise Damage(file, f"line {line}: field {key!r} has a {type(value).__name__}, "
                         f"expected {' or '.join(k.__name__ for k in kinds)}")


def check_rows(rows: list, schema: dict, file: str) -> None:
    for line, row in enumerate(rows, start=1):
        check_row(row, schema, file, line)


def check_chunks(chunks: list[Chunk], documents: dict[str, Document], manifest: dict) -> None:
    """Chunks are in build order (documents as in the manifest, then by ordinal), point at
    their document's text, and match the manifest's counts. A shuffled chunks.jsonl would
    pair every chunk with another chunk's vector; offsets past the text would cite nothing."""
    file = "chunks.jsonl"
    _require(len(chunks) == manifest["chunk_count"], file,
             f"{len(chunks)} chunks, the manifest records {manifest['chunk_count']}")
    order = [entry["doc_id"] for entry in manifest["documents"]]
    _require(set(order) == set(documents), "documents.jsonl",
             f"documents {sorted(documents)} are not the manifest's {sorted(order)}")
    expected = [(doc_id, ordinal) for entry in manifest["documents"]
                for doc_id, ordinal in ((entry["doc_id"], n) for n in range(entry["chunks"]))]
    for line, chunk in enumerate(chunks, start=1):
        if chunk.doc_id not in documents:
            raise Damage(file, f"line {line} (chunk {chunk.chunk_id}): unknown doc_id {chunk.doc_id!r}")
        if line > len(expected) or (chunk.doc_id, chunk.ordinal) != expected[line - 1]:
            belongs = "nothing" if line > len(expected) else "%s #%d" % expected[line - 1]
            raise Damage(file, f"line {line} (chunk {chunk.chunk_id}): out of order "
                         f"({chunk.doc_id} #{chunk.ordinal} where {belongs} belongs)")
        text = documents[chunk.doc_id].text
        if chunk.kind == "meta":
            if not chunk.start == chunk.end == 0:
                raise Damage(file, f"line {line} (chunk {chunk.chunk_id}): a meta chunk with offsets")
            continue
        if not 0 <= chunk.start <= chunk.end <= len(text):
            raise Damage(file, f"line {line} (chunk {chunk.chunk_id}): offsets "
                         f"{chunk.start}..{chunk.end} outside the document's {len(text)} characters")
        if text[chunk.start:chunk.end] != chunk.text:
            raise Damage(file, f"line {line} (chunk {chunk.chunk_id}): text is not the "
                         f"document's text at {chunk.start}..{chunk.end}")


def check_sentences(rows: list[dict], chunks: list[Chunk]) -> None:
    """Sentences point inside their chunk (or within a meta chunk's card), in chunk order."""
    file = "sentences.jsonl"
    position = {c.chunk_id: i for i, c in enumerate(chunks)}
    previous = (-1, -1)
    for line, row in enumerate(rows, start=1):
        index = position.get(row["chunk_id"])
        if index is None:
            raise Damage(file, f"line {line}: unknown chunk_id {row['chunk_id']!r}")
        chunk = chunks[index]
        low, high = (0, len(chunk.text)) if chunk.kind == "meta" else (chunk.start, chunk.end)
        if not low <= row["start"] < row["end"] <= high:
            raise Damage(file, f"line {line}: offsets {row['start']}..{row['end']} outside "
                         f"chunk {chunk.chunk_id}'s {low}..{high}")
        if (index, row["start"]) <= previous:
            raise Damage(file, f"line {line}: out of order")
        previous = (index, row["start"])


def check_vectors(vectors: np.ndarray, dim: int, count: int, file: str) -> None:
    """`count` finite, L2-normalised (or all-zero) float32 rows of `dim` values."""
    _require(vectors.ndim == 2, file, f"expected a 2-D array, found {vectors.ndim}-D")
    _require(vectors.shape[1] == dim, file,
             f"dimension {vectors.shape[1]}, the manifest's embedder has {dim}")
    _require(vectors.shape[0] == count, file, f"{vectors.shape[0]} vectors for {count} rows")
    _require(vectors.dtype == np.float32, file, f"dtype {vectors.dtype}, expected float32")
    finite = np.isfinite(vectors).all(axis=1)
    _require(bool(finite.all()), file,
             f"row {int(np.argmin(finite))} has NaN or infinite values")
    norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
    bad = ~((np.abs(norms - 1) <= NORM_TOLERANCE) | (norms == 0))
    _require(not bad.any(), file,
             f"row {int(np.argmax(bad))} has norm {float(norms[np.argmax(bad)]):.4g}, "
             "not 1 (vectors are stored L2-normalised)")


def check_bm25(bm25, count: int) -> None:
    """The BM25 arrays cover exactly the chunks."""
    file = "bm25/params.index.json"
    scores = bm25.scores
    _require(int(scores.get("num_docs", -1)) == count, file,
             f"num_docs {scores.get('num_docs')!r} for {count} chunks")
    indices, indptr = scores["indices"], scores["indptr"]
    _require(len(indptr) == len(bm25.vocab_dict) + 1 or len(indptr) == len(bm25.vocab_dict),
             "bm25/indptr.csc.index.npy", f"{len(indptr)} offsets for {len(bm25.vocab_dict)} terms")
    _require(len(indices) == 0 or (int(indices.min()) >= 0 and int(indices.max()) < count),
             "bm25/indices.csc.index.npy", "postings point past the chunks")
