"""The question sets: well-formed rows whose gold spans still match the cleaned seeds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rag.ingest.chunk import render_metadata
from rag.ingest.load import load_documents

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"id", "split", "type", "question", "answerable", "reference_answer", "key_points", "gold"}


@pytest.fixture(scope="module")
def documents():
    return {d.doc_id: d for d in load_documents(ROOT / "seeds").documents}


def rows(name):
    return [json.loads(line) for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", ["dev.jsonl", "test.jsonl"])
def test_rows_are_complete_and_gold_matches_the_cleaned_text(documents, name):
    data = rows(name)
    assert len({r["id"] for r in data}) == len(data)
    for row in data:
        assert FIELDS <= set(row), row["id"]
        if not row["answerable"]:
            assert row["gold"] == [] and row["key_points"] == []
            continue
        assert row["gold"] and row["key_points"], row["id"]
        for span in row["gold"]:
            document = documents[span["doc_id"]]
            if span.get("field") == "meta":  # offsets into the byline card of the meta chunk
                assert render_metadata(document)[span["start"] : span["end"]] == span["text"], row["id"]
            else:
                assert document.text[span["start"] : span["end"]] == span["text"], row["id"]


def test_dev_set_has_what_tuning_needs():
    dev = rows("dev.jsonl")
    assert len(dev) >= 60
    unanswerable = sum(not r["answerable"] for r in dev) / len(dev)
    assert 0.15 <= unanswerable <= 0.25
    types = Counter(r["type"] for r in dev)
    assert types["cross_script"] >= 5 and types["multi_doc"] >= 3
    assert any(r["question"] == "广东数字政府改革建设工作领导小组由谁担任组长？" for r in dev)
