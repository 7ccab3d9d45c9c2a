"""`.md`: Markdown with its syntax stripped; `#` and setext headings become structure.

Front matter (`---` … `---`) gives title, author(s), date and source. Code fences keep their
content, tables keep their cells (joined by ` | `), links and images keep their text.
"""

from __future__ import annotations

import re

from rag.ingest.loaders.base import Extracted
from rag.ingest.loaders.encoding import decode_text

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_QUOTE = re.compile(r"^ {0,3}(>\s?)+")
_BULLET = re.compile(r"^\s*[-*+]\s+(\[[ xX]\]\s+)?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1|(?<![*\\])\*(?![\s*])(.+?)(?<![\s*\\])\*(?!\*)")
_CODE = re.compile(r"`+([^`]*)`+")
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_FRONT_KEYS = {"title": "title", "author": "authors", "authors": "authors", "date": "date",
               "source": "source", "作者": "authors", "标题": "title", "日期": "date", "来源": "source"}


def strip_inline(line: str) -> str:
    """A line's text without inline Markdown: emphasis, code ticks, links, images, tags."""
    line = _IMAGE.sub(lambda m: m.group(1), line)
    line = _LINK.sub(lambda m: m.group(1) or m.group(2), line)
    line = _CODE.sub(lambda m: m.group(1), line)
    for _ in range(3):  # nested emphasis: ***x*** or **_x_**
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)
    line = _TAG.sub("", line)
    return _ESCAPE.sub(r"\1", line)


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Fields of a leading `---` block and the number of lines it takes (0 without one)."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            fields: dict[str, str] = {}
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                if key.strip().lower() in _FRONT_KEYS and value.strip():
                    fields[_FRONT_KEYS[key.strip().lower()]] = value.strip().strip("\"'")
            return fields, end + 1
    return {}, 0


def markdown_to_text(source: str) -> tuple[str, tuple[tuple[int, int], ...], dict[str, str]]:
    """Plain text, its heading lines as (line, level), and front-matter fields."""
    raw = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, skip = _front_matter(raw)
    out: list[str] = [""] * skip  # keep line numbers aligned with the file for messages
    headings: list[tuple[int, int]] = []
    fenced = False
    for i in range(skip, len(raw)):
        line = raw[i]
        if _FENCE.match(line):
            fenced = not fenced
            out.append("")
            continue
        if fenced:
            out.append(line)
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            headings.append((len(out), len(atx.group(1))))
            out.append(strip_inline(atx.group(2)))
        elif setext and out and out[-1].strip() and (not headings or headings[-1][0] != len(out) - 1):
            headings.append((len(out) - 1, 1 if setext.group(1)[0] == "=" else 2))
            out.append("")
        elif _RULE.match(line) or _TABLE_RULE.match(line) or _REFERENCE.match(line):
            out.append("")
        else:
            line = _QUOTE.sub("", line)
            line = _BULLET.sub("", line)
            if line.strip().startswith("|") or line.strip().endswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                line = " | ".join(c for c in cells if c)
            out.append(strip_inline(line))
    return "\n".join(out), tuple(headings), fields


def load_markdown(data: bytes, name: str) -> Extracted:
    source, encoding = decode_text(data, name)
    text, headings, fields = markdown_to_text(source)
    return Extracted(
        text=text,
        format="md",
        encoding=encoding,
        headings=headings,
        title=fields.get("title", ""),
        authors=tuple(a for a in re.split(r"[,，、;；]\s*", fields.get("authors", "")) if a),
        date=fields.get("date", ""),
        source=fields.get("source", ""),
    )
