"""The CI regression gate and the `rag eval` outputs, on the real seeds index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run import run_eval

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev_run(seeds_settings, tmp_path_factory):
    settings = seeds_settings
    out = tmp_path_factory.mktemp("eval-out")
    summary = run_eval(settings, [ROOT / "eval" / "dev.jsonl"], out, progress=False)
    return summary, out


def test_dev_metrics_stay_above_the_gate(dev_run):
    summary, _ = dev_run
    gate = json.loads((ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))
    measured = summary["sets"]["dev"]
    failures = {
        key: (measured[key], floor)
        for key, floor in gate["minimums"].items()
        if measured[key] is None or measured[key] < floor
    }
    assert not failures, f"below the regression gate (measured, floor): {failures}"


def test_eval_writes_the_four_report_files(dev_run):
    summary, out = dev_run
    assert {p.name for p in out.iterdir()} >= {"report.md", "report.html", "results.jsonl", "summary.json"}
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == summary["sets"]["dev"]["questions"]
    answered = [r for r in rows if not r.get("refused") and "error" not in r]
    assert answered and all("support" in s for r in answered for s in r["sentences"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
    assert "http://" not in page and "https://" not in page  # self-contained
    assert "| retrieval hit@5 |" in (out / "report.md").read_text(encoding="utf-8")
