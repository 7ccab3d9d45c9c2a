"""The default generator: quotes the gate's evidence verbatim, shaped as a direct answer, a
numbered list or a few supporting sentences, each cited. No LLM needed."""

from __future__ import annotations

import re
from collections.abc import Collection

from rag.answer.shape import answer_phrase, list_items, numbered_heading
from rag.ingest.normalize import detect_script, normalize_for_match, to_script
from rag.types import Answer, AnswerSentence, Citation, Evidence, GateDecision, Hit

_INLINE_REFERENCE = re.compile(r"\[\d{1,3}\]")
# Kinds of thing a list question asks for: an enumeration filed under another kind answers
# a different question ("现实困境" is not answered by the list of "深层原因").
CATEGORIES = ("困境", "原因", "对策", "策略", "路径", "措施", "挑战", "建议", "问题", "要素", "维度")
DIRECT = ("who", "date", "number", "place", "other")  # asks that a phrase can answer
LISTS = ("list",)  # asks that an enumeration in the source can answer


def display_text(sentence: str) -> str:
    """A sentence as shown in an answer: inline [1]-style references removed, one line."""
    return " ".join(_INLINE_REFERENCE.sub("", sentence).split())


def _bigrams(text: str) -> set[str]:
    view = "".join(c for c in normalize_for_match(text) if c.isalnum())
    return {view[i : i + 2] for i in range(len(view) - 1)} or {view}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


