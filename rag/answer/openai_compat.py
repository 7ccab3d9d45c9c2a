"""Generation through any OpenAI-compatible chat endpoint (vLLM, Ollama, Xinference, …).

Streams with server-sent events, retries connection failures, timeouts, 429 and 5xx with
backoff, and turns every failure into a `GeneratorError` with a message a user can act on.
Every answer passes the grounding guard before anyone sees it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx

from rag.answer.base import GeneratorError, last_answer, refusal, stream_then_guard
from rag.answer.guard import guard_answer
from rag.answer.llm_prompt import render_messages
from rag.types import Answer, Hit


_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class OpenAIGenerator:
    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 2,
        temperature: float = 0.1,
        max_tokens: int = 384,
        guard_mode: str = "remove",
        stream: bool = True,
        backoff_s: float = 0.5,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"llm_base_url {base_url!r} must start with http:// or https://")
        if not model:
            raise ValueError("the openai generator needs llm_model (the served model's name)")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self.retries = retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.guard_mode = guard_mode
        self.streaming = stream
        self.backoff_s = backoff_s

    def _payload(self, messages: list[dict], stream: bool) -> dict:
        return {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stream": stream,
        }

    def _with_retries(self, attempt):
        """Run `attempt()`, retrying transient failures; raise GeneratorError at the end."""
        last = ""
        for number in range(self.retries + 1):
            try:
                return attempt()
            except httpx.HTTPStatusError as error:
                status = error.response.status_code
                last = f"HTTP {status} from {self.url}: {error.response.text[:200]}"
                if status not in _RETRY_STATUS:
                    break
            except (httpx.TimeoutException, httpx.TransportError) as error:
                last = f"{type(error).__name__} talking to {self.url}: {error}"
            if number < self.retries:
                time.sleep(self.backoff_s * 2**number)
        raise GeneratorError(last)

    def complete(self, messages: list[dict]) -> str:
        """The whole reply of a non-streaming request."""

        def attempt() -> str:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.post(self.url, json=self._payload(messages, False), headers=self.headers)
                response.raise_for_status()
                try:
                    return response.json()["choices"][0]["message"]["content"] or ""
                except (ValueError, KeyError, IndexError, TypeError):
                    raise GeneratorError(f"unexpected reply from {self.url}: {response.text[:200]}")

        return self._with_retries(attempt)

    def stream_text(self, messages: list[dict]) -> Iterator[str]:
        """Text deltas of a streaming request (retries only before the first delta)."""
        client = httpx.Client(timeout=self.timeout)

        def attempt():
            request = client.build_request(
                "POST", self.url, json=self._payload(messages, True), headers=self.headers
            )
            response = client.send(request, stream=True)
            if response.status_code >= 400:
                response.read()
                response.raise_for_status()
            return response

        try:
            response = self._with_retries(attempt)
            try:
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    except (ValueError, KeyError, IndexError, TypeError):
                        raise GeneratorError(f"unexpected stream chunk from {self.url}: {data[:200]}")
                    if delta:
                        yield delta
            except (httpx.TimeoutException, httpx.TransportError) as error:
                raise GeneratorError(f"stream from {self.url} broke off: {error}") from None
            finally:
                response.close()
        finally:
            client.close()

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str | Answer]:
        """Raw text pieces as they arrive, then the guarded `Answer` as the last item."""
        if not hits:
            yield refusal(question, hits, self.name)
            return
        messages = render_messages(question, hits)
        deltas = self.stream_text(messages) if self.streaming else iter([self.complete(messages)])
        yield from stream_then_guard(
            deltas, lambda text: guard_answer(question, text, hits, self.name, self.guard_mode)
        )

    def generate(self, question: str, hits: list[Hit], decision=None, seen=()) -> Answer:
        """The guarded answer; `decision` and `seen` are the gate's and the history's (the
        model reads the passages itself, so neither changes what it is sent)."""
        return last_answer(self.stream(question, hits))
