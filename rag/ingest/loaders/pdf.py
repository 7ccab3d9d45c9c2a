"""`.pdf`: the text layer of each page through PDFium (pypdfium2, the engine of Chromium's
viewer), with page numbers kept as structure.

PDFium rather than pypdf: on a Chinese PDF whose embedded font needs more than one subset
(any long article), pypdf's text turns into repeated wrong characters after the first few
hundred glyphs, and pdfminer (pdfplumber) returned no text at all; PDFium reads it exactly
(tests/rag/ingest/loaders/test_pdf.py). Lines the PDF wrapped inside a paragraph are rejoined;
bare page-number lines are dropped. A PDF without a text layer (a scan) is refused with a
message saying it needs OCR.
"""

from __future__ import annotations

import re
import unicodedata

from rag.ingest.loaders.base import DocumentError, Extracted

_TERMINAL = "。！？!?；;：:…”’」』)）"
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*\d+\s*页(\s*共\s*\d+\s*页)?|\d{1,4}|[-—–]\s*\d{1,4}\s*[-—–])[-—–\s]*$")


def _width(line: str) -> int:
    """Display width: CJK and full-width characters take two columns, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _unwrap(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Join (line, page) pairs the layout broke inside a paragraph: a near-full-width line that
    does not end a sentence continues on the next line, also across a page break (the joined
    line keeps the page it starts on). Short lines (headings, paragraph ends) stay."""
    widths = sorted(_width(line) for line, _ in lines if line)
    if not widths:
        return []
    full = widths[int(0.9 * (len(widths) - 1))]
    out: list[tuple[str, int]] = []
    joining = False
    for line, page in lines:
        if joining and line and out:
            out[-1] = (out[-1][0] + line, out[-1][1])
        else:
            out.append((line, page))
        if line:
            joining = _width(line) >= 0.85 * full and not line.endswith(tuple(_TERMINAL))
    return out


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop page-number lines (`3`, `- 3 -`, `第 3 页`) among a page's first and last two lines;
    a number wrapped onto a line of its own inside the text stays."""
    filled = [i for i, line in enumerate(lines) if line]
    edges = set(filled[:2] + filled[-2:])
    return [line for i, line in enumerate(lines) if i not in edges or not _PAGE_NUMBER.match(line)]


def _pdf_date(value: str) -> str:
    """`D:20240315093000+08'00'` → `2024-03-15` ("" when it is not a PDF date)."""
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return "-".join(match.groups()) if match else ""


def load_pdf(data: bytes, name: str) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise DocumentError(f"{name}: the PDF is encrypted; save an unprotected copy") from None
        raise DocumentError(f"{name}: not a readable PDF ({error})") from None
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        info = document.get_metadata_dict()
    except pdfium.PdfiumError as error:
        raise DocumentError(f"{name}: not a readable PDF ({error})") from None
    finally:
        document.close()
    if not any(t.replace("\x00", "").strip() for t in texts):
        raise DocumentError(
            f"{name}: no text layer in its {len(texts)} page(s) (a scanned PDF?); it needs OCR "
            "before it can be indexed"
        )
    numbered: list[tuple[str, int]] = []
    for number, page_text in enumerate(texts, start=1):
        page_text = page_text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "")
        page_lines = [" ".join(line.replace("\x00", "").split()) for line in page_text.split("\n")]
        numbered.extend((line, number) for line in _drop_page_numbers(page_lines) if line)
    lines: list[str] = []
    pages: list[tuple[int, int]] = []
    for line, page in _unwrap(numbered):
        if not pages or pages[-1][1] != page:
            pages.append((len(lines), page))
        lines.append(line)
    return Extracted(
        text="\n".join(lines),
        format="pdf",
        pages=tuple(pages),
        property_title=(info.get("Title") or "").strip(),
        property_authors=tuple(a for a in re.split(r"[;；,，、]\s*", info.get("Author") or "") if a.strip()),
        property_date=_pdf_date(info.get("CreationDate") or ""),
    )
