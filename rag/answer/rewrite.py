"""Multi-turn questions: a follow-up such as "那广东是怎么做的？" gets the topic of the turn before.

Deterministic rules, no model: a question is a follow-up when it opens with a connective or a
pronoun (那, 那么, 还有, 它, 他们, 这个, 该 …), is very short (or short and ends in 呢), or
names no topic of its own. Its topic then comes from the latest earlier question that was not
itself a follow-up (so a chain of follow-ups keeps the first topic), and the rewrite is
"<topic terms> <follow-up without its connective>".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from rag.ingest.normalize import detect_script, normalize_for_match, to_traditional
from rag.ingest.tokenize import STOPWORDS

# Openers that only make sense after an earlier question (longest first).
CONNECTIVES = ("那么", "那", "还有", "另外", "此外", "而且", "并且", "然后", "同时", "而")
PRONOUNS = (
    "它们", "他们", "她们", "它", "他", "她", "其", "这个", "这些", "这种", "这项", "这方面",
    "这里", "这", "那个", "那些", "那里", "该", "此", "上述", "前者", "后者",
)
# Words that ask how/what but name no topic: "怎么做的", "具体情况呢".
GENERIC = frozenset(
    """
    做 做的 怎么做 如何做 做法 情况 具体 具体地 方面 内容 样 样子 回事 意思 呢 啊 吗 办
    具体来说 进一步 详细 详细说说 说说 介绍 介绍一下 一下 还 又 再 地方 问题 方法
    """.split()
)
SHORT_CHARS = 4  # a question of at most this many word characters is a follow-up
TAIL_CHARS = 10  # ... and so is one of at most this many that ends in 呢 ("浙江的情况呢？")
MAX_TOPIC_TERMS = 6

_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_TRIM = re.compile(r"^[\s，,。：:、；;]+")

Tokenize = Callable[[str], list[str]]


@lru_cache(maxsize=1)
def _default_jieba():
    """jieba's default dictionary, built on first use (not at import)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def default_tokenize(text: str) -> list[str]:
    """Precise-mode jieba words of the normalised (Simplified, folded, lower-case) text."""
    return _default_jieba().lcut(normalize_for_match(text))


def content_terms(question: str, tokenize: Tokenize = default_tokenize) -> list[str]:
    """The question's topic words: no stopwords, pronouns, generic or one-character words."""
    skip = STOPWORDS | GENERIC | set(PRONOUNS) | set(CONNECTIVES)
    terms = [
        t.strip()
        for t in tokenize(question)
        if _WORD.search(t) and t.strip() and t.strip() not in skip and len(t.strip()) > 1
    ]
    return list(dict.fromkeys(terms))


def _word_chars(text: str) -> int:
    """How many letters, digits and CJK characters `text` has."""
    return len(_WORD.findall(text))


def strip_connective(question: str) -> str:
    """The question without a leading connective such as 那 / 那么 / 还有."""
    text = question.strip()
    folded = normalize_for_match(text)  # 還有 → 还有; these openers keep their length
    for word in CONNECTIVES:
        if folded.startswith(word) and len(text) > len(word):
            return _TRIM.sub("", text[len(word) :])
    return text


def is_follow_up(question: str, tokenize: Tokenize = default_tokenize) -> bool:
    """Whether `question` leans on an earlier turn (opener, very short, or no topic)."""
    text = normalize_for_match(question).strip()
    if text.startswith(CONNECTIVES) or text.startswith(PRONOUNS):
        return True
    size = _word_chars(text)
    if size <= SHORT_CHARS or (size <= TAIL_CHARS and text.rstrip("？?。.！! ").endswith("呢")):
        return True
    return not content_terms(question, tokenize)


def topic_terms(history: Sequence[str], tokenize: Tokenize = default_tokenize) -> list[str]:
    """Topic words of the latest earlier question that was not itself a follow-up."""
    for earlier in reversed(history):
        if not earlier or not earlier.strip():
            continue
        if not is_follow_up(earlier, tokenize):
            return content_terms(earlier, tokenize)
    # Only follow-ups so far: take whatever topic the most recent one names.
    for earlier in reversed(history):
        terms = content_terms(earlier or "", tokenize)
        if terms:
            return terms
    return []


def _most_specific(terms: list[str], limit: int = MAX_TOPIC_TERMS) -> list[str]:
    """The `limit` longest terms (earlier first among equals), kept in their original order."""
    keep = set(sorted(range(len(terms)), key=lambda i: (-len(terms[i]), i))[:limit])
    return [t for i, t in enumerate(terms) if i in keep]


def rewrite_question(
    question: str,
    history: Sequence[str],
    tokenize: Tokenize = default_tokenize,
    max_chars: int | None = None,
) -> str:
    """`question` made self-contained using the earlier questions in `history` (oldest first).

    Standalone questions come back unchanged (whitespace-trimmed); so does a follow-up when
    there is no earlier topic, or when the rewrite would exceed `max_chars`.
    """
    text = question.strip()
    if not history or not text or not is_follow_up(text, tokenize):
        return text
    own = set(content_terms(text, tokenize))
    topic = _most_specific([t for t in topic_terms(history, tokenize) if t not in own])
    if not topic:
        return text
    prefix = " ".join(topic)
    if detect_script(text) == "traditional":
        prefix = to_traditional(prefix)
    rewritten = f"{prefix} {strip_connective(text)}"
    if max_chars is not None and len(rewritten) > max_chars:
        return text
    return rewritten
