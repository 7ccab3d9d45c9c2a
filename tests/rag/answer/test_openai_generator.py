"""The OpenAI-compatible generator against a fake server on loopback (no network)."""

from __future__ import annotations

import socket
import time

import pytest

from rag.answer.base import GeneratorError, GeneratorTimeout
from rag.answer.openai_compat import OpenAIGenerator
from rag.answer.prompts import GUARD_BAD_NUMBER, REFUSAL

pytestmark = pytest.mark.unit


def make(fake_llm, **options) -> OpenAIGenerator:
    return OpenAIGenerator(fake_llm.url, "fake-qwen", api_key="sk-test", timeout_s=5, backoff_s=0.01, **options)


@pytest.mark.parametrize("stream", [True, False])
def test_fabricated_and_badly_cited_sentences_are_removed(fake_llm, tiny_pipeline, with_generator, stream):
    generator = make(fake_llm, stream=stream)
    answer = with_generator(generator).run("广东数字政府改革建设工作领导小组由谁担任组长？")
    assert not answer.refused and answer.generator == "openai"
    assert "世界银行" not in answer.text and "博物馆" not in answer.text
    removed = dict(answer.removed)
    assert any("999" in reason for reason in removed.values())
    assert GUARD_BAD_NUMBER in removed.values()
    assert all(s.citations for s in answer.sentences)
    request = fake_llm.requests[-1]
    assert request["stream"] is stream and request["model"] == "fake-qwen"
    assert request["messages"][0]["role"] == "system" and "<passages>" in request["messages"][1]["content"]


def test_streaming_yields_deltas_then_the_guarded_answer(fake_llm, tiny_pipeline, with_generator):
    hits = tiny_pipeline.search("领导小组组长", top_k=3)
    fake_llm.replies.append("广东成立由省长任组长的数字政府改革建设工作领导小组,统筹推进全省改革。[1]")
    items = list(make(fake_llm).stream("领导小组组长", hits))
    deltas, final = [i for i in items if isinstance(i, str)], items[-1]
    assert len(deltas) > 3
    assert "".join(deltas).endswith("[1]")
    assert not final.refused and final.text.endswith("[1]")


def test_model_refusal_passes_through(fake_llm, tiny_pipeline, with_generator):
    fake_llm.replies.append(REFUSAL)
    answer = with_generator(make(fake_llm)).run("明天会下雨吗")
    assert answer.refused and answer.text == REFUSAL


def test_server_errors_are_retried_then_reported(fake_llm, tiny_pipeline, with_generator):
    fake_llm.replies.extend([503, "广东成立由省长任组长的数字政府改革建设工作领导小组,统筹推进全省改革。[1]"])
    answer = with_generator(make(fake_llm, retries=2)).run("领导小组组长")
    assert not answer.refused  # one 503, then success
    fake_llm.replies.extend([500, 500, 500])
    with pytest.raises(GeneratorError, match="HTTP 500"):
        with_generator(make(fake_llm, retries=2)).run("领导小组组长")
    fake_llm.replies.append(400)
    with pytest.raises(GeneratorError, match="HTTP 400"):  # not retried
        with_generator(make(fake_llm, retries=2)).run("领导小组组长")


