"""The sources panel as HTML: passage cards, the whole-article view and the list of articles.

On a desktop the panel sits beside the chat; on a phone it is a sheet over the chat (CSS in
ui/assets.py) with a 返回对话 button. Cards are reachable by keyboard (tabindex; Enter opens);
clicks and keys reach Python through the panel's `data-action` attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rag.answer.prompts import RELATED_LABEL
from rag.answer.render import page_label
from rag.ingest.chunk import parse_blocks
from rag.types import Answer, Chunk, Document
from ui import strings as S
from ui.render import (
    FOOTNOTE,
    FOOTNOTE_TAG,
    MARK,
    RANGE,
    Span,
    chunk_base,
    convert,
    display_title,
    esc,
    layered_html,
    meta_line,
    section_label,
)

Documents = Mapping[str, Document]


def footnote_spans(text: str, base: int = 0) -> list[Span]:
    """Offsets of the article's own footnote markers ([3]) in `text` starting at `base`."""
    return [(base + m.start(), base + m.end()) for m in FOOTNOTE.finditer(text)]


def _title_html(document: Document | None, chunk: Chunk | None, script: str, tag: str) -> str:
    """《title》 with a visible note when the title was derived from the text."""
    title, derived = display_title(document, chunk)
    note = (
        f'<span class="rag-derived" title="{esc(S.TITLE_DERIVED)}">{esc(S.TITLE_DERIVED_SHORT)}</span>'
        if derived else ""
    )
    return f'<{tag} class="rag-title">《{esc(convert(title, script))}》{note}</{tag}>'


def _meta_html(document: Document | None, script: str, css: str = "rag-card-meta") -> str:
    line = meta_line(document, script)
    return f'<div class="{css}">{esc(line)}</div>' if line else ""


def _sheet_bar(turn: int, n: int, script: str, original: bool, convertible: bool) -> str:
    """The panel's top bar: 返回对话 (phones only) and, when conversion changed anything,
    the one-click switch between the converted text and the original."""
    switch = ""
    if convertible:
        label = S.SHOW_CONVERTED if original else S.SHOW_ORIGINAL
        switch = (
            f'<button type="button" class="rag-original" data-action="original" '
            f'data-turn="{turn}" data-n="{n}" aria-pressed="{"true" if original else "false"}">'
            f"{esc(label)}</button>"
        )
    return (
        f'<div class="rag-sheet-bar"><button type="button" class="rag-sheet-close" '
        f'data-action="close">{esc(S.CLOSE_SHEET)}</button>{switch}</div>'
    )


