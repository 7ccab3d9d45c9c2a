"""Pure functions from answers, passages and articles to HTML strings (everything escaped).

All text that comes from an article or a user goes through `esc` (html.escape, quotes too);
the only markup is ours. Chat HTML is one line with no blank lines, so the chat's Markdown
renderer passes it through as a raw HTML block instead of interpreting `*`, `#` or `1.`.
Offsets are document offsets (card offsets for `meta` chunks), as in `rag.types`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

from rag.answer.prompts import RELATED_LABEL
from rag.types import Answer, Chunk, Citation, Document, Hit
from ui import script as scripts
from ui import strings as S

SCRIPTS = ("original", "simplified", "traditional")
Span = tuple[int, int]


def esc(text: object) -> str:
    """HTML-escape text (quotes included) so it is shown, never interpreted."""
    return html.escape(str(text), quote=True)


def convert(text: str, script: str) -> str:
    """Text in the display script: "original" keeps it, else 简体 or 繁體 (one standard)."""
    return scripts.convert(text, script)


def chunk_base(chunk: Chunk) -> int:
    """The offset frame of a chunk's spans: its start, or 0 for a metadata card."""
    return 0 if chunk.kind == "meta" else chunk.start


def section_label(section: str) -> str:
    """A heading path `A > B` as shown: `A › B` (or 正文 when there is none)."""
    parts = [p.strip() for p in section.split(">") if p.strip()]
    return " › ".join(parts) if parts else S.NO_SECTION


def layered_html(
    text: str,
    base: int,
    layers: Sequence[tuple[str, Iterable[Span]]],
    script: str = "original",
    focus: int | None = None,
) -> str:
    """`text` (starting at offset `base`) with each layer's spans wrapped in its tag.

    A layer is `(open_tag, spans)`, e.g. `('<mark class="rag-mark">', spans)`. The text is
    cut at every span boundary and each piece is converted to `script` and escaped on its
    own, so a highlight stays on exactly the characters it covers after conversion. An empty
    anchor `<span id="rag-focus">` is placed at offset `focus` when given.
    """
    end = base + len(text)
    clipped = [
        (tag, [(max(s, base), min(e, end)) for s, e in spans if min(e, end) > max(s, base)])
        for tag, spans in layers
    ]
    cuts = {base, end}
    for _, spans in clipped:
        for s, e in spans:
            cuts.update((s, e))
    if focus is not None:
        focus = min(max(focus, base), end)
        cuts.add(focus)
    points = sorted(cuts)
    out = []
    for start, stop in zip(points, points[1:] + [end]):
        if start == focus:
            out.append('<span id="rag-focus" class="rag-focus"></span>')
            focus = None
        if stop <= start:
            continue
        piece = esc(convert(text[start - base : stop - base], script))
        for tag, spans in reversed(clipped):
            if any(s <= start and stop <= e for s, e in spans):
                name = tag[1 : tag.index(" ") if " " in tag else -1]
                piece = f"{tag}{piece}</{name}>"
        out.append(piece)
    if focus is not None:
        out.append('<span id="rag-focus" class="rag-focus"></span>')
    return "".join(out)


MARK = '<mark class="rag-mark">'
RANGE = '<span class="rag-range">'


# The articles' own footnote markers ("[3]"), shown unlike the answer's citation badges.
FOOTNOTE = re.compile(r"\[\d{1,3}\]")
FOOTNOTE_TAG = '<sup class="rag-fn">'

# Inline SVG icons (no emoji: without an emoji font they show as boxes).
# The chat's sanitiser drops `viewBox`, so the 24-unit drawings are scaled by a group.
_SVG = (
    '<svg class="rag-svg" width="16" height="16" aria-hidden="true" focusable="false" '
    'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
    'stroke-linejoin="round"><g transform="scale(0.6667)">{}</g></svg>'
)
ICON_UP = _SVG.format('<path d="M7 10v11H3V10h4z"/><path d="M7 10l4-8a3 3 0 0 1 3 3v4h6a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.6 21H7"/>')
ICON_DOWN = _SVG.format('<path d="M17 14V3h4v11h-4z"/><path d="M17 14l-4 8a3 3 0 0 1-3-3v-4H4a2 2 0 0 1-2-2.3l1.4-8A2 2 0 0 1 5.4 3H17"/>')
ICON_COPY = _SVG.format('<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1"/>')
ICON_INFO = _SVG.format('<circle cx="12" cy="12" r="10"/><path d="M12 16v-5"/><path d="M12 8h.01"/>')
ICON_WARN = _SVG.format('<path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/><path d="M12 9v4"/><path d="M12 17h.01"/>')


