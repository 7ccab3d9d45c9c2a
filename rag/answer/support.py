"""A lexical support judge: is an answer sentence backed by the passages it cites?

Shared by the evaluation suite (citation recall/precision) and, for generated answers, the
grounding guard. Works on the normalised view, so script and width never matter:

* `score`: the share of the sentence's content-character bigrams that occur in the passages;
* `missing`: numbers and named things (《titles》, “terms”, Latin words) of the sentence that
  occur in none of the passages. A sentence is supported when its score reaches the
  threshold (calibrated on eval/support_labels.jsonl) and nothing is missing.

A list position ("1." "(2)" "③" "-") at the start of a sentence is not a fact, and a place
is found with or without its administrative suffix (广东省 in "广东…省长", 深圳 in 深圳市).
The grounding guard calls `judge` with one passage at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.ingest.normalize import normalize_for_match
from rag.text.question import fold_place

# Calibrated by `python -m eval.support_calibration` on the hand-labelled sample.
SUPPORT_THRESHOLD = 0.8

_STOP_CHARS = set("的了和与及或是在对等为以而并也都就将把被从由于其之这那有个着过又还要能会可该各此所则即但因如向到给让使吗呢吧啊么")
_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*%?|[〇一二三四五六七八九十百千万亿两]{2,}"
    r"|[一二三四五六七八九十两]+[个项种类级次位家条要维方点大]"
)
_PROPER_TAGS = ("nr", "ns", "nt", "nz")
_TITLE = re.compile(r"《([^》]{1,40})》")
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,20})[”\"」]")
_LATIN = re.compile(r"[a-z][a-z0-9+\-]{1,}")
# A list position or bullet opening a line: "1." "2、" "3)" "(4)" "（五）" "六、" "⑦" "-" "*"
# (not "1.5亿" or "2019年"), and Markdown emphasis or heading marks around it.
_LIST_MARKER = re.compile(
    r"^[\s#>*_]*(?:(?:[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|\d{1,2}\s*(?:[.．](?!\d)|[、)）])|[一二三四五六七八九十]{1,3}\s*、|[①-⑳]"
    r"|[-*+–—]+(?=\s)|[•·●▪◆■□])[\s*_]*)"
)
_EMPHASIS = re.compile(r"\*\*|__")


@dataclass(frozen=True)
class Judgement:
    score: float
    missing: tuple[str, ...]
    supported: bool


def starts_list_item(text: str) -> bool:
    """Whether `text` opens with a list position or bullet."""
    return _LIST_MARKER.match(text) is not None


def strip_list_marker(text: str) -> str:
    """`text` without a leading list position or bullet and without Markdown emphasis."""
    return _EMPHASIS.sub("", _LIST_MARKER.sub("", text, count=1)).strip()


def content_chars(text: str) -> str:
    """Normalised letters, digits and CJK characters, without function characters."""
    view = normalize_for_match(text)
    return "".join(c for c in view if c.isalnum() and c not in _STOP_CHARS)


def _bigrams(chars: str) -> list[str]:
    if len(chars) < 2:
        return [chars] if chars else []
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


def content_bigrams(text: str) -> set[str]:
    """The set of content-character bigrams of `text` (normalised, function characters out)."""
    return set(_bigrams(content_chars(text)))


def support_score(sentence: str, passages: list[str]) -> float:
    """Share of the sentence's content bigrams found in the passages (0 when none cited)."""
    grams = _bigrams(content_chars(sentence))
    if not grams:
        return 1.0
    pool = set()
    for passage in passages:
        pool.update(_bigrams(content_chars(passage)))
    return sum(g in pool for g in grams) / len(grams)


@lru_cache(maxsize=1)
def _pos_tagger():
    """A private jieba part-of-speech tagger, built on first use (about a second)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def proper_names(text: str) -> list[str]:
    """People, places, organisations and other proper nouns jieba recognises (2+ chars)."""
    return [w.word for w in _pos_tagger().cut(text) if w.flag in _PROPER_TAGS and len(w.word) >= 2]


def key_facts(sentence: str) -> list[str]:
    """Numbers and named things in a sentence (its list position aside), normalised."""
    return list(_key_facts(strip_list_marker(sentence)))


@lru_cache(maxsize=4096)
def _key_facts(sentence: str) -> tuple[str, ...]:
    view = normalize_for_match(sentence)
    facts = _NUMBER.findall(view) + _TITLE.findall(view) + _QUOTED.findall(view)
    facts += _LATIN.findall(view) + proper_names(view)
    return tuple(dict.fromkeys(f.strip() for f in facts if f.strip()))


def _found(fact: str, pool: str, pool_compact: str) -> bool:
    """Whether a fact occurs in the pool, spaces aside, a place also without its suffix."""
    compact = "".join(fact.split())
    return (
        fact in pool
        or compact in pool_compact
        or (len(fold_place(compact)) >= 2 and fold_place(compact) in pool_compact)
    )


def missing_facts(sentence: str, passages: list[str]) -> list[str]:
    """Key facts of the sentence that none of the passages contains."""
    pool = normalize_for_match("\n".join(passages))
    pool_compact = "".join(pool.split())
    return [f for f in key_facts(sentence) if not _found(f, pool, pool_compact)]


def judge(sentence: str, passages: list[str], threshold: float = SUPPORT_THRESHOLD) -> Judgement:
    """Support score, missing facts and the verdict for one sentence (its list position, if
    any, aside)."""
    sentence = strip_list_marker(sentence)
    if not passages:
        return Judgement(0.0, tuple(key_facts(sentence)), False)
    score = support_score(sentence, passages)
    missing = tuple(missing_facts(sentence, passages))
    return Judgement(score, missing, score >= threshold and not missing)