def _query_block(question: str, query: str, script: str) -> str:
    """The searched query, marked when it was rewritten from the conversation."""
    if query and query != question:
        return (
            f'<div class="rag-query rag-rewritten"><span class="rag-query-label">'
            f'{esc(S.QUERY_REWRITTEN)}</span><q class="rag-query-text">{esc(convert(query, script))}</q></div>'
        )
    return (
        f'<div class="rag-query"><span class="rag-query-label">{esc(S.QUERY_LABEL)}</span>'
        f'<q class="rag-query-text">{esc(convert(query or question, script))}</q></div>'
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
    document: Document | None = None,
) -> str:
    """One passage card: badge, title, author · date · source, heading path, passage with
    marks (footnote markers set apart), and the whole-article button."""
    base = chunk_base(chunk)
    layers = [(FOOTNOTE_TAG, footnote_spans(chunk.text, base)), (MARK, spans)]
    passage = layered_html(chunk.text, base, layers, script)
    action = "cite" if kind == "citation" else "related"
    title, _ = display_title(document, chunk)
    label = S.CITE_TITLE.format(n=n, title=convert(title, script)) if kind == "citation" else (
        S.RELATED_TITLE.format(title=convert(title, script))
    )
    return (
        f'<article class="rag-card {state}" id="rag-card-{turn}-{kind}-{n}" tabindex="0" '
        f'aria-label="{esc(label)}" '
        f'data-action="{action}" data-turn="{turn}" data-n="{n}">'
        f'<div class="rag-card-head"><span class="rag-badge">{esc(badge)}</span>'
        f'{_title_html(document, chunk, script, "span")}</div>'
        f"{_meta_html(document, script)}"
        f'<div class="rag-path">{esc(convert(_where(chunk), script))}</div>'
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


def _changes(texts: Sequence[str], script: str) -> bool:
    """Whether showing `texts` in `script` changes any character."""
    return script != "original" and any(convert(t, script) != t for t in texts)


def render_sources(
    answer: Answer,
    turn: int,
    question: str = "",
    script: str = "original",
    active: int | None = None,
    documents: Documents | None = None,
    original: bool = False,
) -> str:
    """The sources of one turn: the (rewritten) query, then citation or 可能相关 cards.

    For an answer, citation `active` (default 1) is open with its supporting spans marked;
    for a refusal, the related passages are listed (`active` opens one of them). With
    `original`, passages are shown as written instead of in `script`.
    """
    documents = documents or {}
    query = answer.trace.query if answer.trace else answer.question
    head = _query_block(question or answer.question, query, script)
    if answer.refused:
        chunks = [hit.chunk for hit in answer.related]
    else:
        chunks = [c.chunk for c in answer.citations]
    shown = "original" if original else script
    chosen = active if answer.refused else (
        active if active in {c.n for c in answer.citations} else 1
    )
    bar = _sheet_bar(turn, chosen or 0, script, original, _changes([c.text for c in chunks], script))
    if answer.refused:
        label = (
            f'<div class="rag-panel-label rag-related-label">{esc(RELATED_LABEL)}'
            f'<span class="rag-panel-note">{esc(S.REFUSAL_HINT)}</span></div>'
        )
        cards = "".join(
            _card("related", turn, i, RELATED_LABEL, hit.chunk, (), shown, _state(active, i),
                  documents.get(hit.chunk.doc_id))
            for i, hit in enumerate(answer.related, start=1)
        )
        return (
            f'<div class="rag-sources rag-sources-refusal" data-turn="{turn}">'
            f"{bar}{head}{label}{cards}</div>"
        )
    label = f'<div class="rag-panel-label">{esc(S.SOURCE_ANSWER_LABEL)}</div>'
    cards = "".join(
        _card("citation", turn, c.n, f"[{c.n}]", c.chunk, c.spans, shown, _state(chosen, c.n),
              documents.get(c.chunk.doc_id))
        for c in answer.citations
    )
    return (
        f'<div class="rag-sources" data-turn="{turn}" data-active="{chosen}">'
        f"{bar}{head}{label}{cards}</div>"
    )


def render_library(documents: Sequence[Document], scope: Sequence[str] | None = None) -> str:
    """The indexed articles (title, authors, date), each with 只查这篇; `scope` is the
    current choice of articles (None or all of them: no restriction)."""
    if not documents:
        return ""
    ids = [d.doc_id for d in documents]
    only = list(scope) if scope is not None and set(scope) != set(ids) and len(scope) == 1 else []
    rows = []
    for document in documents:
        chosen = document.doc_id in only
        button = (
            f'<button type="button" class="rag-scope" data-action="scope" data-doc="" '
            f'aria-pressed="true">{esc(S.SCOPE_ALL)}</button>'
            if chosen else
            f'<button type="button" class="rag-scope" data-action="scope" '
            f'data-doc="{esc(document.doc_id)}" aria-pressed="false">{esc(S.SCOPE_ONE)}</button>'
        )
        rows.append(
            f'<li class="rag-doc{" is-scoped" if chosen else ""}"><div class="rag-doc-text">'
            f'{_title_html(document, None, "original", "span")}{_meta_html(document, "original")}'
            f"</div>{button}</li>"
        )
    note = ""
    if only:
        title, _ = display_title(next(d for d in documents if d.doc_id == only[0]))
        note = f'<p class="rag-scope-note">{esc(S.SCOPE_NOW.format(title=title))}</p>'
    return (
        f'<section class="rag-library" aria-label="{esc(S.LIBRARY_LABEL)}">'
        f'<h2 class="rag-panel-label">{esc(S.LIBRARY_LABEL)}</h2>'
        f'<p class="rag-library-hint">{esc(S.LIBRARY_HINT)}</p>{note}'
        f'<ul class="rag-doc-list">{"".join(rows)}</ul></section>'
    )


def render_sources_empty(
    documents: Sequence[Document] = (), scope: Sequence[str] | None = None
) -> str:
    """The sources panel before the first question: what it will show, and the articles."""
    return (
        f'<div class="rag-sources rag-sources-empty"><p class="rag-empty-hint">{esc(S.SOURCES_EMPTY)}</p>'
        f"{render_library(documents, scope)}</div>"
    )


def render_sources_gone() -> str:
    """The sources panel when a link points at a turn that no longer exists."""
    return f'<div class="rag-sources rag-sources-empty"><p class="rag-empty-hint">{esc(S.SOURCE_GONE)}</p></div>'


# ---------------------------------------------------------------- whole article


def article_body(
    text: str, layers: Sequence[tuple[str, Sequence[Span]]], script: str, focus: int | None = None
) -> str:
    """The article's lines as headings and paragraphs (offsets kept: each line is cut from
    `text` by its block offsets), footnote markers set apart, `layers` marked."""
    layers = [(FOOTNOTE_TAG, footnote_spans(text)), *layers]
    out = []
    for block in parse_blocks(text):
        here = focus if focus is not None and block.start <= focus <= block.end else None
        if here is not None:
            focus = None
        inner = layered_html(text[block.start : block.end], block.start, layers, script, here)
        if block.kind == "heading":
            level = min(4, 3 + max(0, block.level - 1))
            out.append(f'<h{level} class="rag-h">{inner}</h{level}>')
        else:
            css = "rag-caption" if block.kind == "caption" else "rag-p"
            out.append(f'<p class="{css}">{inner}</p>')
    if focus is not None:
        out.append('<span id="rag-focus" class="rag-focus"></span>')
    return "".join(out)


def render_article(
    document: Document,
    chunk: Chunk,
    spans: Sequence[Span] = (),
    script: str = "original",
    turn: int = 0,
    original: bool = False,
) -> str:
    """The whole article with title, authors, date and source, the cited passage tinted,
    its supporting spans marked, and an anchor `#rag-focus` at the first span (the passage
    start when there is none). With `original` the text is shown as written."""
    shown = "original" if original else script
    convertible = _changes([document.text[:2000], document.title], script)
    bar = (
        f'{_sheet_bar(turn, 0, script, original, convertible)}'
        f'<div class="rag-article-bar"><button type="button" class="rag-back" data-action="back" '
        f'data-turn="{turn}" data-n="0">{esc(S.BACK_TO_SOURCES)}</button></div>'
        f'{_title_html(document, chunk, shown, "h2")}'
    )
    path = f'<div class="rag-path">{esc(convert(_where(chunk), shown))}</div>'
    if chunk.kind == "meta":
        layers = [(RANGE, [(0, len(chunk.text))]), (MARK, spans)]
        card = layered_html(chunk.text, 0, layers, shown, focus=0)
        body = f'<div class="rag-meta-card">{card}</div>' + article_body(document.text, [], shown)
    else:
        focus = min((s for s, _ in spans), default=chunk.start)
        layers = [(RANGE, [(chunk.start, chunk.end)]), (MARK, spans)]
        body = article_body(document.text, layers, shown, focus)
    return (
        f'<div class="rag-article">{bar}{_meta_html(document, shown, "rag-article-meta")}{path}'
        f'<div class="rag-article-body" tabindex="0">{body}</div></div>'
    )


def _where(chunk: Chunk) -> str:
    """A passage's heading path, and its PDF page when it has one (第 n 页)."""
    page = page_label(chunk)
    return section_label(chunk.section) + (f" · {page}" if page else "")
