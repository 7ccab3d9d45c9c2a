"""Never worse than extractive: an LLM generator with the extractive answer behind it.

The gate has already let the question through when a generator runs. If the grounding guard
then leaves nothing of the generated answer (or the model refused), the reader gets the
extractive answer instead, with a short notice that the generated text could not be
verified. The same happens when what survives does not state what the gate's best evidence
sentence says beyond the question (`states_best_evidence`): true, but an answer to a
neighbouring question, or the question repeated. The extractive answer is built on that
sentence, so a generated answer replaces it only when it says at least that much. What the guard
removed, its verdicts and the raw model text stay with the answer for audit. Backend
failures (`GeneratorError`) are not hidden: they propagate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from rag.answer.base import Generator
from rag.answer.guard import states_best_evidence
from rag.answer.prompts import FALLBACK_NOTICE, FALLBACK_OFF_QUESTION
from rag.types import Answer, GateDecision, Hit


class FallbackGenerator:
    """`primary` (an LLM generator), or `fallback` (extractive) when `primary` refuses."""

    def __init__(self, primary: Generator, fallback: Generator, notice: str = FALLBACK_NOTICE) -> None:
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
        answer = self.primary.generate(question, hits, decision, seen)
        if decision.refused:
            return answer
        if answer.refused:
            notice = self.notice
        elif decision.evidence and not states_best_evidence(answer, question, decision.evidence):
            notice = FALLBACK_OFF_QUESTION
        else:
            return answer
        backup = self.fallback.generate(question, hits, decision, seen)
        if backup.refused:
            return answer
        return dataclasses.replace(
            backup, removed=answer.removed, checks=answer.checks, trace=answer.trace, notice=notice
        )
