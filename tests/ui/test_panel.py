"""The sources panel for officials: metadata, derived titles, footnotes, the article view,
the article list, the 原文 switch; and the answer's own actions (copy, rating, timing)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rag.types import Answer, AnswerSentence, Chunk, Citation
from ui import panel as P
from ui import render as R
from ui import strings as S

pytestmark = pytest.mark.unit


@pytest.fixture
def documents(article):
    return {article.doc_id: dataclasses.replace(article, authors=("黃未", "陳加友"))}


def test_cards_show_title_authors_date_and_source(answer, documents):
    html = P.render_sources(answer, 0, script="simplified", documents=documents)
    card = re.search(r'<article class="rag-card[^>]*id="rag-card-0-citation-1".*?</article>', html).group()
    assert "《广东数字政府改革实践》" in card
    assert "作者：黄未、陈加友 · 发布时间：2023-01-05 · 来源：测试日报" in card
    assert 'tabindex="0"' in card and 'aria-label="查看出处 [1]' in card


def test_a_derived_title_is_marked_as_derived(answer, article):
    derived = {article.doc_id: dataclasses.replace(article, title="日新月異的信息技術", title_derived=True)}
    for html in (
        P.render_sources(answer, 0, documents=derived),
        P.render_article(derived["gd"], answer.citations[0].chunk),
        P.render_library(list(derived.values())),
    ):
        assert f'class="rag-derived"' in html and S.TITLE_DERIVED_SHORT in html
    assert "rag-derived" not in P.render_sources(answer, 0, documents={article.doc_id: article})
    refs = R.reference_lines(answer, derived)
    assert refs[0].startswith("[1] 《日新月異的信息技術》" + S.TITLE_DERIVED_SHORT)


def test_footnote_markers_look_unlike_citation_badges(article):
    text = article.text.replace("制定總體規劃。", "制定總體規劃。[3]")
    noted = dataclasses.replace(article, text=text)
    start = text.index("廣東高度")
    end = text.index("[3]") + 3
    chunk = Chunk("c", "gd", noted.title, "二、數字廣東", start, end, text[start:end])
    html = P.render_article(noted, chunk, ((start, end),))
    assert re.search(r'<sup class="rag-fn">(<[^>]+>)*\[3\]', html) and 'class="rag-cite"' not in html
    card = P.render_sources(
        Answer("q", "x[1]", False, (AnswerSentence("x", (1,)),), (Citation(1, chunk, ()),)), 0
    )
    assert '<sup class="rag-fn">[3]</sup>' in card


def test_article_view_has_headings_paragraphs_metadata_and_the_tinted_passage(article, answer, documents):
    citation = answer.citations[0]
    html = P.render_article(documents["gd"], citation.chunk, citation.spans, "simplified", turn=1)
    assert html.count('<h3 class="rag-h">') == 2 and html.count('<p class="rag-p">') == 2
    assert '<h2 class="rag-title">《广东数字政府改革实践》</h2>' in html
    assert "作者：黄未、陈加友" in html
    assert '<span class="rag-range">' in html and html.count('id="rag-focus"') == 1


def test_the_original_is_one_click_away(article, answer):
    citation = answer.citations[0]
    converted = P.render_article(article, citation.chunk, citation.spans, "simplified")
    assert "广东高度重视" in converted and 'data-action="original"' in converted
    assert S.SHOW_ORIGINAL in converted
    original = P.render_article(article, citation.chunk, citation.spans, "simplified", original=True)
    assert "廣東高度重視" in original and S.SHOW_CONVERTED in original
    # Nothing to switch when the articles are already in the shown script.
    assert 'data-action="original"' not in P.render_sources(answer, 0, script="traditional")
    assert 'data-action="original"' in P.render_sources(answer, 0, script="simplified")


def test_the_article_list_offers_restricting_the_search(article, documents):
    html = P.render_sources_empty(list(documents.values()))
    assert S.LIBRARY_LABEL in html and "《廣東數字政府改革實踐》" in html
    assert "作者：黃未、陳加友" in html and 'data-action="scope" data-doc="gd"' in html
    scoped = P.render_sources_empty(list(documents.values()), ["gd"])
    assert "is-scoped" not in scoped  # one article only: restricting to it is no restriction
    other = dataclasses.replace(article, doc_id="zj", title="浙江")
    both = P.render_sources_empty([documents["gd"], other], ["gd"])
    assert "is-scoped" in both and S.SCOPE_NOW.format(title="廣東數字政府改革實踐") in both
    assert 'data-action="scope" data-doc=""' in both
    assert P.render_sources_empty() .count("rag-library") == 0


def test_answer_actions_copy_text_rating_and_real_time(answer, documents):
    html = R.render_answer(answer, 2, documents=documents, seconds=0.034, rating="down")
    assert "用时 0.03 秒" in html and "0.0 秒" not in html
    assert 'href="#rag-copy-2"' in html and 'href="#rag-up-2"' in html and 'href="#rag-down-2"' in html
    assert 'class="rag-act rag-rate rag-down is-rated"' in html and S.RATED["down"] in html
    assert "<svg" in html and "👍" not in html and "👎" not in html
    lines = re.findall(r'<span class="rag-copyline">(.*?)</span>', html)
    assert lines[0].startswith("成立由省长任组长") and lines[0].endswith("[1]群众办事只需登录一个平台,减少了跑腿次数。[2]")
    assert lines[2] == S.REFERENCES_HEADING
    assert lines[3] == "[1] 《廣東數字政府改革實踐》，黃未、陳加友，2023-01-05，二、數字廣東"
    streaming = R.render_answer(answer, 2, shown=5)
    assert "rag-actions" not in streaming and "rag-rate" not in R.render_error("x")


def test_answers_follow_the_display_script(answer, refusal):
    html = R.render_answer(answer, 0, script="traditional")
    assert "成立由省長任組長" in html and "爲" not in html
    assert "《廣東數字政府改革實踐》" in R.render_refusal(refusal, 0, script="traditional")
    assert "《广东数字政府改革实践》" in R.render_refusal(refusal, 0, script="simplified")


def test_a_caveat_says_why_and_is_marked(answer):
    caveated = dataclasses.replace(answer, caveat="资料只部分涉及这个问题")
    html = R.render_answer(caveated, 0)
    assert html.index('class="rag-caveat"') < html.index('class="rag-body"')
    assert S.CAVEAT_LABEL in html and "资料只部分涉及这个问题" in html


def test_the_input_note_is_escaped():
    html = R.render_note("<b>x</b>")
    assert "&lt;b&gt;" in html and 'role="alert"' in html


def test_labels_speak_an_officials_language():
    shown = " ".join(
        str(v) for k, v in vars(S).items() if k.isupper() and isinstance(v, (str, tuple, dict))
    )
    for jargon in ("抽取式回答", "检索段落数", "检索问题", "右侧"):
        assert jargon not in shown
    assert S.format_seconds(0.034) == "0.03" and S.format_seconds(2.345) == "2.3"


def test_a_card_from_a_pdf_says_its_page(answer, documents):
    paged = dataclasses.replace(answer, citations=tuple(
        dataclasses.replace(c, chunk=dataclasses.replace(c.chunk, page=7, page_end=7))
        for c in answer.citations
    ))
    html = P.render_sources(paged, 0, script="simplified", documents=documents)
    assert "第 7 页" in html
    assert " 页</div>" not in P.render_sources(answer, 0, documents=documents)  # no pages, no label
