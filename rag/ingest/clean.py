"""Turn a scraped article into clean body text plus metadata, without hand edits.

Removes what a reader would call debris: SEO spam lines, site navigation and
breadcrumbs, 上一篇/下一篇 links, library classification codes, duplicated title
lines, scraper pinyin readings. Byline lines (作者, 编辑, 审核, 发布时间, 来源, …) leave
the text and become metadata. Paragraphs broken mid-sentence by the scraper are rejoined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.annotations import strip_annotations
from rag.ingest.normalize import detect_script, fold_width, normalize_for_match

# Matched on the Simplified, width-folded view of a line, so Traditional lines match too.
_SPAM_TERMS = (
    "在线观看", "免费影院", "毛片", "精品", "一区二区", "av视频", "无码", "色情", "伊人",
    "久久", "成人影", "国产", "视频在线",
)
_NAV_TERMS = ("首页", "网站地图", "当前位置", "正文", "返回顶部", "登录", "注册")
_PREV_NEXT = re.compile(r"^(上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：]")
_CLASSIFICATION = re.compile(r"【\s*(中图分类号|文献标识码|文章编号|doi)\s*】", re.IGNORECASE)
_META_KEYS = {
    "发布时间": "date", "时间": "date", "日期": "date", "发布日期": "date",
    "来源": "source", "出处": "source", "作者": "authors", "文": "authors",
    "编辑": "editors", "责编": "editors", "责任编辑": "editors", "美编": "editors",
    "审核": "reviewers", "审校": "reviewers", "校对": "reviewers",
}
_META_SEGMENT = re.compile(r"^\s*([\u4e00-\u9fff]{1,4})\s*[:：]\s*(\S.{0,40}?)\s*$")
_KEYWORDS = re.compile(r"^(关键词|关键字)\s*[:：]\s*(.+)$")
_TERMINAL = "。！？!?；;…”’」』)）"
_SPACES = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_NAMES_LINE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:\s+[\u4e00-\u9fff]{1,4}){1,5}$")


@dataclass
class CleanedText:
    """The result of cleaning one file: body text and what was learnt or removed."""

    text: str
    title: str = ""
    title_derived: bool = False
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)
    date: str = ""
    source: str = ""
    keywords: list[str] = field(default_factory=list)
    script: str = "simplified"
    removed: dict[str, int] = field(default_factory=dict)
    # For each line of `text`: the number of the raw line it starts with (-1: blank line),
    # so a loader's structure (headings, PDF pages) can be carried over to the cleaned text.
    line_origins: list[int] = field(default_factory=list)


def _normalize_spaces(line: str) -> str:
    for space in _SPACES:
        line = line.replace(space, " " if space not in "\u200b\ufeff" else "")
    return line.strip()


def _is_spam(view: str) -> bool:
    hits = sum(term in view for term in _SPAM_TERMS)
    if "。" in view:
        # Prose: 久久为功, 精品, 国产 and 视频在线 are everyday words in government writing.
        return hits >= 4
    return hits >= 2 or ("www." in view and hits >= 1)


def _is_navigation(view: str) -> bool:
    if len(view) > 80:
        return False
    has_separator = "|" in view or ">" in view or "»" in view
    return has_separator and any(term in view for term in _NAV_TERMS)


def _breadcrumb_source(line: str) -> str:
    """The site name that opens a breadcrumb such as `人民論壇網·國家治理網> 前沿理論> 正文`."""
    parts = [p.strip() for p in re.split(r"[>»]", line) if p.strip()]
    if len(parts) >= 2 and "首页" not in normalize_for_match(parts[0]):
        return parts[0]
    return ""


def _split_names(value: str) -> list[str]:
    """Split a names field; single characters separated by a space form one name (`黃 未`)."""
    tokens = [t for t in re.split(r"[\s,，、;；/]+", value) if t]
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1:
            pending += token
            if len(pending) >= 2:
                names.append(pending)
                pending = ""
        else:
            if pending:
                names.append(pending)
                pending = ""
            names.append(token)
    if pending:
        names.append(pending)
    return names


def _parse_metadata_line(line: str) -> dict[str, str] | None:
    """Fields of a byline such as `作者:沈费伟   编辑:陈俊男`; None if the line is not one."""
    segments = [s for s in re.split(r"\s{2,}|\s*/\s*|\s*\|\s*", line) if s.strip()]
    found: dict[str, str] = {}
    for segment in segments:
        match = _META_SEGMENT.match(segment)
        if not match:
            return None
        key = _META_KEYS.get(normalize_for_match(match.group(1)))
        if key is None:
            return None
        found[key] = (found[key] + "、" if key in found else "") + match.group(2)
    return found or None


def _ends_sentence(line: str) -> bool:
    return re.sub(r"\[\d{1,3}\]$", "", line).endswith(tuple(_TERMINAL)) or line.endswith("】")


def _derive_title(body_lines: list[str], max_chars: int = 28) -> str:
    """A title for a file without one: the opening clause of its first paragraph."""
    for line in body_lines:
        if line:
            clause = re.split(r"[。！？!?；;，,:：]", line, maxsplit=1)[0].strip()
            return clause if len(clause) <= max_chars else clause[:max_chars] + "…"
    return ""


def clean_text(raw: str) -> CleanedText:
    """Clean one article's raw text; see the module docstring for what is removed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text, report = strip_annotations(text)
    removed = {"pinyin_readings": report.readings, "pinyin_remnants": report.remnants}
    result = CleanedText(text="")
    body: list[str] = []
    origins: list[int] = []  # raw line number of each entry of `body`
    previous_kept = ""

    def count(kind: str) -> None:
        removed[kind] = removed.get(kind, 0) + 1

    for number, raw_line in enumerate(text.split("\n")):
        line = _normalize_spaces(raw_line)
        if not line:
            body.append("")
            origins.append(-1)
            continue
        view = normalize_for_match(line)
        if _is_spam(view):
            count("spam_lines")
            continue
        if _is_navigation(view):
            result.source = result.source or _breadcrumb_source(line)
            count("navigation_lines")
            continue
        if _PREV_NEXT.match(view):
            count("prev_next_links")
            continue
        if _CLASSIFICATION.search(view) and len(_CLASSIFICATION.sub("", view).strip()) < 12:
            count("classification_lines")
            continue
        meta = _parse_metadata_line(line)
        if meta:
            for key, value in meta.items():
                if key in ("authors", "editors", "reviewers"):
                    getattr(result, key).extend(_split_names(value))
                elif not getattr(result, key):
                    setattr(result, key, value)
            count("byline_lines")
            continue
        if line == previous_kept:
            count("duplicate_lines")
            continue
        if not result.keywords and _KEYWORDS.match(view):
            value = re.split(r"[:：]", fold_width(line), maxsplit=1)[1]
            result.keywords = [k for k in re.split(r"[\s;；,，、]+", value) if k]
        body.append(line)
        origins.append(number)
        previous_kept = line

    body, origins = _take_header(body, origins, result, count)
    lines, origins = _join_broken_paragraphs(body, origins, count)
    while lines and not lines[-1]:
        lines.pop()
        origins.pop()
    result.text = "\n".join(lines)
    result.line_origins = origins
    result.script = detect_script(result.text[:4000])
    result.removed = {k: v for k, v in removed.items() if v}
    return result


