"""The lexical support judge, and its agreement with the hand-labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answer.support import SUPPORT_THRESHOLD, judge, key_facts, missing_facts, support_score

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
PASSAGE = "截至 2019 年底,已有 10 个省级政府出台数字政府规划,19 个省份成立省级大数据管理机构。"


def test_verbatim_and_cross_script_sentences_are_supported():
    assert judge("已有10个省级政府出台数字政府规划。", [PASSAGE]).supported
    assert judge("已有10個省級政府出台數字政府規劃。", [PASSAGE]).supported


def test_changed_numbers_and_foreign_names_are_caught():
    verdict = judge("已有12个省级政府出台数字政府规划。", [PASSAGE])
    assert not verdict.supported and "12" in verdict.missing
    assert "普华永道" in missing_facts("普华永道认为要出台数字政府规划。", [PASSAGE])


def test_unrelated_sentences_score_low_and_no_passage_means_unsupported():
    assert support_score("公众参与数字治理的渠道需要拓宽。", [PASSAGE]) < 0.3
    assert not judge("已有10个省级政府出台规划。", []).supported


def test_key_facts_finds_numbers_titles_terms_and_latin():
    facts = key_facts("德勤(Deloitte)认为《数字政府治理法》要推行“一网通办”,覆盖5G和三个层级。")
    assert {"数字政府治理法", "一网通办", "三个", "5", "deloitte"} <= set(facts)


def test_judge_agrees_with_the_hand_labelled_sample():
    rows = [json.loads(line) for line in (ROOT / "eval" / "support_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    agree = sum(
        judge(r["sentence"], [r["passage"]], SUPPORT_THRESHOLD).supported == (r["label"] == "supported")
        for r in rows
    )
    assert len(rows) == 80
    assert agree / len(rows) >= 0.85, agree / len(rows)
