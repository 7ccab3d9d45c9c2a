"""Score every sentence of the top passages against a question: the evidence an answer may cite."""

from __future__ import annotations

import math

import numpy as np

from rag.embed.base import Embedder
from rag.ingest.chunk import chunk_slice, sentence_spans
from rag.ingest.normalize import normalize_for_match
from rag.ingest.tokenize import Tokenizer
from rag.text.question import QUESTION_WORD
from rag.types import Evidence, Hit

MIN_SENTENCE_CHARS = 6
# References to "the article": like question words, they ask; they are not asked about.
QUESTION_NOISE = frozenset(
    "文章 一文 篇文章 那篇文章 这篇文章 文中 所说 具体 内容 具体内容 分别 各自 描述 名字 叫 种 这一 他 她 它".split()
)
UNKNOWN_IDF = 6.0  # weight of a question term that occurs nowhere in the corpus


class SentenceScorer:
    """Scores sentences by IDF-weighted coverage of the question's terms and dense similarity.

    `score = lexical + semantic + 0.3 / sqrt(passage rank)`; sentence vectors come from the
    index where it has them, the rest are embedded on the fly.
    """

    def __init__(
        self,
        tokenizer: Tokenizer,
        idf: dict[str, float],
        embedder: Embedder | None = None,
        sentence_vectors: dict[tuple[str, int, int], np.ndarray] | None = None,
        candidate_passages: int = 5,
        prior_weight: float = 0.3,
    ) -> None:
        self.tokenizer = tokenizer
        self.idf = idf
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors or {}
        self.candidate_passages = candidate_passages
        self.prior_weight = prior_weight

    def weight(self, token: str) -> float:
        """IDF of a term; unseen terms weigh most (they are the likeliest to be unanswerable)."""
        return self.idf.get(token, UNKNOWN_IDF)

    def terms(self, text: str) -> list[str]:
        """Content terms of `text` (search-mode jieba, stopwords, question words and "文章"-like
        references removed), de-duplicated."""
        return list(dict.fromkeys(
            t for t in self.tokenizer.tokenize(text)
            if t not in QUESTION_NOISE and not QUESTION_WORD.search(t)
        ))

    def coverage(self, terms: list[str], text: str) -> float:
        """IDF-weighted share of `terms` that occur among the tokens of `text`."""
        total = sum(self.weight(t) for t in terms)
        if not total:
            return 0.0
        tokens = set(self.tokenizer.tokenize(text))
        view = normalize_for_match(text)
        return sum(self.weight(t) for t in terms if t in tokens or t in view) / total

    def score(self, question: str, hits: list[Hit]) -> list[Evidence]:
        """Every sentence of the first `candidate_passages` hits, scored (in passage order)."""
        terms = self.terms(question)
        spans = []
        for hit in hits[: self.candidate_passages]:
            for start, end in sentence_spans(hit.chunk, MIN_SENTENCE_CHARS):
                spans.append((hit, start, end, chunk_slice(hit.chunk, start, end)))
        if not spans:
            return []
        semantic = np.zeros(len(spans), dtype=np.float32)
        if self.embedder is not None:
            query = self.embedder.embed_query(normalize_for_match(question))
            semantic = self._vectors(spans) @ query
        out = []
        for (hit, start, end, text), similarity in zip(spans, semantic):
            lexical = self.coverage(terms, text)
            score = lexical + max(0.0, float(similarity)) + self.prior_weight / math.sqrt(hit.rank)
            out.append(Evidence(hit, start, end, text, lexical, float(similarity), score))
        return out

    def _vectors(self, spans: list) -> np.ndarray:
        """Precomputed vectors where the index has them; the rest embedded now."""
        vectors = np.zeros((len(spans), self.embedder.dim), dtype=np.float32)
        missing = []
        for i, (hit, start, end, _) in enumerate(spans):
            vector = self.sentence_vectors.get((hit.chunk.chunk_id, start, end))
            if vector is None:
                missing.append(i)
            else:
                vectors[i] = vector
        if missing:
            texts = [normalize_for_match(spans[i][3]) for i in missing]
            vectors[missing] = self.embedder.embed_passages(texts)
        return vectors
