"""The CI regression gate and the `rag eval` outputs, on the real seeds index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run import run_eval
from tests.integration.conftest import DEV_SETS

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev_run(seeds_settings, seeds_embedder, tmp_path_factory):
    settings = seeds_settings
    out = tmp_path_factory.mktemp("eval-out")
    sets = [ROOT / "eval" / name for name in DEV_SETS]
    summary = run_eval(settings, sets, out, progress=False, embedder=seeds_embedder)
    return summary, out


def test_dev_metrics_stay_within_the_gate(dev_run):
    """Floors (and ceilings) per dev file: `{"minimums": {set: {metric: floor}}, "maximums": …}`."""
    summary, _ = dev_run
    gate = json.loads((ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))
    failures = {}
    for bound, broken in (("minimums", lambda m, b: m < b), ("maximums", lambda m, b: m > b)):
        for name, limits in gate.get(bound, {}).items():
            for key, limit in limits.items():
                measured = summary["sets"][name][key]
                if measured is None or broken(measured, limit):
                    failures[f"{name}.{key}"] = (measured, bound, limit)
    assert not failures, f"outside the regression gate (measured, bound, limit): {failures}"


def test_eval_writes_the_four_report_files(dev_run):
    summary, out = dev_run
    assert {p.name for p in out.iterdir()} >= {"report.md", "report.html", "results.jsonl", "summary.json"}
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == sum(summary["sets"][name]["questions"] for name in summary["sets"])
    answered = [r for r in rows if not r.get("refused") and "error" not in r]
    assert answered and all("support" in s for r in answered for s in r["sentences"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
    assert "http://" not in page and "https://" not in page  # self-contained
    assert "| retrieval hit@5 |" in (out / "report.md").read_text(encoding="utf-8")
