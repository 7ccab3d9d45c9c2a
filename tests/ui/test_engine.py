"""Loading the engine: any failure ends in a clear failed state with the reason and the fix."""

from __future__ import annotations

import shutil

import pytest

from ui import strings as S
from ui.engine import FAILED, Engine

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "damage",
    [
        lambda current: (current / "manifest.json").write_text("[]", encoding="utf-8"),
        lambda current: (current / "chunks.jsonl").write_text('{"x": 1}\n', encoding="utf-8"),
    ],
    ids=["manifest-is-a-list", "chunk-row-of-wrong-shape"],
)
def test_a_damaged_index_fails_with_reason_and_fix_instead_of_hanging(
    tiny_index, tiny_settings, tmp_path, damage
):
    from rag.store.index import current_path

    index_dir = tmp_path / "index"
    shutil.copytree(tiny_index, index_dir, symlinks=True)
    current = current_path(index_dir).resolve()
    damage(current)
    lines = []
    engine = Engine(tiny_settings.replace(index_dir=index_dir), log=lines.append).start()
    assert engine.ready_event.wait(60), "the loader died and left the page loading forever"
    kind, message = engine.status()
    assert kind == FAILED and message != S.STATUS_LOADING
    assert "rag build" in message and engine.reason in message and engine.reason
    assert any("rag build" in line for line in lines)


def test_an_unparsable_llm_url_fails_cleanly_without_its_credentials(tiny_settings):
    settings = tiny_settings.replace(
        generator="openai", llm_model="m", llm_base_url="http://alice:s3cret@127.0.0.1:notaport/v1"
    )
    lines = []
    engine = Engine(settings, log=lines.append).start()
    assert engine.ready_event.wait(60)
    kind, message = engine.status()
    assert kind == FAILED and "llm_base_url" in message
    assert "s3cret" not in message and not any("s3cret" in line for line in lines)
