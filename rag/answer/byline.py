"""Questions about an article itself — its author, title, source or date — answered from the
byline card of the article the evidence comes from ("论述……的那篇文章，作者是谁？").

The evidence identifies the article; the card (the index's `meta` chunk, rendered by
`rag.ingest.chunk.render_metadata` as "作者：…" lines) holds the fact. The card is often not
among the retrieved passages, since the question describes the article's content.
"""

from __future__ import annotations

import re

_ARTICLE = re.compile(r"文章|一文|这篇|那篇|该文|此文|论文")
# A work the article cites (in its notes) is not the article: its card does not describe it.
_CITED = re.compile(r"注释|参考文献|文献|引用|引述|期刊|项目")
# Field label on the card → how a question asks for it.
FIELDS = (
    ("作者", re.compile(r"作者(?:是谁|是哪|有谁|为谁|叫什么)|谁(?:写|撰写|执笔)的")),
    ("标题", re.compile(r"(?:题目|标题|题名|篇名)(?:是什么|叫什么|为何|是哪)")),
    ("来源", re.compile(r"(?:来源|出处)(?:是什么|是哪|为何|在哪)|(?:发表|刊登|刊载|发布)在(?:哪|什么)")),
    ("发布时间", re.compile(r"(?:何时|什么时候|哪一?年|哪天)(?:发表|发布|刊登)|(?:发表|发布)(?:时间|日期)(?:是|为)")),
)


def asked_field(question_view: str) -> str:
    """The card label a question about an article asks for ("" when it asks something else).
    `question_view` is the normalised (Simplified, half-width) question."""
    if not _ARTICLE.search(question_view) or _CITED.search(question_view):
        return ""
    return next((label for label, pattern in FIELDS if pattern.search(question_view)), "")


def field_span(card_text: str, label: str) -> tuple[int, int] | None:
    """Offsets of the value of `label` in a byline card, or None when the card lacks it."""
    match = re.search(rf"^{re.escape(label)}[：:]\s*(.+?)\s*$", card_text, re.M)
    return match.span(1) if match else None
