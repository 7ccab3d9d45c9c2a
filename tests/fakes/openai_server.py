"""A fake OpenAI-compatible chat server on loopback, for offline tests and demos.

Default behaviour ("echo with lies"): answers with the first sentence of passage 1 cited [1],
then a fabricated sentence cited [1], then a sentence citing a passage number that does not
exist. A `respond(body)` callable can replace it (`replay.py` replays a real model's recorded
replies this way), and tests can queue exact replies, HTTP errors, or a `KeepAlive` that
behaves like llama.cpp's server on a long prompt: SSE comment pings and no content.

Run by hand:  python tests/fakes/openai_server.py --port 8011
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FABRICATED = "该项改革由世界银行全额资助，总投资达到999亿元。[1]"
BAD_CITATION = "各地还设立了数字政府博物馆。[9]"


def echo_with_lies(body: dict) -> str:
    user = body["messages"][-1]["content"]
    match = re.search(r"<passage n=\"1\">\n标题：[^\n]*\n章节：[^\n]*\n(.+?)\n</passage>", user, re.S)
    if not match:
        return "资料中没有找到可以回答这个问题的内容。"
    first = re.split(r"(?<=[。！？；])", match.group(1).strip())[0].strip()
    return f"{first}[1]{FABRICATED}{BAD_CITATION}"


@dataclass(frozen=True)
class KeepAlive:
    """A streamed reply that sends `: ping` comments every `every_s` for `for_s` seconds
    before any content, as llama.cpp's server does while it reads a long prompt."""

    every_s: float
    for_s: float
    then: str = ""


class FakeOpenAIServer:
    """Start with `start()`; `url` is the base URL to configure (…/v1)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        respond: Callable[[dict], str | int] = echo_with_lies,
        chunk_delay_s: float = 0.002,
    ) -> None:
        self.replies: deque = deque()  # str content, int HTTP status to fail with, or KeepAlive
        self.requests: list[dict] = []
        self.authorization: list[str] = []  # the Authorization header of each request
        self.respond = respond
        self.disconnected = threading.Event()  # set when a client hung up mid-reply
        self.chunk_delay_s = chunk_delay_s  # between streamed pieces of 6 characters
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                return

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": "fake-qwen", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                server.requests.append(body)
                server.authorization.append(self.headers.get("Authorization", ""))
                reply = server.replies.popleft() if server.replies else server.respond(body)
                if isinstance(reply, int):
                    self._json(reply, {"error": {"message": f"simulated failure {reply}"}})
                    return
                try:
                    if body.get("stream"):
                        self._start_stream()
                    if isinstance(reply, KeepAlive):
                        if body.get("stream"):
                            self._ping(reply)
                        else:  # a non-streaming reply has nothing to ping with: it just waits
                            time.sleep(reply.for_s)
                        reply = reply.then
                    if body.get("stream"):
                        self._stream(reply, body.get("model", "fake"))
                    else:
                        self._json(200, {
                            "id": "chatcmpl-fake", "object": "chat.completion", "model": body.get("model"),
                            "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": reply}}],
                        })
                except (BrokenPipeError, ConnectionResetError):
                    server.disconnected.set()

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _start_stream(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

            def _ping(self, keep: KeepAlive) -> None:
                """SSE comments until `for_s` has passed (raises when the client hung up)."""
                until = time.monotonic() + keep.for_s
                while time.monotonic() < until:
                    self.wfile.write(f": ping - {time.time():.0f}\r\n\r\n".encode("ascii"))
                    self.wfile.flush()
                    time.sleep(keep.every_s)

            def _stream(self, text: str, model: str) -> None:
                for i in range(0, len(text), 6):
                    chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
                             "choices": [{"index": 0, "delta": {"content": text[i:i + 6]}}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode("utf-8"))
                    self.wfile.flush()
                    time.sleep(server.chunk_delay_s)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}/v1"

    def start(self) -> "FakeOpenAIServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (for running by hand)."""
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            pass

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    fake = FakeOpenAIServer(port=args.port)
    print(f"fake OpenAI-compatible server at {fake.url} (model name: anything)", flush=True)
    fake.serve_forever()
