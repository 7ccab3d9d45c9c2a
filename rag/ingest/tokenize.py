"""jieba tokenisation of the normalised view, with the corpus's own terms kept whole."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from rag.ingest.normalize import normalize_for_match

_QUOTED = re.compile(r"[“\"「『]([^”\"」』\s]{2,12})[”\"」』]")
_BOOK_TITLE = re.compile(r"《([^》\s]{2,30})》")
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")

# Function words and question words: they carry no topic, and a question is full of them.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 是 在 对 等 为 以 而 并 也 都 就 将 把 被 从 由 于 其 之 这 那 有 中 上 下
    个 着 过 一 不 又 还 要 能 会 可 该 各 此 所 则 即 但 因 如 向 到 给 让 使 与其 以及 并且 而且
    什么 哪些 哪个 哪 谁 如何 怎样 怎么 为什么 为何 多少 几 吗 呢 吧 啊 么 请问 请 问 是否 有没有
    本文 提到 指出 认为 谈到 讲 说 这篇 一篇 文中 里 主要 哪里 何 何时 哪年 什么样
    """.split()
)


def extract_terms(texts: Iterable[str]) -> list[str]:
    """The corpus's quoted terms and 《book titles》, normalised, for jieba's dictionary."""
    terms: set[str] = set()
    for text in texts:
        view = normalize_for_match(text)
        for pattern in (_QUOTED, _BOOK_TITLE):
            terms.update(m.group(1) for m in pattern.finditer(view))
    return sorted(t for t in terms if not re.search(r"[，。、；：,.;:]", t))


class Tokenizer:
    """Cuts normalised text with jieba's search mode; `load()` builds the dictionary.

    Uses a private `jieba.Tokenizer`, so the user terms of one index never leak into
    another, and the global jieba state is untouched.
    """

    CACHE_TEXTS = 20_000  # texts whose tokens are kept: serving re-reads the same passages

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms = tuple(sorted(set(terms)))
        self._jieba = None
        self._cached = None

    def load(self) -> "Tokenizer":
        if self._jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for term in self.terms:
                tokenizer.add_word(term, freq=tokenizer.suggest_freq(term, tune=False) + 1000)
            self._jieba = tokenizer
            self._cached = lru_cache(maxsize=self.CACHE_TEXTS)(self._cut)
        return self

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens of the normalised text, without punctuation and stopwords.

        Results are cached per text (the answerability gate reads the same retrieved
        passages for question after question, and jieba is most of its time)."""
        if self._cached is None:
            raise RuntimeError("Tokenizer.load() must be called before tokenize()")
        return list(self._cached(text))

    def _cut(self, text: str) -> tuple[str, ...]:
        """The uncached work of `tokenize`."""
        tokens = self._jieba.lcut_for_search(normalize_for_match(text))
        return tuple(t for t in tokens if _WORDLIKE.search(t) and t.strip() and t not in STOPWORDS)
