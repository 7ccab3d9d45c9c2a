"""Write the evaluation report: summary table, report.md, self-contained report.html."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

# (key, label, kind): kind "rate" prints as a percentage, "ms" as milliseconds.
ROWS = (
    ("questions", "questions", "count"),
    ("hit@1", "retrieval hit@1", "rate"),
    ("hit@3", "retrieval hit@3", "rate"),
    ("hit@5", "retrieval hit@5", "rate"),
    ("mrr@10", "retrieval MRR@10", "score"),
    ("ndcg@10", "retrieval nDCG@10", "score"),
    ("recall@5", "gold-span recall@5", "rate"),
    ("key_point_recall", "key-point recall", "rate"),
    ("char_f1", "character F1", "score"),
    ("rouge_l", "ROUGE-L", "score"),
    ("answer_accuracy", "answer accuracy (answered)", "rate"),
    ("citation_recall", "citation recall (sentences supported)", "rate"),
    ("citation_precision", "citation precision", "rate"),
    ("facts_in_citations", "numbers/names found in citations", "rate"),
    ("rejection_rate_unanswerable", "rejection rate, unanswerable", "rate"),
    ("false_refusal_rate_answerable", "false refusals, answerable", "rate"),
    ("crag_score", "CRAG score (+1/0/−1)", "score"),
    ("minimal_pair_accuracy", "minimal pairs: original answered and change refused", "rate"),
    ("retrieve_ms_p50", "retrieve p50", "ms"),
    ("retrieve_ms_p95", "retrieve p95", "ms"),
    ("compose_ms_p50", "compose p50", "ms"),
    ("compose_ms_p95", "compose p95", "ms"),
)


def fmt(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return str(int(value))
    if kind == "rate":
        return f"{100 * value:.1f}%"
    if kind == "ms":
        return f"{value:.1f} ms"
    return f"{value:.3f}"


def summary_table(summaries: dict[str, dict]) -> str:
    """A Markdown table: one row per metric, one column per question set."""
    names = list(summaries)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key, label, kind in ROWS:
        lines.append(f"| {label} | " + " | ".join(fmt(summaries[n].get(key), kind) for n in names) + " |")
    return "\n".join(lines)


def type_table(by_type: dict[str, dict]) -> str:
    cols = (("questions", "n", "count"), ("hit@5", "hit@5", "rate"),
            ("key_point_recall", "key points", "rate"), ("citation_precision", "cit. precision", "rate"),
            ("rejection_rate_unanswerable", "rejection", "rate"),
            ("false_refusal_rate_answerable", "false refusal", "rate"), ("crag_score", "CRAG", "score"))
    lines = ["| type | " + " | ".join(c[1] for c in cols) + " |", "|---|" + "---|" * len(cols)]
    for name, summary in by_type.items():
        lines.append(f"| {name} | " + " | ".join(fmt(summary.get(k), kind) for k, _, kind in cols) + " |")
    return "\n".join(lines)


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(summaries: dict[str, dict], by_type: dict[str, dict[str, dict]], results: list[dict]) -> dict[str, str]:
    """Base64 PNGs: hit@k curve, per-type bars, latency histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = {}
    figure, axis = plt.subplots(figsize=(5, 3.2))
    ks = [1, 3, 5, 10]
    for name, summary in summaries.items():
        axis.plot(ks, [summary.get(f"hit@{k}") or 0 for k in ks], marker="o", label=name)
    axis.set_xlabel("k"), axis.set_ylabel("hit@k"), axis.set_ylim(0, 1.02), axis.set_xticks(ks)
    axis.legend(), axis.grid(alpha=0.3), axis.set_title("Retrieval hit@k")
    images["hit_at_k"] = _png(figure)
    plt.close(figure)

    types = sorted({t for groups in by_type.values() for t in groups})
    figure, axis = plt.subplots(figsize=(8, 3.4))
    width = 0.8 / max(1, len(by_type))
    for i, (name, groups) in enumerate(by_type.items()):
        values = []
        for t in types:
            s = groups.get(t, {})
            # Answerable types: key-point recall; unanswerable types: rejection rate.
            value = s.get("key_point_recall") if s.get("answerable") else s.get("rejection_rate_unanswerable")
            values.append(value or 0)
        axis.bar([j + i * width for j in range(len(types))], values, width, label=name)
    axis.set_xticks([j + width * (len(by_type) - 1) / 2 for j in range(len(types))])
    axis.set_xticklabels(types, rotation=35, ha="right"), axis.set_ylim(0, 1.02)
    axis.set_title("Per type: key-point recall (answerable) / rejection (unanswerable)")
    axis.legend()
    images["per_type"] = _png(figure)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(5, 3.2))
    for stage in ("retrieve", "compose"):
        values = [r["timings_ms"][stage] for r in results if "timings_ms" in r]
        if values:
            axis.hist(values, bins=30, alpha=0.6, label=stage)
    axis.set_xlabel("ms"), axis.set_ylabel("questions"), axis.set_title("Latency per stage")
    axis.legend()
    images["latency"] = _png(figure)
    plt.close(figure)
    return images


