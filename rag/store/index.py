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
from rag.store import integrity
from rag.store.faiss_store import write_vector_store
from rag.store.integrity import Damage
from rag.types import Chunk, Document

# 2: the manifest records the sha256 of every file ("files"), verified at load.
FORMAT_VERSION = 2
# The files every build has, besides the manifest and the bm25/ arrays.
BUILD_FILES = (
    "documents.jsonl", "chunks.jsonl", "faiss.index", "sentences.jsonl", "sentence_vectors.npy",
    "bm25/terms.json",
)
CURRENT = "current"
BUILDS = "builds"


class IndexNotReady(RuntimeError):
    """The index is missing, damaged or of another format; the message says what to do."""


class IndexNotWritable(OSError):
    """The index folder cannot be written (read-only, no permission, disk full); the
    previous build, if any, is left as it was."""


class IndexDamaged(IndexNotReady):
    """A build whose files are not what was written: names the file and what is wrong."""

    def __init__(self, path: Path, file: str, what: str) -> None:
        super().__init__(f"damaged index at {path}: {file}: {what}; rebuild with `rag build`")
        self.path, self.file, self.what = path, file, what


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
    for key in ("headings", "pages"):
        row[key] = tuple(tuple(pair) for pair in row.get(key, ()))
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
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    staging = builds / f".tmp-{build_id}"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
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
        manifest = {
            **manifest,
            "format_version": FORMAT_VERSION,
            "build_id": build_id,
            "files": integrity.build_checksums(staging),
        }
        # The manifest is written last: a build directory without one is incomplete.
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        final = builds / build_id
        os.rename(staging, final)
        link = index_dir / f".{CURRENT}-{build_id}"
        os.symlink(Path(BUILDS) / build_id, link)
        os.replace(link, current_path(index_dir))
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError) and not isinstance(error, IndexNotWritable):
            raise _not_writable(index_dir, error) from error
        raise
    _prune_builds(index_dir, keep=build_id)
    return final


def _not_writable(index_dir: Path, error: OSError) -> IndexNotWritable:
    reason = error.strerror or str(error)
    problem = IndexNotWritable(
        f"cannot write the index at {index_dir}: {reason}; the previous build, if any, is unchanged"
    )
    problem.errno = error.errno
    return problem


def check_writable(index_dir: Path) -> None:
    """Raise `IndexNotWritable` unless a build could be staged and switched in `index_dir`:
    checked before any embedding work, so a read-only folder fails in a second, not after."""
    index_dir = Path(index_dir)
    probe = f".probe-{uuid.uuid4().hex[:8]}"
    try:
        (index_dir / BUILDS).mkdir(parents=True, exist_ok=True)
        (index_dir / BUILDS / probe).mkdir()
        (index_dir / BUILDS / probe).rmdir()
        os.symlink(Path(BUILDS) / probe, index_dir / probe)
        os.unlink(index_dir / probe)
    except OSError as error:
        raise _not_writable(index_dir, error) from error


def _prune_builds(index_dir: Path, keep: str) -> None:
    """Remove builds other than `keep` and the one before it, and leftovers of interrupted
    builds. The previous build stays so that a reader who resolved `current` just before the
    switch can finish reading it (writers hold the writer lock, so no staging dir is live)."""
    names = sorted(
        p.name for p in (Path(index_dir) / BUILDS).iterdir()
        if not p.name.startswith(".") and p.name != keep and (p / "manifest.json").is_file()
    )
    previous = set(names[-1:])
    for path in (Path(index_dir) / BUILDS).iterdir():
        if path.name != keep and path.name not in previous:
            shutil.rmtree(path, ignore_errors=True)
    for path in Path(index_dir).glob(f".{CURRENT}-*"):
        path.unlink(missing_ok=True)


def read_manifest(index_dir: Path, build: Path | None = None) -> dict:
    """The manifest of the current build (or of `build`, a resolved build folder), checked:
    a JSON object of this format with the fields readers use (`IndexDamaged` otherwise,
    `IndexNotReady` for another format version)."""
    path = (build or current_path(index_dir)) / "manifest.json"
    if not path.is_file():
        raise IndexNotReady(f"no index at {index_dir}: run `rag build` first")
    build_dir = (build or current_path(index_dir)).resolve()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexDamaged(build_dir, "manifest.json", f"unreadable ({error})") from None
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if isinstance(manifest, dict) and version != FORMAT_VERSION:
        raise IndexNotReady(
            f"index format {version!r} at {index_dir} is not the supported {FORMAT_VERSION}; "
            "rebuild with `rag build`"
        )
    try:
        integrity.check_manifest(manifest, BUILD_FILES)
    except Damage as damage:
        raise IndexDamaged(build_dir, damage.file, damage.what) from None
    return manifest


