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
    format: str = "txt"  # the loader that read it: txt | md | html | docx | pdf
    encoding: str = ""  # detected text encoding ("" for docx and pdf)
    headings: tuple[tuple[int, int], ...] = ()  # (offset, level) of heading lines the format marked
    pages: tuple[tuple[int, int], ...] = ()  # (offset, page number) where each PDF page starts


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
    page: int = 0  # PDF page the chunk starts on (1-based; 0: the format has no pages)
    page_end: int = 0  # PDF page the chunk ends on


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
    role: str = "support"  # direct (the answer phrase, shown first) | item (of a list) | support


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage, scored against the question."""

    hit: Hit
    start: int  # document offsets (for meta chunks: offsets within the card)
    end: int
    text: str
    lexical: float
    semantic: float
    score: float


@dataclass(frozen=True)
class GateDecision:
    """The answerability gate's verdict: answer, answer with a caveat, or refuse, and why."""

    decision: str  # answer | caveat | refuse
    reasons: tuple[str, ...] = ()  # plain Chinese, shown to users
    score: float = 0.0  # strength of the best qualifying evidence
    asked: str = "other"  # what the question asks for (rag.text.question.ASKED)
    evidence: tuple[Evidence, ...] = ()  # sentences an answer may cite, best first
    caveat: str = ""  # shown above a caveated answer
    passages: tuple[Hit, ...] = ()  # the hits a generator may use (no notes, unless asked)

    @property
    def refused(self) -> bool:
        return self.decision == "refuse"


@dataclass(frozen=True)
class SupportCheck:
    """One generated sentence judged against one passage on its own (never a pool)."""

    passage: int  # the passage's number in the prompt (1-based: `hits[passage - 1]`)
    chunk_id: str
    score: float  # support score against this passage alone
    missing: tuple[str, ...] = ()  # numbers and names of the sentence this passage lacks
    supported: bool = False


@dataclass(frozen=True)
class SentenceCheck:
    """The grounding guard's verdict on one generated sentence, kept for audit."""

    text: str  # as generated, without its markers and list numbering
    written: tuple[int, ...]  # the [n] markers the model wrote
    kept: bool
    reason: str = ""  # why it was removed ("" when kept)
    attributed: bool = False  # the guard chose the passage: markers missing, invalid or wrong
    checks: tuple[SupportCheck, ...] = ()  # every passage it was judged against, each alone
    passages: tuple[int, ...] = ()  # the passages a kept sentence is cited to (prompt numbers)


@dataclass(frozen=True)
class Trace:
    """What each stage did for one question: for `--json`, the UI and evaluation."""

    query: str  # what was searched: the question, or its standalone rewrite
    retrieved: tuple[Hit, ...] = ()
    gate: GateDecision | None = None
    generated: str = ""  # an LLM's raw text before the guard ("" for extractive)


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
    caveat: str = ""  # the gate's caveat, shown above the answer
    reasons: tuple[str, ...] = ()  # why it was refused or caveated (the gate's reasons)
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    trace: Trace | None = field(default=None, compare=False)
    checks: tuple[SentenceCheck, ...] = ()  # the guard's verdict on each generated sentence
    notice: str = ""  # a note about how the answer was made (e.g. the extractive fallback)


@dataclass(frozen=True)
class Partial:
    """An answer still being generated: the sentences the grounding guard has accepted so far
    (streams yield these, then the final `Answer`)."""

    answer: Answer