def icon(svg: str) -> str:
    """An icon in the flow of text."""
    return f'<span class="rag-icon">{svg}</span>'


# ---------------------------------------------------------------- titles and references


def display_title(document: Document | None, chunk: Chunk | None = None) -> tuple[str, bool]:
    """(title, derived): the article's title, and whether it was derived from the text
    because the article has no title line."""
    if document is not None:
        return document.title or document.doc_id, bool(document.title_derived)
    return (chunk.title if chunk else ""), False


def meta_line(document: Document | None, script: str = "original") -> str:
    """作者 · date · 来源 of an article, as far as known ("" when nothing is)."""
    if document is None:
        return ""
    bits = []
    if document.authors:
        bits.append(S.META_AUTHORS.format(authors="、".join(document.authors)))
    if document.date:
        bits.append(S.ARTICLE_META.format(date=document.date))
    if document.source:
        bits.append(S.ARTICLE_SOURCE.format(source=document.source))
    return convert(" · ".join(bits), script)


def reference_line(
    n: int, chunk: Chunk, document: Document | None, script: str = "original"
) -> str:
    """One numbered reference as plain text: `[n] 《title》，author，date，section`."""
    title, derived = display_title(document, chunk)
    parts = [f"[{n}] 《{convert(title, script)}》" + (S.TITLE_DERIVED_SHORT if derived else "")]
    if document is not None and document.authors:
        parts.append(convert("、".join(document.authors), script))
    if document is not None and document.date:
        parts.append(document.date)
    parts.append(convert(section_label(chunk.section), script))
    return "，".join(parts)


def answer_lines(answer: Answer, script: str = "original") -> list[str]:
    """The answer as plain text lines: the direct line, numbered items, the rest, each
    sentence followed by its [n] markers."""
    lines: list[str] = []
    prose: list[str] = []
    items = 0
    for sentence in answer.sentences:
        text = convert(sentence.text, script) + "".join(f"[{n}]" for n in sentence.citations)
        if sentence.role == "direct":
            lines.append(text)
        elif sentence.role == "item":
            items += 1
            lines.append(f"{items}. {text}")
        else:
            prose.append(text)
    if prose:
        lines.append("".join(prose))
    if answer.refused or not answer.sentences:
        lines.insert(0, convert(answer.text, script))
    return lines


def reference_lines(
    answer: Answer, documents: Mapping[str, Document] | None = None, script: str = "original"
) -> list[str]:
    """The numbered reference list of an answer (empty for a refusal)."""
    documents = documents or {}
    return [
        reference_line(c.n, c.chunk, documents.get(c.chunk.doc_id), script)
        for c in answer.citations
    ]


# ---------------------------------------------------------------- chat messages


def render_question(question: str) -> str:
    """The user's question as a chat bubble: plain text, escaped."""
    return f'<div class="rag-q">{esc(question)}</div>'


def render_pending(message: str = S.PENDING) -> str:
    """The assistant bubble while the passages are being retrieved (or the index loads)."""
    return f'<div class="rag-msg rag-pending"><span class="rag-dots"></span>{esc(message)}</div>'


def render_error(message: str) -> str:
    """A friendly error in the chat (never a traceback)."""
    return (
        f'<div class="rag-msg rag-error rag-done">{icon(ICON_WARN)}'
        f"{esc(message)}</div>"
    )


def render_note(message: str) -> str:
    """The one note under the question box (empty or too long question): replaced, never stacked."""
    return f'<div class="rag-note" role="alert">{icon(ICON_WARN)}{esc(message)}</div>'