def load_index(index_dir: Path, attempts: int = 5) -> LoadedIndex:
    """Load the current build: manifest, documents, chunks, FAISS and BM25, each verified
    against the sha256 recorded in the manifest, then checked for schema, order, offsets
    and dimensions (`IndexDamaged` names the file and what is wrong).

    `current` is resolved once and every file is read from that build. When reading fails
    because a writer switched `current` meanwhile (and pruned the build being read), the new
    build is loaded instead: a rebuild never shows readers a false "damaged index"."""
    for attempt in range(attempts):
        path = current_path(index_dir).resolve()
        try:
            return _load_build(index_dir, path)
        except IndexNotReady:  # IndexDamaged included
            if attempt + 1 == attempts or current_path(index_dir).resolve() == path:
                raise


def _load_build(index_dir: Path, path: Path) -> LoadedIndex:
    """Load the build folder `path` (a resolved `current`)."""
    manifest = read_manifest(index_dir, path if path.is_dir() else None)
    try:
        return _load_checked(path, manifest)
    except Damage as damage:
        raise IndexDamaged(path, damage.file, damage.what) from None


def _read_file(path: Path, name: str, read):
    """`read(path / name)`, with any parse error reported as damage to that file."""
    try:
        return read(path / name)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise Damage(name, f"unreadable ({type(error).__name__}: {error})") from None


def _load_checked(path: Path, manifest: dict) -> LoadedIndex:
    import bm25s
    import faiss

    integrity.verify_checksums(path, manifest["files"])
    dim = manifest["embedder"]["dim"]
    document_rows = _read_file(path, "documents.jsonl", _read_jsonl)
    integrity.check_rows(document_rows, integrity.DOCUMENT_SCHEMA, "documents.jsonl")
    documents = {row["doc_id"]: _document_from_row(row) for row in document_rows}
    rows = _read_file(path, "chunks.jsonl", _read_jsonl)
    integrity.check_rows(rows, integrity.CHUNK_SCHEMA, "chunks.jsonl")
    embed_hashes = tuple(row.pop("embed_hash") for row in rows)
    chunks = tuple(Chunk(**row) for row in rows)
    integrity.check_chunks(list(chunks), documents, manifest)
    faiss_index = _read_file(path, "faiss.index", lambda p: faiss.read_index(str(p)))
    if faiss_index.d != dim:
        raise Damage("faiss.index", f"dimension {faiss_index.d}, the manifest's embedder has {dim}")
    vectors = (
        faiss_index.reconstruct_n(0, faiss_index.ntotal)
        if faiss_index.ntotal else np.zeros((0, dim), dtype=np.float32)
    )
    integrity.check_vectors(vectors, dim, len(chunks), "faiss.index")
    if (path / "vectors.npy").is_file():  # the copy builds reuse (format 2 always has it)
        stored = _read_file(path, "vectors.npy", lambda p: np.load(p, mmap_mode="r", allow_pickle=False))
        integrity.check_vectors(stored, dim, len(chunks), "vectors.npy")
    sentence_rows = _read_file(path, "sentences.jsonl", _read_jsonl)
    integrity.check_rows(sentence_rows, integrity.SENTENCE_SCHEMA, "sentences.jsonl")
    integrity.check_sentences(sentence_rows, list(chunks))
    _require_count(len(sentence_rows), manifest["sentence_count"], "sentences.jsonl")
    sentence_vectors = _read_file(
        path, "sentence_vectors.npy", lambda p: np.load(p, allow_pickle=False)
    )
    integrity.check_vectors(sentence_vectors, dim, len(sentence_rows), "sentence_vectors.npy")
    bm25 = _read_file(path, "bm25", lambda p: bm25s.BM25.load(str(p), allow_pickle=False))
    integrity.check_bm25(bm25, len(chunks))
    terms = _read_file(
        path, "bm25/terms.json", lambda p: json.loads(p.read_text(encoding="utf-8"))
    )
    if not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)):
        raise Damage("bm25/terms.json", "expected a list of strings")
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


def _require_count(found: int, recorded: int, file: str) -> None:
    if found != recorded:
        raise Damage(file, f"{found} rows, the manifest records {recorded}")
