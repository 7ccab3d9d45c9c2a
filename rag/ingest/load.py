"""Walk a library folder into cleaned `Document`s, naming every path it skips and why.

Doc ids are paths relative to the library folder, with `/` separators and the extension
(`reports/2024.pdf`), so `X.md` and `X.txt` never collide and ids survive rebuilds.
Safety: symlinks are never followed out of the folder (nor into sub-folders, which could
loop), files are opened without following links and sized with fstat before any read, and
FIFOs, devices and dotfiles are skipped by name. One bad file never stops the rest.
"""

from __future__ import annotations

from collections.abc import Collection

import hashlib
import os
import stat
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.clean import clean_text
from rag.ingest.dedupe import Duplicate, screen_duplicates
from rag.ingest.loaders import SUFFIXES, DocumentError, Extracted, decode_text, loader_for
from rag.types import Document

MAX_FILE_BYTES = 5_000_000

__all__ = [
    "MAX_FILE_BYTES", "DocumentError", "LoadResult", "Skipped", "decode_text",
    "load_documents", "parse_document", "read_library_file", "walk_library",
]


@dataclass(frozen=True)
class Skipped:
    """A path that was not indexed, and why (in words an administrator can act on)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class LoadResult:
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()

    @property
    def errors(self) -> tuple[str, ...]:
        """Every skipped path with its reason, as one line each."""
        return tuple(str(s) for s in self.skipped)

    def encodings(self) -> dict[str, int]:
        """How many documents were read in each (format, encoding), e.g. `txt utf-8`."""
        counts: dict[str, int] = {}
        for document in self.documents:
            key = f"{document.format} {document.encoding}".strip()
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))


def _carry_structure(
    extracted: Extracted, text: str, origins: list[int]
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Map the loader's heading and page line numbers onto offsets of the cleaned text."""
    levels = dict(extracted.headings)
    page_lines = [line for line, _ in extracted.pages]
    headings: list[tuple[int, int]] = []
    pages: list[tuple[int, int]] = []
    offset = 0
    for line, origin in zip(text.split("\n"), origins):
        if origin >= 0:
            if origin in levels:
                headings.append((offset, levels[origin]))
            if page_lines:
                page = extracted.pages[bisect_right(page_lines, origin) - 1][1]
                if not pages or pages[-1][1] != page:
                    pages.append((offset, page))
        offset += len(line) + 1
    return tuple(headings), tuple(pages)


def parse_document(doc_id: str, data: bytes, path: str = "") -> Document:
    """Build a cleaned `Document` from a file's bytes, read by the loader of its suffix."""
    name = path or doc_id
    extracted = loader_for(name if "." in Path(name).name else name + ".txt")(data, name)
    cleaned = clean_text(extracted.text)
    if not cleaned.text.strip():
        raise DocumentError(f"{name}: no text left after cleaning")
    headings, pages = _carry_structure(extracted, cleaned.text, cleaned.line_origins)
    # What the file states wins over bylines found in the text; document properties only
    # fill what the text leaves empty.
    title_derived = cleaned.title_derived and not extracted.title
    title = extracted.title or (cleaned.title if not title_derived else "")
    if not title and extracted.property_title:
        title, title_derived = extracted.property_title, False
    return Document(
        doc_id=doc_id,
        title=title or cleaned.title,
        text=cleaned.text,
        source_sha256=hashlib.sha256(data).hexdigest(),
        path=path,
        title_derived=title_derived,
        authors=extracted.authors or tuple(cleaned.authors) or extracted.property_authors,
        editors=tuple(cleaned.editors),
        reviewers=tuple(cleaned.reviewers),
        date=extracted.date or cleaned.date or extracted.property_date,
        source=extracted.source or cleaned.source,
        keywords=tuple(cleaned.keywords),
        script=cleaned.script,
        removed=tuple(sorted(cleaned.removed.items())),
        format=extracted.format,
        encoding=extracted.encoding,
        headings=headings,
        pages=pages,
    )


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def read_library_file(path: Path, max_file_bytes: int = MAX_FILE_BYTES, name: str = "") -> bytes:
    """The bytes of one regular file, sized with fstat before reading; never follows a
    symlink at the last path component and never blocks on a FIFO. Errors name `name`."""
    name = name or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise DocumentError(f"{name}: cannot open ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(f"{name}: skipped, {_kind(info.st_mode)}")
        if info.st_size > max_file_bytes:
            raise DocumentError(
                f"{name}: {info.st_size} bytes exceeds the {max_file_bytes}-byte limit"
            )
        data = handle.read(max_file_bytes + 1)
    if len(data) > max_file_bytes:  # it grew while we read it
        raise DocumentError(f"{name}: more than the {max_file_bytes}-byte limit")
    return data


def walk_library(folder: Path) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """`(doc_id, path to open)` of every candidate file under `folder`, sorted by doc id,
    and every path skipped on the way with its reason. Nothing is read here."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DocumentError(f"{folder}: not a folder of articles")
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    skipped: list[Skipped] = []

    def visit(directory: Path, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            skipped.append(Skipped(str(directory), f"cannot list the folder ({error.strerror})"))
            return
        for entry in entries:
            path = Path(entry.path)
            doc_id = prefix + entry.name
            if entry.name.startswith("."):
                skipped.append(Skipped(str(path), "hidden (dotfile), skipped"))
                continue
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not target.is_relative_to(root):
                    skipped.append(Skipped(str(path), "symlink pointing outside the library folder, not followed"))
                    continue
                if not target.exists():
                    skipped.append(Skipped(str(path), f"dangling symlink (→ {target.relative_to(root)})"))
                    continue
                if target.is_dir():
                    skipped.append(Skipped(str(path), "symlink to a folder, not followed"))
                    continue
                path = target  # a link to a file inside the library: opened at its target
            elif entry.is_dir(follow_symlinks=False):
                visit(path, doc_id + "/")
                continue
            if Path(entry.name).suffix.lower() not in SUFFIXES:
                skipped.append(Skipped(str(Path(entry.path)), f"unknown suffix, not one of {list(SUFFIXES)}"))
                continue
            found.append((doc_id, path))

    visit(folder, "")
    found.sort()
    return found, skipped


def load_documents(
    folder: Path,
    max_file_bytes: int = MAX_FILE_BYTES,
    allow_duplicate: bool | Collection[str] = False,
    near_threshold: float | None = None,
) -> LoadResult:
    """Load every supported file under `folder`, screen duplicates, and report every skip.
    `allow_duplicate`: keep near copies, all (True) or those doc ids."""
    candidates, skipped = walk_library(Path(folder))
    documents: list[Document] = []
    for doc_id, path in candidates:
        shown = str(Path(folder) / doc_id)
        try:
            data = read_library_file(path, max_file_bytes, name=shown)
            documents.append(parse_document(doc_id, data, shown))
        except DocumentError as error:
            message = str(error)
            reason = message[len(shown) + 2 :] if message.startswith(shown + ": ") else message
            skipped.append(Skipped(shown, reason))
        except OSError as error:
            skipped.append(Skipped(shown, f"cannot read ({error.strerror or error})"))
        except Exception as error:  # a parser library failing on a malformed file
            skipped.append(Skipped(shown, f"could not be read: {type(error).__name__}: {error}"))
    screening = screen_duplicates(documents, allow_near=allow_duplicate, threshold=near_threshold)
    return LoadResult(tuple(screening.kept), tuple(skipped), tuple(screening.duplicates))
