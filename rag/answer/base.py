"""The `Generator` protocol and what every generator shares: errors, refusals, streaming."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator
from typing import Protocol

from rag.answer.prompts import REFUSAL
from rag.types import Answer, GateDecision, Hit, Trace


class GeneratorError(RuntimeError):
    """A generator's backend failed (server down, model crashed); the message says where."""


class Generator(Protocol):
    """Writes an `Answer` (cited, or a refusal) from a question, the passages the gate let
    through and its decision; `seen` holds (doc_id, start, end) spans the previous answer
    already quoted, so a follow-up can add what is new.

    Generators may also offer `stream(question, hits)`, yielding text pieces and then the
    final `Answer` as the last item.
    """

    name: str

    def generate(
        self,
        question: str,
        hits: list[Hit],
        decision: GateDecision,
        seen: Collection[tuple[str, int, int]] = (),
    ) -> Answer: ...


def refusal(
    question: str, hits: list[Hit], generator: str, evidence_score: float = 0.0, removed=()
) -> Answer:
    """The fixed refusal, with the nearest passages as 可能相关."""
    return Answer(
        question=question,
        text=REFUSAL,
        refused=True,
        related=tuple(hits[:3]),
        evidence_score=evidence_score,
        generator=generator,
        removed=tuple(removed),
    )


def last_answer(items: Iterable[str | Answer]) -> Answer:
    """Drain a `stream()` and return its final `Answer`."""
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise GeneratorError("the generator's stream ended without an answer")
    return answer


def stream_then_guard(deltas: Iterator[str], guard) -> Iterator[str | Answer]:
    """Pass text pieces through as they arrive, then yield `guard(full_text)`, with the raw
    text kept in its trace for audit."""
    pieces: list[str] = []
    for delta in deltas:
        pieces.append(delta)
        yield delta
    text = "".join(pieces)
    answer = guard(text)
    yield dataclasses.replace(answer, trace=Trace(query=answer.question, generated=text))
