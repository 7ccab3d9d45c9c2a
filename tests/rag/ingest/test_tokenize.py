"""Corpus terms for jieba, and tokenisation of the normalised view."""

from __future__ import annotations

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.normalize import to_traditional
from rag.ingest.tokenize import STOPWORDS, Tokenizer, extract_terms

pytestmark = pytest.mark.unit

CORPUS = [
    "贵州省“一云一网一平台”、推进政务服务“一网通办”，打破“数据烟囱”。",
    "可制定《數字政府治理法》為數字政府治理提供針對性指導，消除「信息孤島」。",
    "他说“加强，建设”和“一”以及“这是一个超过十二个字符的很长很长的引语”。",
]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(extract_terms(CORPUS)).load()


@pytest.fixture(scope="module")
def plain() -> Tokenizer:
    return Tokenizer().load()


def test_extract_terms_normalises_and_filters() -> None:
    assert extract_terms(CORPUS) == ["一云一网一平台", "一网通办", "信息孤岛", "数字政府治理法", "数据烟囱"]


def test_extract_terms_of_nothing() -> None:
    assert extract_terms([]) == []
    assert extract_terms(["没有引号的句子。"]) == []


def test_corpus_terms_are_kept_whole(tokenizer: Tokenizer, plain: Tokenizer) -> None:
    tokens = tokenizer.tokenize("推进一网通办，打破数据烟囱")
    assert "一网通办" in tokens and "数据烟囱" in tokens
    # Without the corpus terms jieba cuts them apart.
    cut = plain.tokenize("推进一网通办，打破数据烟囱")
    assert "一网通办" not in cut and "数据烟囱" not in cut


def test_traditional_input_tokenises_like_simplified(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokenize("數據煙囪") == tokenizer.tokenize("数据烟囱")
    assert "数据烟囱" in tokenizer.tokenize("數據煙囪")
    assert tokenizer.tokenize("推進一網通辦，打破數據煙囪。") == tokenizer.tokenize("推进一网通办，打破数据烟囱。")


def test_stopwords_and_punctuation_are_removed(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("请问，数字政府的建设是什么？有哪些挑战？")
    assert "数字" in tokens and "政府" in tokens and "挑战" in tokens
    assert not set(tokens) & STOPWORDS
    assert not [t for t in tokens if t in "，？。 "]
    assert {"的", "是", "什么", "请问", "哪些"} <= STOPWORDS


def test_latin_and_digits_are_folded_and_kept(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("ＡＩ赋能，２０２２年")
    assert "ai" in tokens and "2022" in tokens


def test_tokenize_before_load_raises() -> None:
    with pytest.raises(RuntimeError, match="load"):
        Tokenizer(["数据烟囱"]).tokenize("数据烟囱")


def test_load_is_idempotent_and_terms_do_not_leak(tokenizer: Tokenizer, plain: Tokenizer) -> None:
    assert tokenizer.load() is tokenizer
    assert tokenizer.terms == tuple(sorted(set(extract_terms(CORPUS))))
    # Another tokenizer and the global jieba do not learn this tokenizer's terms.
    assert "数据烟囱" not in plain.tokenize("打破数据烟囱")
    assert "数据烟囱" not in jieba.lcut("打破数据烟囱")


WORDS = ["数字政府", "数据烟囱", "一网通办", "治理能力现代化", "跨部门协同", "建设", "的", "，", "公共服务"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10))
def test_scripts_give_the_same_tokens(tokenizer: Tokenizer, words: list[str]) -> None:
    simplified = "".join(words)
    tokens = tokenizer.tokenize(to_traditional(simplified))
    assert tokens == tokenizer.tokenize(simplified)
    assert not set(tokens) & STOPWORDS
