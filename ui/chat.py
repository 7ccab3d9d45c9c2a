"""What happens on each user action, as plain Python (app.py only wires it to Gradio).

A conversation is a list of *turns* (dicts kept in the browser session's state): the
question as typed, the query actually searched (rewritten from history for follow-ups),
the `Answer`, the outcome (answer | refusal | error), the settings and the chat HTML.
The chat messages are always rebuilt from the turns, and the sources panel from a small
*view* dict: `{"turn", "mode": "sources" | "article", "kind": "citation" | "related", "n"}`.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator, Sequence

from rag.answer.base import GeneratorError, GeneratorTimeout
from rag.answer.prompts import ERROR_LLM_DEADLINE, ERROR_LLM_UNAVAILABLE
from rag.answer.validate import QuestionError, validate_question
from ui import panel as P
from ui import render as R
from ui import script as scripts
from ui import strings as S
from ui.engine import Engine, EngineNotReady
from ui.logs import Logs, now_iso

log = logging.getLogger(__name__)

SCRIPT_VALUES = {value for _, value in S.SCRIPT_CHOICES}
READY_WAIT = 0.0  # seconds a question asked while the index loads waits for it (app: longer)
STREAM_STEPS = 12  # an answer streams in about this many pieces
STREAM_MIN_CHARS = 4
STREAM_DELAY = 0.03  # seconds between pieces


def messages(turns: Sequence[dict]) -> list[dict]:
    """The Chatbot value: a user and an assistant message per turn (no user bubble if empty)."""
    out = []
    for turn in turns:
        if turn.get("question"):
            out.append({"role": "user", "content": R.render_question(turn["question"])})
        out.append({"role": "assistant", "content": turn["html"]})
    return out


def turn_of_message(turns: Sequence[dict], index: int) -> dict | None:
    """The turn whose assistant message is chat message `index`, or None."""
    position = 0
    for turn in turns:
        position += 1 if turn.get("question") else 0
        if position == index:
            return turn
        position += 1
    return None


def backend_message(problem: GeneratorError) -> str:
    """The Chinese chat message for an LLM backend failure (details already redacted)."""
    if isinstance(problem, GeneratorTimeout):
        return ERROR_LLM_DEADLINE.format(seconds=problem.seconds)
    return ERROR_LLM_UNAVAILABLE.format(detail=str(problem)[:80])


def render_turn(turn: dict, show_removed: bool = False, documents=None) -> str:
    """The finished chat HTML of an answered or refused turn, in the turn's display script,
    with its measured time and its rating."""
    answer = turn["answer"]
    script, rating = turn.get("shown_script", "original"), turn.get("rating", "")
    if answer.refused:
        return R.render_refusal(answer, turn["turn"], show_removed, script, rating)
    return R.render_answer(
        answer, turn["turn"], show_removed=show_removed, script=script,
        seconds=turn.get("seconds"), documents=documents, rating=rating,
    )


def stream_cuts(total: int, steps: int = STREAM_STEPS) -> list[int]:
    """Character counts shown at each streamed update, ending before the full answer."""
    step = max(STREAM_MIN_CHARS, math.ceil(total / max(1, steps)))
    return list(range(step, total, step))


class Chat:
    """The chat's actions over one engine and one pair of logs."""

    def __init__(
        self,
        engine: Engine,
        logs: Logs,
        stream_delay: float = STREAM_DELAY,
        sleep: Callable[[float], None] = time.sleep,
        ready_wait: float = READY_WAIT,
    ) -> None:
        """`stream_delay` seconds pass between streamed pieces (0 in tests); a question asked
        while the index loads waits up to `ready_wait` seconds for it instead of failing."""
        self.engine = engine
        self.logs = logs
        self.stream_delay = stream_delay
        self.sleep = sleep
        self.ready_wait = ready_wait

    def documents(self) -> dict:
        """The indexed articles by id (empty until the engine is ready)."""
        return {d.doc_id: d for d in self.engine.documents()}

    # ------------------------------------------------------------ asking

    def _settings(self, doc_ids: Sequence[str] | None, script: str, top_k: int) -> dict:
        """The settings of a turn, as logged (`doc_ids` is "all" when no article is left out)."""
        all_ids = [d.doc_id for d in self.engine.documents()]
        chosen = list(doc_ids) if doc_ids is not None else all_ids
        scope = "all" if all_ids and set(chosen) >= set(all_ids) else chosen
        return {"doc_ids": scope, "script": script, "top_k": int(top_k)}

    def respond(
        self,
        message: str,
        turns: Sequence[dict] | None,
        doc_ids: Sequence[str] | None,
        script: str,
        top_k: int,
        session: str = "",
        show_removed: bool = False,
    ) -> Iterator[tuple[str, list[dict], list[dict], str | None, dict | None]]:
        """Answer `message`: yields `(textbox, chat messages, turns, sources HTML, view)`.

        Sources and view are None when unchanged. The answer streams in pieces; errors
        become friendly chat messages; every turn is written to the audit log. What the
        grounding guard removed is shown only with `show_removed` (the evaluators' toggle).
        """
        turns = list(turns or [])
        text = message if isinstance(message, str) else ""
        shown = " ".join(text.split())
        settings = self._settings(doc_ids, script, top_k)
        turn = {
            "turn": len(turns),
            "question": shown,
            "query": "",
            "outcome": "pending",
            "settings": settings,
            "time": now_iso(),
            "html": R.render_pending(),
            "answer": None,
            "script": scripts.detect_script(shown),
        }
        turn["shown_script"] = scripts.resolve(script, turn["script"])
        turns.append(turn)
        yield "", messages(turns), turns, None, None
        if self.ready_wait > 0 and not self.engine.ready_event.is_set():
            # Queued, not lost: answered as soon as the index is ready.
            turn["html"] = R.render_pending(S.PENDING_LOADING)
            yield "", messages(turns), turns, None, None
            self.engine.ready_event.wait(self.ready_wait)
            turn["html"] = R.render_pending()
            settings = turn["settings"] = self._settings(doc_ids, script, top_k)
            if doc_ids is not None and not list(doc_ids):  # chosen before the list was filled
                doc_ids = None
                settings = turn["settings"] = self._settings(None, script, top_k)
        started = time.perf_counter()
        try:
            question = validate_question(text, self.engine.settings.max_question_chars)
            if doc_ids is not None and not list(doc_ids) and self.engine.ready:
                raise QuestionError(S.ERROR_NO_DOCS)
            history = [
                t["answer"] for t in turns[:-1]
                if t["outcome"] in ("answer", "refusal") and t.get("answer") is not None
            ]
            scope = None if settings["doc_ids"] == "all" else list(doc_ids or [])
            answer = self.engine.ask(question, scope, int(top_k), history=history)
            turn["seconds"] = time.perf_counter() - started
            turn["query"] = answer.trace.query if answer.trace else question
        except (QuestionError, EngineNotReady) as problem:
            yield self._fail(turns, turn, str(problem), session)
            return
        except GeneratorError as problem:  # an LLM backend is down or too slow: say so, briefly
            log.warning("generator failed: %s", problem)
            yield self._fail(turns, turn, backend_message(problem), session)
            return
        except Exception:  # last resort: the user sees a friendly line, the log the traceback
            log.exception("answering %r failed", text[:200])
            yield self._fail(turns, turn, S.ERROR_INTERNAL, session)
            return
        turn["answer"] = answer
        view = {"turn": turn["turn"], "mode": "sources", "kind": "citation", "n": 1}
        if answer.refused:
            view["kind"] = "related"
            view["n"] = 0
            turn.update(outcome="refusal", html=render_turn(turn, show_removed, self.documents()))
        else:
            turn["outcome"] = "answer"
            sources = self.panel(turns, view, script)
            for shown_chars in stream_cuts(R.answer_length(answer)):
                turn["html"] = R.render_answer(
                    answer, turn["turn"], shown=shown_chars, script=turn["shown_script"]
                )
                yield "", messages(turns), turns, sources, view
                sources = None
                self.sleep(self.stream_delay)
            turn["html"] = render_turn(turn, show_removed, self.documents())
        self.logs.audit(turn, session)
        yield "", messages(turns), turns, self.panel(turns, view, script), view

    def show_removed(self, turns: Sequence[dict] | None, show: bool) -> tuple[list[dict], list[dict]]:
        """The "显示被删除的内容" toggle: every finished turn re-rendered with (or without)
        what the grounding guard removed; returns `(chat messages, turns)`."""
        turns = list(turns or [])
        for turn in turns:
            if turn.get("outcome") in ("answer", "refusal") and turn.get("answer") is not None:
                turn["html"] = render_turn(turn, bool(show), self.documents())
        return messages(turns), turns

    def rescript(
        self, turns: Sequence[dict] | None, script: str, show: bool = False
    ) -> tuple[list[dict], list[dict]]:
        """The header's 简/繁 switch: every finished turn re-rendered in the script it now
        resolves to (auto: the question's own); returns `(chat messages, turns)`."""
        turns = list(turns or [])
        for turn in turns:
            turn["shown_script"] = scripts.resolve(script, turn.get("script", "simplified"))
        return self.show_removed(turns, show)

    def rate(
        self, turns: Sequence[dict] | None, turn_number: object, rating: object,
        session: str = "", show: bool = False,
    ) -> tuple[list[dict], list[dict], dict | None]:
        """有帮助/没帮助 on turn `turn_number` ("up" | "down"): logged at once, kept on the
        turn so it stays shown; returns `(chat messages, turns, pending feedback)`."""
        turns = list(turns or [])
        turn = _turn(turns, turn_number)
        if turn is None or rating not in ("up", "down") or turn.get("answer") is None or (
            turn.get("outcome") not in ("answer", "refusal")
        ):
            return messages(turns), turns, None
        feedback_id = uuid.uuid4().hex[:12]
        self.logs.feedback(turn, rating, "", feedback_id, session)
        turn["rating"] = rating
        turn["html"] = render_turn(turn, bool(show), self.documents())
        return messages(turns), turns, {
            "feedback_id": feedback_id, "turn": turn["turn"], "rating": rating
        }

    def _fail(self, turns: list[dict], turn: dict, message: str, session: str):
        """Turn `turn` into a friendly error message, audit it, and give the final update."""
        turn.update(outcome="error", error=message, html=R.render_error(message))
        self.logs.audit(turn, session)
        return "", messages(turns), turns, None, None

    # ------------------------------------------------------------ sources panel

    def panel(self, turns: Sequence[dict], view: dict | None, script: str) -> str:
        """The sources panel for `view` in display `script` (auto: the question's script)."""
        if not view:
            return P.render_sources_empty(self.engine.documents())
        turn = _turn(turns, view.get("turn"))
        answer = turn.get("answer") if turn else None
        if answer is None:
            return P.render_sources_gone()
        known = SCRIPT_VALUES | {scripts.ORIGINAL}
        script = scripts.resolve(script if script in known else None, turn.get("script", ""))
        original = bool(view.get("original"))
        n = int(view.get("n") or 0)
        if view.get("mode") == "article":
            target = _target(answer, view.get("kind"), n)
            document = self.engine.document(target[0].doc_id) if target else None
            if document is None:
                return P.render_sources_gone()
            chunk, spans = target
            return P.render_article(document, chunk, spans, script, turn["turn"], original)
        return P.render_sources(
            answer, turn["turn"], turn["question"], script, active=n or None,
            documents=self.documents(), original=original,
        )

    def open_view(
        self, turns: Sequence[dict], script: str, action: str, turn: object, n: object,
        kind: object = None, current: dict | None = None,
    ) -> tuple[str, dict | None]:
        """Handle a click in the chat or the panel: `cite`, `related`, `article` or `back`."""
        try:
            turn_number, number = int(turn), int(n)
        except (TypeError, ValueError):
            return self.panel(turns, current, script), current
        if action == "cite":
            view = {"turn": turn_number, "mode": "sources", "kind": "citation", "n": number}
        elif action == "related":
            view = {"turn": turn_number, "mode": "sources", "kind": "related", "n": number}
        elif action == "article":
            kind = "related" if kind == "related" else "citation"
            view = {"turn": turn_number, "mode": "article", "kind": kind, "n": number}
        elif action == "original":  # the one-click switch: articles as written, or converted
            if not current or current.get("turn") != turn_number:
                return self.panel(turns, current, script), current
            view = {**current, "original": not current.get("original")}
        else:  # back to the cards, keeping the one that was open
            keep = current or {}
            same = keep.get("turn") == turn_number
            view = {
                "turn": turn_number,
                "mode": "sources",
                "kind": keep.get("kind", "citation") if same else "citation",
                "n": keep.get("n", 0) if same else 0,
            }
            if same and keep.get("original"):
                view["original"] = True
        return self.panel(turns, view, script), view

    # ------------------------------------------------------------ feedback

    def like(
        self, turns: Sequence[dict], index: object, liked: object, session: str = ""
    ) -> tuple[str, dict | None]:
        """A 👍/👎 on chat message `index`: logged at once; returns (thanks, pending feedback)."""
        if isinstance(index, (list, tuple)):
            index = index[0] if index else -1
        turn = turn_of_message(turns, int(index)) if isinstance(index, int) else None
        if turn is None or turn.get("outcome") not in ("answer", "refusal"):
            return S.FEEDBACK_NOTHING, None
        rating = "up" if liked in (True, "Like") else "down" if liked in (False, "Dislike") else ""
        if not rating:
            return "", None
        feedback_id = uuid.uuid4().hex[:12]
        self.logs.feedback(turn, rating, "", feedback_id, session)
        thanks = S.FEEDBACK_THANKS_UP if rating == "up" else S.FEEDBACK_THANKS_DOWN
        return thanks, {"feedback_id": feedback_id, "turn": turn["turn"], "rating": rating}

    def comment(
        self, turns: Sequence[dict], pending: dict | None, text: str, session: str = ""
    ) -> str:
        """The optional comment on the last 👍/👎: logged with the same feedback id."""
        turn = _turn(turns, (pending or {}).get("turn"))
        comment = (text or "").strip()
        if turn is None or not comment:
            return ""
        self.logs.feedback(turn, pending["rating"], comment, pending["feedback_id"], session)
        return S.FEEDBACK_COMMENT_SAVED


def _turn(turns: Sequence[dict], number: object) -> dict | None:
    """Turn `number` of the conversation, or None for anything else."""
    if isinstance(number, int) and 0 <= number < len(turns):
        return turns[number]
    return None


def _target(answer, kind: object, n: int):
    """(chunk, spans) that a view points at, or None."""
    if kind == "related":
        hit = R.related_chunk(answer, n)
        return (hit.chunk, ()) if hit else None
    found = R.citation(answer, n)
    return (found.chunk, found.spans) if found else None
