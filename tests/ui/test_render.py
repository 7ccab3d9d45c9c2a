"""The HTML renderers: golden files for answer, sources, refusal and article; escaping; scripts."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from rag.answer.prompts import REFUSAL, RELATED_LABEL
from ui.script import to_simplified, to_traditional
from rag.types import Answer, AnswerSentence, Chunk, Citation, Document
from ui import panel as P
from ui import render as R

pytestmark = pytest.mark.unit


class _Tags(HTMLParser):
    """Collects start tags and the text inside <mark> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.marks: list[str] = []
        self._in_mark = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_mark += tag == "mark"
        if tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag):
        self._in_mark -= tag == "mark"

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1] += data


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


# ---------------------------------------------------------------- golden files


def test_answer_with_citations_matches_golden(answer, golden):
    html = R.render_answer(answer, turn=3)
    golden("answer.html", html + "\n")
    assert html.count('class="rag-cite"') == 2
    assert 'href="#rag-cite-3-1"' in html and 'href="#rag-cite-3-2"' in html
    assert "\n" not in html  # one line: the chat's Markdown passes it through as raw HTML


def test_streaming_answer_matches_golden(answer, golden):
    first = len(answer.sentences[0].text)
    html = R.render_answer(answer, turn=3, shown=first + 4)
    golden("answer_streaming.html", html + "\n")
    # The first sentence is complete with its link; the second is cut, without its link yet.
    assert html.count('class="rag-cite"') == 1 and "rag-cursor" in html and "rag-done" not in html


def test_sources_panel_matches_golden(answer, golden):
    html = P.render_sources(answer, turn=3, question="那广东呢？", script="original", active=2)
    golden("sources.html", html + "\n")
    tags = parse(html)
    assert tags.marks == ["成立由省長任組長的“數字政府”改革建設工作領導小組,制定總體規劃。", "群眾辦事只需登錄一個平臺,減少了跑腿次數。"]
    assert 'id="rag-card-3-citation-2"' in html and "is-active" in html
    assert "已结合上一轮对话理解为" in html  # the rewritten query is shown


def test_refusal_matches_golden(refusal, golden):
    chat = R.render_refusal(refusal, turn=0)
    panel = P.render_sources(refusal, turn=0)
    golden("refusal.html", chat + "\n" + panel + "\n")
    assert "rag-refusal" in chat and "rag-answer" not in chat
    assert REFUSAL in chat and RELATED_LABEL in chat and RELATED_LABEL in panel
    assert chat.count('class="rag-rel"') == 2 and "<mark" not in panel


def test_article_view_matches_golden(article, answer, golden):
    citation = answer.citations[0]
    html = P.render_article(article, citation.chunk, citation.spans, "simplified", turn=3)
    golden("article.html", html + "\n")
    assert html.index('id="rag-focus"') < html.index('<mark class="rag-mark">')
    assert parse(html).marks == [to_simplified(article.text[slice(*citation.spans[0])])]


# ---------------------------------------------------------------- escaping

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>&'


def _no_markup_from(text_html: str) -> None:
    tags = parse(text_html).tags
    assert "script" not in tags and "img" not in tags
    assert "onerror" not in re.sub(r"&[a-z]+;|&#\d+;", "", text_html.replace("onerror=&quot;", ""))


def test_question_and_error_are_escaped():
    html = R.render_question(EVIL)
    _no_markup_from(html)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;&amp;" in html
    _no_markup_from(R.render_error(EVIL))


def test_article_text_with_markup_is_shown_as_text(article, chunks, answer):
    evil_text = article.text.replace("每季度", EVIL + "每季度")
    evil = dataclasses.replace(article, text=evil_text, title=EVIL)
    start = evil_text.index("成立")
    end = evil_text.index("每季度") + 3
    chunk = dataclasses.replace(chunks[0], start=start, end=end, text=evil_text[start:end], title=EVIL, section=EVIL)
    cited = Answer(
        question=EVIL,
        text=EVIL + "[1]",
        refused=False,
        sentences=(AnswerSentence(EVIL, (1,)),),
        citations=(Citation(1, chunk, ((start, end),)),),
    )
    for html in (
        R.render_answer(cited, 0),
        R.render_answer(cited, 0, shown=5),
        P.render_sources(cited, 0, question=EVIL),
        P.render_article(evil, chunk, ((start, end),)),
        R.render_refusal(dataclasses.replace(cited, refused=True, related=()), 0),
    ):
        tags = parse(html).tags
        assert "script" not in tags and "img" not in tags
        assert "&lt;script&gt;" in html or "&lt;img" in html


def test_attribute_values_cannot_break_out():
    html = R.render_error('" onmouseover="alert(1)')
    assert 'onmouseover="' not in html


