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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from rag.ingest.tokenize import Tokenizer
from rag.store import integrity
from rag.store.chunk_table import ChunkTable, LineTable
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


class SentenceTable:
    """The answer sentences of a build by row, as arrays: chunk row, start, end (int64) and the
    memory-mapped `sentence_vectors.npy`; the embed hashes are read from the mapped
    `sentences.jsonl` only when a build asks for them (no object per sentence)."""

    def __init__(self, lines: LineTable | None, chunk_rows: np.ndarray, starts: np.ndarray,
                 ends: np.ndarray, vectors: np.ndarray | None, chunk_count: int) -> None:
        self.lines = lines
        self.chunk_rows, self.starts, self.ends = chunk_rows, starts, ends
        self.vectors = vectors
        # sentences of chunk row r are rows indptr[r]:indptr[r + 1] (they are in chunk order)
        self.indptr = np.searchsorted(chunk_rows, np.arange(chunk_count + 1), side="left")

    @classmethod
    def empty(cls) -> "SentenceTable":
        none = np.zeros(0, dtype=np.int64)
        return cls(None, none, none, none, None, 0)

    def __len__(self) -> int:
        return int(self.chunk_rows.size)

    def __iter__(self):
        """(chunk_id, start, end, embed_hash) of every sentence, parsed one line at a time."""
        for raw in self.lines.lines() if self.lines is not None else ():
            row = json.loads(raw)
            yield row["chunk_id"], row["start"], row["end"], row["embed_hash"]

    def find(self, chunk_row: int, start: int, end: int) -> int | None:
        """The sentence row of `chunk_row`'s sentence at start..end, if the build has it."""
        if not 0 <= chunk_row < self.indptr.size - 1:
            return None
        lo, hi = int(self.indptr[chunk_row]), int(self.indptr[chunk_row + 1])
        at = lo + int(np.searchsorted(self.starts[lo:hi], start))
        if at < hi and self.starts[at] == start and self.ends[at] == end:
            return at
        return None


class ChunkIds:
    """Chunk id → row without a dict over every chunk: the ids as one fixed-width bytes array,
    searched through its sort order (16 + 8 bytes a chunk)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.order = np.argsort(ids, kind="stable")
        self.sorted = ids[self.order]

    def row(self, chunk_id: str) -> int | None:
        key = chunk_id.encode("utf-8")
        at = int(np.searchsorted(self.sorted, key))
        if at < self.sorted.size and self.sorted[at] == key:
            return int(self.order[at])
        return None


class SentenceVectors:
    """Precomputed sentence vectors by (chunk_id, start, end), the gate's lookup: a chunk's row
    by its id, then its sentence by offsets, then the memory-mapped vector."""

    def __init__(self, ids: ChunkIds, sentences: SentenceTable) -> None:
        self.ids, self.sentences = ids, sentences

    def __len__(self) -> int:
        return 0 if self.sentences.vectors is None else len(self.sentences)

    def get(self, key: tuple[str, int, int], default=None):
        chunk_id, start, end = key
        row = self.ids.row(chunk_id)
        found = None if row is None or self.sentences.vectors is None else self.sentences.find(row, start, end)
        return default if found is None else np.asarray(self.sentences.vectors[found])


@dataclass(frozen=True)
class LoadedIndex:
    """Everything a retriever needs, loaded from one build directory, with no Python object
    per passage or sentence: chunks are parsed from the memory-mapped `chunks.jsonl` when read
    (`ChunkTable`), each row's document is one int32 (`doc_codes` into `doc_names`), and the
    answer sentences are arrays over the memory-mapped `sentence_vectors.npy`."""

    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: ChunkTable
    faiss_index: object
    bm25: object
    tokenizer: Tokenizer
    doc_names: tuple[str, ...] = ()
    doc_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    chunk_ids: ChunkIds | None = None
    sentences: SentenceTable = field(default_factory=SentenceTable.empty)

    @property
    def sentence_vectors(self) -> np.ndarray | None:
        return self.sentences.vectors

    @property
    def embed_hashes(self) -> tuple[str, ...]:
        """Each chunk's embed hash, read from the table (builds reuse vectors by it)."""
        return tuple(json.loads(raw)["embed_hash"] for raw in self.chunks.lines())

    def row_docs(self):
        """Which document each row belongs to, for the stores (one int32 a row)."""
        from rag.store.vectors import RowDocs

        return RowDocs.from_codes(self.doc_names, self.doc_codes)

    def sentence_lookup(self) -> SentenceVectors:
        """Precomputed sentence vectors by (chunk_id, start, end)."""
        return SentenceVectors(self.chunk_ids or ChunkIds(np.zeros(0, dtype="S1")), self.sentences)

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
    build_id, staging = new_build_id(), None
    try:
        staging = stage_build(index_dir, build_id)
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
        return publish_build(index_dir, staging, build_id, manifest)
    except BaseException as error:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError) and not isinstance(error, IndexNotWritable):
            raise _not_writable(index_dir, error) from error
        raise


