"""What every generator shares: where a streamed sentence is complete, and partial answers."""

from __future__ import annotations

import pytest

from rag.answer.base import complete_prefix, last_answer, stream_answer, stream_then_guard
from rag.types import Answer, AnswerSentence, Partial

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text, complete",
    [
        ("广东成立领导小组", ""),
        ("广东成立领导小组。", ""),  # the stop may still gain its marker
        ("广东成立领导小组。[", ""),  # half a marker
        ("广东成立领导小组。[1", ""),
        ("广东成立领导小组。[1]", ""),  # a second marker may follow
        ("广东成立领导小组。[1]每", "广东成立领导小组。[1]"),
        ("第一句。[1][2]第二", "第一句。[1][2]"),
        ("1. 不愿共享\n2. 不敢", "1. 不愿共享\n"),
    ],
)
def test_complete_prefix_never_cuts_a_sentence_or_its_markers(text, complete):
    assert text[: complete_prefix(text)] == complete


def _guard(text: str) -> Answer:
    """A stand-in guard: keeps the sentences that do not mention 编造."""
    kept = [s + "。" for s in text.split("。") if s.strip() and "编造" not in s]
    return Answer(question="问", text="".join(kept), refused=not kept,
                  sentences=tuple(AnswerSentence(s, (1,)) for s in kept))


def test_partials_carry_only_accepted_sentences_and_the_last_item_is_the_whole_answer():
    deltas = ["第一句", "。第二句", "编造。", "第三", "句。第四句。"]
    items = list(stream_then_guard(iter(deltas), _guard))
    assert [i for i in items if isinstance(i, str)] == deltas  # the raw text passes through
    partials = [i.answer.text for i in items if isinstance(i, Partial)]
    assert partials == ["第一句。", "第一句。第三句。"]  # the invented sentence added nothing
    final = items[-1]
    assert isinstance(final, Answer) and final.text == "第一句。第三句。第四句。"
    assert final.trace.generated == "".join(deltas)


def test_stream_answer_takes_one_generate_call_from_a_generator_that_cannot_stream():
    class Whole:
        name = "extractive"

        def generate(self, question, hits, decision=None, seen=()):
            return Answer(question=question, text="答。", refused=False)

    items = list(stream_answer(Whole(), "问", []))
    assert len(items) == 1 and last_answer(items).text == "答。"
