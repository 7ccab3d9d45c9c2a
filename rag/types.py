"""The data that flows through the pipeline: plain frozen dataclasses, no behaviour."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(*parts: str, length: int = 16) -> str:
    """Stable hex digest of text parts; used for chunk ids and the embedding cache."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


@dataclass(frozen=True)
class Document:
    """One cleaned article. `text` is the cleaned original-script body that offsets point into."""

    doc_id: str
    title: str
    text: str
    source_sha256: str
    path: str = ""
    title_derived: bool = False
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    date: str = ""
    source: str = ""
    keywords: tuple[str, ...] = ()
    script: str = "simplified"
    removed: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: `text == document.text[start:end]`."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    start: int
    end: int
    text: str
    kind: str = "body"  # body | notes
    ordinal: int = 0  # position of the chunk within its document


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the per-retriever scores behind it."""

    chunk: Chunk
    score: float
    rank: int
    scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from an answer to the passage (and span) that supports it."""

    n: int
    chunk: Chunk
    spans: tuple[tuple[int, int], ...] = ()  # document offsets of the quoted sentences


@dataclass(frozen=True)
class AnswerSentence:
    """One answer sentence in display script, with the citation numbers it carries."""

    text: str
    citations: tuple[int, ...]
    supported: bool = True  # False only when the guard marks (instead of removing) a sentence


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    refused: bool
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    related: tuple[Hit, ...] = ()  # 可能相关 passages shown with a refusal
    evidence_score: float = 0.0
    generator: str = "extractive"
    removed: tuple[tuple[str, str], ...] = ()  # (sentence, reason) dropped by the grounding guard
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
