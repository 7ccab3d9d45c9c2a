"""A fake OpenAI-compatible chat server on loopback, for offline tests and demos.

Default behaviour ("echo with lies"): answers with the first sentence of passage 1 cited [1],
then a fabricated sentence cited [1], then a sentence citing a passage number that does not
exist. Tests can instead queue exact replies or HTTP errors.

Run by hand:  python tests/fakes/openai_server.py --port 8011
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FABRICATED = "该项改革由世界银行全额资助，总投资达到999亿元。[1]"
BAD_CITATION = "各地还设立了数字政府博物馆。[9]"


def echo_with_lies(messages: list[dict]) -> str:
    user = messages[-1]["content"]
    match = re.search(r"<passage n=\"1\">\n标题：[^\n]*\n章节：[^\n]*\n(.+?)\n</passage>", user, re.S)
    if not match:
        return "资料中没有找到可以回答这个问题的内容。"
    first = re.split(r"(?<=[。！？；])", match.group(1).strip())[0].strip()
    return f"{first}[1]{FABRICATED}{BAD_CITATION}"


class FakeOpenAIServer:
    """Start with `start()`; `url` is the base URL to configure (…/v1)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.replies: deque = deque()  # str content, or int HTTP status to fail with
        self.requests: list[dict] = []
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
                reply = server.replies.popleft() if server.replies else echo_with_lies(body["messages"])
                if isinstance(reply, int):
                    self._json(reply, {"error": {"message": f"simulated failure {reply}"}})
                    return
                if body.get("stream"):
                    self._stream(reply, body.get("model", "fake"))
                else:
                    self._json(200, {
                        "id": "chatcmpl-fake", "object": "chat.completion", "model": body.get("model"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": reply}}],
                    })

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(text), 6):
                    chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
                             "choices": [{"index": 0, "delta": {"content": text[i:i + 6]}}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode("utf-8"))
                    self.wfile.flush()
                    time.sleep(0.002)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self._server.server_address[1]}/v1"

    def start(self) -> "FakeOpenAIServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    fake = FakeOpenAIServer(port=args.port)
    print(f"fake OpenAI-compatible server at {fake.url} (model name: anything)", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass
