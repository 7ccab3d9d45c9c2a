"""clean_text: one test per kind of scraper debris, header metadata, and properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.chunk import chunk_document
from rag.ingest.clean import clean_text
from rag.ingest.load import load_documents

pytestmark = pytest.mark.unit

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

TITLE = "政府治理的數字化轉型優化策略"
PARA_T = "隨著信息技術的蓬勃發展,推動政府治理數字化轉型已經成為必然要求。"
PARA_S = "伴随着信息技术的升级和产业变革的发展,国家大力倡导将数字技术应用到政府治理中。"
SPAM_LINE = (
    "www.av视频在线观看,亚洲免费影院第一第二,一级毛片在现观看,久久精品片色免费看网站,"
    "日本大香伊蕉在人线国产,奇米精品一区二区三区在线观看,亚洲网站一区"
)


def article(*lines: str) -> str:
    return "\n".join(lines)


# --- debris, one kind per test ------------------------------------------------------------


def test_spam_line_is_removed() -> None:
    result = clean_text(article(SPAM_LINE, "", TITLE, "", PARA_T))
    assert "毛片" not in result.text and "www." not in result.text
    assert result.title == TITLE
    assert result.text == PARA_T
    assert result.removed["spam_lines"] == 1


def test_traditional_spam_line_is_recognised_through_the_simplified_view() -> None:
    result = clean_text(article(TITLE, "一級毛片在線觀看,久久精品免費看", PARA_T))
    assert result.text == PARA_T
    assert result.removed["spam_lines"] == 1


def test_prose_with_ordinary_words_that_are_also_spam_terms_is_kept() -> None:
    # 久久为功 and 精品 are everyday words in government writing, not SEO spam.
    prose = "要坚持久久为功，打造一批数字政府建设精品项目，推动国产基础软件应用。"
    result = clean_text(article(TITLE, prose, PARA_S))
    assert result.text == prose + "\n" + PARA_S
    assert "spam_lines" not in result.removed


def test_navigation_line_is_removed_without_inventing_a_source() -> None:
    result = clean_text(article("網站首頁 | 網站地圖", TITLE, PARA_T))
    assert "網站首頁" not in result.text
    assert result.text == PARA_T
    assert result.source == ""
    assert result.removed["navigation_lines"] == 1


def test_navigation_line_with_readings_is_removed() -> None:
    result = clean_text(article("網(wǎng)站首頁(yè) | 網(wǎng)站地圖", TITLE, PARA_T))
    assert result.text == PARA_T
    assert result.removed == {"pinyin_readings": 3, "navigation_lines": 1}


def test_breadcrumb_becomes_the_source() -> None:
    result = clean_text(article("人民論壇網·國家治理網> 前沿理論> 正文", TITLE, PARA_T))
    assert result.source == "人民論壇網·國家治理網"
    assert "前沿理論" not in result.text and "正文" not in result.text
    assert result.title == TITLE


def test_breadcrumb_starting_at_the_home_page_is_not_a_source() -> None:
    result = clean_text(article("首页 > 理论前沿 > 正文", TITLE, PARA_S))
    assert result.source == ""
    assert result.text == PARA_S


@pytest.mark.parametrize(
    "link",
    ["上一篇:某镇创市“先进乡镇”申报材料", "下一篇：最美税务人先进事迹", "上一條:數字政府建設"],
)
def test_previous_next_links_are_removed(link: str) -> None:
    result = clean_text(article(TITLE, PARA_S, link))
    assert result.text == PARA_S
    assert result.removed["prev_next_links"] == 1


def test_classification_code_line_is_removed() -> None:
    result = clean_text(article(TITLE, "【中圖分類號】D63 【文獻標識碼】A", PARA_T))
    assert "分類號" not in result.text and "D63" not in result.text
    assert result.text == PARA_T
    assert result.removed["classification_lines"] == 1


def test_editor_lines_become_metadata() -> None:
    result = clean_text(article(TITLE, PARA_T, "責編:馮一帆/美編:王嘉騏", "", "責任編輯:張宏莉"))
    assert result.editors == ["馮一帆", "王嘉騏", "張宏莉"]
    assert result.text == PARA_T
    assert result.removed["byline_lines"] == 2


def test_date_and_source_line_becomes_metadata() -> None:
    result = clean_text(article(TITLE, "  发布时间:2022-05-12 11:01   来源:城市怎么办", "", PARA_S))
    assert result.date == "2022-05-12 11:01"
    assert result.source == "城市怎么办"
    assert "发布时间" not in result.text and "城市怎么办" not in result.text
    assert result.title == TITLE


def test_author_editor_reviewer_lines_become_metadata() -> None:
    result = clean_text(article(TITLE, PARA_S, "审核:毛燕武", "", "  作者:沈费伟   编辑:陈俊男"))
    assert result.authors == ["沈费伟"]
    assert result.editors == ["陈俊男"]
    assert result.reviewers == ["毛燕武"]
    assert result.text == PARA_S


def test_byline_key_in_prose_is_not_metadata() -> None:
    line = "来源:国务院关于加强数字政府建设的指导意见明确提出要构建数字政府全方位安全保障体系的工作要求。"
    result = clean_text(article(TITLE, line))
    assert result.source == ""
    assert result.text == line


def test_duplicated_title_appears_once_and_not_in_body() -> None:
    title = "跨界治理理论与数字政府建设探讨"
    result = clean_text(article(title, title, "摘要:新一代信息通信技术的蓬勃发展,助推传统政府转型。"))
    assert result.title == title
    assert title not in result.text
    assert result.removed["duplicate_lines"] == 1


def test_leading_names_line_becomes_authors_and_title_is_derived() -> None:
    body = "日新月異的信息技術推動著社會各個領域從原有的物理空間向著網絡空間數字化轉型,不僅變革著生產形式。"
    result = clean_text(article("黃 未 陳加友", body))
    assert result.authors == ["黃未", "陳加友"]
    assert result.title_derived is True
    # The opening clause is longer than 28 characters, so it is cut with an ellipsis.
    assert result.title == "日新月異的信息技術推動著社會各個領域從原有的物理空間向著…"
    assert result.text == body


def test_short_opening_clause_is_the_derived_title_untruncated() -> None:
    result = clean_text("数字政府建设加速推进,成效显著。")
    assert result.title == "数字政府建设加速推进"
    assert result.title_derived is True
    assert result.text == "数字政府建设加速推进,成效显著。"


def test_title_line_is_taken_out_of_the_body() -> None:
    result = clean_text(article("", TITLE, "", PARA_T))
    assert result.title == TITLE and result.title_derived is False
    assert result.text == PARA_T


def test_numbered_heading_or_abstract_is_not_taken_as_title() -> None:
    for first in ("一、跨界治理:数字政府建设研究的新视角", "摘要:数字政府建设"):
        result = clean_text(article(first, PARA_S))
        assert result.text.startswith(first)
        assert result.title_derived is True


def test_paragraph_broken_mid_sentence_is_rejoined() -> None:
    head = "当前，全球政府数字化浪潮风起云涌。大数据、人工智能、区块链等颠覆性技术嵌入政府治理全流程，重构政府的"
    tail = "思维理念、治理结构与运行方式，助推政府全方位变革。"
    result = clean_text(article(TITLE, head, tail, "", PARA_S))
    assert result.text == head + tail + "\n\n" + PARA_S
    assert result.removed["rejoined_lines"] == 1


def test_complete_paragraphs_and_headings_are_not_joined() -> None:
    lines = [PARA_S, "一、数字政府的发展历程", PARA_T, "发展阶段与主要特征"]
    result = clean_text(article(TITLE, *lines))
    assert result.text.split("\n") == lines
    assert "rejoined_lines" not in result.removed


def test_spaces_line_endings_and_blank_runs_are_normalised() -> None:
    raw = TITLE + "\r\n\r\n\r\n\u3000\u3000" + PARA_S + "\u00a0 \r\n\n\n\n" + "\ufeff" + PARA_T + "\r\n"
    result = clean_text(raw)
    assert result.text == PARA_S + "\n\n" + PARA_T


def test_keywords_are_read_but_stay_in_the_text() -> None:
    line = "關鍵詞:政府治理 數字賦能 數字政府 公共價值"
    result = clean_text(article(TITLE, line, PARA_T))
    assert result.keywords == ["政府治理", "數字賦能", "數字政府", "公共價值"]
    assert line in result.text


@pytest.mark.parametrize(("body", "script"), [(PARA_T, "traditional"), (PARA_S, "simplified")])
def test_script_is_detected(body: str, script: str) -> None:
    assert clean_text(article(TITLE, body)).script == script


def test_nothing_left_gives_empty_text() -> None:
    result = clean_text(article(SPAM_LINE, "網站首頁 | 網站地圖", "上一篇:某镇申报材料"))
    assert result.text == ""
    assert result.title == ""


# --- properties over generated articles ------------------------------------------------------

# Real words (both scripts) and random characters. 久久为功 and 精品工程 each hit one spam
# term, so joined prose lines can hold two.
WORDS = [
    "数字政府", "數字政府", "治理能力", "現代化", "一网通办", "数据烟囱", "公共价值", "跨界治理",
    "信息技術", "政务服务", "久久为功", "精品工程", "社会质量", "部門協同", "人民群众",
]


# Ordinary characters of both scripts, without those of the spam terms (国, 产, 精, 品, …).
_SPAM_CHARS = set("在线观看免费影院毛片精品一区二区视频无码色情伊人久成影国产")
COMMON_CHARS = [
    c
    for c in "政府治理数字化转型服务公共价值建设发展社会经济信息技术平台据享安全部门协同创新"
    "制度体系能力现代人民群众需求與關係為網絡統籌規劃務數據體發創協調應對機構職責"
    if c not in _SPAM_CHARS
]


def paragraphs_from(words: list[str]):
    token = st.sampled_from(words + COMMON_CHARS + ["，"])
    sentence = st.lists(token, min_size=2, max_size=14).map(lambda t: "".join(t).strip("，") + "。")
    return st.lists(sentence, min_size=1, max_size=3).map("".join)


@st.composite
def generated_article(draw, with_debris: bool, words: list[str] = WORDS):
    """Lines of an article: paragraphs (some broken mid-sentence), blanks, optional debris."""
    paragraphs = draw(st.lists(paragraphs_from(words), min_size=1, max_size=5, unique=True))
    lines: list[str] = []
    for index, text in enumerate(paragraphs):
        if index and len(text) > 4 and draw(st.booleans()):
            cut = draw(st.integers(1, len(text) - 2))
            while text[cut - 1] in "。，":
                cut -= 1
            lines += [text[:cut], text[cut:]]  # broken by the scraper mid-sentence
        else:
            lines.append(text)
        lines += [""] * draw(st.integers(0, 2))
        if with_debris and draw(st.booleans()):
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            SPAM_LINE,
                            "網站首頁 | 網站地圖",
                            "上一篇:某镇创市“先进乡镇”申报材料",
                            "【中圖分類號】D63 【文獻標識碼】A",
                            "責編:馮一帆/美編:王嘉騏",
                            "  发布时间:2022-05-12 11:01   来源:城市怎么办",
                        ]
                    )
                )
            )
    indent = draw(st.sampled_from(["", "\u3000\u3000", "  "]))
    return paragraphs, [indent + line if line else line for line in lines]


@settings(max_examples=60, deadline=None)
@given(generated_article(with_debris=True), st.booleans())
def test_cleaning_is_idempotent(generated, with_title: bool) -> None:
    _, lines = generated
    raw = "\n".join(([TITLE, ""] if with_title else []) + lines)
    once = clean_text(raw)
    again = clean_text(once.text)
    assert again.text == once.text
    assert again.removed == {}
    if with_title:
        assert once.title == TITLE and not once.title_derived
    for debris in ("毛片", "網站首頁", "上一篇", "分類號", "責編", "发布时间"):
        assert debris not in once.text


# A line without 。 holding two spam terms is keyword spam by design, and a fragment of a
# paragraph broken before its 。 has none, so here only one spam-term word is offered.
ONE_SPAM_WORD = [w for w in WORDS if w != "精品工程"]


@settings(max_examples=60, deadline=None)
@given(generated_article(with_debris=True, words=ONE_SPAM_WORD))
def test_cleaning_keeps_every_character_of_ordinary_paragraphs(generated) -> None:
    paragraphs, lines = generated
    result = clean_text("\n".join(lines))
    expected = CJK_RE.findall("".join(paragraphs))
    # Debris is gone, so the characters left are exactly the paragraphs', in order.
    assert CJK_RE.findall(result.text) == expected
    assert result.title_derived


# --- the real seeds ---------------------------------------------------------------------------

READING_RE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
FORBIDDEN = ("上一篇", "下一篇", "毛片", "網站首頁", "責任編輯", "审核:", "中圖分類號")


@pytest.fixture(scope="module")
def seeds():
    result = load_documents(SEEDS)
    assert result.errors == ()
    return {d.doc_id[:3]: d for d in result.documents}


def test_seed_chunks_hold_no_debris(seeds) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003"]
    for key, document in seeds.items():
        for chunk in chunk_document(document):
            assert not READING_RE.search(chunk.text), (key, chunk.text)
            assert not re.search(r"[\ue000-\uf8ff]", chunk.text), (key, chunk.text)
            for word in FORBIDDEN:
                assert word not in chunk.text, (key, word)
            if key == "003":
                assert not re.search(r"[\u4e00-\u9fff]\?|\?[\u4e00-\u9fff]", chunk.text), chunk.text


def test_seed_003_readings_and_remnants_are_counted(seeds) -> None:
    removed = dict(seeds["003"].removed)
    assert removed["pinyin_readings"] > 1000
    assert removed["pinyin_remnants"] == 10
    assert removed["spam_lines"] == 1
    assert "数字政府" in seeds["003"].text or "數字政府" in seeds["003"].text


def test_seed_002_keeps_its_legitimate_question_mark(seeds) -> None:
    assert "实现互联互通?" in seeds["002"].text


def test_seed_000_authors_and_derived_title(seeds) -> None:
    doc = seeds["000"]
    assert doc.authors == ("黃未", "陳加友")
    assert doc.title_derived is True
    assert doc.title.startswith("日新月異的信息技術")
    assert not doc.text.startswith("黃")
    assert doc.script == "traditional"


def test_seed_001_byline_metadata(seeds) -> None:
    doc = seeds["001"]
    assert doc.title == "社会质量视角下数字政府发展的现实困境与优化路径"
    assert doc.date == "2022-05-12 11:01"
    assert doc.source == "城市怎么办"
    assert doc.authors == ("沈费伟",)
    assert doc.editors == ("陈俊男",)
    assert doc.reviewers == ("毛燕武",)
    assert "毛燕武" not in doc.text and "沈费伟" not in doc.text
    assert doc.script == "simplified"


def test_seed_002_title_once_and_not_in_body(seeds) -> None:
    doc = seeds["002"]
    assert doc.title == "跨界治理理论与数字政府建设探讨"
    assert doc.title_derived is False
    assert doc.title not in doc.text
    assert doc.text.startswith("摘要:")


def test_seed_003_source_title_and_editors(seeds) -> None:
    doc = seeds["003"]
    assert doc.source == "人民論壇網·國家治理網"
    assert doc.title == "政府治理的數字化轉型優化策略"
    assert doc.editors == ("馮一帆", "王嘉騏", "張宏莉")
    assert doc.keywords == ("政府治理", "數字賦能", "數字政府", "公共價值")
    assert doc.script == "traditional"


_LINES = st.lists(
    st.one_of(
        st.just(""),
        st.just("作者:沈费伟   编辑:陈俊男"),
        st.just("首页 > 正文"),
        st.just("一、总体要求"),
        st.text(alphabet="数字政府建设，。治理 abc(shù)?\u3000", min_size=1, max_size=120),
    ),
    max_size=12,
)


@given(_LINES)
@settings(max_examples=200, deadline=None)
def test_every_cleaned_line_knows_the_raw_line_it_starts_with(lines: list[str]) -> None:
    """`line_origins` lets loaders carry headings and PDF pages through cleaning."""
    from rag.ingest.annotations import strip_annotations

    raw = "\n".join(lines)
    cleaned = clean_text(raw)
    out = cleaned.text.split("\n") if cleaned.text else []
    assert len(cleaned.line_origins) == len(out)
    stripped = strip_annotations(raw)[0].split("\n")
    for line, origin in zip(out, cleaned.line_origins):
        if not line:
            assert origin == -1
            continue
        source = " ".join(stripped[origin].replace("\u3000", " ").split())
        assert line.startswith(source.strip()[:1])
        assert re.sub(r"\s", "", line).startswith(re.sub(r"\s", "", source))


def test_line_origins_skip_the_title_and_bylines() -> None:
    cleaned = clean_text("标题一行\n作者:沈费伟\n\n第一段正文内容。\n\n第二段正文内容。\n")
    assert cleaned.text == "第一段正文内容。\n\n第二段正文内容。"
    assert cleaned.line_origins == [3, -1, 5]
