"""The `Generator` protocol and what every generator shares: errors, deadlines, refusals,
streaming."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Protocol

from rag.answer.prompts import REFUSAL
from rag.ingest.sentences import split_sentences
from rag.settings import redact_credentials
from rag.types import Answer, AnswerSentence, GateDecision, Hit, Partial, Trace


class GeneratorError(RuntimeError):
    """A generator's backend failed (server down, model crashed); the message says where,
    with any user:password in a URL replaced by `***`."""

    def __init__(self, message: str) -> None:
        super().__init__(redact_credentials(str(message)))


class GeneratorTimeout(GeneratorError):
    """The backend did not finish within the deadline; the request was cancelled."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class Deadline:
    """A point in time a whole generation must finish by (`time.monotonic` seconds)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.at = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.at - self.clock())

    def expired(self) -> bool:
        return self.clock() >= self.at


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


_OPEN_MARKER = re.compile(r"\s*\[\d*")  # a citation marker still arriving


def complete_prefix(text: str) -> int:
    """How many characters of `text` form complete sentences (as the guard splits them, with
    their markers), so that the guard never judges half a sentence. The last sentence, or one
    followed only by half a marker, may still grow: it counts once more text follows."""
    spans = split_sentences(text)
    end = 0
    for (_, _), (start, _) in zip(spans, spans[1:]):
        if not _OPEN_MARKER.fullmatch(text[start:]):
            end = start
    return end


def stream_then_guard(deltas: Iterator[str], guard) -> Iterator[str | Partial | Answer]:
    """Pass text pieces through as they arrive; each time the text gains complete sentences
    the guard keeps, a `Partial` with the guarded answer so far (what a reader may see while
    the model still writes); last, `guard(full_text)`, with the raw text kept in its trace."""
    text, judged, shown = "", 0, 0
    for delta in deltas:
        text += delta
        yield delta
        end = complete_prefix(text)
        if end > judged:
            judged = end
            partial = guard(text[:end])
            if not partial.refused and len(partial.sentences) > shown:
                shown = len(partial.sentences)
                yield Partial(partial)
    answer = guard(text)
    yield dataclasses.replace(answer, trace=Trace(query=answer.question, generated=text))


def stream_answer(
    generator, question: str, hits: list[Hit], decision: GateDecision | None = None,
    seen: Collection[tuple[str, int, int]] = (),
) -> Iterator[Partial | Answer]:
    """`Partial` answers while a generator writes, then its final `Answer`: the generator's
    own `stream_answer` (LLM generators, the fallback), or else one `generate` call (the
    extractive answer is whole at once)."""
    own = getattr(generator, "stream_answer", None)
    if own is not None:
        yield from own(question, hits, decision, seen)
    else:
        yield generator.generate(question, hits, decision, seen)


def answer_text(sentences: tuple[AnswerSentence, ...]) -> str:
    """The answer as one string, each sentence followed by its [n] markers: the direct answer
    on a line of its own, list items as numbered lines, prose running together."""
    lines: list[str] = []
    prose = ""
    number = 0
    for s in sentences:
        cited = "".join(f"[{n}]" for n in s.citations)
        if s.role in ("item", "direct") and prose:
            lines.append(prose)
            prose = ""
        if s.role == "item":
            number += 1
            lines.append(f"{number}. {s.text}{cited}")
        elif s.role == "direct":
            lines.append(f"{s.text}{cited}")
        else:
            number = 0
            prose += f"{s.text}{cited}"
    if prose:
        lines.append(prose)
    return "\n".join(lines)
