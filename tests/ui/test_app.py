"""The Gradio app is built without launching: offline theme, analytics off, wiring; `rag serve`."""

from __future__ import annotations

import json

import pytest

from ui import strings as S
from ui.assets import PANEL_JS

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def demo(tiny_engine, tiny_settings):
    from ui.app import build_app

    return build_app(tiny_engine, tiny_settings)


def test_app_has_analytics_off_and_the_chat_parts(demo):
    assert demo.analytics_enabled is False
    config = demo.get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {"rag-chat", "rag-question", "rag-send", "rag-sources", "rag-docs", "rag-script", "rag-top-k"} <= ids
    text = json.dumps(config, ensure_ascii=False, default=str)
    for question in S.EXAMPLE_QUESTIONS:
        assert question in text  # example questions on the empty screen
    assert "gd.txt" in text and "talent.txt" in text  # all articles offered, and selected by default


def test_theme_and_page_use_no_external_resources():
    from ui.app import launch_options, theme

    assert theme()._stylesheets == []  # no Google Fonts stylesheet
    options = launch_options()
    assert options["footer_links"] == [] and options["enable_monitoring"] is False
    assert "http" not in options["css"] and "@import" not in options["css"]
    assert "http" not in PANEL_JS and "fetch(" not in PANEL_JS


def test_panel_events_are_declared_in_the_panel_script():
    for action in ("cite", "related", "article", "back"):
        assert f"'{action}'" in PANEL_JS  # gr.HTML exposes only events named in js_on_load


def test_serve_command_passes_settings_to_the_app(monkeypatch, tmp_path):
    import ui.app
    from rag.cli import main

    seen = {}
    monkeypatch.setattr(ui.app, "serve", lambda settings: seen.setdefault("settings", settings) and 0)
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    assert main(["serve", "--host", "127.0.0.1", "--port", "7999", "--index", str(tmp_path)]) == 0
    settings = seen["settings"]
    assert (settings.host, settings.port, settings.index_dir) == ("127.0.0.1", 7999, tmp_path)


def test_engine_builds_a_missing_index_once(tmp_path, corpus):
    from rag.settings import Settings
    from ui.engine import Engine

    lines = []
    settings = Settings(
        seeds_dir=corpus, index_dir=tmp_path / "index", embedder="hash", min_chars=40, max_chars=120
    )
    engine = Engine(settings, log=lines.append)
    assert engine.status() == ("loading", S.STATUS_LOADING) and engine.documents() == []
    engine.start(background=True)
    assert engine.ready_event.wait(60)
    assert engine.start() is engine  # a second start does nothing
    assert engine.ready and engine.status()[1] == S.STATUS_READY.format(count=3)
    assert any(S.STATUS_BUILDING in line for line in lines)
    assert [d.doc_id for d in engine.documents()] == ["data.txt", "gd.txt", "talent.txt"]
    assert engine.document("gd.txt").title == "广东数字政府改革实践" and engine.document("x") is None
