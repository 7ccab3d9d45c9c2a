"""`.html`: the main text of a saved web page through trafilatura, which drops navigation,
ads and footers; title, author and date come from the page's metadata."""

from __future__ import annotations

import re

from rag.ingest.loaders.base import DocumentError, Extracted
from rag.ingest.loaders.encoding import decode_text
from rag.ingest.loaders.markdown import markdown_to_text

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
# trafilatura's author filter drops many Chinese names; the page's own author meta is kept.
_META_AUTHOR = re.compile(
    r"<meta\s+(?=[^>]*name\s*=\s*[\"']author[\"'])[^>]*content\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE
)


def load_html(data: bytes, name: str) -> Extracted:
    import trafilatura

    declared = _META_CHARSET.search(data[:4096])
    page, encoding = decode_text(data, name, declared.group(1).decode("ascii") if declared else "")
    # Markdown output keeps the article's headings, which become structure.
    body = trafilatura.extract(
        page, output_format="markdown", include_tables=True, include_comments=False,
        include_images=False, favor_precision=True,
    )
    if not body or not body.strip():
        raise DocumentError(f"{name}: no article text found in the page (only navigation or markup)")
    meta = trafilatura.extract_metadata(page)
    text, headings, _ = markdown_to_text(body)
    authors = (meta.author or "") if meta is not None else ""
    if not authors:
        declared_author = _META_AUTHOR.search(page[:20000])
        authors = declared_author.group(1).strip() if declared_author else ""
    return Extracted(
        text=text,
        format="html",
        encoding=encoding,
        headings=headings,
        title=(meta.title or "") if meta is not None else "",
        authors=tuple(a for a in re.split(r"[;；,，、]\s*", authors) if a.strip()),
        date=(meta.date or "") if meta is not None else "",
        source=(meta.sitename or "") if meta is not None else "",
    )
