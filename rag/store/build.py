"""`rag build`: seeds → documents → chunks → BM25 + FAISS, re-embedding only what changed."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.embed.base import Embedder
from rag.ingest.chunk import chunk_document, chunk_slice, sentence_spans
from rag.ingest.load import MAX_FILE_BYTES, LoadResult, load_documents
from rag.ingest.normalize import normalize_for_match
from rag.ingest.tokenize import Tokenizer, extract_terms
from rag.store.lock import writer_lock
from rag.store.index import (
    IndexNotReady,
    LoadedIndex,
    check_writable,
    index_exists,
    load_index,
    write_index,
)
from rag.types import Chunk, Document, content_hash


@dataclass
class BuildReport:
    """What a build did, for the CLI to print and tests to check."""

    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    sentences_embedded: int = 0
    sentences_reused: int = 0
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    path: str = ""
    previous_unusable: str = ""  # why the previous build was not reused ("" when it was or none)

    def summary(self) -> str:
        lines = [
            f"{self.documents} documents, {self.chunks} chunks in {self.seconds:.1f}s → {self.path}",
            f"embedded {self.embedded} chunks and {self.sentences_embedded} sentences; reused "
            f"{self.reused} chunks and {self.sentences_reused} sentences from the previous build",
        ]
        for label, names in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
            ("unchanged", self.unchanged),
        ):
            if names:
                lines.append(f"{label}: {', '.join(names)}")
        if self.encodings:
            lines.append("read: " + ", ".join(f"{n} {kind}" for kind, n in self.encodings.items()))
        lines.extend(f"duplicate: {line}" for line in self.duplicates)
        lines.extend(f"skipped: {error}" for error in self.errors)
        if self.previous_unusable:
            lines.append(f"rebuilt from scratch: {self.previous_unusable}")
        return "\n".join(lines)


def indexed_text(chunk: Chunk) -> str:
    """The text that is tokenised and embedded: title and heading path give context."""
    if chunk.kind == "meta":
        return normalize_for_match(chunk.text)
    return normalize_for_match("\n".join(p for p in (chunk.title, chunk.section, chunk.text) if p))


def _previous_build(index_dir: Path) -> tuple[LoadedIndex | None, str]:
    """The current build, if there is a readable one: it doubles as the embedding cache.

    A missing, damaged or foreign build is not an error here: the new build starts from
    scratch and replaces it (that is how `rag build` repairs an index). Returns the build,
    or None and why it could not be used."""
    if not index_exists(index_dir):
        return None, ""
    try:
        return load_index(index_dir), ""
    except (IndexNotReady, OSError) as error:
        return None, str(error)


def _cached_vectors(previous: LoadedIndex | None, model_id: str) -> dict[str, np.ndarray]:
    """Chunk and sentence vectors of the previous build by embedded-text hash.

    The hash includes the model id, so vectors of another model never match.
    """
    if previous is None:
        return {}
    vectors = previous.vectors()
    cache = {h: vectors[i] for i, h in enumerate(previous.embed_hashes)}
    if previous.sentence_vectors is not None:
        for i, (_, _, _, h) in enumerate(previous.sentences):
            cache[h] = previous.sentence_vectors[i]
    return cache


def _embed_with_cache(
    texts: list[str], hashes: list[str], cache: dict, embedder: Embedder, batch_size: int, bar
) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, reusing cached ones; returns them and how many were embedded."""
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = [i for i, h in enumerate(hashes) if h not in cache]
    for i, h in enumerate(hashes):
        if h in cache:
            vectors[i] = cache[h]
    for offset in range(0, len(missing), batch_size):
        batch = missing[offset : offset + batch_size]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        bar(len(batch))
    return vectors, len(missing)


def load_library(
    seeds_dir: Path, report: BuildReport, max_file_bytes: int, allow_duplicate: bool
) -> LoadResult:
    """The loading step: documents of the library folder; skips, copies, encodings reported."""
    loaded = load_documents(
        Path(seeds_dir), max_file_bytes=max_file_bytes, allow_duplicate=allow_duplicate
    )
    return record_loading(loaded, report, seeds_dir)


def record_loading(loaded: LoadResult, report: BuildReport, seeds_dir: Path) -> LoadResult:
    """Put a loading's skips, copies and encodings in `report`; no documents is an error."""
    report.errors = list(loaded.errors)
    report.duplicates = [str(d) for d in loaded.duplicates]
    report.encodings = loaded.encodings()
    if not loaded.documents:
        raise ValueError(f"no usable articles in {seeds_dir}: " + "; ".join(report.errors))
    return loaded


