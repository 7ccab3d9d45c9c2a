"""Render the chat messages for an LLM: numbered, fenced passages and the question.

Text from articles and from users is data, never instructions: anything that looks like the
fence tags is defused (`<` → `＜`), so a passage cannot close its fence and speak as the
system, and the system prompt tells the model to ignore instructions inside passages.
"""

from __future__ import annotations

import re

from rag.answer.prompts import PASSAGE_TEMPLATE, SYSTEM_PROMPT, USER_TEMPLATE
from rag.types import Hit

_FENCE = re.compile(r"<(/?\s*(?:passages?|question|system|user|assistant)\b)", re.IGNORECASE)


def defuse(text: str) -> str:
    """Neutralise fence-like tags inside quoted text."""
    return _FENCE.sub(lambda m: "＜" + m.group(1), text)


def render_passages(hits: list[Hit]) -> str:
    return "\n".join(
        PASSAGE_TEMPLATE.format(
            n=i,
            title=defuse(hit.chunk.title),
            section=defuse(hit.chunk.section or "—"),
            text=defuse(hit.chunk.text),
        )
        for i, hit in enumerate(hits, start=1)
    )


def render_messages(question: str, hits: list[Hit]) -> list[dict[str, str]]:
    """OpenAI-style chat messages; passage n is `hits[n-1]`."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": USER_TEMPLATE.format(passages=render_passages(hits), question=defuse(question)),
        },
    ]
