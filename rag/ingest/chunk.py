"""Structure-aware chunking: headings, then paragraphs, then sentences, with exact offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from rag.ingest.normalize import to_simplified
from rag.ingest.sentences import split_long, split_sentences
from rag.types import Chunk, Document, content_hash

_NUMBERED_HEADINGS = (
    (re.compile(r"^[一二三四五六七八九十]{1,3}、"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]"), 2),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 3),
    (re.compile(r"^第[一二三四五六七八九十]{1,3}[、,，：:\s]"), 3),
)
_CAPTION = re.compile(r"^[图圖表]\s*\d+")
_NOT_HEADING = re.compile(r"^(\[\d|摘\s*要|关键词|關鍵詞|关键字)")
_INNER_TERMINAL = re.compile(r"[。！？!?；;]")
_NOTES_TITLES = {"注释", "注", "注解", "参考文献", "参考资料", "注释与参考文献", "尾注"}
META_SECTION = "文章信息"
# Formats whose loaders mark headings: there only marked lines are headings, since a short
# line in them (a table row, a list item) is not one.
STRUCTURED_FORMATS = frozenset({"md", "html", "docx"})


@dataclass(frozen=True)
class Block:
    """One non-empty line of a cleaned document, classified."""

    start: int
    end: int
    kind: str  # heading | paragraph | caption
    level: int = 0
    numbered: bool = False
    marked: bool = False  # a heading the file's format marked (never merged with the next)


def classify_line(line: str) -> tuple[str, int, bool]:
    """Return `(kind, level, numbered)` for a stripped, non-empty line."""
    if _CAPTION.match(line) and len(line) <= 40:
        return "caption", 0, False
    for pattern, level in _NUMBERED_HEADINGS:
        if pattern.match(line):
            short = len(line) <= (60 if level < 3 else 40)
            # A heading may end with 。 but has no sentence break inside it.
            if short and not _INNER_TERMINAL.search(line[:-1]):
                return "heading", level, True
            return "paragraph", 0, False
    if len(line) <= 30 and not _NOT_HEADING.match(line) and not _INNER_TERMINAL.search(line):
        if not line.endswith(("，", ",", "、", "”")):
            return "heading", 0, False
    return "paragraph", 0, False


def parse_blocks(text: str, headings: Mapping[int, int] | None = None) -> list[Block]:
    """Classify every non-empty line of `text`, keeping its offsets.

    With `headings` (line offset → level, from a structured format) only those lines are
    headings; otherwise headings are recognised from the line's shape.
    """
    blocks: list[Block] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped[0])
            if headings is None:
                kind, level, numbered = classify_line(stripped)
                blocks.append(Block(start, start + len(stripped), kind, level, numbered))
            elif position in headings:
                blocks.append(Block(start, start + len(stripped), "heading", headings[position], marked=True))
            else:
                kind = "caption" if classify_line(stripped)[0] == "caption" else "paragraph"
                blocks.append(Block(start, start + len(stripped), kind))
        position += len(line) + 1
    return blocks


def page_at(document: Document, offset: int) -> int:
    """The PDF page holding `offset` (1-based), or 0 for formats without pages."""
    starts = [start for start, _ in document.pages]
    i = bisect_right(starts, offset) - 1
    return document.pages[i][1] if i >= 0 else 0


@dataclass
class _Section:
    path: tuple[str, ...]
    notes: bool
    paragraphs: list[tuple[int, int]]


def _sections(text: str, blocks: list[Block]) -> list[_Section]:
    """Group paragraphs under their heading path; merge headings split over two lines."""
    sections: list[_Section] = [_Section((), False, [])]
    path: list[tuple[int, str, bool]] = []  # (level, heading, numbered)
    notes = False
    previous_heading = False
    for block in blocks:
        line = text[block.start : block.end]
        if block.kind != "heading":
            sections[-1].paragraphs.append((block.start, block.end))
            previous_heading = False
            continue
        if previous_heading and not block.numbered and not block.marked and path:
            level, heading, numbered = path[-1]
            joiner = "" if re.match(r".*[下的与和及]$", heading) else "，"
            path[-1] = (level, heading + joiner + line, numbered)
        else:
            # Unnumbered headings nest under a numbered top level, else they are the top.
            level = block.level or (2 if any(n and lvl == 1 for lvl, _, n in path) else 1)
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, line, block.numbered))
            notes = to_simplified(line).strip() in _NOTES_TITLES
        sections.append(_Section(tuple(h for _, h, _ in path), notes, []))
        previous_heading = True
    return [s for s in sections if s.paragraphs]


def _pack(
    text: str, paragraphs: list[tuple[int, int]], min_chars: int, max_chars: int
) -> list[tuple[int, int]]:
    """Pack a section's sentences into spans of about `min_chars`..`max_chars`.

    Starts a new chunk at a paragraph boundary once the current one is long enough, and
    never splits a sentence unless it alone exceeds `max_chars`.
    """
    units: list[tuple[int, int, bool]] = []  # (start, end, opens_paragraph)
    for p_start, p_end in paragraphs:
        first = True
        for s_start, s_end in split_sentences(text[p_start:p_end], p_start):
            for piece in split_long(text, s_start, s_end, max_chars):
                units.append((piece[0], piece[1], first))
                first = False
    chunks: list[list[tuple[int, int, bool]]] = []
    for unit in units:
        if chunks:
            current = chunks[-1]
            length = current[-1][1] - current[0][0]
            too_long = unit[1] - current[0][0] > max_chars
            boundary = unit[2] and length >= min_chars
            if not too_long and not boundary:
                current.append(unit)
                continue
        chunks.append([unit])
    # Rebalance a short tail by moving sentences back from the chunk before it.
    while len(chunks) >= 2 and chunks[-1][-1][1] - chunks[-1][0][0] < min_chars:
        previous, last = chunks[-2], chunks[-1]
        if last[-1][1] - previous[0][0] <= max_chars:
            chunks[-2:] = [previous + last]
            break
        if len(previous) < 2:
            break
        moved = previous[-1]
        if last[-1][1] - moved[0] > max_chars or previous[-2][1] - previous[0][0] < min_chars:
            break
        chunks[-2:] = [previous[:-1], [moved] + last]
    # A chunk is left short when a paragraph opened it and the next sentence did not fit:
    # fold it into the chunk before it where that stays within max_chars.
    packed: list[list[tuple[int, int, bool]]] = []
    for chunk in chunks:
        short = chunk[-1][1] - chunk[0][0] < min_chars
        if packed and short and chunk[-1][1] - packed[-1][0][0] <= max_chars:
            packed[-1] = packed[-1] + chunk
        else:
            packed.append(chunk)
    return [(c[0][0], c[-1][1]) for c in packed]


def chunk_document(document: Document, min_chars: int = 120, max_chars: int = 350) -> list[Chunk]:
    """Split a document into chunks following its headings, paragraphs and sentences."""
    if not 0 < min_chars <= max_chars:
        raise ValueError(f"need 0 < min_chars <= max_chars, got {min_chars=} {max_chars=}")
    text = document.text
    chunks: list[Chunk] = []
    seen: set[str] = set()
    marked = dict(document.headings) if document.format in STRUCTURED_FORMATS else None
    for section in _sections(text, parse_blocks(text, marked)):
        for start, end in _pack(text, section.paragraphs, min_chars, max_chars):
            piece = text[start:end]
            label = " > ".join(section.path)
            chunk_id = content_hash(document.doc_id, label, piece)
            while chunk_id in seen:  # the same passage twice in one document
                chunk_id = content_hash(chunk_id, "again")
            seen.add(chunk_id)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    doc_id=document.doc_id,
                    title=document.title,
                    section=label,
                    start=start,
                    end=end,
                    text=piece,
                    kind="notes" if section.notes else "body",
                    ordinal=len(chunks),
                    page=page_at(document, start),
                    page_end=page_at(document, max(start, end - 1)),
                )
            )
    meta = metadata_chunk(document, ordinal=len(chunks))
    return chunks + ([meta] if meta else [])


def render_metadata(document: Document) -> str:
    """The article's bibliographic card, as indexed and shown for `meta` chunks."""
    fields = [
        ("标题", document.title if not document.title_derived else ""),
        ("作者", "、".join(document.authors)),
        ("编辑", "、".join(document.editors)),
        ("审核", "、".join(document.reviewers)),
        ("来源", document.source),
        ("发布时间", document.date),
        ("关键词", "、".join(document.keywords)),
    ]
    return "\n".join(f"{label}：{value}" for label, value in fields if value)


