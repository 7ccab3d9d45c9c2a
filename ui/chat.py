"""What happens on each user action, as plain Python (app.py only wires it to Gradio).

A conversation is a list of *turns* (dicts kept in the browser session's state): the
question as typed, the query actually searched (rewritten from history for follow-ups),
the `Answer`, the outcome (answer | refusal | error), the settings and the chat HTML.
The chat messages are always rebuilt from the turns, and the sources panel from a small
*view* dict: `{"turn", "mode": "sources" | "article", "kind": "citation" | "related", "n"}`.

Gradio hands every event of a browser session the *same* state list, also when an API
client sends several questions at once: `respond` appends to that list in place under a
lock and numbers turns from a per-session counter, so every request is audited exactly
once under a unique (session, turn) key and no turn is lost. Only the last
`max_session_turns` turns are kept; turns are found by number, not by position.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait

from rag.answer.base import GeneratorError, GeneratorTimeout
from rag.answer.prompts import ERROR_LLM_DEADLINE, ERROR_LLM_UNAVAILABLE, ERROR_TOO_LONG
from rag.answer.validate import QuestionError, validate_question
from rag.types import Partial
from ui import panel as P
from ui import render as R
from ui import script as scripts
from ui import strings as S
from ui.engine import Engine, EngineNotReady
from ui.logs import Logs, neutralise, now_iso

log = logging.getLogger(__name__)

SCRIPT_VALUES = {value for _, value in S.SCRIPT_CHOICES}
READY_WAIT = 0.0  # seconds a question asked while the index loads waits for it (app: longer)
# A finished answer (the extractive generator's) is shown at once: replaying it in 12 pieces
# 30 ms apart cost 0.36 s per answer and about 15 ms of server CPU (issue 11, "Load").
STREAM_STEPS = 12  # pieces of a replay, when a Chat is made with stream_steps
STREAM_MIN_CHARS = 4
STREAM_DELAY = 0.0  # seconds between replayed pieces
MAX_COUNTED_SESSIONS = 100_000  # sessions whose next turn number is remembered (about 10 MB)
# The "正在生成回答" bubble is shown only for an answer not ready within this many seconds: an
# extractive answer takes tens of milliseconds, and the extra frame cost the server as much
# again as the answer (a full chat update through Gradio), for a flash nobody can read.
PENDING_AFTER_S = 0.15
ASK_THREADS = 8  # questions in flight at once (as many as the app's queue runs)


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
        stream_steps: int = 0,
        pending_after_s: float = PENDING_AFTER_S,
    ) -> None:
        """A finished answer is shown in about `stream_steps` growing pieces (0: at once),
        `stream_delay` seconds apart; a question asked while the index loads waits up to
        `ready_wait` seconds for it instead of failing; an answer not ready after
        `pending_after_s` seconds (0: at once) shows a pending bubble until it is."""
        self.engine = engine
        self.logs = logs
        self.stream_delay = stream_delay
        self.stream_steps = stream_steps
        self.sleep = sleep
        self.ready_wait = ready_wait
        self.pending_after_s = pending_after_s
        self._asking = ThreadPoolExecutor(ASK_THREADS, thread_name_prefix="rag-ask")
        self._lock = threading.Lock()  # guards the shared turn lists and the counters
        self._next_turn: OrderedDict[str, int] = OrderedDict()

    def documents(self) -> dict:
        """The indexed articles by id (empty until the engine is ready)."""
        return {d.doc_id: d for d in self.engine.documents()}

    def _number(self, session: str, turns: Sequence[dict]) -> int:
        """The next turn number of `session` (unique in it, also across 新对话); call locked."""
        number = max((t.get("turn", -1) for t in turns), default=-1) + 1
        if session:
            number = max(number, self._next_turn.pop(session, 0))
            self._next_turn[session] = number + 1
            while len(self._next_turn) > MAX_COUNTED_SESSIONS:
                self._next_turn.popitem(last=False)
        return number

    def _messages(self, turns: list[dict]) -> list[dict]:
        """Chat messages of a snapshot of `turns` (which other events may be appending to)."""
        with self._lock:
            snapshot = list(turns)
        return messages(snapshot)

    def _audit(self, turn: dict, session: str) -> None:
        """Audit `turn`; a failed write (disk full) goes to the server log, not to the user."""
        try:
            self.logs.audit(turn, session)
        except (OSError, ValueError) as error:
            log.error("audit write failed (session %s, turn %s): %s", session, turn.get("turn"), error)

    def _unknown_docs(self, doc_ids: Sequence[str] | None) -> str:
        """A message naming the ids that are not in the loaded index, or ""."""
        if doc_ids is None or not self.engine.ready:
            return ""
        documents = self.engine.documents()
        known = {d.doc_id for d in documents}
        unknown = [str(d) for d in doc_ids if d not in known]
        if not unknown:
            return ""
        named = "、".join(neutralise(d)[:40] for d in unknown[:5]) + ("……" if len(unknown) > 5 else "")
        return S.ERROR_UNKNOWN_DOCS.format(unknown=named, count=len(documents))

    # ------------------------------------------------------------ asking

    def _settings(self, doc_ids: Sequence[str] | None, script: str, top_k: int) -> dict:
        """The settings of a turn, as logged (`doc_ids` is "all" when no article is left out).
        API clients can send anything: the script falls back to "auto", top_k is clamped
        to 1–50, and at most 200 ids of 100 characters are kept."""
        all_ids = [d.doc_id for d in self.engine.documents()]
        chosen = [str(d)[:100] for d in list(doc_ids)[:200]] if doc_ids is not None else all_ids
        scope = "all" if all_ids and set(chosen) >= set(all_ids) else chosen
        try:
            k = min(50, max(1, int(top_k)))
        except (TypeError, ValueError, OverflowError):
            k = self.engine.settings.top_k
        script = script if isinstance(script, str) and script in SCRIPT_VALUES else "auto"
        return {"doc_ids": scope, "script": script, "top_k": k}

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
        turns = turns if isinstance(turns, list) else list(turns or [])
        limits = self.engine.settings
        # Sizes first: an oversized question is never logged, kept or echoed, only its length.
        text = message.strip() if isinstance(message, str) else ""
        chars = len(text)
        too_long = chars > limits.max_question_chars
        text = neutralise(text[: limits.max_question_chars] if too_long else text)
        shown = " ".join(text.split()) + ("…" if too_long else "")
        settings = self._settings(doc_ids, script, top_k)
        turn = {
            "turn": 0,
            "question": shown,
            "question_chars": chars,
            "query": "",
            "outcome": "pending",
            "settings": settings,
            "time": now_iso(),
            "html": R.render_pending(),
            "answer": None,
            "script": scripts.detect_script(shown),
        }
        turn["shown_script"] = scripts.resolve(script, turn["script"])
        with self._lock:
            turn["turn"] = self._number(session, turns)
            history = [
                t["answer"] for t in turns
                if t["outcome"] in ("answer", "refusal") and t.get("answer") is not None
            ]
            turns.append(turn)
            del turns[: max(0, len(turns) - limits.max_session_turns)]
        if self.ready_wait > 0 and not self.engine.ready_event.is_set():
            # Queued, not lost: answered as soon as the index is ready.
            turn["html"] = R.render_pending(S.PENDING_LOADING)
            yield "", self._messages(turns), turns, None, None
            self.engine.ready_event.wait(self.ready_wait)
            turn["html"] = R.render_pending()
            settings = turn["settings"] = self._settings(doc_ids, script, top_k)
            if doc_ids is not None and not list(doc_ids):  # chosen before the list was filled
                doc_ids = None
                settings = turn["settings"] = self._settings(None, script, top_k)
        started = time.perf_counter()
        try:
            if too_long:
                raise QuestionError(
                    ERROR_TOO_LONG.format(length=chars, max_chars=limits.max_question_chars)
                )
            question = validate_question(text, limits.max_question_chars)
            if doc_ids is not None and not list(doc_ids) and self.engine.ready:
                raise QuestionError(S.ERROR_NO_DOCS)
            unknown = self._unknown_docs(doc_ids)
            if unknown:
                raise QuestionError(unknown)
            scope = None if settings["doc_ids"] == "all" else list(doc_ids or [])
            steps = self.engine.ask_stream(question, scope, settings["top_k"], history=history)
            asked = self._asking.submit(next, steps)
            if self.pending_after_s <= 0 or not wait([asked], timeout=self.pending_after_s).done:
                yield "", self._messages(turns), turns, None, None  # the pending bubble
            answer = asked.result()
            while isinstance(answer, Partial):  # an LLM's sentences, as the guard accepts them
                turn["html"] = R.render_answer(
                    answer.answer, turn["turn"], shown=R.answer_length(answer.answer),
                    script=turn["shown_script"],
                )
                yield "", self._messages(turns), turns, None, None
                answer = next(steps)
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
            log.exception("answering %r failed", shown[:200])
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
            cuts = stream_cuts(R.answer_length(answer), self.stream_steps) if self.stream_steps else []
            for shown_chars in cuts:
                turn["html"] = R.render_answer(
                    answer, turn["turn"], shown=shown_chars, script=turn["shown_script"]
                )
                yield "", self._messages(turns), turns, sources, view
                sources = None
                self.sleep(self.stream_delay)
            turn["html"] = render_turn(turn, show_removed, self.documents())
        self._audit(turn, session)
        yield "", self._messages(turns), turns, self.panel(turns, view, script), view

    def show_removed(self, turns: Sequence[dict] | None, show: bool) -> tuple[list[dict], list[dict]]:
        """The "显示被删除的内容" toggle: every finished turn re-rendered with (or without)
        what the grounding guard removed; returns `(chat messages, turns)`."""
        turns = turns if isinstance(turns, list) else list(turns or [])
        for turn in list(turns):
            if turn.get("outcome") in ("answer", "refusal") and turn.get("answer") is not None:
                turn["html"] = render_turn(turn, bool(show), self.documents())
        return self._messages(turns), turns

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
        self._audit(turn, session)
        return "", self._messages(turns), turns, None, None

    # ------------------------------------------------------------ sources panel

    def panel(self, turns: Sequence[dict], view: dict | None, script: str) -> str:
        """The sources panel for `view` in display `script` (auto: the question's script)."""
        script = script if isinstance(script, str) and script in SCRIPT_VALUES else "auto"
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
        comment = neutralise(text.strip()) if isinstance(text, str) else ""
        if turn is None or not comment:
            return ""
        limit = self.engine.settings.max_comment_chars
        if len(comment) > limit:  # refused, not cut: the text stays in the user's box
            return S.ERROR_COMMENT_TOO_LONG.format(length=len(comment), max_chars=limit)
        self.logs.feedback(turn, pending["rating"], comment, pending["feedback_id"], session)
        return S.FEEDBACK_COMMENT_SAVED


def _turn(turns: Sequence[dict], number: object) -> dict | None:
    """The kept turn numbered `number`, or None for anything else."""
    if isinstance(number, int) and not isinstance(number, bool):
        for turn in list(turns):
            if turn.get("turn") == number:
                return turn
    return None


def _target(answer, kind: object, n: int):
    """(chunk, spans) that a view points at, or None."""
    if kind == "related":
        hit = R.related_chunk(answer, n)
        return (hit.chunk, ()) if hit else None
    found = R.citation(answer, n)
    return (found.chunk, found.spans) if found else None
