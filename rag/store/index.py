"""The on-disk index: readable, versioned files, switched in atomically.

Layout (see index/README.md)::

    <index_dir>/current -> builds/<build_id>     symlink, replaced atomically
    <index_dir>/builds/<build_id>/manifest.json  format version, embedder, documents
                                  documents.jsonl cleaned documents with metadata
                                  chunks.jsonl    one chunk per line, row i = vector i
                                  faiss.index     inner product over L2-normalised vectors:
                                                  flat up to 50 000 chunks, HNSW above
                                  faiss.json      which of the two, and the row count
                                  vectors.npy     the chunk vectors, row i = chunk i
                                  bm25/           bm25s arrays (.npy) + vocab/params json
                                  bm25/terms.json jieba user terms of this corpus
                                  sentences.jsonl answer sentences (chunk id, offsets)
                                  sentence_vectors.npy  their vectors, row i = line i
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.ingest.tokenize import Tokenizer
from rag.store.faiss_store import write_vector_store
from rag.types import Chunk, Document

FORMAT_VERSION = 1
CURRENT = "current"
BUILDS = "builds"


class IndexNotReady(RuntimeError):
    """The index is missing, damaged or of another format; the message says what to do."""


@dataclass(frozen=True)
class LoadedIndex:
    """Everything a retriever needs, loaded from one build directory."""

    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: tuple[Chunk, ...]
    embed_hashes: tuple[str, ...]
    faiss_index: object
    bm25: object
    tokenizer: Tokenizer
    sentences: tuple[tuple[str, int, int, str], ...] = ()  # (chunk_id, start, end, embed_hash)
    sentence_vectors: np.ndarray | None = None

    def sentence_lookup(self) -> dict[tuple[str, int, int], np.ndarray]:
        """Precomputed sentence vectors by (chunk_id, start, end)."""
        if self.sentence_vectors is None:
            return {}
        return {(c, s, e): self.sentence_vectors[i] for i, (c, s, e, _) in enumerate(self.sentences)}

    def vectors(self) -> np.ndarray:
        """All chunk vectors, in chunk order (used to reuse embeddings on rebuild): the build's
        `vectors.npy`, memory-mapped; older builds' vectors are read back out of FAISS."""
        from rag.store.faiss_store import VECTORS_FILE

        if (self.path / VECTORS_FILE).is_file():
            return np.load(self.path / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
        count = self.faiss_index.ntotal
        if count == 0:
            return np.zeros((0, self.faiss_index.d), dtype=np.float32)
        return self.faiss_index.reconstruct_n(0, count)


def current_path(index_dir: Path) -> Path:
    return Path(index_dir) / CURRENT


def index_exists(index_dir: Path) -> bool:
    return (current_path(index_dir) / "manifest.json").is_file()


def chunk_to_row(chunk: Chunk, embed_hash: str) -> dict:
    return {**asdict(chunk), "embed_hash": embed_hash}


def document_to_row(document: Document) -> dict:
    row = asdict(document)
    row["removed"] = dict(document.removed)
    return row


def _document_from_row(row: dict) -> Document:
    row = dict(row)
    for key in ("authors", "editors", "reviewers", "keywords"):
        row[key] = tuple(row.get(key, ()))
    row["removed"] = tuple(sorted(row.get("removed", {}).items()))
    return Document(**row)


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_index(
    index_dir: Path,
    manifest: dict,
    documents: list[Document],
    chunks: list[Chunk],
    embed_hashes: list[str],
    vectors: np.ndarray,
    bm25,
    terms: list[str],
    sentences: list[tuple[str, int, int, str]] = (),
    sentence_vectors: np.ndarray | None = None,
) -> Path:
    """Write a complete build to a temporary directory, then switch `current` to it.

    A crash at any point before the final `os.replace` leaves the previous build in
    place and usable; the half-written directory is removed by the next build.
    """
    index_dir = Path(index_dir)
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    staging = builds / f".tmp-{build_id}"
    staging.mkdir()
    try:
        _write_jsonl(staging / "documents.jsonl", (document_to_row(d) for d in documents))
        _write_jsonl(
            staging / "chunks.jsonl", (chunk_to_row(c, h) for c, h in zip(chunks, embed_hashes))
        )
        write_vector_store(staging, vectors, [c.doc_id for c in chunks], int(manifest["embedder"]["dim"]))
        _write_jsonl(
            staging / "sentences.jsonl",
            ({"chunk_id": c, "start": s, "end": e, "embed_hash": h} for c, s, e, h in sentences),
        )
        np.save(
            staging / "sentence_vectors.npy",
            np.zeros((0, int(manifest["embedder"]["dim"])), dtype=np.float32)
            if sentence_vectors is None
            else np.ascontiguousarray(sentence_vectors, dtype=np.float32),
            allow_pickle=False,
        )
        (staging / "bm25").mkdir()
        bm25.save(str(staging / "bm25"), allow_pickle=False)
        (staging / "bm25" / "terms.json").write_text(
            json.dumps(terms, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        manifest = {**manifest, "format_version": FORMAT_VERSION, "build_id": build_id}
        # The manifest is written last: a build directory without one is incomplete.
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        final = builds / build_id
        os.rename(staging, final)
        link = index_dir / f".{CURRENT}-{build_id}"
        os.symlink(Path(BUILDS) / build_id, link)
        os.replace(link, current_path(index_dir))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune_builds(index_dir, keep=build_id)
    return final


def _prune_builds(index_dir: Path, keep: str) -> None:
    """Remove builds other than `keep`, and leftovers of interrupted builds."""
    for path in (Path(index_dir) / BUILDS).iterdir():
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in Path(index_dir).glob(f".{CURRENT}-*"):
        path.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> dict:
    path = current_path(index_dir) / "manifest.json"
    if not path.is_file():
        raise IndexNotReady(f"no index at {index_dir}: run `rag build` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise IndexNotReady(f"unreadable manifest {path}: {error}; rebuild with `rag build`")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexNotReady(
            f"index format {version!r} at {index_dir} is not the supported {FORMAT_VERSION}; "
            "rebuild with `rag build`"
        )
    return manifest


def load_index(index_dir: Path) -> LoadedIndex:
    """Load the current build: manifest, documents, chunks, FAISS and BM25."""
    import bm25s
    import faiss

    manifest = read_manifest(index_dir)
    path = current_path(index_dir).resolve()
    try:
        documents = {
            row["doc_id"]: _document_from_row(row)
            for row in _read_jsonl(path / "documents.jsonl")
        }
        rows = _read_jsonl(path / "chunks.jsonl")
        faiss_index = faiss.read_index(str(path / "faiss.index"))
        bm25 = bm25s.BM25.load(str(path / "bm25"), allow_pickle=False)
        terms = json.loads((path / "bm25" / "terms.json").read_text(encoding="utf-8"))
        sentence_rows = _read_jsonl(path / "sentences.jsonl")
        sentence_vectors = np.load(path / "sentence_vectors.npy", allow_pickle=False)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise IndexNotReady(f"damaged index at {path}: {error}; rebuild with `rag build`")
    embed_hashes = tuple(row.pop("embed_hash") for row in rows)
    chunks = tuple(Chunk(**row) for row in rows)
    if faiss_index.ntotal != len(chunks):
        raise IndexNotReady(
            f"damaged index at {path}: {faiss_index.ntotal} vectors for {len(chunks)} chunks"
        )
    if len(sentence_rows) != len(sentence_vectors):
        raise IndexNotReady(
            f"damaged index at {path}: {len(sentence_vectors)} sentence vectors "
            f"for {len(sentence_rows)} sentences"
        )
    return LoadedIndex(
        path=path,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        embed_hashes=embed_hashes,
        faiss_index=faiss_index,
        bm25=bm25,
        tokenizer=Tokenizer(terms),
        sentences=tuple((r["chunk_id"], r["start"], r["end"], r["embed_hash"]) for r in sentence_rows),
        sentence_vectors=sentence_vectors,
    )
