"""Conversations kept in the browser (localStorage, via gr.BrowserState): the open one survives a
page reload, and 新对话 keeps the earlier ones in a list that can be reopened.

The store is plain JSON: `{"current": [turn, ...], "past": [{"title", "time", "turns"}, ...]}`.
A turn keeps what the chat needs to show it again and to open its citations (the `Answer`
without its trace and guard checks). What comes back from the browser is untrusted: anything
malformed is dropped, never raised.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from rag.types import Answer, AnswerSentence, Chunk, Citation, Hit, Trace

log = logging.getLogger(__name__)

STORAGE_KEY = "rag-conversations"
MAX_PAST = 20  # earlier conversations kept
MAX_TURNS = 50  # turns kept per conversation
TURN_KEYS = ("turn", "question", "query", "outcome", "settings", "time", "html", "script",
             "shown_script", "seconds", "rating", "error")


def empty() -> dict:
    """A store with no conversation."""
    return {"current": [], "past": []}


def _chunk(data: dict) -> Chunk:
    fields = {f.name for f in dataclasses.fields(Chunk)}
    return Chunk(**{k: v for k, v in data.items() if k in fields})


def _spans(rows) -> tuple[tuple[int, int], ...]:
    return tuple((int(s), int(e)) for s, e in rows or ())


def dump_answer(answer: Answer) -> dict:
    """An answer as JSON-safe data (no trace beyond the searched query, no guard checks)."""
    data = dataclasses.asdict(dataclasses.replace(answer, trace=None, checks=()))
    data["query"] = answer.trace.query if answer.trace else ""
    data.pop("trace", None)
    data.pop("checks", None)
    return data


def load_answer(data: dict) -> Answer:
    """The answer `dump_answer` wrote (raises on malformed data)."""
    return Answer(
        question=str(data["question"]),
        text=str(data["text"]),
        refused=bool(data["refused"]),
        sentences=tuple(
            AnswerSentence(str(s["text"]), tuple(int(n) for n in s["citations"]),
                           bool(s.get("supported", True)), str(s.get("role", "support")))
            for s in data.get("sentences", ())
        ),
        citations=tuple(
            Citation(int(c["n"]), _chunk(c["chunk"]), _spans(c.get("spans")))
            for c in data.get("citations", ())
        ),
        related=tuple(
            Hit(_chunk(h["chunk"]), float(h["score"]), int(h["rank"]),
                tuple((str(k), float(v)) for k, v in h.get("scores", ())))
            for h in data.get("related", ())
        ),
        evidence_score=float(data.get("evidence_score", 0.0)),
        generator=str(data.get("generator", "extractive")),
        removed=tuple((str(a), str(b)) for a, b in data.get("removed", ())),
        caveat=str(data.get("caveat", "")),
        reasons=tuple(str(r) for r in data.get("reasons", ())),
        timings_ms={str(k): float(v) for k, v in (data.get("timings_ms") or {}).items()},
        trace=Trace(query=str(data["query"])) if data.get("query") else None,
        notice=str(data.get("notice", "")),
    )


def dump_turns(turns: Sequence[dict]) -> list[dict]:
    """Finished turns as JSON-safe data (a turn still pending is not kept)."""
    out = []
    for turn in list(turns or [])[-MAX_TURNS:]:
        if turn.get("outcome") not in ("answer", "refusal", "error"):
            continue
        row = {k: turn[k] for k in TURN_KEYS if k in turn}
        if turn.get("answer") is not None:
            row["answer"] = dump_answer(turn["answer"])
        out.append(row)
    return out


def load_turns(rows: object) -> list[dict]:
    """Turns from the browser, renumbered; malformed ones are dropped."""
    turns: list[dict] = []
    for row in rows if isinstance(rows, list) else []:
        try:
            turn = {k: row[k] for k in TURN_KEYS if k in row}
            if not isinstance(turn.get("html"), str) or turn.get("outcome") not in (
                "answer", "refusal", "error"
            ):
                continue
            turn["answer"] = load_answer(row["answer"]) if row.get("answer") else None
            if turn["outcome"] != "error" and turn["answer"] is None:
                continue
        except (KeyError, TypeError, ValueError, AttributeError) as problem:
            log.info("dropped a stored turn: %s", problem)
            continue
        turn["turn"] = len(turns)
        turns.append(turn)
    return turns


def title(turns: Sequence[dict]) -> str:
    """A conversation's name in the list: its first question, shortened."""
    first = next((t.get("question") for t in turns if t.get("question")), "") or "（空对话）"
    return first if len(first) <= 24 else first[:23] + "…"


def normalise(store: object) -> dict:
    """A store from the browser with the expected shape (anything else: empty)."""
    if not isinstance(store, dict):
        return empty()
    current = store.get("current") if isinstance(store.get("current"), list) else []
    past = [
        p for p in (store.get("past") if isinstance(store.get("past"), list) else [])
        if isinstance(p, dict) and isinstance(p.get("turns"), list)
    ][:MAX_PAST]
    return {"current": current, "past": past}


def keep(store: object, turns: Sequence[dict]) -> dict:
    """The store with `turns` as the open conversation."""
    store = normalise(store)
    return {"current": dump_turns(turns), "past": store["past"]}


def archive(store: object, turns: Sequence[dict], time: str = "") -> dict:
    """新对话: the open conversation (when it has any turn) moves to the top of the list."""
    store = normalise(store)
    past = store["past"]
    rows = dump_turns(turns)
    if rows:
        past = [{"title": title(turns), "time": time, "turns": rows}, *past][:MAX_PAST]
    return {"current": [], "past": past}


def reopen(store: object, index: object, turns: Sequence[dict], time: str = "") -> tuple[dict, list[dict]]:
    """Conversation `index` of the list becomes the open one (the open one is archived)."""
    store = normalise(store)
    try:
        chosen = store["past"][int(index)]
    except (TypeError, ValueError, IndexError):
        return keep(store, turns), list(turns or [])
    rest = [p for i, p in enumerate(store["past"]) if i != int(index)]
    store = archive({"current": [], "past": rest}, turns, time)
    opened = load_turns(chosen["turns"])
    return {"current": dump_turns(opened), "past": store["past"]}, opened


def choices(store: object) -> list[tuple[str, int]]:
    """(label, index) of the earlier conversations, newest first."""
    return [
        (f"{p.get('title', '')}（{str(p.get('time', ''))[:16].replace('T', ' ')}）", i)
        for i, p in enumerate(normalise(store)["past"])
    ]
