"""The second development set (eval/dev2.jsonl): well-formed, grounded, and shaped as planned."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rag.ingest.chunk import render_metadata
from rag.ingest.load import load_documents
from rag.ingest.normalize import detect_script, normalize_for_match

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval"
FIELDS = {"id", "split", "type", "question", "answerable", "reference_answer", "key_points", "gold", "origin"}
SPAN_FIELDS = {"doc_id", "start", "end", "text"}
NO_ANSWER = "资料中没有找到可以回答这个问题的内容。"
ANSWERABLE_TYPES = {
    "factoid": 14,
    "list": 9,
    "why_how": 9,
    "definition": 7,
    "number": 7,
    "metadata": 4,
    "cross_script": 8,
    "paraphrase": 7,
    "multi_doc": 5,
}
UNANSWERABLE_TYPES = {"near_miss": 12, "false_premise": 10, "out_of_corpus": 8}


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def flat(text: str) -> str:
    """The key-point matching view: normalised and with whitespace removed (as in eval.answers)."""
    return "".join(normalize_for_match(text).split())


@pytest.fixture(scope="module")
def documents():
    return {d.doc_id: d for d in load_documents(ROOT / "seeds").documents}


@pytest.fixture(scope="module")
def dev2():
    return rows(EVAL / "dev2.jsonl")


def span_source(document, span: dict) -> str:
    return render_metadata(document) if span.get("field") == "meta" else document.text


def test_rows_are_well_formed(dev2):
    assert len(dev2) == 100
    for number, row in enumerate(dev2, 1):
        assert set(row) == FIELDS, row["id"]
        assert row["id"] == f"dev2-{number:03d}"
        assert row["split"] == "dev" and row["origin"] == "dev2", row["id"]
        assert isinstance(row["question"], str) and row["question"].strip(), row["id"]
        assert isinstance(row["reference_answer"], str) and row["reference_answer"].strip(), row["id"]
        assert isinstance(row["answerable"], bool), row["id"]
        if row["answerable"]:
            assert row["type"] in ANSWERABLE_TYPES, row["id"]
            assert row["gold"] and row["key_points"], row["id"]
            assert all(isinstance(k, str) and k.strip() for k in row["key_points"]), row["id"]
            assert row["reference_answer"] != NO_ANSWER, row["id"]
        else:
            assert row["type"] in UNANSWERABLE_TYPES, row["id"]
            assert row["gold"] == [] and row["key_points"] == [], row["id"]
            assert row["reference_answer"] == NO_ANSWER, row["id"]


def test_type_counts(dev2):
    types = Counter(row["type"] for row in dev2)
    assert types == Counter({**ANSWERABLE_TYPES, **UNANSWERABLE_TYPES})
    assert sum(row["answerable"] for row in dev2) == 70


def test_ids_are_unique_across_all_question_files():
    ids = [row["id"] for path in sorted(EVAL.glob("*.jsonl")) for row in rows(path) if "id" in row]
    duplicates = [i for i, count in Counter(ids).items() if count > 1]
    assert not duplicates


def test_questions_are_not_copies_of_existing_ones(dev2):
    others = {
        flat(row["question"])
        for path in EVAL.glob("*.jsonl")
        if path.name != "dev2.jsonl"
        for row in rows(path)
        if "question" in row
    }
    mine = [flat(row["question"]) for row in dev2]
    assert len(set(mine)) == len(mine)
    assert not [q for q in mine if q in others]


def test_gold_spans_match_the_cleaned_text(documents, dev2):
    for row in dev2:
        for span in row["gold"]:
            assert SPAN_FIELDS <= set(span) <= SPAN_FIELDS | {"field"}, row["id"]
            assert span.get("field", "meta") == "meta", row["id"]
            document = documents[span["doc_id"]]
            source = span_source(document, span)
            assert 0 <= span["start"] < span["end"] <= len(source), row["id"]
            assert source[span["start"] : span["end"]] == span["text"], row["id"]


def test_key_points_are_found_in_the_gold_text_or_its_document(documents, dev2):
    for row in dev2:
        if not row["answerable"]:
            continue
        gold_view = flat(" ".join(span["text"] for span in row["gold"]))
        document_view = flat(" ".join(span_source(documents[span["doc_id"]], span) for span in row["gold"]))
        for key in row["key_points"]:
            assert flat(key) in gold_view or flat(key) in document_view, (row["id"], key)


def test_multi_doc_rows_cite_several_documents(dev2):
    for row in dev2:
        if row["type"] == "multi_doc":
            assert len({span["doc_id"] for span in row["gold"]}) >= 2, row["id"]


def test_cross_script_questions_use_the_other_script(documents, dev2):
    for row in dev2:
        if row["type"] != "cross_script":
            continue
        question_script = detect_script(row["question"])
        for span in row["gold"]:
            assert detect_script(documents[span["doc_id"]].text) != question_script, row["id"]
