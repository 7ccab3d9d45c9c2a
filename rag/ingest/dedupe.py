"""Screen documents for copies before indexing: byte-identical files are indexed once and
near-duplicates (MinHash over character shingles) are reported and, unless allowed, skipped.

A document whose doc id is already in the library is a new version of it and replaces it;
it is never a "copy" of its own old version. `rag build` screens a whole folder; `rag add`
screens the new files against the documents already indexed (`existing`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rag.ingest.normalize import normalize_for_match
from rag.types import Document

# Near-duplicate: Jaccard similarity of 5-character shingle sets at or above this.
# Chosen a priori (a common setting for near-copy detection), not tuned on any split.
NEAR_THRESHOLD = 0.8
SHINGLE_CHARS = 5
NUM_PERM = 128


@dataclass(frozen=True)
class Duplicate:
    """A document found to copy one already kept (`of`)."""

    doc_id: str
    of: str
    kind: str  # identical | near
    similarity: float  # 1.0 for identical bytes; Jaccard of the shingle sets for near copies
    indexed: bool  # identical copies never are; near copies only with --allow-duplicate

    def __str__(self) -> str:
        if self.kind == "identical":
            return f"{self.doc_id}: byte-identical copy of {self.of}, indexed once (as {self.of})"
        action = "indexed anyway (--allow-duplicate)" if self.indexed else (
            "skipped (use --allow-duplicate to index it)"
        )
        return f"{self.doc_id}: near-duplicate of {self.of} (similarity {self.similarity:.3f}), {action}"


@dataclass(frozen=True)
class Screening:
    kept: tuple[Document, ...]  # candidates to index, in their original order
    duplicates: tuple[Duplicate, ...]
    replaced: tuple[str, ...] = ()  # existing doc ids that a candidate's new version replaces


def shingles(text: str, size: int = SHINGLE_CHARS) -> set[str]:
    """Character shingles of the width-folded, Simplified text without whitespace."""
    compact = "".join(normalize_for_match(text).split())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def minhash(text: str, num_perm: int = NUM_PERM):
    from datasketch import MinHash

    signature = MinHash(num_perm=num_perm, seed=1)
    signature.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return signature


def screen_duplicates(
    candidates: Iterable[Document],
    existing: Iterable[Document] = (),
    allow_near: bool | Collection[str] = False,
    threshold: float | None = None,
) -> Screening:
    """Keep each candidate unless it copies an existing document or an earlier candidate.
    `allow_near` keeps near copies: all of them (True) or those with the given doc ids (the
    library's documents added with --allow-duplicate, so a later build keeps them too)."""
    from datasketch import MinHashLSH

    threshold = NEAR_THRESHOLD if threshold is None else threshold
    if not 0 < threshold <= 1:
        raise ValueError(f"near-duplicate threshold={threshold} must be in (0, 1]")
    candidates = list(candidates)
    candidate_ids = {d.doc_id for d in candidates}
    existing = list(existing)
    old_versions = {d.doc_id: d for d in existing if d.doc_id in candidate_ids}
    references = [d for d in existing if d.doc_id not in candidate_ids]

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    texts: dict[str, str] = {}
    by_sha: dict[str, str] = {}

    def remember(document: Document, signature) -> None:
        by_sha.setdefault(document.source_sha256, document.doc_id)
        texts[document.doc_id] = document.text
        lsh.insert(document.doc_id, signature)

    for document in references:
        remember(document, minhash(document.text))
    kept: list[Document] = []
    duplicates: list[Duplicate] = []
    # New versions of known documents first: an earlier candidate must not make one a "copy".
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].doc_id not in old_versions)
    for document in (candidates[i] for i in order):
        original = by_sha.get(document.source_sha256)
        if original is not None:
            duplicates.append(Duplicate(document.doc_id, original, "identical", 1.0, False))
            continue
        signature = minhash(document.text)
        # MinHash LSH finds the candidates; the similarity reported and compared is the exact
        # Jaccard of the shingle sets (the estimate's resolution is 1/NUM_PERM).
        own = shingles(document.text)
        scored = sorted(
            ((jaccard(own, shingles(texts[other])), other) for other in lsh.query(signature)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        if scored and scored[0][0] >= threshold:
            similarity, other = scored[0]
            allowed = allow_near if isinstance(allow_near, bool) else document.doc_id in allow_near
            duplicates.append(Duplicate(document.doc_id, other, "near", round(similarity, 3), allowed))
            if not allowed:
                continue
        kept.append(document)
        remember(document, signature)
    position = {id(d): i for i, d in enumerate(candidates)}
    kept.sort(key=lambda d: position[id(d)])
    replaced = tuple(
        d.doc_id for d in kept
        if d.doc_id in old_versions and old_versions[d.doc_id].source_sha256 != d.source_sha256
    )
    return Screening(tuple(kept), tuple(duplicates), replaced)