def _cite_link(turn: int, citation: Citation | None, n: int, script: str = "original") -> str:
    """The [n] link in the chat; its href names the turn and citation."""
    title = S.CITE_TITLE.format(n=n, title=convert(citation.chunk.title, script) if citation else "")
    return f'<a class="rag-cite" href="#rag-cite-{turn}-{n}" title="{esc(title)}">[{n}]</a>'


def answer_length(answer: Answer) -> int:
    """How many characters of sentence text an answer streams."""
    return sum(len(s.text) for s in answer.sentences)


def _copy_text(lines: Sequence[str]) -> str:
    """The hidden plain text the copy button copies, one span per line (chat HTML is one line)."""
    spans = "".join(f'<span class="rag-copyline">{esc(line)}</span>' for line in lines)
    return f'<div class="rag-copytext" aria-hidden="true">{spans}</div>'


def render_actions(
    answer: Answer,
    turn: int,
    documents: Mapping[str, Document] | None = None,
    script: str = "original",
    rating: str = "",
) -> str:
    """Copy, 有帮助 and 没帮助 under a finished answer or refusal; a given rating stays shown."""
    lines = answer_lines(answer, script)
    references = reference_lines(answer, documents, script)
    if references:
        lines += ["", S.REFERENCES_HEADING, *references]

    def rate(kind: str, svg: str, label: str) -> str:
        state = " is-rated" if rating == kind else ""
        return (
            f'<a class="rag-act rag-rate rag-{kind}{state}" href="#rag-{kind}-{turn}" '
            f'title="{esc(label)}" aria-label="{esc(label)}">{svg}</a>'
        )

    rated = (
        f'<span class="rag-rated">{esc(S.RATED[rating])}</span>' if rating in S.RATED else ""
    )
    return (
        f'<div class="rag-actions"><a class="rag-act rag-copy" href="#rag-copy-{turn}" '
        f'title="{esc(S.COPY_TITLE)}" aria-label="{esc(S.COPY_TITLE)}">{ICON_COPY}'
        f"<span>{esc(S.LABEL_COPY)}</span></a>"
        f"{rate('up', ICON_UP, S.RATE_UP)}{rate('down', ICON_DOWN, S.RATE_DOWN)}{rated}"
        f"</div>{_copy_text(lines)}"
    )


def render_answer(
    answer: Answer,
    turn: int,
    shown: int | None = None,
    show_removed: bool = False,
    script: str = "original",
    seconds: float | None = None,
    documents: Mapping[str, Document] | None = None,
    rating: str = "",
) -> str:
    """A cited answer in display `script`; `shown` characters of it while streaming, all of
    it when None.

    Each [n] is a link `#rag-cite-<turn>-<n>` that opens citation n in the sources panel;
    a sentence's links appear once the sentence is complete. What the grounding guard
    removed is shown only with `show_removed` (the evaluators' toggle). `seconds` is the
    measured answering time (the pipeline's own total when not given).
    """
    by_n = {c.n: c for c in answer.citations}
    budget = answer_length(answer) if shown is None else max(0, shown)
    parts = []
    items: list[str] = []
    for sentence in answer.sentences:
        if budget <= 0:
            break
        text = sentence.text[:budget]
        # A sentence the grounding guard could not verify (when it marks instead of removing).
        kind = "rag-sent" if getattr(sentence, "supported", True) else "rag-sent rag-unsupported"
        piece = f'<span class="{kind}">{esc(convert(text, script))}</span>'
        if len(text) == len(sentence.text):
            piece += "".join(_cite_link(turn, by_n.get(n), n, script) for n in sentence.citations)
        if sentence.role == "direct":
            parts.append(f'<div class="rag-direct"><strong>{piece}</strong></div>')
        elif sentence.role == "item":
            items.append(f"<li>{piece}</li>")
        else:
            parts.append(piece)
        budget -= len(text)
    if items:
        parts.insert(0 if not parts or "rag-direct" not in parts[0] else 1,
                     f'<ol class="rag-items">{"".join(items)}</ol>')
    caveat = (
        f'<div class="rag-caveat" role="note">{icon(ICON_INFO)}'
        f'<span class="rag-caveat-label">{esc(S.CAVEAT_LABEL)}</span>'
        f"{esc(convert(answer.caveat, script))}</div>"
        if answer.caveat else ""
    ) + render_notice(answer)
    if shown is not None:
        parts.append('<span class="rag-cursor"></span>')
        return f'<div class="rag-msg rag-answer rag-streaming">{caveat}{"".join(parts)}</div>'
    if seconds is None:
        seconds = answer.timings_ms.get("total", 0.0) / 1000
    generator = S.GENERATOR_LABELS.get(answer.generator, answer.generator)
    foot = S.ANSWER_FOOTER.format(
        generator=generator, count=len(answer.citations), seconds=S.format_seconds(seconds)
    )
    return (
        f'<div class="rag-msg rag-answer rag-done">{caveat}<div class="rag-body">{"".join(parts)}</div>'
        f'{render_guard_notice(answer, show_removed)}<div class="rag-foot">{esc(foot)}</div>'
        f"{render_actions(answer, turn, documents, script, rating)}</div>"
    )


def render_notice(answer: Answer) -> str:
    """A small note on how the answer was made (the extractive fallback says so here)."""
    if not answer.notice:
        return ""
    return f'<div class="rag-notice">{icon(ICON_INFO)}{esc(answer.notice)}</div>'


def render_guard_notice(answer: Answer, show_removed: bool = False) -> str:
    """What the grounding guard removed from a generated answer, with the reasons: for
    evaluators, behind the "显示被删除的内容" toggle, never shown to readers by default."""
    if not answer.removed or not show_removed:
        return ""
    items = "".join(
        f'<li><span class="rag-guard-text">{esc(text)}</span>'
        f'<span class="rag-guard-reason">（{esc(reason)}）</span></li>'
        for text, reason in answer.removed
    )
    summary = S.GUARD_REMOVED.format(count=len(answer.removed))
    return f'<details class="rag-guard"><summary>{esc(summary)}</summary><ul>{items}</ul></details>'


def render_refusal(
    answer: Answer,
    turn: int,
    show_removed: bool = False,
    script: str = "original",
    rating: str = "",
) -> str:
    """A refusal: its own look, the gate's reasons, then the nearest passages as 可能相关 links."""
    items = "".join(
        f'<li><a class="rag-rel" href="#rag-rel-{turn}-{i}" '
        f'title="{esc(S.RELATED_TITLE.format(title=convert(hit.chunk.title, script)))}">'
        f'《{esc(convert(hit.chunk.title, script))}》<span class="rag-rel-path"> › '
        f"{esc(convert(section_label(hit.chunk.section), script))}</span></a></li>"
        for i, hit in enumerate(answer.related, start=1)
    )
    related = (
        f'<div class="rag-related"><div class="rag-related-label">{esc(RELATED_LABEL)}：'
        f'{esc(S.REFUSAL_HINT)}</div><ol class="rag-related-list">{items}</ol></div>'
        if items
        else ""
    )
    reasons = "".join(f"<li>{esc(convert(reason, script))}</li>" for reason in answer.reasons)
    why = (
        f'<div class="rag-reasons"><span class="rag-reasons-label">{esc(S.REFUSAL_REASONS)}</span>'
        f'<ul>{reasons}</ul></div>' if reasons else ""
    )
    return (
        f'<div class="rag-msg rag-refusal rag-done"><div class="rag-refusal-head">'
        f'{icon(ICON_INFO)}{esc(convert(answer.text, script))}</div>{why}{related}'
        f"{render_guard_notice(answer, show_removed)}"
        f"{render_actions(answer, turn, None, script, rating)}</div>"
    )


# ---------------------------------------------------------------- status banner


def render_status(kind: str, message: str) -> str:
    """The banner above the chat: loading, ready or failed."""
    return f'<div class="rag-status rag-status-{esc(kind)}">{esc(message)}</div>'


def related_chunk(answer: Answer, i: int) -> Hit | None:
    """The i-th (1-based) 可能相关 hit of a refusal, or None."""
    return answer.related[i - 1] if 1 <= i <= len(answer.related) else None


def citation(answer: Answer, n: int) -> Citation | None:
    """Citation n of an answer, or None."""
    return next((c for c in answer.citations if c.n == n), None)
