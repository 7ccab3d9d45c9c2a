"""Load article files from a folder into cleaned `Document`s, one bad file never stopping the rest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.clean import clean_text
from rag.types import Document

MAX_FILE_BYTES = 5_000_000
SUFFIXES = (".txt", ".md")


class DocumentError(ValueError):
    """A file that cannot be used as a document; the message names the file."""


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    errors: tuple[str, ...]


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); reject binary or other encodings by name."""
    if b"\x00" in data:
        raise DocumentError(f"{name}: looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name}: not valid UTF-8 at byte {error.start}; re-save the file as UTF-8"
        ) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise DocumentError(f"{name}: {controls} control characters; expected plain text")
    return text


def parse_document(doc_id: str, data: bytes, path: str = "") -> Document:
    """Build a cleaned `Document` from a file's bytes."""
    name = path or doc_id
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(f"{name}: {len(data)} bytes exceeds the {MAX_FILE_BYTES}-byte limit")
    cleaned = clean_text(decode_text(data, name))
    if not cleaned.text.strip():
        raise DocumentError(f"{name}: no text left after cleaning")
    return Document(
        doc_id=doc_id,
        title=cleaned.title,
        text=cleaned.text,
        source_sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        title_derived=cleaned.title_derived,
        authors=tuple(cleaned.authors),
        editors=tuple(cleaned.editors),
        reviewers=tuple(cleaned.reviewers),
        date=cleaned.date,
        source=cleaned.source,
        keywords=tuple(cleaned.keywords),
        script=cleaned.script,
        removed=tuple(sorted(cleaned.removed.items())),
    )


def load_documents(folder: Path) -> LoadResult:
    """Load every `.txt`/`.md` file in `folder` (sorted); collect per-file errors."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DocumentError(f"{folder}: not a folder of articles")
    documents: list[Document] = []
    errors: list[str] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() not in SUFFIXES:
            errors.append(f"{path}: skipped, not one of {list(SUFFIXES)}")
            continue
        try:
            documents.append(parse_document(path.stem, path.read_bytes(), str(path)))
        except (DocumentError, OSError) as error:
            errors.append(str(error))
    return LoadResult(tuple(documents), tuple(errors))
