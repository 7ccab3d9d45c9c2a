"""The lexical support judge, and its agreement with the hand-labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answer.support import (
    SUPPORT_THRESHOLD,
    judge,
    key_facts,
    missing_facts,
    strip_list_marker,
    support_score,
)

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


def test_list_positions_are_not_facts():
    """Before: "1. 不愿共享…" was missing the fact "1"."""
    for line in ("1. 已有10个省级政府出台数字政府规划。", "2、已有10个省级政府出台数字政府规划",
                 "(3) 已有10个省级政府出台数字政府规划", "- **已有10个省级政府出台数字政府规划**"):
        assert strip_list_marker(line).startswith("已有10个") and judge(line, [PASSAGE]).supported, line
    assert "1" not in key_facts("1. 已有10个省级政府出台规划")
    assert strip_list_marker("1.5亿元投入建设") == "1.5亿元投入建设"
    assert strip_list_marker("2019年底已有规划") == "2019年底已有规划"
    assert not judge("1. 已有12个省级政府出台数字政府规划。", [PASSAGE]).supported


def test_places_are_found_without_their_administrative_suffix():
    """Before: "广东省长…" was missing 广东省, because the passage says 广东…省长."""
    passage = "广东高度重视数字政府建设。省长一年三次赴数字广东公司调研建设情况。"
    assert missing_facts("广东省长一年三次赴数字广东公司调研。", [passage]) == []
    assert missing_facts("深圳推进改革。", ["深圳市推进改革。"]) == []
    assert missing_facts("深圳市推进改革。", ["深圳推进改革。"]) == []
    assert missing_facts("福建省长一年三次赴数字广东公司调研。", [passage]) == ["福建省"]


def test_judge_agrees_with_the_hand_labelled_sample():
    """≥ 90 % agreement on the whole sample and on the pairs a real small model wrote."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "support_labels.jsonl").read_text(encoding="utf-8").splitlines()]

    def agreement(rows):
        return sum(
            judge(r["sentence"], [r["passage"]], SUPPORT_THRESHOLD).supported == (r["label"] == "supported")
            for r in rows
        ) / len(rows)

    llm = [r for r in rows if r["kind"].startswith("llm_")]
    assert len(rows) == 172 and len(llm) == 92
    assert {r["label"] for r in llm} == {"supported", "unsupported"}
    assert agreement(rows) >= 0.90, agreement(rows)
    assert agreement(llm) >= 0.90, agreement(llm)
