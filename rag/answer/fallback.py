"""Never worse than extractive: an LLM generator with the extractive answer behind it.

The gate has already let the question through when a generator runs. If the grounding guard
then leaves nothing of the generated answer (or the model refused), the reader gets the
extractive answer instead, with a short notice that the generated text could not be
verified. The same happens when what survives does not state what the extractive answer
rests on first (the gate's best evidence sentence, `ExtractiveGenerator.lead`) beyond the
question (`states_lead`): true, but an answer to a neighbouring question, or the question
repeated. A generated answer replaces the extractive one only when it says at least that.
What the guard removed, its verdicts and the raw model text stay with the answer for audit.
Backend failures (`GeneratorError`) are not hidden: they propagate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator

from rag.answer.base import Generator, last_answer, stream_answer
from rag.answer.extractive import ExtractiveGenerator
from rag.answer.guard import states_lead
from rag.answer.prompts import FALLBACK_NOTICE, FALLBACK_OFF_QUESTION
from rag.types import Answer, GateDecision, Hit, Partial


class FallbackGenerator:
    """`primary` (an LLM generator), or `fallback` (extractive) when `primary` refuses."""

    def __init__(self, primary: Generator, fallback: ExtractiveGenerator, notice: str = FALLBACK_NOTICE
                 ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.notice = notice
        self.name = primary.name

    def generate(
        self,
        question: str,
        hits: list[Hit],
        decision: GateDecision,
        seen: Collection[tuple[str, int, int]] = (),
    ) -> Answer:
        return last_answer(self.stream_answer(question, hits, decision, seen))

    def stream_answer(
        self,
        question: str,
        hits: list[Hit],
        decision: GateDecision,
        seen: Collection[tuple[str, int, int]] = (),
    ) -> Iterator[Partial | Answer]:
        """The primary's partial answers as it writes, then its answer, or the fallback's."""
        answer = None
        for item in stream_answer(self.primary, question, hits, decision, seen):
            if isinstance(item, Partial):
                yield item
            else:
                answer = item
        yield self._checked(answer, question, hits, decision, seen)

    def _checked(self, answer: Answer, question: str, hits: list[Hit], decision: GateDecision,
                 seen: Collection[tuple[str, int, int]]) -> Answer:
        """`answer`, or the extractive one when `answer` refused or missed the question."""
        if decision.refused:
            return answer
        if answer.refused:
            notice = self.notice
        elif decision.evidence and not states_lead(answer, question, self.fallback.lead(question, decision)):
            notice = FALLBACK_OFF_QUESTION
        else:
            return answer
        backup = self.fallback.generate(question, hits, decision, seen)
        if backup.refused:
            return answer
        return dataclasses.replace(
            backup, removed=answer.removed, checks=answer.checks, trace=answer.trace, notice=notice
        )
