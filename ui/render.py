"""Pure functions from answers, passages and articles to HTML strings (everything escaped).

All text that comes from an article or a user goes through `esc` (html.escape, quotes too);
the only markup is ours. Chat HTML is one line with no blank lines, so the chat's Markdown
renderer passes it through as a raw HTML block instead of interpreting `*`, `#` or `1.`.
Offsets are document offsets (card offsets for `meta` chunks), as in `rag.types`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from rag.answer.prompts import RELATED_LABEL
from rag.ingest.normalize import to_simplified, to_traditional
from rag.types import Answer, Chunk, Citation, Document, Hit
from ui import strings as S

SCRIPTS = ("original", "simplified", "traditional")
Span = tuple[int, int]


def esc(text: object) -> str:
    """HTML-escape text (quotes included) so it is shown, never interpreted."""
    return html.escape(str(text), quote=True)


def convert(text: str, script: str) -> str:
    """Text in the display script: "original" keeps it, else OpenCC to 简体 or 繁體."""
    if script == "simplified":
        return to_simplified(text)
    if script == "traditional":
        return to_traditional(text)
    return text


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


# ---------------------------------------------------------------- chat messages


def render_question(question: str) -> str:
    """The user's question as a chat bubble: plain text, escaped."""
    return f'<div class="rag-q">{esc(question)}</div>'


def render_pending() -> str:
    """The assistant bubble while the passages are being retrieved."""
    return f'<div class="rag-msg rag-pending"><span class="rag-dots"></span>{esc(S.PENDING)}</div>'


def render_error(message: str) -> str:
    """A friendly error in the chat (never a traceback)."""
    return (
        f'<div class="rag-msg rag-error rag-done"><span class="rag-icon">⚠</span>'
        f"{esc(message)}</div>"
    )


def _cite_link(turn: int, citation: Citation | None, n: int) -> str:
    """The [n] link in the chat; its href names the turn and citation."""
    title = S.CITE_TITLE.format(n=n, title=citation.chunk.title if citation else "")
    return f'<a class="rag-cite" href="#rag-cite-{turn}-{n}" title="{esc(title)}">[{n}]</a>'


def answer_length(answer: Answer) -> int:
    """How many characters of sentence text an answer streams."""
    return sum(len(s.text) for s in answer.sentences)


