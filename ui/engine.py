"""The models and the index behind the chat, loaded once (building the index first if missing)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Sequence

from rag.answer.base import last_answer
from rag.pipeline import Pipeline
from rag.settings import Settings, redact_credentials
from rag.store.index import IndexNotReady, index_exists
from rag.types import Answer, Document, Partial
from ui import strings as S

LOADING, BUILDING, READY, FAILED = "loading", "building", "ready", "failed"
WARM_UP_QUESTION = "数字政府建设"
ASK_CONCURRENCY = 2

logger = logging.getLogger(__name__)


class EngineNotReady(RuntimeError):
    """The engine cannot answer yet (loading) or at all (no index); the message is Chinese."""


def _warm_up(pipeline: Pipeline) -> None:
    """Load jieba, OpenCC and the answer shaper's part-of-speech tagger now (about 7 s), so
    that the first users do not wait for them: one question through retrieval and the gate, and the
    answer-phrase finder once; an LLM backend is not called at start-up."""
    from rag.answer.rewrite import default_tokenize
    from rag.answer.shape import answer_phrase, load_tagger

    hits = pipeline.search(WARM_UP_QUESTION, top_k=3)
    pipeline.gate.decide(WARM_UP_QUESTION, hits)
    default_tokenize(WARM_UP_QUESTION)
    answer_phrase("who", "领导小组由谁担任组长？", "成立由省长任组长的领导小组。")
    load_tagger()


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
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()
        self._started = False
        self.ready_event = threading.Event()
        # Questions answered at once: two keep both cores busy, since the query embedding
        # (C code that releases the GIL) runs beside another question's Python work.
        self._ask_slots = threading.BoundedSemaphore(ASK_CONCURRENCY)
        self._reload_lock = threading.Lock()  # one reload at a time (the admin page)

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
        from rag.wiring import build_from_settings

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
            pipeline = Pipeline.from_settings(settings, api_key=self.api_key).load()
            _warm_up(pipeline)
        except Exception as error:  # any failure, even a damaged file's odd one: never hang
            expected = isinstance(error, (IndexNotReady, ValueError, OSError, RuntimeError))
            if not expected:  # the traceback goes to the server log, the user gets the reason
                logger.error("loading failed", exc_info=True)
            reason = str(error) if expected else f"{type(error).__name__}: {error}"
            self.reason = redact_credentials(reason)[:300]
            self.state = FAILED
            self.log(f"rag serve: {self.status()[1]}")
        else:
            self._pipeline = pipeline
            self.state = READY
            self.log(f"rag serve: {S.STATUS_READY.format(count=len(pipeline.index.documents))}")
        finally:
            self.ready_event.set()

    def reload(self) -> None:
        """Load the current build into a new pipeline, then switch to it in one assignment.

        Until the switch, questions are answered from the pipeline already loaded (the admin
        page calls this after the library changed); raises what loading raises."""
        with self._reload_lock:
            loaded = self._pipeline.embedder if self._pipeline is not None else None
            pipeline = Pipeline.from_settings(self.settings, api_key=self.api_key).load(
                embedder=loaded  # the model stays loaded; only the index is new
            )
            _warm_up(pipeline)
            self._pipeline = pipeline
            self.state = READY

    @property
    def ready(self) -> bool:
        """Whether questions can be answered now."""
        return self.state == READY

    def status(self) -> tuple[str, str]:
        """`(kind, message)` for the banner."""
        if self.state == READY:
            return READY, S.STATUS_READY.format(count=len(self._pipeline.index.documents))
        if self.state == FAILED:
            return FAILED, S.STATUS_LOAD_FAILED.format(reason=self.reason, fix=S.FIX_LOAD_FAILED)
        return self.state, S.STATUS_BUILDING if self.state == BUILDING else S.STATUS_LOADING

    def _require(self) -> Pipeline:
        """The loaded pipeline, or `EngineNotReady` saying why there is none."""
        if self.state == FAILED:
            raise EngineNotReady(
                S.ERROR_LOAD_FAILED.format(reason=self.reason, fix=S.FIX_LOAD_FAILED)
            )
        if self._pipeline is None:
            raise EngineNotReady(S.ERROR_NOT_READY)
        return self._pipeline

    def documents(self) -> list[Document]:
        """The indexed articles in index order (empty until ready)."""
        if self._pipeline is None:
            return []
        return list(self._pipeline.index.documents.values())

    def document(self, doc_id: str) -> Document | None:
        """One article by id, or None."""
        return None if self._pipeline is None else self._pipeline.index.documents.get(doc_id)

    def ask(
        self,
        question: str,
        doc_ids: Collection[str] | None,
        top_k: int,
        history: Sequence[Answer] = (),
    ) -> Answer:
        """Answer a question (a follow-up is rewritten from `history`, the earlier answers);
        raises `QuestionError` or `EngineNotReady` (Chinese messages), or `GeneratorError`
        when an LLM generator's backend fails."""
        return last_answer(self.ask_stream(question, doc_ids, top_k, history))

    def ask_stream(
        self,
        question: str,
        doc_ids: Collection[str] | None,
        top_k: int,
        history: Sequence[Answer] = (),
    ) -> Iterator[Partial | Answer]:
        """`ask`, step by step (`Pipeline.stream`): an LLM's verified sentences as `Partial`
        answers while it writes, then the final `Answer`; raises as `ask` does."""
        pipeline = self._require()
        with self._ask_slots:
            yield from pipeline.stream(question, top_k=top_k, doc_ids=doc_ids, history=history)