def manifest_document(document: Document, chunks: int) -> dict:
    """One document's manifest entry, including the format and encoding it was read in."""
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "path": document.path,
        "format": document.format,
        "encoding": document.encoding,
        "source_sha256": document.source_sha256,
        "text_sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        "chars": len(document.text),
        "chunks": chunks,
    }


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    min_chars: int = 120,
    max_chars: int = 350,
    batch_size: int = 16,
    progress: bool = True,
    max_file_bytes: int = MAX_FILE_BYTES,
    allow_duplicate: bool = False,
    *,
    loaded: LoadResult | None = None,
    lock_timeout_s: float = 300.0,
    on_wait=None,
) -> BuildReport:
    """Build the index for every article in `seeds_dir` and switch `index_dir` to it.

    One writer at a time: the build holds the index folder's writer lock (waiting up to
    `lock_timeout_s`, telling `on_wait`). `loaded` (a loading of `seeds_dir` done by the
    caller) replaces reading the folder: the library commands pass theirs."""
    check_writable(Path(index_dir))  # a read-only folder fails now, not after the embedding
    with writer_lock(index_dir, lock_timeout_s, "build", on_wait):
        return _build_locked(
            seeds_dir, index_dir, embedder, min_chars, max_chars, batch_size, progress,
            max_file_bytes, allow_duplicate, loaded,
        )


def _build_locked(
    seeds_dir, index_dir, embedder, min_chars, max_chars, batch_size, progress,
    max_file_bytes, allow_duplicate, given,
) -> BuildReport:
    """`build_index` with the writer lock held."""
    started = time.perf_counter()
    report = BuildReport()
    if given is None:
        loaded = load_library(seeds_dir, report, max_file_bytes, allow_duplicate)
    else:
        loaded = record_loading(given, report, seeds_dir)
    documents = list(loaded.documents)

    chunks: list[Chunk] = []
    for document in documents:
        chunks.extend(chunk_document(document, min_chars=min_chars, max_chars=max_chars))
    texts = [indexed_text(c) for c in chunks]

    embedder.load()
    hashes = [content_hash(embedder.model_id, t) for t in texts]
    previous_build, report.previous_unusable = _previous_build(Path(index_dir))
    cache = _cached_vectors(previous_build, embedder.model_id)
    sentences = [(c.chunk_id, s, e) for c in chunks for s, e in sentence_spans(c)]
    by_id = {c.chunk_id: c for c in chunks}
    sentence_texts = [
        normalize_for_match(chunk_slice(by_id[c], s, e)) for c, s, e in sentences
    ]
    sentence_hashes = [content_hash(embedder.model_id, "sentence", t) for t in sentence_texts]
    todo = sum(h not in cache for h in hashes + sentence_hashes)
    bar = _progress(todo, progress)
    vectors, embedded = _embed_with_cache(texts, hashes, cache, embedder, batch_size, bar)
    sentence_vectors, sentence_embedded = _embed_with_cache(
        sentence_texts, sentence_hashes, cache, embedder, batch_size, bar
    )
    bar(0, close=True)
    report.embedded = embedded
    report.reused = len(chunks) - embedded
    report.sentences_embedded = sentence_embedded
    report.sentences_reused = len(sentences) - sentence_embedded

    terms = extract_terms(d.text for d in documents)
    tokenizer = Tokenizer(terms).load()
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index([tokenizer.tokenize(t) or ["∅"] for t in texts], show_progress=False)

    previous = {
        d["doc_id"]: d["source_sha256"]
        for d in (previous_build.manifest["documents"] if previous_build else [])
    }
    for document in documents:
        old = previous.get(document.doc_id)
        bucket = report.added if old is None else (
            report.unchanged if old == document.source_sha256 else report.changed
        )
        bucket.append(document.doc_id)
    current_ids = {d.doc_id for d in documents}
    report.removed = sorted(set(previous) - current_ids)

    per_doc = {d.doc_id: 0 for d in documents}
    for chunk in chunks:
        per_doc[chunk.doc_id] += 1
    report.seconds = time.perf_counter() - started
    manifest = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedder": {"name": embedder.name, "model_id": embedder.model_id, "dim": embedder.dim},
        "chunking": {"min_chars": min_chars, "max_chars": max_chars},
        "documents": [manifest_document(d, per_doc[d.doc_id]) for d in documents],
        "chunk_count": len(chunks),
        "sentence_count": len(sentences),
        "build_seconds": round(report.seconds, 3),
        "skipped": report.errors,
        "duplicates": report.duplicates,
        "encodings": report.encodings,
    }
    path = write_index(
        Path(index_dir),
        manifest,
        documents,
        chunks,
        hashes,
        vectors,
        bm25,
        terms,
        sentences=[(c, s, e, h) for (c, s, e), h in zip(sentences, sentence_hashes)],
        sentence_vectors=sentence_vectors,
    )
    report.documents = len(documents)
    report.chunks = len(chunks)
    report.path = str(path)
    report.seconds = time.perf_counter() - started
    return report


def _progress(total: int, enabled: bool):
    """A tqdm bar on stderr when there is work and a terminal-ish caller wants one."""
    if not enabled or total == 0:
        return lambda n, close=False: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr)

    def update(n: int, close: bool = False) -> None:
        bar.update(n)
        if close:
            bar.close()

    return update