def metadata_chunk(document: Document, ordinal: int = 0) -> Chunk | None:
    """A chunk carrying the byline metadata, so 谁是作者-style questions can be cited.

    Its text is rendered from metadata, not a slice of the body, so start == end == 0.
    Returns None when the document has no byline metadata beyond its title.
    """
    if not (document.authors or document.editors or document.reviewers or document.source
            or document.date):
        return None
    text = render_metadata(document)
    return Chunk(
        chunk_id=content_hash(document.doc_id, META_SECTION, text),
        doc_id=document.doc_id,
        title=document.title,
        section=META_SECTION,
        start=0,
        end=0,
        text=text,
        kind="meta",
        ordinal=ordinal,
    )


def sentence_spans(chunk: Chunk, min_chars: int = 6) -> list[tuple[int, int]]:
    """The answerable sentences of a chunk, as offsets in the same frame as `chunk.start`.

    Headings and figure captions inside the chunk are skipped: they are labels, not claims.
    For `meta` chunks the offsets are within the rendered card (each line is one sentence).
    """
    offset = chunk.start if chunk.kind != "meta" else 0
    spans = []
    for start, end in split_sentences(chunk.text, offset):
        sentence = chunk.text[start - offset : end - offset]
        if len(sentence) < min_chars:
            continue
        if chunk.kind != "meta" and classify_line(sentence.strip())[0] != "paragraph":
            # A whole line that classifies as a heading or caption is a label.
            line_start = chunk.text.rfind("\n", 0, start - offset) + 1
            line_end = chunk.text.find("\n", end - offset)
            line = chunk.text[line_start : None if line_end < 0 else line_end].strip()
            if line == sentence.strip():
                continue
        spans.append((start, end))
    return spans


def chunk_slice(chunk: Chunk, start: int, end: int) -> str:
    """The text at offsets from `sentence_spans` (document offsets; card offsets for meta)."""
    offset = chunk.start if chunk.kind != "meta" else 0
    return chunk.text[start - offset : end - offset]
