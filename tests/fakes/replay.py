"""Replay a real model's recorded replies through the fake OpenAI-compatible server.

`recordings/dev-qwen2.5-coder-1.5b-q4km.jsonl` holds, for each question of eval/dev.jsonl,
the request as it was sent and the raw reply of Qwen2.5-Coder-1.5B (see recordings/README.md).
The prompt and the passages a question gets have changed since, so a request is matched on the
question alone (the text inside <question>…</question>), and the reply's [n] markers are
renumbered to where the same passage text sits in today's request (a marker to a passage that
is no longer sent becomes a number past the end, i.e. invalid, as it would be for the model).
A question without a recording gets HTTP 404, so nothing is silently invented.

Run by hand, then point `rag` at it:

    python tests/fakes/replay.py --port 8012
    rag eval --set eval/dev.jsonl --generator openai \\
        --llm-base-url http://127.0.0.1:8012/v1 --llm-model replay
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

RECORDINGS = Path(__file__).resolve().parent / "recordings" / "dev-qwen2.5-coder-1.5b-q4km.jsonl"
NOT_FOUND = 404

_QUESTION = re.compile(r"<question>\s*(.*?)\s*</question>", re.S)
_PASSAGE = re.compile(r"<passage n=\"(\d+)\">\n标题：[^\n]*\n章节：[^\n]*\n(.*?)\n</passage>", re.S)
_MARKER = re.compile(r"\[(\d{1,3})\]")


def question_of(messages: list[dict]) -> str:
    """The question inside the last user message, whitespace removed ("" when none)."""
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    match = _QUESTION.search(user)
    return "".join(match.group(1).split()) if match else ""


def passages_of(messages: list[dict]) -> dict[int, str]:
    """Passage number → passage text in the last user message."""
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    return {int(n): text.strip() for n, text in _PASSAGE.findall(user)}


def renumber(raw: str, recorded: dict[int, str], current: dict[int, str]) -> str:
    """Point the reply's markers [n] (recorded numbering) at the same passages today.

    Numbers that were not passage numbers when recorded (an article's own footnote [24]
    copied by the model) are left alone."""
    where = {text: n for n, text in current.items()}
    past_end = len(current)

    def move(match: re.Match) -> str:
        n = int(match.group(1))
        if n not in recorded:
            return match.group(0)
        return f"[{where.get(recorded[n], past_end + n)}]"

    return _MARKER.sub(move, raw)


class Replayer:
    """`respond(body)` for `FakeOpenAIServer`: the recorded reply for the body's question."""

    def __init__(self, path: Path = RECORDINGS) -> None:
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
        self.rows = {question_of(row["request"]["messages"]): row for row in rows}
        self.misses: list[str] = []

    def __call__(self, body: dict) -> str | int:
        question = question_of(body["messages"])
        row = self.rows.get(question)
        if row is None:
            self.misses.append(question)
            return NOT_FOUND
        return renumber(row["raw"], passages_of(row["request"]["messages"]), passages_of(body["messages"]))


def _server_module():
    """The sibling openai_server.py (tests/fakes is not a package)."""
    name = "fake_openai_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("openai_server.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


def replay_server(path: Path = RECORDINGS, port: int = 0):
    """A `FakeOpenAIServer` (not started) that replays the recordings in `path`."""
    return _server_module().FakeOpenAIServer(port=port, respond=Replayer(path))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8012)
    parser.add_argument("--recordings", type=Path, default=RECORDINGS)
    args = parser.parse_args()
    server = replay_server(args.recordings, args.port)
    print(f"replaying {args.recordings.name} at {server.url} (model name: anything)", flush=True)
    server.serve_forever()