def render_answer(
    answer: Answer, turn: int, shown: int | None = None, show_removed: bool = False
) -> str:
    """A cited answer; `shown` characters of it while streaming, all of it when None.

    Each [n] is a link `#rag-cite-<turn>-<n>` that opens citation n in the sources panel;
    a sentence's links appear once the sentence is complete. What the grounding guard
    removed is shown only with `show_removed` (the evaluators' toggle).
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
        piece = f'<span class="{kind}">{esc(text)}</span>'
        if len(text) == len(sentence.text):
            piece += "".join(_cite_link(turn, by_n.get(n), n) for n in sentence.citations)
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
        f'<div class="rag-caveat"><span class="rag-icon">ⓘ</span>{esc(answer.caveat)}</div>'
        if answer.caveat else ""
    ) + render_notice(answer)
    if shown is not None:
        parts.append('<span class="rag-cursor"></span>')
        return f'<div class="rag-msg rag-answer rag-streaming">{caveat}{"".join(parts)}</div>'
    seconds = answer.timings_ms.get("total", 0.0) / 1000
    generator = S.GENERATOR_LABELS.get(answer.generator, answer.generator)
    foot = S.ANSWER_FOOTER.format(generator=generator, count=len(answer.citations), seconds=seconds)
    return (
        f'<div class="rag-msg rag-answer rag-done">{caveat}<div class="rag-body">{"".join(parts)}</div>'
        f'{render_guard_notice(answer, show_removed)}<div class="rag-foot">{esc(foot)}</div></div>'
    )


def render_notice(answer: Answer) -> str:
    """A small note on how the answer was made (the extractive fallback says so here)."""
    if not answer.notice:
        return ""
    return f'<div class="rag-notice"><span class="rag-icon">ⓘ</span>{esc(answer.notice)}</div>'


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


def render_refusal(answer: Answer, turn: int, show_removed: bool = False) -> str:
    """A refusal: its own look, then the nearest passages as 可能相关 links."""
    items = "".join(
        f'<li><a class="rag-rel" href="#rag-rel-{turn}-{i}" '
        f'title="{esc(S.RELATED_TITLE.format(title=hit.chunk.title))}">'
        f'《{esc(hit.chunk.title)}》<span class="rag-rel-path"> › '
        f"{esc(section_label(hit.chunk.section))}</span></a></li>"
        for i, hit in enumerate(answer.related, start=1)
    )
    related = (
        f'<div class="rag-related"><div class="rag-related-label">{esc(RELATED_LABEL)}：'
        f'{esc(S.REFUSAL_HINT)}</div><ol class="rag-related-list">{items}</ol></div>'
        if items
        else ""
    )
    reasons = "".join(f"<li>{esc(reason)}</li>" for reason in answer.reasons)
    why = (
        f'<div class="rag-reasons"><span class="rag-reasons-label">{esc(S.REFUSAL_REASONS)}</span>'
        f'<ul>{reasons}</ul></div>' if reasons else ""
    )
    return (
        f'<div class="rag-msg rag-refusal rag-done"><div class="rag-refusal-head">'
        f'<span class="rag-icon">ⓘ</span>{esc(answer.text)}</div>{why}{related}'
        f"{render_guard_notice(answer, show_removed)}</div>"
    )


# ---------------------------------------------------------------- sources panel


def _query_block(question: str, query: str) -> str:
    """The searched query, marked when it was rewritten from the conversation."""
    if query and query != question:
        return (
            f'<div class="rag-query rag-rewritten"><span class="rag-query-label">'
            f'{esc(S.QUERY_REWRITTEN)}</span><q class="rag-query-text">{esc(query)}</q></div>'
        )
    return (
        f'<div class="rag-query"><span class="rag-query-label">{esc(S.QUERY_LABEL)}</span>'
        f'<q class="rag-query-text">{esc(query or question)}</q></div>'
    )


def _card(
    kind: str,
    turn: int,
    n: int,
    badge: str,
    chunk: Chunk,
    spans: Sequence[Span],
    script: str,
    state: str,
) -> str:
    """One passage card: badge, title, heading path, passage with marks, article button."""
    passage = layered_html(chunk.text, chunk_base(chunk), [(MARK, spans)], script)
    action = "cite" if kind == "citation" else "related"
    return (
        f'<article class="rag-card {state}" id="rag-card-{turn}-{kind}-{n}" '
        f'data-action="{action}" data-turn="{turn}" data-n="{n}">'
        f'<div class="rag-card-head"><span class="rag-badge">{esc(badge)}</span>'
        f'<span class="rag-title">《{esc(convert(chunk.title, script))}》</span></div>'
        f'<div class="rag-path">{esc(convert(section_label(chunk.section), script))}</div>'
        f'<div class="rag-passage">{passage}</div>'
        f'<div class="rag-card-foot"><button type="button" class="rag-open-article" '
        f'data-action="article" data-kind="{kind}" data-turn="{turn}" data-n="{n}">'
        f"{esc(S.VIEW_ARTICLE)}</button></div></article>"
    )


def _state(active: int | None, n: int) -> str:
    """Card state: the active one open, the others collapsed; all open when none is active."""
    if not active:
        return "is-open"
    return "is-active" if active == n else "is-collapsed"


def render_sources(
    answer: Answer,
    turn: int,
    question: str = "",
    script: str = "original",
    active: int | None = None,
) -> str:
    """The sources of one turn: the (rewritten) query, then citation or 可能相关 cards.

    For an answer, citation `active` (default 1) is open with its supporting spans marked;
    for a refusal, the related passages are listed (`active` opens one of them).
    """
    head = _query_block(question or answer.question, answer.trace.query if answer.trace else answer.question)
    if answer.refused:
        label = (
            f'<div class="rag-panel-label rag-related-label">{esc(RELATED_LABEL)}'
            f'<span class="rag-panel-note">{esc(S.REFUSAL_HINT)}</span></div>'
        )
        cards = "".join(
            _card("related", turn, i, RELATED_LABEL, hit.chunk, (), script, _state(active, i))
            for i, hit in enumerate(answer.related, start=1)
        )
        return (
            f'<div class="rag-sources rag-sources-refusal" data-turn="{turn}">'
            f"{head}{label}{cards}</div>"
        )
    chosen = active if active in {c.n for c in answer.citations} else 1
    label = f'<div class="rag-panel-label">{esc(S.SOURCE_ANSWER_LABEL)}</div>'
    cards = "".join(
        _card("citation", turn, c.n, f"[{c.n}]", c.chunk, c.spans, script, _state(chosen, c.n))
        for c in answer.citations
    )
    return (
        f'<div class="rag-sources" data-turn="{turn}" data-active="{chosen}">'
        f"{head}{label}{cards}</div>"
    )


def render_sources_empty() -> str:
    """The sources panel before the first question."""
    return f'<div class="rag-sources rag-sources-empty"><p>{esc(S.SOURCES_EMPTY)}</p></div>'


def render_sources_gone() -> str:
    """The sources panel when a link points at a turn that no longer exists."""
    return f'<div class="rag-sources rag-sources-empty"><p>{esc(S.SOURCE_GONE)}</p></div>'


# ---------------------------------------------------------------- whole article


def _article_meta(document: Document, script: str) -> str:
    """Date and source of an article, when it has them."""
    bits = []
    if document.date:
        bits.append(S.ARTICLE_META.format(date=document.date))
    if document.source:
        bits.append(S.ARTICLE_SOURCE.format(source=document.source))
    if not bits:
        return ""
    return f'<div class="rag-article-meta">{esc(convert("　".join(bits), script))}</div>'


def render_article(
    document: Document,
    chunk: Chunk,
    spans: Sequence[Span] = (),
    script: str = "original",
    turn: int = 0,
) -> str:
    """The whole article, the cited passage tinted, its supporting spans marked, and an
    anchor `#rag-focus` at the first span (the passage start when there is none)."""
    bar = (
        f'<div class="rag-article-bar"><button type="button" class="rag-back" data-action="back" '
        f'data-turn="{turn}" data-n="0">{esc(S.BACK_TO_SOURCES)}</button>'
        f'<span class="rag-article-title">《{esc(convert(document.title, script))}》</span></div>'
    )
    path = f'<div class="rag-path">{esc(convert(section_label(chunk.section), script))}</div>'
    if chunk.kind == "meta":
        layers = [(RANGE, [(0, len(chunk.text))]), (MARK, spans)]
        card = layered_html(chunk.text, 0, layers, script, focus=0)
        body = f'<div class="rag-meta-card">{card}</div>' + esc(convert(document.text, script))
    else:
        focus = min((s for s, _ in spans), default=chunk.start)
        body = layered_html(
            document.text, 0, [(RANGE, [(chunk.start, chunk.end)]), (MARK, spans)], script, focus
        )
    return (
        f'<div class="rag-article">{bar}{_article_meta(document, script)}{path}'
        f'<div class="rag-article-body">{body}</div></div>'
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
