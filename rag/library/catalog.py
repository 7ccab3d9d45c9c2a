"""The library's catalog: `<library>/.library.json`, readable JSON, written atomically.

It holds what the files themselves do not: when each was added and the metadata an
administrator set (`rag add --title --authors --date --source`), keyed by the file's path
relative to the library folder ('/' separators, extension included: the document id).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CATALOG_NAME = ".library.json"
CATALOG_VERSION = 1
OVERRIDE_FIELDS = ("title", "authors", "date", "source")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_AUTHOR_SEPARATORS = re.compile(r"[,，、;；]")


class CatalogError(ValueError):
    """A bad metadata value or an unreadable catalog; the message names it."""


@dataclass(frozen=True)
class Metadata:
    """Metadata overrides for added files; empty fields keep what the file says."""

    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    source: str = ""

    @classmethod
    def parse(cls, title=None, authors=None, date=None, source=None) -> "Metadata":
        """Validate flag values: authors split on , ， 、 ; and a date as YYYY[-MM[-DD]]."""
        date = (date or "").strip()
        if date and not _DATE.match(date):
            raise CatalogError(f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        names = tuple(a.strip() for a in _AUTHOR_SEPARATORS.split(authors or "") if a.strip())
        return cls((title or "").strip(), names, date, (source or "").strip())

    def as_row(self) -> dict:
        """The non-empty fields, as stored in the catalog."""
        row = {"title": self.title, "authors": list(self.authors), "date": self.date,
               "source": self.source}
        return {k: v for k, v in row.items() if v}


def catalog_path(folder: Path) -> Path:
    return Path(folder) / CATALOG_NAME


def read_catalog(folder: Path) -> dict[str, dict]:
    """{relative path: {added, title?, authors?, date?, source?, allow_duplicate?}}; empty
    when there is none."""
    path = catalog_path(folder)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogError(f"unreadable library catalog {path}: {error}") from None
    if not isinstance(data, dict) or data.get("version") != CATALOG_VERSION:
        raise CatalogError(
            f"library catalog {path} has version {data.get('version') if isinstance(data, dict) else None!r}, "
            f"expected {CATALOG_VERSION}"
        )
    return dict(data.get("documents", {}))


def write_catalog(folder: Path, entries: dict[str, dict]) -> None:
    """Replace the catalog atomically (temporary file, then `os.replace`)."""
    path = catalog_path(folder)
    staging = path.with_name(f".library-{uuid.uuid4().hex[:8]}.tmp")
    body = {"version": CATALOG_VERSION, "documents": dict(sorted(entries.items()))}
    staging.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(staging, path)


def now() -> str:
    """The time recorded as `added`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