def weakest_types(by_type: dict[str, dict], count: int = 3) -> list[tuple[str, float]]:
    """Types with the lowest CRAG score (ties by name)."""
    scored = [(t, s["crag_score"]) for t, s in by_type.items() if s.get("crag_score") is not None]
    return sorted(scored, key=lambda item: (item[1], item[0]))[:count]


def markdown_report(meta: dict, summaries: dict, by_type: dict, weakest: dict) -> str:
    parts = [
        "# 政务问答 evaluation report",
        "",
        f"- run at: {meta['created_at']}",
        f"- index: {meta['index']} (built in {meta['build_seconds']} s, {meta['chunks']} chunks)",
        f"- settings: {json.dumps(meta['settings'], ensure_ascii=False)}",
        "",
        "## Summary",
        "",
        summary_table(summaries),
        "",
    ]
    for name, groups in by_type.items():
        parts += [f"## Per type: {name}", "", type_table(groups), ""]
        parts.append("Weakest types (CRAG): " + ", ".join(f"{t} ({s:+.2f})" for t, s in weakest[name]))
        parts.append("")
    parts += [
        "## Definitions",
        "",
        "- A retrieved passage is relevant when it overlaps a gold span (document offsets).",
        "- Citation support: share of a sentence's content-character bigrams found in the passages "
        "it cites, plus every number and named thing present there (`rag.answer.support`).",
        "- Citation precision (ALCE): a citation is needed when it supports the sentence alone or "
        "when dropping it leaves the sentence unsupported.",
        "- Answer accuracy: answered questions whose key-point recall ≥ 0.5 and whose sentences are "
        "all supported. CRAG: +1 such an answer or a refusal of an unanswerable question, 0 a "
        "refusal of an answerable one, −1 anything else.",
    ]
    return "\n".join(parts) + "\n"


def _md_table_to_html(table: str) -> str:
    rows = [line.strip("|").split("|") for line in table.splitlines() if not line.startswith("|---")]
    head, body = rows[0], rows[1:]
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) + "</tr></thead><tbody>"]
    for row in body:
        out.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in row) + "</tr>")
    return "".join(out) + "</tbody></table>"


def html_report(meta: dict, summaries: dict, by_type: dict, weakest: dict, images: dict) -> str:
    """One self-contained HTML page: inline CSS, tables and base64 images, no external links."""
    sections = [
        f"<h1>政务问答 evaluation report</h1><p>Run at {html.escape(meta['created_at'])}; index "
        f"{html.escape(str(meta['index']))} built in {meta['build_seconds']} s; "
        f"{meta['chunks']} chunks.</p>",
        "<h2>Summary</h2>" + _md_table_to_html(summary_table(summaries)),
        f'<img alt="hit@k" src="data:image/png;base64,{images["hit_at_k"]}">',
        f'<img alt="latency" src="data:image/png;base64,{images["latency"]}">',
        "<h2>Per type</h2>" + f'<img alt="per type" src="data:image/png;base64,{images["per_type"]}">',
    ]
    for name, groups in by_type.items():
        weak = ", ".join(f"{t} ({s:+.2f})" for t, s in weakest[name])
        sections.append(f"<h3>{html.escape(name)}</h3>" + _md_table_to_html(type_table(groups)))
        sections.append(f"<p>Weakest types (CRAG): {html.escape(weak)}</p>")
    style = (
        "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:1000px;margin:2em auto;"
        "color:#1f2933}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #cbd2d9;"
        "padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}"
        "img{max-width:100%;margin:0.5em 0}"
    )
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>政务问答 evaluation</title>'
        f"<style>{style}</style></head><body>{''.join(sections)}</body></html>\n"
    )


def compare(a: dict, b: dict, name_a: str = "A", name_b: str = "B") -> str:
    """A Markdown table of the metrics of two summary.json files and their difference."""
    sets = [s for s in a.get("sets", {}) if s in b.get("sets", {})]
    lines = [f"| set | metric | {name_a} | {name_b} | Δ |", "|---|---|---|---|---|"]
    for set_name in sets:
        sa, sb = a["sets"][set_name], b["sets"][set_name]
        for key, label, kind in ROWS:
            va, vb = sa.get(key), sb.get(key)
            if va is None or vb is None or kind == "count":
                continue
            delta = vb - va
            shown = f"{100 * delta:+.1f} pt" if kind == "rate" else (
                f"{delta:+.1f} ms" if kind == "ms" else f"{delta:+.3f}")
            lines.append(f"| {set_name} | {label} | {fmt(va, kind)} | {fmt(vb, kind)} | {shown} |")
    return "\n".join(lines)


def write_outputs(out_dir: Path, meta: dict, summaries: dict, by_type: dict, results: list[dict]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    weakest = {name: weakest_types(groups) for name, groups in by_type.items()}
    with open(out_dir / "results.jsonl", "w", encoding="utf-8") as handle:
        for row in results:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = {"meta": meta, "sets": summaries, "by_type": by_type, "weakest_types": weakest}
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(markdown_report(meta, summaries, by_type, weakest), encoding="utf-8")
    images = plots(summaries, by_type, results)
    (out_dir / "report.html").write_text(html_report(meta, summaries, by_type, weakest, images), encoding="utf-8")
