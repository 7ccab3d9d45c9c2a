"""Generation through any OpenAI-compatible chat endpoint (llama.cpp, Ollama, vLLM, …).

Streams with server-sent events, retries connection failures, timeouts, 429 and 5xx with
backoff, and turns every failure into a `GeneratorError` with a message a user can act on.
Every answer passes the grounding guard before anyone sees it.

Two limits: `timeout_s` is the longest wait for the server's next bytes (a read timeout),
and `deadline_s` bounds the whole generation, retries included. Servers send keep-alive
comments while they read a long prompt (llama.cpp every 15 s), which a read timeout never
sees as idle; so at the deadline the connection is shut down — a blocked read returns at
once and the server sees the client go, so it can drop the work — and `GeneratorTimeout` is
raised.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx

from rag.answer.base import Deadline, GeneratorError, GeneratorTimeout
from rag.answer.llm import GuardedLLM
from rag.settings import redact_credentials

_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


def cancel_at(deadline: Deadline, response: httpx.Response) -> threading.Timer:
    """Shut the response's connection down when `deadline` passes (cancel the timer when
    done). Shutting the socket down, unlike closing it, wakes a read blocked in another
    thread, and the server sees the client hang up."""

    def cancel() -> None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass

    timer = threading.Timer(deadline.remaining(), cancel)
    timer.daemon = True
    timer.start()
    return timer


class OpenAIGenerator(GuardedLLM):
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
        deadline_s: float = 120.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"llm_base_url {redact_credentials(base_url)!r} must start with http:// or https://"
            )
        if not model:
            raise ValueError("the openai generator needs llm_model (the served model's name)")
        url = httpx.URL(base_url.rstrip("/") + "/chat/completions")
        # Credentials in the URL are sent as HTTP basic auth, as httpx would, but the URL kept
        # for requests, messages and httpx's own log lines carries none.
        self.auth = httpx.BasicAuth(url.username, url.password) if url.userinfo else None
        self.url = str(url.copy_with(username=None, password=None))
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout_s = timeout_s
        self.retries = retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.guard_mode = guard_mode
        self.streaming = stream
        self.backoff_s = backoff_s
        self.deadline_s = deadline_s

    def _payload(self, messages: list[dict], stream: bool) -> dict:
        return {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stream": stream,
        }

    def _timeout(self, deadline: Deadline) -> httpx.Timeout:
        """Per-request limits: the read timeout, but never past the deadline."""
        left = max(0.001, deadline.remaining())
        return httpx.Timeout(min(self.timeout_s, left), connect=min(10.0, self.timeout_s, left))

    def _late(self, deadline: Deadline) -> GeneratorTimeout:
        return GeneratorTimeout(
            f"no complete answer from {self.url} within llm_deadline_s={deadline.seconds:g} s; "
            "the request was cancelled",
            deadline.seconds,
        )

    def _with_retries(self, attempt: Callable[[], object], deadline: Deadline):
        """Run `attempt()`, retrying transient failures while the deadline allows; raise
        GeneratorError (GeneratorTimeout once the deadline has passed) at the end."""
        last = ""
        for number in range(self.retries + 1):
            if deadline.expired():
                raise self._late(deadline)
            try:
                return attempt()
            except httpx.HTTPStatusError as error:
                status = error.response.status_code
                last = f"HTTP {status} from {self.url}: {error.response.text[:200]}"
                if status not in _RETRY_STATUS:
                    break
            except (httpx.TimeoutException, httpx.TransportError) as error:
                if deadline.expired():
                    raise self._late(deadline) from None
                last = f"{type(error).__name__} talking to {self.url}: {error}"
            if number < self.retries:
                time.sleep(min(self.backoff_s * 2**number, deadline.remaining()))
        raise GeneratorError(last)

    def complete(self, messages: list[dict], deadline: Deadline | None = None) -> str:
        """The whole reply of a non-streaming request."""
        deadline = deadline or Deadline(self.deadline_s)

        def attempt() -> str:
            with httpx.Client(timeout=self._timeout(deadline), auth=self.auth) as client:
                response = client.post(self.url, json=self._payload(messages, False), headers=self.headers)
                response.raise_for_status()
                try:
                    return response.json()["choices"][0]["message"]["content"] or ""
                except (ValueError, KeyError, IndexError, TypeError):
                    raise GeneratorError(f"unexpected reply from {self.url}: {response.text[:200]}")

        return self._with_retries(attempt, deadline)

    def stream_text(self, messages: list[dict], deadline: Deadline | None = None) -> Iterator[str]:
        """Text deltas of a streaming request (retries only before the first delta)."""
        deadline = deadline or Deadline(self.deadline_s)
        client = httpx.Client(auth=self.auth)

        def attempt():
            request = client.build_request(
                "POST", self.url, json=self._payload(messages, True), headers=self.headers,
                timeout=self._timeout(deadline),
            )
            response = client.send(request, stream=True)
            if response.status_code >= 400:
                response.read()
                response.raise_for_status()
            return response

        try:
            response = self._with_retries(attempt, deadline)
            watchdog = cancel_at(deadline, response)
            finished = False
            try:
                for line in response.iter_lines():
                    if deadline.expired():
                        raise self._late(deadline)
                    if not line.startswith("data:"):
                        continue  # blank separators and ": ping" keep-alive comments
                    data = line[5:].strip()
                    if data == "[DONE]":
                        finished = True
                        break
                    try:
                        delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    except (ValueError, KeyError, IndexError, TypeError):
                        raise GeneratorError(f"unexpected stream chunk from {self.url}: {data[:200]}")
                    if delta:
                        yield delta
                if not finished and deadline.expired():  # the watchdog cut the stream short
                    raise self._late(deadline)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                if deadline.expired():
                    raise self._late(deadline) from None
                raise GeneratorError(f"stream from {self.url} broke off: {error}") from None
            finally:
                watchdog.cancel()
                response.close()
        finally:
            client.close()

    def deltas(self, messages: list[dict]) -> Iterator[str]:
        """The reply's pieces, streamed or in one piece; `deadline_s` bounds the whole."""
        deadline = Deadline(self.deadline_s)
        if self.streaming:
            return self.stream_text(messages, deadline)
        return iter([self.complete(messages, deadline)])
