"""The library's documents: the folder read by the ingest loader, with catalog metadata applied.

`_load_folder` and `_parse_file` are the only calls into the loader; at merge they switch to
the format registry without changing the library commands.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rag.ingest.load import MAX_FILE_BYTES, SUFFIXES, DocumentError, LoadResult, load_documents, parse_document
from rag.library.catalog import read_catalog
from rag.types import Document


def _load_folder(folder: Path) -> LoadResult:
    """Every usable article in `folder` and a message per skipped path (today's loader)."""
    return load_documents(folder)


def _parse_file(doc_id: str, data: bytes, path: str) -> Document:
    """One file's bytes as a `Document`, or `DocumentError` (today's loader)."""
    return parse_document(doc_id, data, path)


def supported_suffixes() -> tuple[str, ...]:
    """The file suffixes the loader reads."""
    return tuple(SUFFIXES)


def max_file_bytes() -> int:
    """The loader's size limit per file."""
    return MAX_FILE_BYTES


def relative_name(folder: Path, path: Path | str) -> str:
    """A file's path relative to the library folder, '/' separators, extension included."""
    return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()


def check_file(path: Path, name: str) -> Document:
    """Check a file before it is added: regular file, supported suffix, size, parses."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: not a file")
    if path.suffix.lower() not in supported_suffixes():
        raise DocumentError(f"{path}: not one of {list(supported_suffixes())}")
    size = path.stat().st_size
    if size > max_file_bytes():
        raise DocumentError(f"{path}: {size} bytes exceeds the {max_file_bytes()}-byte limit")
    return _parse_file(Path(name).stem, path.read_bytes(), str(path))


def with_metadata(document: Document, entry: dict) -> Document:
    """`document` with the catalog's title, authors, date and source where they are set."""
    changes = {}
    if entry.get("title"):
        changes.update(title=entry["title"], title_derived=False)
    if entry.get("authors"):
        changes["authors"] = tuple(entry["authors"])
    for key in ("date", "source"):
        if entry.get(key):
            changes[key] = entry[key]
    return dataclasses.replace(document, **changes) if changes else document


def load_library(folder: Path) -> LoadResult:
    """The folder's documents with the catalog's metadata applied, and the skipped paths."""
    folder = Path(folder)
    loaded = _load_folder(folder)
    catalog = read_catalog(folder)
    documents = []
    for document in loaded.documents:
        entry = catalog.get(relative_name(folder, document.path)) if document.path else None
        documents.append(with_metadata(document, entry) if entry else document)
    return LoadResult(tuple(documents), loaded.errors)
