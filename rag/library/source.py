"""The library's documents: the folder read by the ingest loader, with catalog metadata applied.

`_load_folder` and `_read_file` are the only calls into the loader (its registry of formats,
the library walk, duplicate screening); the library commands go through them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rag.ingest.load import (
    MAX_FILE_BYTES,
    LoadResult,
    load_documents,
    parse_document,
    read_library_file,
)
from rag.ingest.loaders import SUFFIXES
from rag.library.catalog import CATALOG_NAME, read_catalog
from rag.types import Document

# The library's own files in its folder (the catalog, and a command's staging and backups):
# the loader skips dotfiles; these are not reported as skipped articles.
OWN_PREFIXES = (CATALOG_NAME, ".library-", ".rag-")


def _load_folder(folder: Path, max_file_bytes: int, allow_duplicate) -> LoadResult:
    """Every usable article under `folder`, duplicates screened, every skip named."""
    return load_documents(folder, max_file_bytes=max_file_bytes, allow_duplicate=allow_duplicate)


def _read_file(path: Path, doc_id: str, max_file_bytes: int) -> Document:
    """One file as a `Document`, or `DocumentError` naming it."""
    return parse_document(doc_id, read_library_file(path, max_file_bytes, str(path)), str(path))


def supported_suffixes() -> tuple[str, ...]:
    """The file suffixes the loader reads."""
    return tuple(SUFFIXES)


def relative_name(folder: Path, path: Path | str) -> str:
    """A file's path relative to the library folder, '/' separators, extension included."""
    return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()


def check_file(path: Path, name: str, max_file_bytes: int = MAX_FILE_BYTES) -> Document:
    """Check a file before it is added: a regular file within the size limit, of a
    supported format, that the loader reads (raises `DocumentError` or `OSError`)."""
    from rag.ingest.load import DocumentError

    if Path(name).suffix.lower() not in supported_suffixes():
        raise DocumentError(f"{name}: not one of {list(supported_suffixes())}")
    return _read_file(Path(path), name, max_file_bytes)


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


def load_library(
    folder: Path, max_file_bytes: int = MAX_FILE_BYTES, allow_duplicate: bool = False
) -> LoadResult:
    """The folder's documents with the catalog's metadata applied, and the skipped paths
    (not the library's own files)."""
    folder = Path(folder)
    catalog = read_catalog(folder)
    # Documents added with --allow-duplicate stay allowed in every later build.
    allowed = allow_duplicate or frozenset(k for k, e in catalog.items() if e.get("allow_duplicate"))
    loaded = _load_folder(folder, max_file_bytes, allowed)
    documents = []
    for document in loaded.documents:
        entry = catalog.get(relative_name(folder, document.path)) if document.path else None
        documents.append(with_metadata(document, entry) if entry else document)
    skipped = tuple(s for s in loaded.skipped if not Path(s.path).name.startswith(OWN_PREFIXES))
    return dataclasses.replace(loaded, documents=tuple(documents), skipped=skipped)
