"""Generation with a local transformers model directory (Qwen, DeepSeek, …), CPU by default.

Loads only from disk (`local_files_only=True`), formats the prompt with the model's chat
template, streams with `TextIteratorStreamer`, and sends the result through the guard.
`deadline_s` bounds the generation (transformers' `max_time` stops it); an answer cut short
by the deadline is a `GeneratorTimeout`, not a truncated answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from rag.answer.base import Deadline, GeneratorError, GeneratorTimeout
from rag.answer.llm import GuardedLLM


class TransformersGenerator(GuardedLLM):
    name = "transformers"

    def __init__(
        self,
        model_dir: str,
        device: str = "cpu",
        max_new_tokens: int = 384,
        guard_mode: str = "remove",
        num_threads: int = 2,
        deadline_s: float = 120.0,
    ) -> None:
        if not model_dir:
            raise ValueError("the transformers generator needs llm_model_dir (a local model folder)")
        self.model_dir = model_dir
        self.device = device
        self.max_new_tokens = max_new_tokens
        self.guard_mode = guard_mode
        self.num_threads = num_threads
        self.deadline_s = deadline_s
        self._model = None
        self._tokenizer = None

    def load(self) -> "TransformersGenerator":
        if self._model is not None:
            return self
        if not Path(self.model_dir).is_dir():
            raise ValueError(f"llm_model_dir {self.model_dir!r} is not a folder (downloads are disabled)")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(self.num_threads)
        self._tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
        if not getattr(self._tokenizer, "chat_template", None):
            raise ValueError(f"the tokenizer in {self.model_dir} has no chat template")
        model = AutoModelForCausalLM.from_pretrained(self.model_dir, local_files_only=True)
        self._model = model.to(self.device).eval()
        return self

    def stream_text(self, messages: list[dict]) -> Iterator[str]:
        """Decoded text as the model produces it (greedy decoding, reproducible)."""
        from transformers import TextIteratorStreamer

        self.load()
        inputs = self._tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.device)
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []
        deadline = Deadline(self.deadline_s)

        def run() -> None:
            try:
                self._model.generate(
                    **inputs, streamer=streamer, max_new_tokens=self.max_new_tokens, do_sample=False,
                    max_time=deadline.remaining(),
                )
            except Exception as error:  # reported to the caller below, never swallowed
                failure.append(error)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        yield from (piece for piece in streamer if piece)
        thread.join()
        if deadline.expired():
            raise GeneratorTimeout(
                f"local model {self.model_dir} did not finish within llm_deadline_s="
                f"{self.deadline_s:g} s; generation was stopped", self.deadline_s,
            )
        if failure:
            raise GeneratorError(f"local model {self.model_dir} failed: {failure[0]}") from failure[0]

    def deltas(self, messages: list[dict]) -> Iterator[str]:
        """The reply's pieces as the model produces them."""
        return self.stream_text(messages)
