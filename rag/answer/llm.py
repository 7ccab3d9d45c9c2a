"""What every LLM generator shares: the passages rendered as chat messages, the reply streamed
through, the grounding guard on each complete prefix and on the whole reply, and `generate`
as the drained stream.

A generator subclasses `GuardedLLM`, sets `name` and `guard_mode`, and says how to get the
reply's text pieces for some messages (`deltas`); everything else is here, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from rag.answer.base import last_answer, refusal, stream_then_guard
from rag.answer.guard import guard_answer
from rag.answer.llm_prompt import render_messages
from rag.types import Answer, Evidence, Hit, Partial


class GuardedLLM(ABC):
    """An LLM generator: `stream` and `generate` over the pieces `deltas` yields."""

    name: str
    guard_mode: str

    @abstractmethod
    def deltas(self, messages: list[dict]) -> Iterator[str]:
        """The model's reply to `messages`, piece by piece (one deadline for the whole)."""

    def stream(self, question: str, hits: list[Hit], evidence: Sequence[Evidence] = ()
               ) -> Iterator[str | Answer]:
        """Raw text pieces as they arrive, then the guarded `Answer` as the last item;
        `evidence` is the gate's (a bare fragment is kept only where it occurs in it)."""
        if not hits:
            yield refusal(question, hits, self.name)
            return
        yield from stream_then_guard(
            self.deltas(render_messages(question, hits)),
            lambda text: guard_answer(question, text, hits, self.name, self.guard_mode, evidence=evidence),
        )

    def stream_answer(self, question: str, hits: list[Hit], decision=None, seen=()
                      ) -> Iterator[Partial | Answer]:
        """`stream` without the raw pieces: `Partial` answers, then the guarded `Answer`. The
        model reads the passages itself, so the gate's decision only lends the guard its
        evidence; the history's `seen` spans change nothing for a model."""
        evidence = decision.evidence if decision is not None else ()
        return (item for item in self.stream(question, hits, evidence) if not isinstance(item, str))

    def generate(self, question: str, hits: list[Hit], decision=None, seen=()) -> Answer:
        """The guarded answer: the drained `stream_answer`."""
        return last_answer(self.stream_answer(question, hits, decision, seen))
