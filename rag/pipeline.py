"""The one composition point: `Pipeline.from_settings(settings).load()` assembles every stage.

The CLI, the UI, the evaluation, calibration, the benchmarks and the test fixtures all answer
through `Pipeline.run` (or `Pipeline.stream`, which the chat uses to show an LLM's verified
sentences as they come). It composes; each stage stays a small unit behind its Protocol:
rewrite (follow-ups) → retrieve → gate → generate (LLMs pass the grounding guard inside).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from rag.answer.base import Generator, last_answer, refusal, stream_answer
from rag.answer.rewrite import rewrite_question
from rag.answer.validate import validate_question
from rag.embed.base import Embedder
from rag.gate import AnswerabilityGate
from rag.retrieve.base import Retriever
from rag.settings import Settings
from rag.store.index import LoadedIndex
from rag.store.vectors import Stores
from rag.types import Answer, Hit, Partial, Trace


@dataclass
class Pipeline:
    """Typed slots for the stages; empty until `load()`."""

    settings: Settings
    api_key: str | None = None
    store_token: str | None = None
    index: LoadedIndex | None = None
    embedder: Embedder | None = None
    stores: Stores | None = None
    retriever: Retriever | None = None
    gate: AnswerabilityGate | None = None
    generator: Generator | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, api_key: str | None = None,
                      store_token: str | None = None) -> "Pipeline":
        """A pipeline for `settings` (cheap: nothing is loaded until `load()`).

        `api_key` is for an LLM generator, `store_token` for a Milvus server; the entry point
        reads them from the variables named by `settings.llm_api_key_env` and
        `settings.milvus_token_env` (library code reads no environment)."""
        from rag.wiring import check_choices

        check_choices(settings)
        return cls(settings=settings, api_key=api_key, store_token=store_token)

    def load(self, *, generator: bool = True, embedder: Embedder | None = None) -> "Pipeline":
        """Load the index and the embedder and assemble the stages (once). A loaded `embedder`
        of the same settings may be passed in (the UI reuses its own when the index changes)."""
        from rag.store.index import load_index
        from rag.wiring import embedder_for, make_gate, make_generator, make_retriever, make_stores

        if self.index is None:
            index = load_index(self.settings.index_dir)
            self.embedder = embedder or embedder_for(self.settings).load()
            self.stores = make_stores(self.settings, index, self.store_token)
            self.retriever = make_retriever(self.settings, index, self.embedder, self.stores)
            self.index = index
            self.gate = make_gate(self.settings, self.index, self.embedder)
        if generator and self.generator is None:
            self.generator = make_generator(self.settings, self.index, self.embedder, self.api_key)
        return self

    def search(
        self, question: str, *, top_k: int | None = None, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        """Validate the question and retrieve passages for it."""
        question = validate_question(question, self.settings.max_question_chars)
        return self.retriever.retrieve(question, top_k=top_k or self.settings.top_k, doc_ids=doc_ids)

    def run(
        self,
        question: str,
        *,
        top_k: int | None = None,
        doc_ids: Collection[str] | None = None,
        history: Sequence[Answer] = (),
        depth: int | None = None,
    ) -> Answer:
        """Answer `question` (raises `QuestionError` for bad input, `GeneratorError` when an
        LLM backend fails). `history` holds the conversation's earlier answers, oldest first;
        `depth` passages are retrieved (and traced), the first `top_k` are used."""
        return last_answer(
            self.stream(question, top_k=top_k, doc_ids=doc_ids, history=history, depth=depth)
        )

    def stream(
        self,
        question: str,
        *,
        top_k: int | None = None,
        doc_ids: Collection[str] | None = None,
        history: Sequence[Answer] = (),
        depth: int | None = None,
    ) -> Iterator[Partial | Answer]:
        """`run`, step by step: `Partial` answers while an LLM writes (the sentences the guard
        has accepted so far), then the final `Answer`; an extractive answer comes whole."""
        top_k = top_k or self.settings.top_k
        clock = _Clock()
        question = validate_question(question, self.settings.max_question_chars)
        query = rewrite_question(
            question, [a.question for a in history], max_chars=self.settings.max_question_chars
        )
        clock.lap("rewrite")
        retrieved = self.retriever.retrieve(query, top_k=max(top_k, depth or 0), doc_ids=doc_ids)
        hits = retrieved[:top_k]
        clock.lap("retrieve")
        decision = self.gate.decide(query, hits)
        clock.lap("gate")
        if decision.refused:
            answer = refusal(question, hits, self.generator.name, evidence_score=decision.score)
        else:
            for answer in stream_answer(
                self.generator, query, list(decision.passages), decision, _cited(history[-1:])
            ):
                if isinstance(answer, Partial):
                    yield Partial(dataclasses.replace(
                        answer.answer, question=question, caveat=decision.caveat,
                        reasons=decision.reasons, evidence_score=decision.score,
                    ))
        clock.lap("generate")
        trace = Trace(query=query, retrieved=tuple(retrieved), gate=decision,
                      generated=answer.trace.generated if answer.trace else "")
        yield dataclasses.replace(
            answer,
            question=question,
            caveat=decision.caveat if not answer.refused else "",
            reasons=decision.reasons,
            evidence_score=decision.score,
            timings_ms=clock.timings(),
            trace=trace,
        )


def _cited(answers: Sequence[Answer]) -> frozenset[tuple[str, int, int]]:
    """(doc_id, start, end) of every span the given answers quoted."""
    return frozenset(
        (c.chunk.doc_id, start, end) for a in answers for c in a.citations for start, end in c.spans
    )


class _Clock:
    """Stage timings in milliseconds."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round((now - self.last) * 1000, 2)
        self.last = now

    def timings(self) -> dict[str, float]:
        """Each stage, plus `compose` (gate + generate: the CLI contract) and `total`."""
        compose = self.laps.get("gate", 0.0) + self.laps.get("generate", 0.0)
        return {**self.laps, "compose": round(compose, 2),
                "total": round((self.last - self.started) * 1000, 2)}
