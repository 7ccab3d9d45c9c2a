"""`.docx`: paragraphs and tables in document order through python-docx; heading styles
(Heading n, 标题 n, Title) become the heading path; table rows are kept as text."""

from __future__ import annotations

import io
import re
from datetime import datetime

from rag.ingest.loaders.base import DocumentError, Extracted

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Core properties that name no author: the tool or the default account that saved the file.
_PLACEHOLDER_AUTHORS = frozenset({
    "python-docx", "Microsoft Office User", "Microsoft Office 用户", "Administrator", "admin",
    "User", "user", "Windows User", "Windows 用户", "微软用户",
})
# The creation time in python-docx's default template: a file made by a script that never set
# its own carries this date, which says nothing about the document.
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15)


def _heading_level(style_name: str) -> int:
    """1..9 for a heading style, 0 for anything else."""
    match = _HEADING_STYLE.match(style_name.strip())
    return int(match.group(1)) if match else 0


def _row_text(row) -> str:
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if text and (not cells or cells[-1] != text):  # merged cells repeat their text
            cells.append(text)
    return " | ".join(cells)


def load_docx(data: bytes, name: str) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise DocumentError(f"{name}: not a readable .docx file ({error})") from None
    except Exception as error:  # zipfile.BadZipFile, lxml errors: a damaged package
        raise DocumentError(f"{name}: damaged .docx file ({type(error).__name__}: {error})") from None
    lines: list[str] = []
    headings: list[tuple[int, int]] = []
    title = ""
    # Style names by id, read once: python-docx's `paragraph.style` scans every style of the
    # package on each call (about 5 ms a paragraph). A paragraph without a style is Normal.
    style_names = {style.style_id: style.name or "" for style in document.styles}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.append("")
            lines.extend(_row_text(row) for row in block.rows)
            lines.append("")
            continue
        text = block.text.strip()
        style_id = block._p.style
        style = style_names.get(style_id, "") if style_id else ""
        if style.strip().lower() in ("title", "标题") and text and not title:
            title = text
            continue
        level = _heading_level(style)
        if level and text:
            headings.append((len(lines), level))
        lines.append(text)
    properties = document.core_properties
    created = properties.created
    author = properties.author or ""
    if author.strip() in _PLACEHOLDER_AUTHORS:  # the account or tool that saved it, no author
        author = ""
    if created is not None and created.replace(tzinfo=None) == _TEMPLATE_CREATED:
        created = None  # python-docx's template date, not the document's
    return Extracted(
        text="\n".join(lines),
        format="docx",
        headings=tuple(headings),
        title=title,
        property_title=(properties.title or "").strip(),
        property_authors=tuple(a for a in re.split(r"[;；,，、]\s*", author) if a.strip()),
        property_date=created.date().isoformat() if created else "",
    )
