"""Answer-level metrics: key points, character F1, ROUGE-L, citation support, CRAG score."""

from __future__ import annotations

import re

from rag.answer.support import SUPPORT_THRESHOLD, content_chars, judge
from rag.ingest.normalize import normalize_for_match
from rag.types import Answer

_MARKER = re.compile(r"\[\d{1,3}\]")


def answer_body(answer: Answer) -> str:
    """The answer text without citation markers."""
    return _MARKER.sub("", answer.text)


def key_point_recall(answer_text: str, key_points: list[str]) -> float:
    """Share of key points present in the answer (normalised, script- and width-blind)."""
    if not key_points:
        return 0.0
    view = "".join(normalize_for_match(answer_text).split())
    return sum("".join(normalize_for_match(k).split()) in view for k in key_points) / len(key_points)


def char_f1(prediction: str, reference: str) -> float:
    """F1 over the multiset of content characters."""
    pred, ref = content_chars(prediction), content_chars(reference)
    if not pred or not ref:
        return 0.0
    counts: dict[str, int] = {}
    for c in ref:
        counts[c] = counts.get(c, 0) + 1
    common = 0
    for c in pred:
        if counts.get(c, 0) > 0:
            common += 1
            counts[c] -= 1
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F-measure over content characters (longest common subsequence)."""
    a, b = content_chars(prediction), content_chars(reference)
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    lcs = previous[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return 2 * precision * recall / (precision + recall)


def citation_judgements(answer: Answer, threshold: float = SUPPORT_THRESHOLD) -> list[dict]:
    """Per answer sentence: its citations, support score, missing facts, verdict.

    ALCE-style precision: a citation is needed when the sentence is supported by it alone,
    or when dropping it leaves the sentence unsupported.
    """
    passages = {c.n: c.chunk.text for c in answer.citations}
    out = []
    for sentence in answer.sentences:
        cited = [n for n in sentence.citations if n in passages]
        verdict = judge(sentence.text, [passages[n] for n in cited], threshold)
        needed = []
        for n in cited:
            alone = judge(sentence.text, [passages[n]], threshold).supported
            others = [passages[m] for m in cited if m != n]
            without = judge(sentence.text, others, threshold).supported if others else False
            needed.append(alone or (verdict.supported and not without))
        out.append(
            {
                "text": sentence.text,
                "citations": list(sentence.citations),
                "valid_citations": len(cited) == len(sentence.citations) and bool(cited),
                "support": round(verdict.score, 4),
                "missing": list(verdict.missing),
                "supported": verdict.supported,
                "needed": needed,
            }
        )
    return out


def crag_score(answerable: bool, refused: bool, correct: bool) -> int:
    """+1 correct (a refusal is correct for an unanswerable question), 0 refused, −1 otherwise."""
    if not answerable:
        return 1 if refused else -1
    if refused:
        return 0
    return 1 if correct else -1
