"""The chat server over HTTP on loopback: upload policy, request size cap, the /respond API."""

from __future__ import annotations

import json
import httpx
import pytest

from ui.browser import free_port
from ui.logs import read_jsonl

pytestmark = pytest.mark.unit

ANSWERABLE = "广东由谁担任数字政府改革建设工作领导小组组长？"


@pytest.fixture(scope="module")
def server(tiny_settings, tmp_path_factory):
    """The app served as `rag serve` serves it, over an engine that loads *after* the page was
    built (as in production, where the index loads in the background)."""
    from ui.app import build_app, launch
    from ui.engine import Engine
    from ui.load import Api

    settings = tiny_settings.replace(data_dir=tmp_path_factory.mktemp("served"), port=free_port())
    engine = Engine(settings, log=lambda line: None)
    demo = build_app(engine, settings)
    engine.start(background=False)
    launch(demo, settings, block=False)
    url = f"http://127.0.0.1:{settings.port}"
    yield url, Api(url), settings
    demo.close()


def test_uploads_are_refused_on_the_chat_app(server):
    url, _, _ = server
    files = {"files": ("big.bin", b"x" * 100_000, "application/octet-stream")}
    response = httpx.post(f"{url}/gradio_api/upload", files=files, timeout=30)
    assert response.status_code == 403


def test_an_oversized_request_is_refused_before_it_is_read_or_logged(server):
    url, api, settings = server
    body = {"data": ["问" * 2_000_000, None, ["gd.txt"], "auto", 5, False, ""],
            "fn_index": api.fn["respond"], "session_hash": "huge", "event_data": None}
    response = httpx.post(
        f"{url}/gradio_api/queue/join", content=json.dumps(body, ensure_ascii=False), timeout=60,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert not any(r["session"] == "huge" for r in read_jsonl(settings.data_dir / "audit.jsonl"))


def test_respond_api_takes_real_doc_ids_without_refresh_and_names_unknown_ones(server):
    _, api, settings = server
    done = api.call("respond", [ANSWERABLE, None, ["gd.txt"], "auto", 5, False, ""], "docs1")
    assert done["success"], done
    done = api.call("respond", [ANSWERABLE, None, ["nope"], "auto", 5, False, ""], "docs2")
    records = {r["session"]: r for r in read_jsonl(settings.data_dir / "audit.jsonl")}
    assert records["docs1"]["outcome"] == "answer"
    assert records["docs2"]["outcome"] == "error" and "nope" in records["docs2"]["error"]


def test_concurrent_calls_of_one_api_session_are_each_audited_once(server):
    _, api, settings = server
    data = [ANSWERABLE, None, ["gd.txt", "talent.txt", "data.txt"], "auto", 5, False, ""]
    results = api.call_many("respond", [data] * 6, "shared")  # six at once, one session
    assert all(r["success"] for r in results)
    mine = [r for r in read_jsonl(settings.data_dir / "audit.jsonl") if r["session"] == "shared"]
    assert sorted(r["turn"] for r in mine) == list(range(6))


def test_the_load_script_sees_the_served_index_ready(server):
    from ui.load import wait_ready

    _, api, _ = server
    wait_ready(api, timeout_s=30)  # raises on a failed banner, a timeout or a malformed reply
