"""The admin page without a browser: it exists only with a password; failed actions change
nothing and are audited; the chat answers from the loaded build during a rebuild and then
switches to the new one."""

from __future__ import annotations

import threading

import pytest

from rag.embed import make_embedder
from rag.library.admin import AuditLog, set_password
from rag.library.commands import Library
from rag.settings import Settings
from ui.engine import Engine

pytestmark = pytest.mark.unit

CLOUD = "政务云平台建设\n\n政务云平台由省大数据中心统一运营,提供容灾备份服务。各部门业务系统分三批迁移上云。\n"
QUESTION = "政务云平台由哪个单位统一运营？"


class HeldEmbedder:
    """The hashing embedder whose batches of passages wait while `hold` is clear (a rebuild
    that takes as long as the test wants); `embedding` is set once a batch has begun."""

    def __init__(self):
        self.inner = make_embedder("hash")
        self.name, self.model_id, self.dim = "hash", self.inner.model_id, self.inner.dim
        self.hold, self.embedding = threading.Event(), threading.Event()
        self.hold.set()

    def load(self):
        return self

    def embed_passages(self, texts):
        self.embedding.set()
        assert self.hold.wait(60), "the test never let the build go on"
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture
def site(tmp_path, corpus):
    """(settings, engine, admin) over a fresh copy of the tiny corpus, engine loaded."""
    from ui.admin import Admin

    settings = Settings(seeds_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data",
                        embedder="hash", min_chars=40, max_chars=120, refusal_threshold=0.3)
    Library(corpus, settings.index_dir, make_embedder("hash"), 40, 120).rebuild()
    engine = Engine(settings, log=lambda line: None).start(background=False)
    library = Library(corpus, settings.index_dir, HeldEmbedder(), 40, 120, lock_timeout_s=5)
    return settings, engine, Admin(engine, library, AuditLog(settings.data_dir))


def test_no_password_no_admin_page(tmp_path, tiny_engine, tiny_settings):
    from ui.admin import ADMIN_PATH, admin_app_kwargs
    from ui.app import launch_options

    settings = tiny_settings.replace(data_dir=tmp_path / "data")
    assert admin_app_kwargs(tiny_engine, settings, launch_options()) == {}
    set_password(settings.data_dir, "一个足够长的密码")
    kwargs = admin_app_kwargs(tiny_engine, settings, launch_options())
    assert [route.path for route in kwargs["routes"]] == [ADMIN_PATH]
    assert callable(kwargs["lifespan"])


def test_the_chat_page_offers_no_upload(tiny_engine, tiny_settings):
    from ui.app import build_app

    config = build_app(tiny_engine, tiny_settings).get_config_file()
    assert not [c for c in config["components"] if c.get("type") in ("file", "uploadbutton")]


def test_a_failed_upload_changes_nothing_and_is_audited(site, tmp_path):
    settings, engine, admin = site
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary\x00")
    before = sorted(p.name for p in settings.seeds_dir.iterdir())
    message = admin.upload([str(bad)], "", "", "", "", "127.0.0.1 session=s1 user=admin")
    assert message.startswith("操作未完成，文库和索引均保持原样") and "bad.txt" in message
    assert sorted(p.name for p in settings.seeds_dir.iterdir()) == before
    [row] = admin.audit.rows()
    assert (row["action"], row["ok"], row["files"]) == ("upload", False, ["bad.txt"])
    assert row["client"] == "127.0.0.1 session=s1 user=admin"


def test_questions_are_answered_from_the_loaded_build_until_the_switch(site, tmp_path):
    settings, engine, admin = site
    path = tmp_path / "incoming" / "cloud.txt"
    path.parent.mkdir()
    path.write_text(CLOUD, encoding="utf-8")
    assert engine.ask(QUESTION, None, 3).refused
    old_pipeline = engine._pipeline
    held = admin.library.embedder
    held.hold.clear()  # the build waits in the middle until the questions below are answered
    result = {}
    worker = threading.Thread(
        target=lambda: result.setdefault("message", admin.upload([str(path)], "", "张三", "",
                                                                  "", "test-client")))
    worker.start()
    assert held.embedding.wait(60), "the upload never began embedding"
    answered_during = 0
    for _ in range(3):
        answer = engine.ask(QUESTION, None, 3)  # never an error while the build runs
        assert worker.is_alive() and engine._pipeline is old_pipeline
        assert answer.refused and len(engine.documents()) == 3
        answered_during += 1
    held.hold.set()
    while worker.is_alive():  # and while it writes and switches
        answer = engine.ask(QUESTION, None, 3)
        if engine._pipeline is old_pipeline:
            assert answer.refused and len(engine.documents()) == 3
            answered_during += 1
        worker.join(0.05)
    assert result["message"].startswith("已入库") and answered_during > 0
    assert engine._pipeline is not old_pipeline and len(engine.documents()) == 4
    answer = engine.ask(QUESTION, None, 3)
    assert not answer.refused and "省大数据中心" in answer.text
    assert any(engine.document(c.chunk.doc_id).path.endswith("cloud.txt") for c in answer.citations)
    assert engine.document(answer.citations[0].chunk.doc_id).authors == ("张三",)
    print(f"{answered_during} questions answered from the old build during the upload")


def test_a_failed_switch_says_the_library_changed_and_the_chat_did_not(site, tmp_path, monkeypatch):
    settings, engine, admin = site
    path = tmp_path / "cloud.txt"
    path.write_text(CLOUD, encoding="utf-8")

    def broken_reload():
        raise OSError("disk read error")

    monkeypatch.setattr(engine, "reload", broken_reload)
    message = admin.upload([str(path)], "", "", "", "", "c")
    assert message.startswith("已入库：cloud.txt。但问答页面未能加载新索引") and "disk read error" in message
    assert (settings.seeds_dir / "cloud.txt").is_file() and len(engine.documents()) == 3
    assert [(r["action"], r["ok"]) for r in admin.audit.rows()] == [("upload", True), ("switch", False)]
