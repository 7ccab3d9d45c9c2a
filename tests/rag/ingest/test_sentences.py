"""split_sentences and split_long: exact offsets into the text they were given."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.sentences import split_long, split_sentences

pytestmark = pytest.mark.unit


def texts(text: str, spans: list[tuple[int, int]], offset: int = 0) -> list[str]:
    return [text[s - offset : e - offset] for s, e in spans]


def test_splits_at_full_and_half_width_terminals() -> None:
    text = "数字政府建设加速推进。成效显著！如何评价？继续努力；下一步!再问?"
    assert texts(text, split_sentences(text)) == [
        "数字政府建设加速推进。", "成效显著！", "如何评价？", "继续努力；", "下一步!", "再问?",
    ]


def test_closing_quotes_and_footnote_markers_stay_with_their_sentence() -> None:
    text = "會議強調“推進數字政府建設。”[1]此後各地紛紛行動。他說：「好。」』再見"
    assert texts(text, split_sentences(text)) == [
        "會議強調“推進數字政府建設。”[1]", "此後各地紛紛行動。", "他說：「好。」』", "再見",
    ]


def test_quote_without_terminal_does_not_end_a_sentence() -> None:
    text = "提出要“加强数字社会建设”[1],强调了现代化的必由之路。"
    assert texts(text, split_sentences(text)) == [text]


def test_runs_of_terminals_and_ellipsis() -> None:
    text = "真的吗？！……是的。"
    assert texts(text, split_sentences(text)) == ["真的吗？！……", "是的。"]


def test_line_breaks_end_sentences_and_blanks_are_skipped() -> None:
    text = "  一、总体要求\n\n\u3000\u3000数字政府建设。 \n最后一行"
    spans = split_sentences(text)
    assert texts(text, spans) == ["一、总体要求", "数字政府建设。", "最后一行"]
    assert spans[0] == (2, 8)


def test_offset_shifts_every_span() -> None:
    text = "第一句。第二句。"
    assert split_sentences(text, offset=100) == [(100, 104), (104, 108)]
    assert texts(text, split_sentences(text, 100), 100) == ["第一句。", "第二句。"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\u3000"])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_split_long_keeps_a_short_span_whole() -> None:
    text = "前言，数字政府，建设。"
    assert split_long(text, 0, len(text), 20) == [(0, len(text))]
    assert split_long(text, 3, 8, 5) == [(3, 8)]


def test_split_long_cuts_after_clause_punctuation() -> None:
    text = "甲乙丙丁，戊己庚辛、壬癸子丑：寅卯辰巳。"
    assert texts(text, split_long(text, 0, len(text), 10)) == ["甲乙丙丁，戊己庚辛、", "壬癸子丑：寅卯辰巳。"]


def test_split_long_hard_cuts_an_over_long_clause() -> None:
    text = "甲" * 25 + "，乙。"
    pieces = split_long(text, 0, len(text), 10)
    assert pieces == [(0, 10), (10, 20), (20, 28)]


def test_split_long_respects_start_offset() -> None:
    text = "前文。" + "甲乙丙，丁戊己，庚辛壬。"
    pieces = split_long(text, 3, len(text), 5)
    assert texts(text, pieces) == ["甲乙丙，", "丁戊己，", "庚辛壬。"]


# --- properties -----------------------------------------------------------------------------

ALPHABET = list("数字政府建设治理數據體系甲乙") + list("。！？；!?;…”」）)") + ["[1]", "\n", " ", "\u3000", "，"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join), st.integers(0, 1000))
def test_sentence_spans_are_exact_ordered_and_cover_all_text(text: str, offset: int) -> None:
    spans = split_sentences(text, offset)
    covered = set()
    previous_end = offset
    for start, end in spans:
        assert previous_end <= start < end <= offset + len(text)
        piece = text[start - offset : end - offset]
        assert piece == piece.strip() and "\n" not in piece
        covered.update(range(start - offset, end - offset))
        previous_end = end
    # Nothing but whitespace falls between sentences.
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(list("数字政府建设治理甲乙") + ["，", "、", "：", ","]), min_size=1, max_size=80).map("".join),
    st.integers(1, 30),
    st.data(),
)
def test_split_long_pieces_tile_the_span_within_max_chars(text: str, max_chars: int, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    pieces = split_long(text, start, end, max_chars)
    assert pieces[0][0] == start and pieces[-1][1] == end
    for (_, a_end), (b_start, _) in zip(pieces, pieces[1:]):
        assert a_end == b_start
    for piece_start, piece_end in pieces:
        assert 0 < piece_end - piece_start <= max_chars
    for piece_start, piece_end in pieces[:-1]:
        # A cut falls after clause punctuation, or is a hard cut of a full-length piece.
        assert text[piece_end - 1] in "，、：," or piece_end - piece_start == max_chars
