"""Answers and hits as JSON (the CLI contract) and as plain text for a terminal."""

from __future__ import annotations

from rag.answer.prompts import GUARD_REMOVED_LABEL, NOTICE_LABEL, RELATED_LABEL
from rag.types import Answer, Chunk, Hit, SentenceCheck


def _chunk_fields(chunk: Chunk) -> dict:
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
    }


def page_label(chunk: Chunk) -> str:
    """Where a PDF passage stands, as a citation says it: 第 3 页 / 第 3–4 页 ("" without pages)."""
    if chunk.page <= 0:
        return ""
    if chunk.page_end > chunk.page:
        return f"第 {chunk.page}–{chunk.page_end} 页"
    return f"第 {chunk.page} 页"


def hit_to_json(hit: Hit) -> dict:
    """`{rank, chunk_id, doc_id, title, section, start, end, text, score}` plus kind/scores."""
    return {
        "rank": hit.rank,
        **_chunk_fields(hit.chunk),
        "score": round(hit.score, 6),
        "kind": hit.chunk.kind,
        "scores": {name: round(value, 6) for name, value in hit.scores},
    }


def answer_to_json(answer: Answer) -> dict:
    """`{question, answer, refused, citations, timings_ms}` plus evidence and related hits."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {
                "n": c.n,
                **_chunk_fields(c.chunk),
                "kind": c.chunk.kind,
                "spans": [list(span) for span in c.spans],
                "page": c.chunk.page,  # PDF page the passage starts on; 0 without pages
                "page_end": c.chunk.page_end,
            }
            for c in answer.citations
        ],
        "sentences": [
            {"text": s.text, "citations": list(s.citations), "role": s.role}
            for s in answer.sentences
        ],
        "caveat": answer.caveat,
        "gate": gate_to_json(answer),
        "query": answer.trace.query if answer.trace else answer.question,
        "related": [hit_to_json(h) for h in answer.related],
        "evidence_score": round(answer.evidence_score, 4),
        "generator": answer.generator,
        "removed": [{"text": text, "reason": reason} for text, reason in answer.removed],
        "timings_ms": answer.timings_ms,
        "notice": answer.notice,
        "generated": answer.trace.generated if answer.trace else "",
        "checks": [check_to_json(check) for check in answer.checks],
    }


def check_to_json(check: SentenceCheck) -> dict:
    """The guard's verdict on one generated sentence: `{text, written, kept, reason,
    attributed, cited_to, judged: [{passage, chunk_id, score, missing, supported}]}`
    (passage numbers are the prompt's; each passage judged on its own)."""
    return {
        "text": check.text,
        "written": list(check.written),
        "kept": check.kept,
        "reason": check.reason,
        "attributed": check.attributed,
        "cited_to": list(check.passages),
        "judged": [
            {"passage": c.passage, "chunk_id": c.chunk_id, "score": c.score,
             "missing": list(c.missing), "supported": c.supported}
            for c in check.checks
        ],
    }


def gate_to_json(answer: Answer) -> dict | None:
    """`{decision, reasons, score, asked}` of the answerability gate, when it ran."""
    gate = answer.trace.gate if answer.trace else None
    if gate is None:
        return None
    return {
        "decision": gate.decision,
        "reasons": list(gate.reasons),
        "score": round(gate.score, 4),
        "asked": gate.asked,
    }


def _snippet(text: str, max_chars: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= max_chars else flat[:max_chars] + "…"


def answer_to_text(answer: Answer, show_removed: bool = False) -> str:
    """The answer, then its numbered sources (or 可能相关 passages for a refusal); what the
    grounding guard removed only when `show_removed` (it is always in the JSON)."""
    lines = [f"注意：{answer.caveat}", ""] if answer.caveat else []
    if answer.notice:
        lines += [f"{NOTICE_LABEL}：{answer.notice}", ""]
    lines += [answer.text, ""]
    if answer.refused and answer.reasons:
        lines[-1:-1] = [f"原因：{reason}" for reason in answer.reasons]
    if answer.refused:
        if answer.related:
            lines.append(f"{RELATED_LABEL}：")
            for hit in answer.related:
                lines.append(f"  · 《{hit.chunk.title}》 {hit.chunk.section}：{_snippet(hit.chunk.text)}")
    else:
        for citation in answer.citations:
            chunk = citation.chunk
            where = f" › {chunk.section}" if chunk.section else ""
            where += f" · {page_label(chunk)}" if chunk.page else ""
            lines.append(f"[{citation.n}] 《{chunk.title}》{where}（{chunk.doc_id} {chunk.start}–{chunk.end}）")
    for text, reason in answer.removed if show_removed else ():
        lines.append(f"{GUARD_REMOVED_LABEL}：{text}（{reason}）")
    return "\n".join(lines).rstrip()


def hits_to_text(hits: list[Hit]) -> str:
    lines = []
    for hit in hits:
        chunk = hit.chunk
        lines.append(f"{hit.rank}. {hit.score:.4f} 《{chunk.title}》 {chunk.section}")
        lines.append(f"   {_snippet(chunk.text, 120)}")
    return "\n".join(lines)
