"""Ingest throughput per format: `python -m eval.ingest_bench [--seeds seeds] [--repeat 3]`.

Writes each seed article as .txt (UTF-8 and GBK/Big5), .md, .html, .docx and .pdf into a
temporary library, then times loading + cleaning (`parse_document`, the work `rag build`
does before chunking) per format, and the duplicate screening of the whole library.
Prints docs/s and chars/s (characters of cleaned text). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import html
import tempfile
import time
from pathlib import Path

from rag.ingest.dedupe import screen_duplicates
from rag.ingest.load import load_documents, parse_document

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def write_formats(text: str, stem: str, folder: Path, script: str) -> None:
    """One article in every format; paragraphs are its non-empty lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title, body = lines[0], lines[1:]
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    legacy = "big5" if script == "traditional" else "gbk"
    (folder / f"{stem}.{legacy}.txt").write_bytes(text.encode(legacy, errors="replace"))
    (folder / f"{stem}.md").write_text(
        f"# {title}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8"
    )
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in body)
    (folder / f"{stem}.html").write_text(
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
        "<nav><a href='/'>首页</a> | <a href='/news'>新闻</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>\n{paragraphs}</article>"
        "<footer>版权所有 网站地图</footer></body></html>",
        encoding="utf-8",
    )
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for paragraph in body:
        document.add_paragraph(paragraph)
    document.save(folder / f"{stem}.docx")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("noto", fname=FONT)
    pdf.set_font("noto", size=11)
    pdf.add_page()
    for paragraph in [title, *body]:
        pdf.multi_cell(0, 7, paragraph)
        pdf.ln(2)
    pdf.output(str(folder / f"{stem}.pdf"))


def fmt_of(path: Path) -> str:
    parts = path.name.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else parts[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over each file")
    args = parser.parse_args()
    seeds = load_documents(args.seeds).documents
    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp)
        for document in seeds:
            raw = Path(document.path).read_text(encoding="utf-8")
            write_formats(raw, Path(document.doc_id).stem, library, document.script)
        by_format: dict[str, list[Path]] = {}
        for path in sorted(library.iterdir()):
            by_format.setdefault(fmt_of(path), []).append(path)
        print(f"{len(seeds)} seed articles written in {len(by_format)} formats; {args.repeat} passes each")
        print(f"{'format':<10} {'docs':>5} {'MB':>6} {'docs/s':>8} {'chars/s':>10} {'ms/doc':>8}")
        everything = []
        for name, paths in by_format.items():
            blobs = [(p.name, p.read_bytes()) for p in paths]
            parse_document(*blobs[0], blobs[0][0])  # warm-up: imports the format's library
            chars = 0
            started = time.perf_counter()
            for _ in range(args.repeat):
                for file_name, data in blobs:
                    document = parse_document(file_name, data, file_name)
                    chars += len(document.text)
            seconds = time.perf_counter() - started
            everything.append(document)
            docs = len(blobs) * args.repeat
            size = sum(len(d) for _, d in blobs) / 1e6
            print(f"{name:<10} {len(blobs):>5} {size:>6.2f} {docs / seconds:>8.1f} "
                  f"{chars / seconds:>10.0f} {1000 * seconds / docs:>8.1f}")
        result = load_documents(library, allow_duplicate=True)
        screen_duplicates(result.documents[:2])  # warm-up: imports datasketch
        started = time.perf_counter()
        screening = screen_duplicates(result.documents)
        seconds = time.perf_counter() - started
        print(f"duplicate screening of {len(result.documents)} documents: {seconds:.2f}s, "
              f"{len(screening.duplicates)} copies found, {len(screening.kept)} kept")


if __name__ == "__main__":
    main()
