"""The grounding guard: every generated sentence must be backed by the passages it cites.

Splits a model's answer into sentences, reads each sentence's [n] markers, and checks it
against the cited passages with the same support judge as the evaluation suite. Sentences
without a valid citation or without support (including numbers and names missing from the
cited passages) are removed, or kept and marked when `mode == "mark"`. If nothing supported
remains, the answer becomes the fixed refusal.
"""

from __future__ import annotations

import re

from rag.answer.base import refusal
from rag.answer.prompts import GUARD_MARK, REFUSAL
from rag.answer.support import SUPPORT_THRESHOLD, judge, support_score
from rag.ingest.chunk import chunk_slice, sentence_spans
from rag.ingest.normalize import normalize_for_match
from rag.ingest.sentences import split_sentences
from rag.types import Answer, AnswerSentence, Citation, Hit

GUARD_MODES = ("mark", "remove")
_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]")
_REFUSAL_VIEW = normalize_for_match(REFUSAL).rstrip("。.")


def parse_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Sentences of a generated answer with the citation numbers found in each."""
    out = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        numbers: list[int] = []
        for match in _MARKERS.finditer(sentence):
            numbers += [int(n) for n in re.split(r"\s*[,，、]\s*", match.group(1))]
        clean = " ".join(_MARKERS.sub("", sentence).split())
        if clean.strip("。！？!?；;，, "):
            out.append((clean, tuple(dict.fromkeys(numbers))))
        elif numbers and out:  # markers that the splitter left alone after a full stop
            previous, cited = out[-1]
            out[-1] = (previous, tuple(dict.fromkeys(cited + tuple(numbers))))
    return out


def best_span(sentence: str, chunk) -> tuple[int, int] | None:
    """The chunk sentence that best supports `sentence`, for highlighting the citation."""
    best, best_score = None, 0.0
    for start, end in sentence_spans(chunk):
        score = support_score(sentence, [chunk_slice(chunk, start, end)])
        if score > best_score:
            best, best_score = (start, end), score
    return best


def is_refusal(text: str) -> bool:
    return _REFUSAL_VIEW in normalize_for_match(text)


def guard_answer(
    question: str,
    text: str,
    hits: list[Hit],
    generator: str,
    mode: str = "remove",
    threshold: float = SUPPORT_THRESHOLD,
) -> Answer:
    """Check a generated answer against the passages (`hits[n-1]` is passage n)."""
    if mode not in GUARD_MODES:
        raise ValueError(f"unknown guard mode {mode!r}; choose one of {sorted(GUARD_MODES)}")
    if not text.strip() or is_refusal(text):
        return refusal(question, hits, generator)
    kept: list[tuple[str, tuple[int, ...], bool]] = []
    removed: list[tuple[str, str]] = []
    for sentence, numbers in parse_sentences(text):
        valid = tuple(n for n in numbers if 1 <= n <= len(hits))
        if not numbers:
            reason = "没有引用"
        elif len(valid) < len(numbers):
            reason = "引用了不存在的资料编号"
        else:
            verdict = judge(sentence, [hits[n - 1].chunk.text for n in valid], threshold)
            if verdict.supported:
                kept.append((sentence, valid, True))
                continue
            reason = "缺少依据：" + "、".join(verdict.missing) if verdict.missing else "所引资料不支持"
        removed.append((sentence, reason))
        if mode == "mark" and valid:
            kept.append((sentence, valid, False))
    if not any(supported for _, _, supported in kept):
        return refusal(question, hits, generator, removed=removed)
    # Renumber citations 1..k in order of first appearance.
    numbering: dict[int, int] = {}
    for _, numbers, _ in kept:
        for n in numbers:
            numbering.setdefault(n, len(numbering) + 1)
    sentences = tuple(
        AnswerSentence(
            text=sentence + ("" if supported else GUARD_MARK),
            citations=tuple(numbering[n] for n in numbers),
            supported=supported,
        )
        for sentence, numbers, supported in kept
    )
    spans: dict[int, list[tuple[int, int]]] = {}
    for sentence, numbers, _ in kept:
        for n in numbers:
            span = best_span(sentence, hits[n - 1].chunk)
            if span and span not in spans.setdefault(n, []):
                spans[n].append(span)
    citations = tuple(
        Citation(n=new, chunk=hits[old - 1].chunk, spans=tuple(spans.get(old, ())))
        for old, new in numbering.items()
    )
    body = "".join(s.text + "".join(f"[{n}]" for n in s.citations) for s in sentences)
    return Answer(
        question=question,
        text=body,
        refused=False,
        sentences=sentences,
        citations=citations,
        generator=generator,
        removed=tuple(removed),
    )
