"""strip_annotations: scraper pinyin readings and lost-glyph remnants (shapes from seed 003)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.annotations import AnnotationReport, strip_annotations

pytestmark = pytest.mark.unit

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def strip(text: str) -> str:
    return strip_annotations(text)[0]


# --- readings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "readings"),
    [
        # Traditional characters with readings, as on the seed 003 mirror.
        ("網(wǎng)站首頁(yè)", "網站首頁", 2),
        ("推動(dòng)政府治理數(shù)字化轉(zhuǎn)型", "推動政府治理數字化轉型", 3),
        # Simplified text with a reading, and ü / ǚ syllables.
        ("数(shù)字政府", "数字政府", 1),
        ("法律(lǜ)保障与女(nǚ)性", "法律保障与女性", 2),
        # A reading after a CJK compatibility ideograph (U+F900 block).
        ("\uf900(gēng)", "\uf900", 1),
    ],
)
def test_readings_are_removed_and_counted(raw: str, expected: str, readings: int) -> None:
    text, report = strip_annotations(raw)
    assert text == expected
    assert report == AnnotationReport(readings=readings, remnants=0)


# --- lost-glyph remnant clusters (verbatim shapes from seed 003) ---------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # `?reading)` pairs: the glyph is lost, only its reading is left.
        ("提升政府?dāng)?shù)字化治理能力", "提升政府字化治理能力"),
        # Loose `?`, `;` and a private-use code point from mis-aligned GBK bytes.
        ("面臨著諸多挑戰與問題?;\ue2c4诖?,本文從價值導向", "面臨著諸多挑戰與問題,本文從價值導向"),
        # A reading glued to a Latin letter: `r(jià)`.
        ("強調政府治理的過程性?xún)r(jià)值。", "強調政府治理的過程性值。"),
        ("過程性r(jià)值", "過程性值"),
        # Garbled CJK between lost glyphs goes with the cluster.
        ("穆?tīng)栐凇秳?chuàng)造公共價值", "穆造公共價值"),
        ("闡釋?zhuān)\ue0cd\ue571?duì)數字政府", "闡釋數字政府"),
        # Several private-use code points joined by short gaps and a `?wù)` remnant.
        ("管理向?yàn)楣\ue06e娞峁└\ue3c5玫姆\ue848?wù)轉變", "管理向轉變"),
        # Box-drawing debris is a strong token too.
        ("治理\u2554\u2557能力", "治理能力"),
    ],
)
def test_remnant_clusters_are_removed_whole(raw: str, expected: str) -> None:
    text, report = strip_annotations(raw)
    assert text == expected
    assert report.remnants == 1


def test_remnants_and_readings_together_in_a_seed_sentence() -> None:
    raw = "但同時(shí)也面臨著諸多挑戰(zhàn)與問(wèn)題?;\ue2c4诖?,本文從價(jià)值導(dǎo)向"
    text, report = strip_annotations(raw)
    assert text == "但同時也面臨著諸多挑戰與問題,本文從價值導向"
    assert report == AnnotationReport(readings=5, remnants=1)


def test_a_comma_breaks_a_cluster_so_a_legit_question_mark_survives() -> None:
    # `?shù)` is a remnant; the `?` after the comma is in another cluster, with no strong
    # token, so it is prose and stays.
    text = strip("數(shù)據?shù)共享,是否可行?")
    assert text == "數據共享,是否可行?"


def test_nested_readings_do_not_survive_one_call() -> None:
    # A reading after a reading: once the first goes, the second follows a character.
    assert strip("字(zì)(zì)") == "字"
    # A remnant whose removal glues a Latin letter to a reading.
    assert strip("a\ue000(shù)字") == "字"


# --- non-interference ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "德勤(Deloitte)发布的报告",
        "德勤(deloitte)",  # lower-case Latin without tone marks is not a reading
        "(一)跨界治理与数字政府建设的理论联系",
        "（二）制度创新：数字政府建设的动态过程演绎",
        "统一标准，实现互联互通?",
        "数据能否实现互联互通?能否共享?",
        "推进数字政府建设？",
        "2022年(第6期)",
        "《南京大學學報(哲學·人文科學·社會科學)》",
        "5G+AI(人工智能)",
        "",
    ],
)
def test_legitimate_text_is_untouched(text: str) -> None:
    assert strip_annotations(text) == (text, AnnotationReport(0, 0))


def test_reading_without_a_preceding_character_is_kept() -> None:
    # Only a reading glued to a character is scraper debris; `拼音 (shù)` is prose.
    assert strip("拼音 (shù) 的写法") == "拼音 (shù) 的写法"


# --- properties -----------------------------------------------------------------------------

cjk_chars = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese_punctuation = st.sampled_from(list("，。、；：！？“”‘’《》（）—…「」『』【】·"))

syllable = st.one_of(
    st.sampled_from(["shù", "zì", "wǎng", "guó", "jià", "zhuǎn", "yè", "lǜ", "nǚ", "dāng", "chuàng"]),
    st.builds(
        lambda head, tone, tail: head + tone + tail,
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzü", max_size=3),
        st.sampled_from(list(TONED)),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=2),
    ),
)
reading = syllable.map(lambda s: f"({s})")

# Everything the stripper reacts to, mixed with ordinary text.
messy_piece = st.one_of(
    cjk_chars,
    chinese_punctuation,
    reading,
    syllable.map(lambda s: f"?{s})"),
    st.sampled_from(["?", "?", "(", ")", ",", " ", "\n", ";", "r", "a", "Deloitte", "(一)"]),
    st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
    st.characters(min_codepoint=0x2500, max_codepoint=0x257F),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(messy_piece, max_size=40).map("".join))
def test_strip_is_idempotent(text: str) -> None:
    once = strip(text)
    twice, report = strip_annotations(once)
    assert twice == once
    assert report == AnnotationReport(0, 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(cjk_chars, chinese_punctuation), max_size=80).map("".join))
def test_plain_chinese_text_is_returned_unchanged(text: str) -> None:
    assert strip_annotations(text) == (text, AnnotationReport(0, 0))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(cjk_chars, st.one_of(st.none(), reading), st.sampled_from(["", "", "，", "。", "、"])),
        min_size=1,
        max_size=30,
    )
)
def test_interleaved_readings_are_removed_and_no_character_is_lost(pieces) -> None:
    annotated = "".join(c + (r or "") + p for c, r, p in pieces)
    expected = "".join(c + p for c, _, p in pieces)
    text, report = strip_annotations(annotated)
    assert text == expected
    assert CJK_RE.findall(text) == [c for c, _, _ in pieces]
    assert report == AnnotationReport(readings=sum(r is not None for _, r, _ in pieces), remnants=0)
