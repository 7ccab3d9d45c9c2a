"""The unanswerable additions: minimal pairs (generated) and natural near-miss/false-premise rows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.make_pairs import KINDS, MAX_PER_QUESTION, NO_ANSWER, build, check_pair, load_corpus

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval"
SPLITS = ("dev", "test")
FIELDS = {"id", "split", "type", "question", "answerable", "reference_answer", "key_points", "gold", "origin"}
PAIR_FIELDS = FIELDS | {"pair_of", "changed"}
NEW_FILES = [f"{kind}_{split}.jsonl" for kind in ("pairs", "natural") for split in SPLITS]


def rows(name: str) -> list[dict]:
    text = (EVAL / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "seeds")


def assert_unanswerable(row: dict, split: str) -> None:
    assert row["split"] == split, row["id"]
    assert row["answerable"] is False, row["id"]
    assert row["gold"] == [] and row["key_points"] == [], row["id"]
    assert row["reference_answer"] == NO_ANSWER, row["id"]
    assert isinstance(row["question"], str) and row["question"].strip(), row["id"]


@pytest.mark.parametrize("split", SPLITS)
def test_pair_rows_are_well_formed(split):
    data = rows(f"pairs_{split}.jsonl")
    assert data
    for number, row in enumerate(data, 1):
        assert set(row) == PAIR_FIELDS, row["id"]
        assert row["id"] == f"{split}-mp-{number:03d}"
        assert row["type"] == "minimal_pair" and row["origin"] == "make_pairs", row["id"]
        assert_unanswerable(row, split)
        changed = row["changed"]
        assert set(changed) == {"kind", "from", "to"}, row["id"]
        assert changed["kind"] in KINDS, row["id"]
        assert changed["from"] and changed["to"] and changed["from"] != changed["to"], row["id"]


@pytest.mark.parametrize("split", SPLITS)
def test_natural_rows_are_well_formed_and_mixed(split):
    data = rows(f"natural_{split}.jsonl")
    assert len(data) >= 15
    for number, row in enumerate(data, 1):
        assert set(row) == FIELDS, row["id"]
        assert row["id"] == f"{split}-nat-{number:03d}"
        assert row["origin"] == "handwritten", row["id"]
        assert row["type"] in {"near_miss", "false_premise"}, row["id"]
        assert_unanswerable(row, split)
    types = Counter(row["type"] for row in data)
    assert types["near_miss"] >= 5 and types["false_premise"] >= 5, types


def test_ids_are_unique_across_all_question_files():
    names = ["dev.jsonl", "test.jsonl", *NEW_FILES]
    ids = [row["id"] for name in names for row in rows(name)]
    duplicates = [i for i, count in Counter(ids).items() if count > 1]
    assert not duplicates


def test_questions_are_not_copies_of_existing_ones():
    names = ["dev.jsonl", "test.jsonl", *NEW_FILES]
    questions = [row["question"] for name in names for row in rows(name)]
    duplicates = [q for q, count in Counter(questions).items() if count > 1]
    assert not duplicates


@pytest.mark.parametrize("split", SPLITS)
def test_every_pair_points_at_an_answerable_question_of_its_own_split(split):
    originals = {row["id"]: row for row in rows(f"{split}.jsonl")}
    per_original = Counter()
    for row in rows(f"pairs_{split}.jsonl"):
        original = originals.get(row["pair_of"])
        assert original is not None, row["id"]
        assert original["answerable"], row["id"]
        changed = row["changed"]
        assert changed["from"] in original["question"], row["id"]
        assert changed["to"] in row["question"], row["id"]
        assert row["question"] == original["question"].replace(changed["from"], changed["to"]), row["id"]
        assert row["question"] != original["question"], row["id"]
        per_original[row["pair_of"]] += 1
    assert max(per_original.values()) <= MAX_PER_QUESTION


@pytest.mark.parametrize("split", SPLITS)
def test_every_pair_passes_the_corpus_check(corpus, split):
    originals = {row["id"]: row for row in rows(f"{split}.jsonl")}
    failures = {}
    for row in rows(f"pairs_{split}.jsonl"):
        problems = check_pair(originals[row["pair_of"]], row["changed"], row["question"], corpus)
        if problems:
            failures[row["id"]] = problems
    assert not failures


def test_the_check_rejects_a_term_taken_from_the_gold_sentence(corpus):
    original = next(row for row in rows("test.jsonl") if row["id"] == "test-041")
    changed = {"kind": "predicate", "from": "成立了", "to": "撤销了"}
    question = original["question"].replace("成立了", "撤销了")
    assert any("撤销" in problem for problem in check_pair(original, changed, question, corpus))


def test_there_are_enough_pairs_of_varied_kinds():
    data = [row for split in SPLITS for row in rows(f"pairs_{split}.jsonl")]
    assert len(data) >= 150
    kinds = Counter(row["changed"]["kind"] for row in data)
    assert set(kinds) == set(KINDS), kinds


def test_regenerating_reproduces_the_committed_files(tmp_path):
    written = build(eval_dir=EVAL, out_dir=tmp_path, seeds=ROOT / "seeds")
    for split in SPLITS:
        committed = (EVAL / f"pairs_{split}.jsonl").read_text(encoding="utf-8")
        assert written[split].read_text(encoding="utf-8") == committed, split
