"""Index integrity: sha256 of every build file, and checks of schemas, dimensions and offsets.

`rag.store.index.load_index` runs these so that a damaged build is refused with the file and
what is wrong (`damaged index at …: <file>: <what>`) instead of a traceback or, worse, loading
and answering with vectors that no longer belong to their chunks. Each check raises `Damage`;
the loader adds the build path. Pure functions over already-parsed data, plus the hashing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields
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


def parsed_rows(lines, schema: dict, file: str):
    """`(line number, row)` of each JSON line, parsed and checked against `schema`; an
    unreadable or misshapen line raises `Damage` naming the file and the line."""
    for line, raw in enumerate(lines, start=1):
        try:
            row = json.loads(raw)
        except ValueError as error:
            raise Damage(file, f"line {line}: unreadable ({error})") from None
        check_row(row, schema, file, line)
        yield line, row


def check_rows(rows: list, schema: dict, file: str) -> None:
    for line, row in enumerate(rows, start=1):
        check_row(row, schema, file, line)


def check_chunks(chunks: list[Chunk], documents: dict[str, Document], manifest: dict) -> None:
    """Chunks are in build order (documents as in the manifest, then by ordinal), point at
    their document's text, and match the manifest's counts (see `scan_chunk_lines`)."""
    scan_chunk_lines((json.dumps(asdict(c), ensure_ascii=False) for c in chunks), documents,
                     manifest, schema={f.name: _json_kind(str(f.type)) for f in fields(Chunk)})


@dataclass(frozen=True)
class ChunkColumns:
    """What later checks and serving need of the chunks, as arrays (no object per chunk):
    each row's chunk id (fixed-width bytes), the span its sentences must lie in, and the
    document number of each row (an index into the manifest's documents)."""

    ids: np.ndarray
    low: np.ndarray
    high: np.ndarray
    doc_codes: np.ndarray


def expected_rows(manifest: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The manifest's documents, and the document number and ordinal each row must have."""
    names = [entry["doc_id"] for entry in manifest["documents"]]
    counts = np.array([entry["chunks"] for entry in manifest["documents"]], dtype=np.int64)
    codes = np.repeat(np.arange(len(names), dtype=np.int32), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    ordinals = np.arange(codes.size, dtype=np.int64) - np.repeat(starts, counts)
    return names, codes, ordinals


def scan_chunk_lines(lines, documents: dict[str, Document], manifest: dict,
                     schema: dict | None = None) -> ChunkColumns:
    """One streaming pass over `chunks.jsonl` lines (bytes or str): each row has the schema,
    rows are in build order (documents as in the manifest, then by ordinal), point at their
    document's text, and match the manifest's counts. A shuffled chunks.jsonl would pair
    every chunk with another chunk's vector; offsets past the text would cite nothing.
    Returns the rows' ids, sentence bounds and document numbers; keeps no row."""
    file = "chunks.jsonl"
    schema = schema or CHUNK_SCHEMA
    names, codes, ordinals = expected_rows(manifest)
    _require(set(names) == set(documents), "documents.jsonl",
             f"documents {sorted(documents)} are not the manifest's {sorted(names)}")
    ids: list[bytes] = []
    low = np.zeros(codes.size, dtype=np.int64)
    high = np.zeros(codes.size, dtype=np.int64)
    texts = [documents[name].text for name in names]
    count = 0
    for line, row in parsed_rows(lines, schema, file):
        count = line
        if row["doc_id"] not in documents:
            raise Damage(file, f"line {line} (chunk {row['chunk_id']}): unknown doc_id {row['doc_id']!r}")
        if line > codes.size or (row["doc_id"], row["ordinal"]) != (
                names[codes[line - 1]], int(ordinals[line - 1])):
            belongs = ("nothing" if line > codes.size
                       else f"{names[codes[line - 1]]} #{int(ordinals[line - 1])}")
            raise Damage(file, f"line {line} (chunk {row['chunk_id']}): out of order "
                         f"({row['doc_id']} #{row['ordinal']} where {belongs} belongs)")
        text = texts[codes[line - 1]]
        start, end, chunk_text = row["start"], row["end"], row["text"]
        ids.append(row["chunk_id"].encode("utf-8"))
        if row["kind"] == "meta":
            if not start == end == 0:
                raise Damage(file, f"line {line} (chunk {row['chunk_id']}): a meta chunk with offsets")
            low[line - 1], high[line - 1] = 0, len(chunk_text)
            continue
        if not 0 <= start <= end <= len(text):
            raise Damage(file, f"line {line} (chunk {row['chunk_id']}): offsets "
                         f"{start}..{end} outside the document's {len(text)} characters")
        if text[start:end] != chunk_text:
            raise Damage(file, f"line {line} (chunk {row['chunk_id']}): text is not the "
                         f"document's text at {start}..{end}")
        low[line - 1], high[line - 1] = start, end
    _require(count == manifest["chunk_count"], file,
             f"{count} chunks, the manifest records {manifest['chunk_count']}")
    _require(count == codes.size, MANIFEST,
             f"documents' chunk counts add up to {codes.size}, not chunk_count {count}")
    return ChunkColumns(np.array(ids, dtype=bytes) if ids else np.zeros(0, dtype="S1"),
                        low, high, codes)


def check_sentences(rows: list[dict], chunks: list[Chunk]) -> None:
    """Sentences point inside their chunk (or within a meta chunk's card), in chunk order."""
    columns = ChunkColumns(
        np.array([c.chunk_id.encode("utf-8") for c in chunks], dtype=bytes),
        np.array([0 if c.kind == "meta" else c.start for c in chunks], dtype=np.int64),
        np.array([len(c.text) if c.kind == "meta" else c.end for c in chunks], dtype=np.int64),
        np.zeros(len(chunks), dtype=np.int32),
    )
    scan_sentence_lines((json.dumps(r) for r in rows), columns)


def scan_sentence_lines(lines, chunks: ChunkColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One streaming pass over `sentences.jsonl` lines: each row has the schema, points inside
    its chunk (or within a meta chunk's card), in chunk order. Sentences come in chunk order,
    so a row's chunk is found by walking forward from the previous one (no table of ids).
    Returns each sentence's chunk row, start and end as arrays."""
    file = "sentences.jsonl"
    ids = chunks.ids
    rows, starts, ends = [], [], []
    current, previous_start = -1, -1
    for line, row in parsed_rows(lines, SENTENCE_SCHEMA, file):
        key = row["chunk_id"].encode("utf-8")
        if current < 0 or ids[current] != key:
            found = current + 1
            while found < ids.size and ids[found] != key:
                found += 1
            if found >= ids.size:
                known = bool((ids == key).any())
                raise Damage(file, f"line {line}: out of order" if known
                             else f"line {line}: unknown chunk_id {row['chunk_id']!r}")
            current, previous_start = found, -1
        low, high = int(chunks.low[current]), int(chunks.high[current])
        if not low <= row["start"] < row["end"] <= high:
            raise Damage(file, f"line {line}: offsets {row['start']}..{row['end']} outside "
                         f"chunk {row['chunk_id']}'s {low}..{high}")
        if row["start"] <= previous_start:
            raise Damage(file, f"line {line}: out of order")
        previous_start = row["start"]
        rows.append(current)
        starts.append(row["start"])
        ends.append(row["end"])
    return (np.array(rows, dtype=np.int64), np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64))


VECTOR_BLOCK = 65_536  # rows checked at a time: memory stays flat at any size


def check_vectors(vectors: np.ndarray, dim: int, count: int, file: str) -> None:
    """`count` finite, L2-normalised (or all-zero) float32 rows of `dim` values (checked a
    block of rows at a time)."""
    check_vector_shape(vectors.shape, vectors.dtype, dim, count, file)
    for start in range(0, count, VECTOR_BLOCK):
        check_vector_block(np.asarray(vectors[start:start + VECTOR_BLOCK]), start, file)


def check_vector_shape(shape: tuple, dtype, dim: int, count: int, file: str) -> None:
    _require(len(shape) == 2, file, f"expected a 2-D array, found {len(shape)}-D")
    _require(shape[1] == dim, file, f"dimension {shape[1]}, the manifest's embedder has {dim}")
    _require(shape[0] == count, file, f"{shape[0]} vectors for {count} rows")
    _require(np.dtype(dtype) == np.float32, file, f"dtype {dtype}, expected float32")


def check_vector_block(vectors: np.ndarray, first_row: int, file: str) -> None:
    """Rows `first_row`… of a vector file are finite and L2-normalised (or all zero)."""
    finite = np.isfinite(vectors).all(axis=1)
    _require(bool(finite.all()), file,
             f"row {first_row + int(np.argmin(finite))} has NaN or infinite values")
    norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
    bad = ~((np.abs(norms - 1) <= NORM_TOLERANCE) | (norms == 0))
    _require(not bad.any(), file,
             f"row {first_row + int(np.argmax(bad))} has norm {float(norms[np.argmax(bad)]):.4g}, "
             "not 1 (vectors are stored L2-normalised)")


def check_vector_file(path: Path, dim: int, count: int, file: str) -> None:
    """`check_vectors` on a `.npy` file read a block at a time with plain reads (not mapped:
    the check leaves nothing of the file in the process's memory)."""
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(handle)
        _require(not fortran, file, "stored in Fortran order")
        check_vector_shape(shape, dtype, dim, count, file)
        for start in range(0, count, VECTOR_BLOCK):
            rows = min(VECTOR_BLOCK, count - start)
            block = np.fromfile(handle, dtype=dtype, count=rows * dim)
            _require(block.size == rows * dim, file, f"truncated at row {start + block.size // dim}")
            check_vector_block(block.reshape(rows, dim), start, file)


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
