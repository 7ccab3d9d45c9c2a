"""How strong the evidence for an answer is, and the refusal threshold on it.

The strength is a logistic model over features of the retrieved evidence:

* `sentence_coverage`: IDF-weighted share of the question's terms found in the best sentence;
* `passage_coverage`: the same share over the best passage;
* `similarity`: the best dense similarity between the question and a candidate sentence;
* `unknown_terms`: IDF-weighted share of question terms that occur nowhere in the corpus;
* `number_missing`: 1 when the question asks for a number or date and the best sentences
  hold none (the topic is there, the fact is not).

Weights and threshold are calibrated on `eval/dev.jsonl` (`python -m eval.calibrate`) and
stored in `EvidenceModel`'s defaults, so a change is a reviewed diff.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from rag.ingest.normalize import normalize_for_match
from rag.ingest.tokenize import Tokenizer

FEATURES = ("sentence_coverage", "passage_coverage", "similarity", "unknown_terms", "number_missing")

_ASKS_NUMBER = re.compile(r"多少|几[个项家次年月日种条位方面点大]|哪一?年|哪一?月|哪一?天|何时|什么时候|第几|比例|百分")
# Digits, or Chinese numerals other than a lone 一 (一种, 一个 are rarely the asked-for number).
_NUMBER = re.compile(
    r"\d|[〇二三四五六七八九十百千万亿两][个项家次年月日条%]|[〇一二三四五六七八九十百千万亿]{2,}|第[一二三四五六七八九十]"
)


def asks_for_number(question: str) -> bool:
    """Whether the question asks for a count, date or rank."""
    return bool(_ASKS_NUMBER.search(normalize_for_match(question)))


def has_number(text: str) -> bool:
    return bool(_NUMBER.search(normalize_for_match(text)))


def question_terms(tokenizer: Tokenizer, question: str) -> list[str]:
    """The question's content terms (search-mode tokens, stopwords removed), de-duplicated."""
    return list(dict.fromkeys(tokenizer.tokenize(question)))


def document_frequencies_to_idf(df: dict[str, int], documents: int) -> dict[str, float]:
    """BM25-style IDF, log(1 + (N - df + 0.5) / (df + 0.5))."""
    return {t: math.log(1 + (documents - n + 0.5) / (n + 0.5)) for t, n in df.items()}


@dataclass(frozen=True)
class EvidenceModel:
    """Scores sentences and decides whether the evidence supports answering at all."""

    # Fitted by `python -m eval.calibrate` on eval/dev.jsonl (83 questions, 16 unanswerable).
    weights: tuple[float, ...] = (0.3816, -0.3504, 22.6755, 0.7159, -0.8871)
    bias: float = -20.9503
    threshold: float = 0.4477
    # Semantic similarity (e5 cosines sit around 0.75–0.9) is centred before weighting.
    similarity_centre: float = 0.0
    unknown_idf: float = 6.0
    sentence_weights: tuple[float, float, float] = (1.0, 1.0, 0.3)  # lexical, semantic, prior

    def sentence_score(self, lexical: float, semantic: float, prior: float) -> float:
        lex, sem, pri = self.sentence_weights
        return lex * lexical + sem * max(0.0, semantic - self.similarity_centre) + pri * prior

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.bias + float(np.dot(self.weights, features))
        return 1.0 / (1.0 + math.exp(-z))