def test_server_down_is_a_clear_error(with_generator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    generator = OpenAIGenerator(f"http://127.0.0.1:{port}/v1", "m", timeout_s=2, retries=1, backoff_s=0.01)
    with pytest.raises(GeneratorError, match=f"127.0.0.1:{port}"):
        with_generator(generator).run("领导小组组长")


def test_an_unanswerable_question_never_reaches_the_model(fake_llm, with_generator):
    """The gate runs before every generator: a question about 北京 (the corpus knows only
    广东) is refused without a request to the model."""
    before = len(fake_llm.requests)
    answer = with_generator(make(fake_llm)).run("北京数字政府改革建设工作领导小组由谁担任组长？")
    assert answer.refused and any("北京" in reason for reason in answer.reasons)
    assert answer.trace.gate.decision == "refuse"
    assert len(fake_llm.requests) == before


@pytest.mark.parametrize("every_s", [0.05, 0.8])
def test_the_deadline_cancels_a_request_kept_alive_by_pings(fake_llm, tiny_pipeline, fakes, every_s):
    """llama.cpp sends `: ping` every 15 s while it reads a long prompt, so a read timeout
    never fires; the deadline does — between pings too — and the server sees the client go."""
    hits = tiny_pipeline.search("领导小组组长", top_k=3)
    fake_llm.replies.append(fakes("openai_server").KeepAlive(every_s=every_s, for_s=30, then="太迟了。[1]"))
    generator = make(fake_llm, deadline_s=1.0, retries=2)
    generator.timeout_s = 0.9  # longer than the gap between pings: reads never time out
    started = time.monotonic()
    with pytest.raises(GeneratorTimeout, match="llm_deadline_s=1 s") as raised:
        generator.generate("领导小组组长", hits)
    assert 1.0 <= time.monotonic() - started < 1.5
    assert raised.value.seconds == 1.0
    assert fake_llm.disconnected.wait(3.0)  # upstream cancelled, not left running
    assert len(fake_llm.requests) == 1  # a deadline is not retried


def test_the_deadline_bounds_a_silent_non_streaming_request(fake_llm, tiny_pipeline, fakes):
    hits = tiny_pipeline.search("领导小组组长", top_k=3)
    fake_llm.replies.append(fakes("openai_server").KeepAlive(every_s=0.05, for_s=5, then="太迟了。[1]"))
    started = time.monotonic()
    with pytest.raises(GeneratorTimeout):
        make(fake_llm, stream=False, deadline_s=0.5).generate("领导小组组长", hits)
    assert time.monotonic() - started < 1.5


def test_retries_stop_at_the_deadline(fake_llm, tiny_pipeline):
    hits = tiny_pipeline.search("领导小组组长", top_k=3)
    fake_llm.replies.extend([503] * 10)
    generator = OpenAIGenerator(fake_llm.url, "m", timeout_s=5, retries=8, backoff_s=0.2, deadline_s=0.7)
    started = time.monotonic()
    with pytest.raises(GeneratorTimeout):
        generator.generate("领导小组组长", hits)
    assert time.monotonic() - started < 1.5 and len(fake_llm.requests) < 9


def test_url_credentials_are_sent_as_basic_auth_and_never_shown(fake_llm, with_generator):
    import base64

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    generator = OpenAIGenerator(f"http://alice:s3cret@127.0.0.1:{port}/v1", "m", timeout_s=2, retries=0)
    assert generator.url == f"http://127.0.0.1:{port}/v1/chat/completions"
    with pytest.raises(GeneratorError) as raised:
        with_generator(generator).run("领导小组组长")
    assert "s3cret" not in str(raised.value) and "alice" not in str(raised.value)
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert "s3cret" not in str(GeneratorError("HTTP 500 from http://alice:s3cret@host/v1"))
    with pytest.raises(ValueError) as bad:
        OpenAIGenerator("ftp://alice:s3cret@host/v1", "m")
    assert "s3cret" not in str(bad.value)
    served = fake_llm.url.replace("http://", "http://alice:s3cret@")
    with_generator(OpenAIGenerator(served, "m", retries=0)).run("广东数字政府改革建设工作领导小组由谁担任组长？")
    assert fake_llm.authorization[-1] == "Basic " + base64.b64encode(b"alice:s3cret").decode()


def test_configuration_errors_name_the_setting():
    with pytest.raises(ValueError, match="llm_base_url"):
        OpenAIGenerator("localhost:8000", "m")
    with pytest.raises(ValueError, match="llm_model"):
        OpenAIGenerator("http://127.0.0.1:8000/v1", "")
