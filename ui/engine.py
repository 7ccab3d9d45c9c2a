"""The models and the index behind the chat, loaded once (building the index first if missing)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass

from rag.answer.ask import ask
from rag.settings import Settings
from rag.store.index import IndexNotReady, LoadedIndex, index_exists, load_index
from rag.types import Answer, Document
from ui import strings as S

LOADING, BUILDING, READY, FAILED = "loading", "building", "ready", "failed"
WARM_UP_QUESTION = "数字政府建设"


class EngineNotReady(RuntimeError):
    """The engine cannot answer yet (loading) or at all (no index); the message is Chinese."""


@dataclass
class Parts:
    """What answering needs: the loaded index, a retriever and a generator."""

    index: LoadedIndex
    retriever: object
    generator: object


def _warm_up(parts: Parts, settings: Settings) -> None:
    """Run one retrieval (and one extractive answer) and load jieba now, so that the first
    user does not wait for it; an LLM backend is not called at start-up."""
    from rag.answer.rewrite import default_tokenize

    hits = parts.retriever.retrieve(WARM_UP_QUESTION, top_k=3)
    if settings.generator == "extractive":
        parts.generator.generate(WARM_UP_QUESTION, hits)
    default_tokenize(WARM_UP_QUESTION)


class Engine:
    """Holds the loaded pipeline; `start()` loads it (in the background or not) exactly once."""

    def __init__(
        self, settings: Settings, log: Callable[[str], None] = print, api_key: str | None = None
    ) -> None:
        """Nothing is loaded until `start()`; `log` receives the start-up messages; `api_key`
        is for an LLM generator (read from the environment by the entry point)."""
        self.settings = settings
        self.log = log
        self.api_key = api_key
        self.state = LOADING
        self.reason = ""
        self._parts: Parts | None = None
        self._lock = threading.Lock()
        self._started = False
        self.ready_event = threading.Event()
        self._ask_lock = threading.Lock()  # one question at a time through the models

    def start(self, background: bool = True) -> "Engine":
        """Build the index if missing, then load index and models; later calls do nothing."""
        with self._lock:
            if self._started:
                return self
            self._started = True
        if background:
            threading.Thread(target=self._load, name="rag-load", daemon=True).start()
        else:
            self._load()
        return self

    def _load(self) -> None:
        """Build when missing, load, warm up; never raises (a failure becomes state FAILED)."""
        from rag.wiring import build_from_settings, embedder_for, make_generator, make_retriever

        settings = self.settings
        try:
            if not index_exists(settings.index_dir):
                self.state = BUILDING
                where = f"{settings.seeds_dir} → {settings.index_dir}"
                self.log(f"rag serve: {S.STATUS_BUILDING} ({where})")
                report = build_from_settings(settings, progress=False)
                self.log(f"rag serve: {report.summary()}")
            self.state = LOADING
            self.log(f"rag serve: {S.STATUS_LOADING}")
            index = load_index(settings.index_dir)
            embedder = embedder_for(settings).load()
            parts = Parts(
                index,
                make_retriever(settings, index, embedder),
                make_generator(settings, index, embedder, api_key=self.api_key),
            )
            _warm_up(parts, settings)
        except (IndexNotReady, ValueError, OSError, RuntimeError) as error:
            self.reason = str(error)
            self.state = FAILED
            self.log(f"rag serve: {S.STATUS_FAILED.format(reason=self.reason)}")
        else:
            self._parts = parts
            self.state = READY
            self.log(f"rag serve: {S.STATUS_READY.format(count=len(index.documents))}")
        finally:
            self.ready_event.set()

    @property
    def ready(self) -> bool:
        """Whether questions can be answered now."""
        return self.state == READY

    def status(self) -> tuple[str, str]:
        """`(kind, message)` for the banner."""
        if self.state == READY:
            return READY, S.STATUS_READY.format(count=len(self._parts.index.documents))
        if self.state == FAILED:
            return FAILED, S.STATUS_FAILED.format(reason=self.reason)
        return self.state, S.STATUS_BUILDING if self.state == BUILDING else S.STATUS_LOADING

    def _require(self) -> Parts:
        """The loaded parts, or `EngineNotReady` saying why there are none."""
        if self.state == FAILED:
            raise EngineNotReady(S.ERROR_INDEX_MISSING.format(reason=self.reason))
        if self._parts is None:
            raise EngineNotReady(S.ERROR_NOT_READY)
        return self._parts

    def documents(self) -> list[Document]:
        """The indexed articles in index order (empty until ready)."""
        if self._parts is None:
            return []
        return list(self._parts.index.documents.values())

    def document(self, doc_id: str) -> Document | None:
        """One article by id, or None."""
        return None if self._parts is None else self._parts.index.documents.get(doc_id)

    def ask(self, question: str, doc_ids: Collection[str] | None, top_k: int) -> Answer:
        """Answer a question; raises `QuestionError` or `EngineNotReady` (Chinese messages), or
        `GeneratorError` when an LLM generator's backend fails."""
        parts = self._require()
        with self._ask_lock:
            return ask(
                question,
                parts.retriever,
                parts.generator,
                top_k=top_k,
                doc_ids=doc_ids,
                max_question_chars=self.settings.max_question_chars,
            )