def new_build_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def stage_build(index_dir: Path, build_id: str) -> Path:
    """The staging folder a build's files are written into (`builds/.tmp-<build_id>`)."""
    builds = Path(index_dir) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f".tmp-{build_id}"
    staging.mkdir()
    return staging


def publish_build(index_dir: Path, staging: Path, build_id: str, manifest: dict) -> Path:
    """Record the sha256 of the staged files and the manifest, then switch `current` to the
    build atomically and prune older builds. Every writer of builds ends here (`write_index`,
    and the synthetic corpora of `eval.scale`), so there is one way a build becomes current."""
    index_dir = Path(index_dir)
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
    final = index_dir / BUILDS / build_id
    os.rename(staging, final)
    current = current_path(index_dir)
    previous = os.readlink(current) if current.is_symlink() else ""
    link = index_dir / f".{CURRENT}-{build_id}"
    os.symlink(Path(BUILDS) / build_id, link)
    os.replace(link, current)
    _prune_builds(index_dir, keep=(build_id, Path(previous).name))
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


def _prune_builds(index_dir: Path, keep: tuple[str, str]) -> None:
    """Remove builds other than `keep` (the new build and the one `current` named before the
    switch), and leftovers of interrupted builds. The previous build stays so that a reader
    who resolved `current` just before the switch can finish reading it (writers hold the
    writer lock, so no staging dir is live). Build ids are not compared: two builds within one
    second differ only in their random suffix."""
    for path in (Path(index_dir) / BUILDS).iterdir():
        if path.name not in keep:
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
    del document_rows
    # chunks and sentences: one streaming pass each over the mapped file, nothing kept per row
    chunks = _read_file(path, "chunks.jsonl", lambda p: ChunkTable(p).load())
    columns = integrity.scan_chunk_lines(chunks.lines(), documents, manifest)
    faiss_index = _read_file(path, "faiss.index", lambda p: faiss.read_index(str(p)))
    if faiss_index.d != dim:
        raise Damage("faiss.index", f"dimension {faiss_index.d}, the manifest's embedder has {dim}")
    _require_count(faiss_index.ntotal, len(chunks), "faiss.index")
    for start in range(0, faiss_index.ntotal, integrity.VECTOR_BLOCK):
        block = faiss_index.reconstruct_n(start, min(integrity.VECTOR_BLOCK, faiss_index.ntotal - start))
        integrity.check_vector_block(block, start, "faiss.index")
    if (path / "vectors.npy").is_file():  # the copy builds reuse (format 2 always has it)
        _read_file(path, "vectors.npy",
                   lambda p: integrity.check_vector_file(p, dim, len(chunks), "vectors.npy"))
    sentence_lines = _read_file(path, "sentences.jsonl", lambda p: LineTable(p).load())
    rows, starts, ends = integrity.scan_sentence_lines(sentence_lines.lines(), columns)
    _require_count(rows.size, manifest["sentence_count"], "sentences.jsonl")
    _read_file(path, "sentence_vectors.npy",
               lambda p: integrity.check_vector_file(p, dim, rows.size, "sentence_vectors.npy"))
    sentence_vectors = _read_file(
        path, "sentence_vectors.npy", lambda p: np.load(p, mmap_mode="r", allow_pickle=False)
    )
    bm25 = _read_file(path, "bm25", lambda p: bm25s.BM25.load(str(p), allow_pickle=False, mmap=True))
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
        faiss_index=faiss_index,
        bm25=bm25,
        tokenizer=Tokenizer(terms),
        doc_names=tuple(entry["doc_id"] for entry in manifest["documents"]),
        doc_codes=columns.doc_codes,
        chunk_ids=ChunkIds(columns.ids),
        sentences=SentenceTable(sentence_lines, rows, starts, ends, sentence_vectors, len(chunks)),
    )


def _require_count(found: int, recorded: int, file: str) -> None:
    if found != recorded:
        raise Damage(file, f"{found} rows, the manifest records {recorded}")
