"""What a format loader returns, and the error it raises for a file it cannot use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DocumentError(ValueError):
    """A file that cannot be used as a document; the message names the file."""


@dataclass(frozen=True)
class Extracted:
    """The text of one file as its loader read it, before cleaning.

    Structure refers to line numbers of `text` (split on "\\n"), so it survives cleaning:
    `headings` are (line, level) of heading lines; `pages` are (line, page) where a page starts.
    """

    text: str
    format: str
    encoding: str = ""  # the detected text encoding; "" for binary containers (docx, pdf)
    headings: tuple[tuple[int, int], ...] = ()
    pages: tuple[tuple[int, int], ...] = ()
    # What the file states about itself (front matter, page metadata, a Title paragraph):
    # wins over what cleaning finds in the text.
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    source: str = ""
    # Document properties (docx core properties, PDF info): often stale or a tool's default
    # ("Microsoft Word - 新建文档"), so used only where the text gives nothing.
    property_title: str = ""
    property_authors: tuple[str, ...] = ()
    property_date: str = ""


class Loader(Protocol):
    """Reads one file's bytes; `name` is used in error messages."""

    def __call__(self, data: bytes, name: str) -> Extracted: ...