# ---------------------------------------------------------------- highlight and scripts


@pytest.mark.parametrize("script", ["original", "simplified", "traditional"])
def test_highlight_survives_script_conversion(answer, script):
    citation = answer.citations[0]
    html = P.render_sources(answer, 0, script=script)
    span = citation.chunk.text[
        citation.spans[0][0] - citation.chunk.start : citation.spans[0][1] - citation.chunk.start
    ]
    expected = {"original": span, "simplified": to_simplified(span), "traditional": to_traditional(span)}
    assert parse(html).marks[0] == expected[script]


def test_layered_html_cuts_pieces_at_every_boundary():
    text = "甲乙丙丁戊己庚"
    html = R.layered_html(text, 10, [(R.RANGE, [(11, 16)]), (R.MARK, [(12, 14)])], focus=12)
    assert html == (
        '甲<span class="rag-range">乙</span><span id="rag-focus" class="rag-focus"></span>'
        '<span class="rag-range"><mark class="rag-mark">丙丁</mark></span>'
        '<span class="rag-range">戊己</span>庚'
    )
    # Spans outside the text are clipped away; an empty text renders empty.
    assert R.layered_html(text, 10, [(R.MARK, [(0, 5), (30, 40)])]) == text
    assert R.layered_html("", 0, [(R.MARK, [(0, 3)])]) == ""


def test_meta_chunk_highlights_within_the_card(article):
    card = "作者：张三\n编辑：李四"
    chunk = Chunk("m", "gd", article.title, "文章信息", 0, 0, card, kind="meta")
    cited = Answer(
        question="作者是谁？",
        text="作者：张三[1]",
        refused=False,
        sentences=(AnswerSentence("作者：张三", (1,)),),
        citations=(Citation(1, chunk, ((0, 5),)),),
    )
    assert parse(P.render_sources(cited, 0)).marks == ["作者：张三"]
    article_html = P.render_article(article, chunk, ((0, 5),))
    assert parse(article_html).marks == ["作者：张三"] and "rag-meta-card" in article_html


def test_section_labels():
    assert R.section_label("二、数字广东 > (三)行动调适") == "二、数字广东 › (三)行动调适"
    assert R.section_label("") == "正文"


def test_unknown_script_keeps_original():
    assert R.convert("數據", "klingon") == "數據"


def test_empty_and_status_panels_are_plain():
    assert "提问后" in P.render_sources_empty()
    assert R.render_status("failed", "<b>x</b>") == '<div class="rag-status rag-status-failed">&lt;b&gt;x&lt;/b&gt;</div>'


def test_lookup_helpers(answer, refusal):
    assert R.citation(answer, 2).n == 2 and R.citation(answer, 9) is None
    assert R.related_chunk(refusal, 1).rank == 1 and R.related_chunk(refusal, 0) is None


def test_document_title_in_article_is_converted(article, answer):
    c = answer.citations[1]
    html = P.render_article(article, c.chunk, c.spans, "simplified")
    assert "《广东数字政府改革实践》" in html and "发布时间：2023-01-05" in html
    assert isinstance(article, Document)


def test_generated_answer_shows_the_generator_and_hides_what_the_guard_removed(answer, golden):
    guarded = dataclasses.replace(
        answer,
        generator="openai",
        removed=(("该项改革由世界银行资助<b>999</b>亿元。", "缺少依据：999、世界银行"),),
    )
    reader = R.render_answer(guarded, turn=4)
    assert "大模型生成" in reader and "rag-guard" not in reader and "999" not in reader
    html = R.render_answer(guarded, turn=4, show_removed=True)  # the evaluators' toggle
    golden("answer_guarded.html", html + "\n")
    assert "大模型生成" in html and "已删除 1 句" in html
    assert "<b>999</b>" not in html and "&lt;b&gt;999&lt;/b&gt;" in html  # escaped
    assert "摘录原文作答" in R.render_answer(answer, turn=4)
    assert "rag-guard" not in R.render_answer(answer, turn=4, show_removed=True)
    refused = dataclasses.replace(guarded, refused=True, text=REFUSAL, sentences=(), citations=())
    assert "rag-guard" not in R.render_refusal(refused, turn=4)
    assert "已删除 1 句" in R.render_refusal(refused, turn=4, show_removed=True)


def test_the_fallback_notice_is_shown_above_the_answer(answer):
    from rag.answer.prompts import FALLBACK_NOTICE

    noticed = dataclasses.replace(answer, notice=FALLBACK_NOTICE + "<i>")
    html = R.render_answer(noticed, turn=1)
    assert html.index('class="rag-notice"') < html.index('class="rag-body"')
    assert FALLBACK_NOTICE in html and "&lt;i&gt;" in html
    assert "rag-notice" not in R.render_answer(answer, turn=1)
