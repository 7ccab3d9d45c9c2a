"""The default generator: picks 1–4 cited sentences from the top passages, no LLM needed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from rag.answer.evidence import (
    FEATURES,
    EvidenceModel,
    asks_for_number,
    has_number,
    question_terms,
)
from rag.answer.base import refusal
from rag.embed.base import Embedder
from rag.ingest.normalize import detect_script, normalize_for_match, to_script
from rag.ingest.chunk import chunk_slice, sentence_spans
from rag.ingest.tokenize import Tokenizer
from rag.types import Answer, AnswerSentence, Citation, Hit

_INLINE_REFERENCE = re.compile(r"\[\d{1,3}\]")
_MIN_SENTENCE_CHARS = 6


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    hit: Hit
    start: int  # document offsets (for meta chunks: offsets within the card)
    end: int
    text: str
    lexical: float
    semantic: float
    score: float


def display_text(sentence: str) -> str:
    """A sentence as shown in an answer: inline [1]-style references removed, one line."""
    return " ".join(_INLINE_REFERENCE.sub("", sentence).split())


def _bigrams(text: str) -> set[str]:
    view = "".join(c for c in normalize_for_match(text) if c.isalnum())
    return {view[i : i + 2] for i in range(len(view) - 1)} or {view}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


class ExtractiveGenerator:
    """Selects answer sentences by lexical coverage of the question and dense similarity.

    Sentences come from the first `candidate_passages` hits; near-duplicates are dropped,
    the rest ordered by document and position, and each carries a [n] citation.
    """

    name = "extractive"

    def __init__(
        self,
        tokenizer: Tokenizer,
        idf: dict[str, float],
        evidence: EvidenceModel,
        embedder: Embedder | None = None,
        sentence_vectors: dict[tuple[str, int, int], np.ndarray] | None = None,
        max_sentences: int = 4,
        candidate_passages: int = 4,
        relative_cutoff: float = 0.8,
        max_answer_chars: int = 360,
    ) -> None:
        self.tokenizer = tokenizer
        self.idf = idf
        self.evidence = evidence
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors or {}
        self.max_sentences = max_sentences
        self.candidate_passages = candidate_passages
        self.relative_cutoff = relative_cutoff
        self.max_answer_chars = max_answer_chars

    def _weight(self, token: str) -> float:
        return self.idf.get(token, self.evidence.unknown_idf)

    def candidates(self, question: str, hits: list[Hit]) -> list[Candidate]:
        """Score every sentence of the top passages against the question."""
        terms = question_terms(self.tokenizer, question)
        total = sum(self._weight(t) for t in terms) or 1.0
        spans = []
        for hit in hits[: self.candidate_passages]:
            for start, end in sentence_spans(hit.chunk, _MIN_SENTENCE_CHARS):
                spans.append((hit, start, end, chunk_slice(hit.chunk, start, end)))
        if not spans:
            return []
        semantic = np.zeros(len(spans), dtype=np.float32)
        if self.embedder is not None:
            query = self.embedder.embed_query(normalize_for_match(question))
            semantic = self._sentence_vectors(spans) @ query
        out = []
        for (hit, start, end, text), similarity in zip(spans, semantic):
            tokens = set(self.tokenizer.tokenize(text))
            lexical = sum(self._weight(t) for t in terms if t in tokens) / total
            prior = 1.0 / math.sqrt(hit.rank)
            score = self.evidence.sentence_score(lexical, float(similarity), prior)
            out.append(Candidate(hit, start, end, text, lexical, float(similarity), score))
        return out

    def _sentence_vectors(self, spans: list) -> np.ndarray:
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

    def features(
        self, question: str, hits: list[Hit], candidates: list[Candidate]
    ) -> tuple[float, ...]:
        """Evidence features, in the order of `rag.answer.evidence.FEATURES`."""
        if not candidates:
            return (0.0,) * len(FEATURES)
        terms = question_terms(self.tokenizer, question)
        total = sum(self._weight(t) for t in terms) or 1.0
        passage = 0.0
        for hit in hits[: self.candidate_passages]:
            tokens = set(self.tokenizer.tokenize(hit.chunk.text))
            passage = max(passage, sum(self._weight(t) for t in terms if t in tokens) / total)
        unknown = sum(self._weight(t) for t in terms if t not in self.idf) / total
        best = sorted(candidates, key=lambda c: -c.score)[:2]
        mismatch = float(asks_for_number(question) and not any(has_number(c.text) for c in best))
        return (
            float(max(c.lexical for c in candidates)),
            float(passage),
            float(max(c.semantic for c in candidates)),
            float(unknown),
            mismatch,
        )

    def select(self, candidates: list[Candidate]) -> list[Candidate]:
        """Best sentences within `relative_cutoff` of the top one, without near-duplicates."""
        ranked = sorted(candidates, key=lambda c: -c.score)
        chosen: list[Candidate] = []
        seen: list[set[str]] = []
        length = 0
        for candidate in ranked:
            if len(chosen) >= self.max_sentences:
                break
            if chosen and candidate.score < self.relative_cutoff * chosen[0].score:
                break
            grams = _bigrams(candidate.text)
            if any(_overlap(grams, other) >= 0.6 for other in seen):
                continue
            size = len(display_text(candidate.text))
            if chosen and length + size > self.max_answer_chars:
                continue
            chosen.append(candidate)
            seen.append(grams)
            length += size
        # Readable order: documents by their best sentence, then position in the document.
        doc_rank = {}
        for candidate in chosen:
            doc_rank.setdefault(candidate.hit.chunk.doc_id, len(doc_rank))
        return sorted(chosen, key=lambda c: (doc_rank[c.hit.chunk.doc_id], c.hit.chunk.kind == "meta", c.start))

    def generate(self, question: str, hits: list[Hit]) -> Answer:
        """Answer from `hits`, or refuse when the evidence is too weak."""
        candidates = self.candidates(question, hits)
        strength = self.evidence.probability(self.features(question, hits, candidates))
        if not candidates or strength < self.evidence.threshold:
            return refusal(question, hits, self.name, evidence_score=strength)
        script = detect_script(question)
        numbers: dict[str, int] = {}
        spans: dict[str, list[tuple[int, int]]] = {}
        sentences = []
        for candidate in self.select(candidates):
            chunk = candidate.hit.chunk
            n = numbers.setdefault(chunk.chunk_id, len(numbers) + 1)
            spans.setdefault(chunk.chunk_id, []).append((candidate.start, candidate.end))
            shown = to_script(display_text(candidate.text), script)
            sentences.append(AnswerSentence(text=shown, citations=(n,)))
        chunks = {h.chunk.chunk_id: h.chunk for h in hits}
        citations = tuple(
            Citation(n=n, chunk=chunks[chunk_id], spans=tuple(spans[chunk_id]))
            for chunk_id, n in numbers.items()
        )
        text = "".join(f"{s.text}[{s.citations[0]}]" for s in sentences)
        return Answer(
            question=question,
            text=text,
            refused=False,
            sentences=tuple(sentences),
            citations=citations,
            evidence_score=strength,
            generator=self.name,
        )