class _Citations:
    """Numbers passages [1], [2] … in order of first use and collects the quoted spans."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.chunks: dict[str, object] = {}
        self.spans: dict[str, list[tuple[int, int]]] = {}

    def cite(self, hit: Hit, start: int, end: int) -> int:
        chunk = hit.chunk
        n = self.numbers.setdefault(chunk.chunk_id, len(self.numbers) + 1)
        self.chunks[chunk.chunk_id] = chunk
        spans = self.spans.setdefault(chunk.chunk_id, [])
        if (start, end) not in spans:
            spans.append((start, end))
        return n

    def all(self) -> tuple[Citation, ...]:
        return tuple(
            Citation(n=n, chunk=self.chunks[cid], spans=tuple(self.spans[cid]))
            for cid, n in self.numbers.items()
        )


class ExtractiveGenerator:
    """Shapes an answer from the gate's evidence sentences (best first).

    who/when/how many/which: a first line with the answer phrase, a span of the best
    sentence; lists: the source's own enumeration, item by item; otherwise the best
    sentences within `relative_cutoff` of the top one, without near-duplicates, in reading
    order. `seen` spans (quoted by the previous answer) are skipped when others remain.
    """

    name = "extractive"

    def __init__(
        self, max_sentences: int = 4, relative_cutoff: float = 0.8, max_answer_chars: int = 360,
        max_items: int = 8,
    ) -> None:
        self.max_sentences = max_sentences
        self.relative_cutoff = relative_cutoff
        self.max_answer_chars = max_answer_chars
        self.max_items = max_items

    def select(self, evidence: list[Evidence]) -> list[Evidence]:
        """Best sentences within `relative_cutoff` of the top one, without near-duplicates."""
        ranked = sorted(evidence, key=lambda e: -e.score)
        chosen: list[Evidence] = []
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
        doc_rank: dict[str, int] = {}
        for candidate in chosen:
            doc_rank.setdefault(candidate.hit.chunk.doc_id, len(doc_rank))
        return sorted(
            chosen,
            key=lambda e: (doc_rank[e.hit.chunk.doc_id], e.hit.chunk.kind == "meta", e.start),
        )

    def generate(
        self,
        question: str,
        hits: list[Hit],
        decision: GateDecision,
        seen: Collection[tuple[str, int, int]] = (),
    ) -> Answer:
        """Quote the evidence the gate accepted; the gate has already decided to answer."""
        evidence = list(decision.evidence)
        fresh = [e for e in evidence if (e.hit.chunk.doc_id, e.start, e.end) not in set(seen)]
        evidence = fresh or evidence
        script = detect_script(question)
        cites = _Citations()
        sentences: list[AnswerSentence] = []

        def add(hit: Hit, start: int, end: int, text: str, role: str) -> None:
            n = cites.cite(hit, start, end)
            shown = to_script(display_text(text), script)
            if shown:
                sentences.append(AnswerSentence(text=shown, citations=(n,), role=role))

        best = max(evidence, key=lambda e: e.score)
        items = self._items(question, evidence) if decision.asked in LISTS else []
        if items:
            for hit, start, end, text in items:
                add(hit, start, end, text, "item")
        else:
            chosen = self.select(evidence)
            if decision.asked in DIRECT:
                span = answer_phrase(decision.asked, question, best.text)
                if span is not None:
                    s, e = span
                    add(best.hit, best.start + s, best.start + e, best.text[s:e], "direct")
            for candidate in chosen:
                add(candidate.hit, candidate.start, candidate.end, candidate.text, "support")
        text = _plain_text(sentences)
        return Answer(
            question=question,
            text=text,
            refused=False,
            sentences=tuple(sentences),
            citations=cites.all(),
            evidence_score=decision.score,
            generator=self.name,
        )

    def _items(self, question: str, evidence: list[Evidence]) -> list[tuple[Hit, int, int, str]]:
        """The enumeration that answers a list question: in the best sentence's passage, or
        as numbered sibling sub-headings of the best passages' section. An enumeration under
        a heading of another category, or one that lists the question's own topic as an item
        (it is one level up), is not the answer."""
        view = normalize_for_match(question)
        asked = {c for c in CATEGORIES if c in view}
        for candidate in sorted(evidence, key=lambda e: -e.score)[:2]:
            chunk = candidate.hit.chunk
            section = normalize_for_match(chunk.section)
            filed = {c for c in CATEGORIES if c in section}
            if asked and filed and not asked & filed:
                continue
            offset = chunk.start if chunk.kind != "meta" else 0
            spans = list_items(chunk.text, near=candidate.start - offset)
            if len(spans) >= 2:
                # Only an enumeration that includes (or follows) the best sentence answers.
                local = (candidate.start - offset, candidate.end - offset)
                texts = [normalize_for_match(chunk.text[s:e]) for s, e in spans]
                if any(len(t) >= 3 and t in view for t in texts):
                    continue
                if spans[0][0] <= local[1] + 200 and spans[-1][1] >= local[0] - 50:
                    return [
                        (candidate.hit, offset + s, offset + e, chunk.text[s:e])
                        for s, e in spans[: self.max_items]
                    ]
        return self._heading_items(evidence)

    def _heading_items(self, evidence: list[Evidence]) -> list[tuple[Hit, int, int, str]]:
        """Sibling sections numbered 1./（一）… under one parent, each cited by its first
        evidence sentence; used when an article lists a category as sub-headings."""
        best = max(evidence, key=lambda e: e.score)
        parent = best.hit.chunk.section.rsplit(" > ", 1)[0] if " > " in best.hit.chunk.section else ""
        if not parent:
            return []
        by_section: dict[str, Evidence] = {}
        for candidate in sorted(evidence, key=lambda e: (e.hit.chunk.start, e.start)):
            section = candidate.hit.chunk.section
            if section.startswith(parent + " > ") and section not in by_section:
                if numbered_heading(section.rsplit(" > ", 1)[1]) is not None:
                    by_section[section] = candidate
        if len(by_section) < 2:
            return []
        out = []
        for section, candidate in by_section.items():
            out.append((candidate.hit, candidate.start, candidate.end, candidate.text))
        return out[: self.max_items]


def _plain_text(sentences: list[AnswerSentence]) -> str:
    """The answer as one string: the direct line, numbered items, then sentences."""
    lines: list[str] = []
    body = ""
    number = 0
    for s in sentences:
        cited = "".join(f"[{n}]" for n in s.citations)
        if s.role == "direct":
            lines.append(f"{s.text}{cited}")
        elif s.role == "item":
            number += 1
            lines.append(f"{number}. {s.text}{cited}")
        else:
            body += f"{s.text}{cited}"
    if body:
        lines.append(body)
    return "\n".join(lines)
