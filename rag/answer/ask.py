"""One question end to end: validate, retrieve, generate, time each stage."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection

from rag.answer.base import Generator, GeneratorError  # noqa: F401 (re-exported)
from rag.answer.validate import MAX_QUESTION_CHARS, validate_question
from rag.retrieve.base import Retriever
from rag.types import Answer


def ask(
    question: str,
    retriever: Retriever,
    generator: Generator,
    top_k: int = 5,
    doc_ids: Collection[str] | None = None,
    max_question_chars: int = MAX_QUESTION_CHARS,
) -> Answer:
    """Answer `question`; raises `QuestionError` for empty, too long or control-laden input."""
    started = time.perf_counter()
    question = validate_question(question, max_question_chars)
    hits = retriever.retrieve(question, top_k=top_k, doc_ids=doc_ids)
    retrieved = time.perf_counter()
    answer = generator.generate(question, hits)
    done = time.perf_counter()
    timings = {
        "retrieve": round((retrieved - started) * 1000, 2),
        "compose": round((done - retrieved) * 1000, 2),
        "total": round((done - started) * 1000, 2),
    }
    return dataclasses.replace(answer, timings_ms=timings)
