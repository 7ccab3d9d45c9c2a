"""`.pdf`: the text layer of each page through pypdf, with page numbers kept as structure.

Lines the PDF wrapped inside a paragraph are rejoined; bare page-number lines are dropped.
A PDF without a text layer (a scan) is refused with a message saying it needs OCR.
"""

from __future__ import annotations

import io
import re

from rag.ingest.loaders.base import DocumentError, Extracted

_TERMINAL = "。！？!?；;：:…”’」』)）"
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*\d+\s*页(\s*共\s*\d+\s*页)?|\d{1,4}|[-—–]\s*\d{1,4}\s*[-—–])[-—–\s]*$")


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines the layout broke inside a paragraph: a near-full-width line that does not
    end a sentence continues on the next line. Short lines (headings, paragraph ends) stay."""
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return []
    full = widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and line and out:
            out[-1] += line
        else:
            out.append(line)
        joining = bool(line) and len(line) >= 0.85 * full and not line.endswith(tuple(_TERMINAL))
    return out


def load_pdf(data: bytes, name: str) -> Extracted:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{name}: the PDF is encrypted; save an unprotected copy")
        texts = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(f"{name}: not a readable PDF ({type(error).__name__}: {error})") from None
    if not any(t.replace("\x00", "").strip() for t in texts):
        raise DocumentError(
            f"{name}: no text layer in its {len(texts)} page(s) (a scanned PDF?); it needs OCR "
            "before it can be indexed"
        )
    lines: list[str] = []
    pages: list[tuple[int, int]] = []
    for number, page_text in enumerate(texts, start=1):
        # Some PDF fonts map each glyph to a NUL-padded code; NUL is never text.
        page_lines = [" ".join(line.replace("\x00", "").split()) for line in page_text.split("\n")]
        page_lines = [line for line in page_lines if not _PAGE_NUMBER.match(line)]
        pages.append((len(lines), number))
        lines.extend(_unwrap(page_lines))
        lines.append("")
    info = reader.metadata
    created = info.creation_date if info is not None else None
    return Extracted(
        text="\n".join(lines),
        format="pdf",
        pages=tuple(pages),
        property_title=((info.title or "") if info is not None else "").strip(),
        property_authors=tuple(
            a for a in re.split(r"[;；,，、]\s*", (info.author or "") if info is not None else "")
            if a.strip()
        ),
        property_date=created.date().isoformat() if created else "",
    )