def _take_header(
    body: list[str], origins: list[int], result: CleanedText, count
) -> tuple[list[str], list[int]]:
    """Move a leading author line and title line out of the body into metadata."""
    indices = [i for i, line in enumerate(body) if line]
    if indices and _NAMES_LINE.match(body[indices[0]]) and not result.authors:
        result.authors = _split_names(body[indices[0]])
        body[indices[0]] = ""
        count("byline_lines")
        indices = indices[1:]
    if indices:
        first = body[indices[0]]
        looks_like_title = (
            len(first) <= 60
            and not _ends_sentence(first)
            and not re.match(r"^(摘\s*要|关键词|[一二三四五六七八九十]+、|\d+[.、])", first)
        )
        if looks_like_title:
            result.title = first
            body[indices[0]] = ""
    if not result.title:
        result.title = _derive_title(body)
        result.title_derived = bool(result.title)
    # Drop the blank lines the header left at the top.
    while body and not body[0]:
        body.pop(0)
        origins.pop(0)
    return body, origins


def _join_broken_paragraphs(
    lines: list[str], origins: list[int], count
) -> tuple[list[str], list[int]]:
    """Rejoin a long line that stops mid-sentence with the line that continues it."""
    out: list[str] = []
    out_origins: list[int] = []
    for line, origin in zip(lines, origins):
        if (
            line
            and out
            and out[-1]
            and not _ends_sentence(out[-1])
            and (len(out[-1]) > 80 or "。" in out[-1])
            and len(line) > 20
        ):
            out[-1] += line
            count("rejoined_lines")
        else:
            out.append(line)
            out_origins.append(origin if line else -1)
    # Collapse runs of blank lines to one, so paragraphs are separated consistently.
    collapsed: list[str] = []
    collapsed_origins: list[int] = []
    for line, origin in zip(out, out_origins):
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
            collapsed_origins.append(origin)
    return collapsed, collapsed_origins
