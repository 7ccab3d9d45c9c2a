"""Sentence and clause splitting with exact offsets, shared by chunking and answering."""

from __future__ import annotations

import re

# A sentence ends at 。！？；… (full or half width) plus any closing quotes, brackets
# and footnote markers that follow, or at a line break.
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\]]*(?:\[\d{1,3}\])*|\n+")
_CLAUSE_END = re.compile(r"[，,、：:]+")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans `(start, end)` of the sentences in `text`, shifted by `offset`, blanks skipped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        _append_trimmed(text, start, end, offset, spans)
        start = match.end()
    _append_trimmed(text, start, len(text), offset, spans)
    return spans


def split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split the span `text[start:end]` into pieces of at most `max_chars`.

    Cuts after clause punctuation (，、：) where it can, and hard-cuts only a clause that is
    itself longer than `max_chars`.
    """
    if end - start <= max_chars:
        return [(start, end)]
    cuts = [m.end() + start for m in _CLAUSE_END.finditer(text[start:end])]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    last_cut = start
    for cut in cuts + [end]:
        if cut - piece_start > max_chars and last_cut > piece_start:
            pieces.append((piece_start, last_cut))
            piece_start = last_cut
        while cut - piece_start > max_chars:
            pieces.append((piece_start, piece_start + max_chars))
            piece_start += max_chars
        last_cut = cut
    if piece_start < end:
        pieces.append((piece_start, end))
    return pieces


def _append_trimmed(text: str, start: int, end: int, offset: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start + offset, end + offset))
