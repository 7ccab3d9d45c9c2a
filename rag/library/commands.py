"""`rag add`, `rag remove`, `rag list`: change the library folder and the index together.

Each command holds the index's writer lock, changes the folder (keeping backups of what it
replaces or removes), and rebuilds through `build_index`, which re-embeds only chunks whose
text changed. If anything fails before the new build is switched in, the folder and its
catalog are put back as they were, and the index was never touched: the command is atomic.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rag.embed.base import Embedder
from rag.ingest.load import MAX_FILE_BYTES, DocumentError, LoadResult
from rag.library.catalog import (
    CatalogError,
    Metadata,
    catalog_path,
    now,
    read_catalog,
    write_catalog,
)
from rag.library.source import check_file, load_library, relative_name
from rag.store.build import BuildReport, build_index
from rag.store.index import IndexNotReady, read_manifest
from rag.store.lock import writer_lock


class LibraryError(ValueError):
    """A library command that cannot be done; nothing was changed. The message says why."""


@dataclass
class LibraryReport:
    """What a library command did."""

    added: list[str] = field(default_factory=list)  # doc ids
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    build: BuildReport | None = None

    def summary(self) -> str:
        lines = [f"{label}: {', '.join(ids)}" for label, ids in
                 (("added", self.added), ("replaced", self.replaced), ("removed", self.removed))
                 if ids]
        if self.build is not None:
            lines.append(self.build.summary())
        return "\n".join(lines)


@dataclass(frozen=True)
class LibraryEntry:
    """One row of `rag list`."""

    doc_id: str
    title: str
    authors: tuple[str, ...]
    date: str
    format: str
    chunks: int | None  # None: in the folder but not in the current index
    added: str
    path: str

    def as_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "authors": list(self.authors),
                "date": self.date, "format": self.format, "chunks": self.chunks,
                "added": self.added, "path": self.path}


class _Transaction:
    """Folder changes that can be undone: files moved aside, files put in, the catalog."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tag = uuid.uuid4().hex[:8]
        self.backups: list[tuple[Path, Path]] = []  # (original, backup)
        self.created: list[Path] = []
        path = catalog_path(folder)
        self.catalog_text = path.read_bytes() if path.is_file() else None

    def move_aside(self, target: Path) -> None:
        backup = target.with_name(f".rag-backup-{self.tag}-{target.name}")
        os.replace(target, backup)
        self.backups.append((target, backup))

    def put(self, target: Path, data: bytes) -> None:
        """Write `data` to `target` atomically (a dotfile first, then `os.replace`)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".rag-new-{self.tag}-{target.name}")
        staging.write_bytes(data)
        os.replace(staging, target)
        self.created.append(target)

    def commit(self) -> None:
        for _, backup in self.backups:
            backup.unlink(missing_ok=True)

    def rollback(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)
        for original, backup in reversed(self.backups):
            os.replace(backup, original)
        path = catalog_path(self.folder)
        if self.catalog_text is None:
            path.unlink(missing_ok=True)
        else:
            staging = path.with_name(f".library-{self.tag}.restore")
            staging.write_bytes(self.catalog_text)
            os.replace(staging, path)


class Library:
    """The library folder and the index built from it (constructing it loads nothing)."""

    def __init__(
        self,
        folder: Path,
        index_dir: Path,
        embedder: Embedder,
        min_chars: int = 120,
        max_chars: int = 350,
        lock_timeout_s: float = 300.0,
        on_wait: Callable[[str], None] | None = None,
        max_file_bytes: int = MAX_FILE_BYTES,
    ) -> None:
        self.folder = Path(folder)
        self.max_file_bytes = max_file_bytes
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.min_chars, self.max_chars = min_chars, max_chars
        self.lock_timeout_s = lock_timeout_s
        self.on_wait = on_wait

    def _lock(self, what: str):
        return writer_lock(self.index_dir, self.lock_timeout_s, what, self.on_wait)

    def _load(self, allow_duplicate: bool = False) -> LoadResult:
        return load_library(self.folder, self.max_file_bytes, allow_duplicate)

    def _build(self, loaded: LoadResult, progress: bool) -> BuildReport:
        """Build the index from `loaded`, a loading of the folder as it is now."""
        return build_index(
            self.folder, self.index_dir, self.embedder, self.min_chars, self.max_chars,
            progress=progress, max_file_bytes=self.max_file_bytes, loaded=loaded,
            lock_timeout_s=self.lock_timeout_s, on_wait=self.on_wait,
        )

    def rebuild(self, progress: bool = False, allow_duplicate: bool = False) -> BuildReport:
        """`rag build` through the library: catalog metadata applied."""
        with self._lock("rebuild"):
            return self._build(self._load(allow_duplicate), progress)

    def add(
        self,
        paths: Iterable[Path],
        metadata: Metadata = Metadata(),
        progress: bool = False,
        names: Iterable[str] | None = None,
        allow_duplicate: bool = False,
    ) -> LibraryReport:
        """Copy files into the library (a file of the same name is a new version that replaces
        the old one) and update the index. `names` are the names inside the library (default:
        each file's own name; uploads pass the uploaded name)."""
        paths = [Path(p) for p in paths]
        names = [Path(p).name for p in paths] if names is None else list(names)
        if not paths:
            raise LibraryError("give at least one file to add")
        if metadata.title and len(paths) > 1:
            raise LibraryError("--title applies to one file; add files with their own titles one by one")
        for name in names:
            if not name or name.startswith(".") or "/" in name or "\\" in name:
                raise LibraryError(f"{name!r} is not a usable file name (no dotfiles, no folders)")
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise LibraryError(f"the same name given twice: {doubled}")
        blobs, candidates = [], []
        for path, name in zip(paths, names):
            try:
                # a file that cannot be read fails before anything changes
                candidates.append(check_file(path, name, self.max_file_bytes))
            except (DocumentError, OSError) as error:
                raise LibraryError(f"nothing added: {error}") from None
            blobs.append(path.read_bytes())
        report = LibraryReport()
        with self._lock("add"):
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.folder.is_dir() and any(self.folder.iterdir()):
                self._refuse_copies(candidates, allow_duplicate)
            change = _Transaction(self.folder)
            try:
                catalog = read_catalog(self.folder)
                for name, data in zip(names, blobs):
                    target = self.folder / name
                    if target.is_symlink() or target.exists():
                        if not target.is_file() or target.is_symlink():
                            raise LibraryError(f"{target} exists and is not a regular file")
                        change.move_aside(target)
                    change.put(target, data)
                    entry = {"added": now(), **metadata.as_row()}
                    if allow_duplicate:  # kept by later builds too, not only by this one
                        entry["allow_duplicate"] = True
                    catalog[relative_name(self.folder, target)] = entry
                write_catalog(self.folder, catalog)
                loaded = self._load(allow_duplicate)
                by_path = {relative_name(self.folder, d.path): d.doc_id for d in loaded.documents}
                previous = self._indexed_paths()
                for name in names:
                    key = relative_name(self.folder, self.folder / name)
                    if key not in by_path:
                        reasons = [str(e) for e in (*loaded.errors, *loaded.duplicates)
                                   if key in str(e)] or ["not loaded"]
                        raise LibraryError(f"nothing added: {'; '.join(reasons)}")
                    (report.replaced if key in previous else report.added).append(by_path[key])
                report.build = self._build(loaded, progress)
            except BaseException:
                change.rollback()
                raise
            change.commit()
        return report

    def _refuse_copies(self, candidates: list, allow_duplicate: bool) -> None:
        """Screen new files against the library's documents before anything changes: a byte
        copy, or a near copy without `allow_duplicate`, is refused naming the document it
        copies (a file of a known name is a new version, never a copy of itself)."""
        from rag.ingest.dedupe import screen_duplicates

        existing = self._load(allow_duplicate=True).documents
        screening = screen_duplicates(candidates, existing, allow_near=allow_duplicate)
        refused = [str(d) for d in screening.duplicates if not d.indexed]
        if refused:
            raise LibraryError("nothing added: " + "; ".join(refused))

    def remove(self, doc_ids: Iterable[str], progress: bool = False) -> LibraryReport:
        """Remove documents (by id) from the folder and the index."""
        doc_ids = list(dict.fromkeys(doc_ids))
        if not doc_ids:
            raise LibraryError("give at least one document id to remove")
        report = LibraryReport()
        with self._lock("remove"):
            loaded = self._load()
            paths = {d.doc_id: Path(d.path) for d in loaded.documents}
            unknown = [d for d in doc_ids if d not in paths]
            if unknown:
                raise LibraryError(
                    f"unknown document id(s) {unknown}; `rag list` shows the ids "
                    f"(e.g. {sorted(paths)[:5]})"
                )
            if len(set(paths) - set(doc_ids)) == 0:
                raise LibraryError("cannot remove every document: the index needs at least one")
            change = _Transaction(self.folder)
            try:
                catalog = read_catalog(self.folder)
                for doc_id in doc_ids:
                    catalog.pop(relative_name(self.folder, paths[doc_id]), None)
                    change.move_aside(paths[doc_id])
                    report.removed.append(doc_id)
                write_catalog(self.folder, catalog)
                report.build = self._build(self._load(), progress)
            except BaseException:
                change.rollback()
                raise
            change.commit()
        return report

    def _indexed_paths(self) -> set[str]:
        """Relative paths of the documents in the current build (empty without one)."""
        try:
            manifest = read_manifest(self.index_dir)
        except IndexNotReady:
            return set()
        found = set()
        for row in manifest.get("documents", []):
            try:
                found.add(relative_name(self.folder, row.get("path", "")))
            except ValueError:
                continue
        return found

    def entries(self) -> list[LibraryEntry]:
        """Every document in the folder, with its chunk count in the current index."""
        loaded = self._load()
        catalog = read_catalog(self.folder)
        try:
            manifest = read_manifest(self.index_dir)
            chunks = {(row["doc_id"], row.get("source_sha256")): row["chunks"]
                      for row in manifest.get("documents", [])}
        except IndexNotReady:
            chunks = {}
        rows = []
        for document in loaded.documents:
            name = relative_name(self.folder, document.path)
            added = catalog.get(name, {}).get("added", "")
            if not added:  # a file put in the folder by hand: its modification time
                added = _mtime(Path(document.path))
            rows.append(LibraryEntry(
                doc_id=document.doc_id, title=document.title, authors=document.authors,
                date=document.date, format=Path(name).suffix.lstrip(".").lower(),
                chunks=chunks.get((document.doc_id, document.source_sha256)),
                added=added, path=name,
            ))
        return rows


def _mtime(path: Path) -> str:
    import time

    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(path.stat().st_mtime))
    except OSError:
        return ""


def library_from_settings(settings, on_wait: Callable[[str], None] | None = None) -> Library:
    """The library of `settings.seeds_dir` and `settings.index_dir` with the configured embedder."""
    from rag.wiring import embedder_for

    return Library(
        settings.seeds_dir, settings.index_dir, embedder_for(settings),
        min_chars=settings.min_chars, max_chars=settings.max_chars,
        lock_timeout_s=settings.index_lock_timeout_s, on_wait=on_wait,
        max_file_bytes=settings.max_file_bytes,
    )


__all__ = ["CatalogError", "Library", "LibraryEntry", "LibraryError", "LibraryReport",
           "Metadata", "library_from_settings"]
