"""Remove scraper pinyin annotations such as `數(shù)` and the mojibake they leave behind.

Some mirror sites print a reading after converted characters: `數(shù)字`. Where the
mirror lost a glyph, only `?shù)` is left, and mis-aligned GBK bytes leave runs such as
`?;诖?` (with private-use code points) or `r(jià)`. Annotations are removed, leaving the
character; lost-glyph remnants are removed as a whole cluster, since the glyph cannot
be recovered from a reading (`shù` is 數, 術 or 樹 in the same article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = rf"[a-zü{_TONED}]{{1,6}}"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# A reading must carry a tone mark, so `德勤(deloitte)` or `(abc)` are never touched.
_READING = rf"(?=[a-zü]*[{_TONED}]){_SYLLABLE}"
ANNOTATION = re.compile(rf"(?<=[{_CJK}])\({_READING}\)")

# Remnant tokens: a lost glyph with its reading, a reading glued to a Latin letter,
# private-use or box-drawing code points from mis-decoded bytes, and loose `?`.
_STRONG = rf"\?{_READING}\)|[A-Za-z]\({_READING}\)|[\ue000-\uf8ff]|[\u2500-\u257f]"
_TOKEN = re.compile(rf"(?P<strong>{_STRONG})|(?P<weak>\?)")
_MAX_GAP_CHARS = 4
_GAP_BREAKERS = re.compile(r"[\s。，,、“”]")


@dataclass(frozen=True)
class AnnotationReport:
    """How many readings and remnant clusters were removed from one text."""

    readings: int
    remnants: int


def _remnant_spans(text: str) -> list[tuple[int, int]]:
    """Spans of remnant clusters: tokens joined by short gaps, holding a strong token."""
    spans: list[tuple[int, int]] = []
    cluster: list[re.Match[str]] = []

    def close() -> None:
        if any(m.group("strong") for m in cluster):
            spans.append((cluster[0].start(), cluster[-1].end()))

    for match in _TOKEN.finditer(text):
        if cluster:
            gap = text[cluster[-1].end() : match.start()]
            if len(gap) <= _MAX_GAP_CHARS and not _GAP_BREAKERS.search(gap):
                cluster.append(match)
                continue
            close()
        cluster = [match]
    if cluster:
        close()
    return spans


def strip_annotations(text: str) -> tuple[str, AnnotationReport]:
    """Return `text` without pinyin readings and lost-glyph remnants, and what was removed.

    Repeats until nothing changes: a removal can expose another reading (`字(zì)(zì)`, or
    `a\ue000(shù)` whose private-use glyph glued `a` to the reading), so one pass could
    leave debris behind and a second call would still change the text.
    """
    readings = remnants = 0
    while True:
        spans = _remnant_spans(text)
        if spans:
            pieces, last = [], 0
            for start, end in spans:
                pieces.append(text[last:start])
                last = end
            pieces.append(text[last:])
            text = "".join(pieces)
        text, found = ANNOTATION.subn("", text)
        readings += found
        remnants += len(spans)
        if not spans and not found:
            return text, AnnotationReport(readings=readings, remnants=remnants)
