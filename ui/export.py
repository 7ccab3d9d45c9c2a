"""A conversation as a Markdown file or a Word (.docx) file, each answer with its references.

Only answered and refused turns are exported (errors are not); text is in each turn's display
script, references are numbered per answer: `[n] 《title》，authors，date，section`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from rag.types import Document
from ui import strings as S
from ui.render import answer_lines, convert, reference_lines


def _exported(turns: Sequence[dict]) -> list[dict]:
    """The turns worth exporting: those with an answer or a refusal."""
    return [
        t for t in turns or []
        if t.get("outcome") in ("answer", "refusal") and t.get("answer") is not None
    ]


def _parts(turn: dict, documents: Mapping[str, Document]) -> tuple[str, list[str], list[str]]:
    """(question, answer lines, reference lines) of one turn in its display script."""
    script = turn.get("shown_script", "original")
    answer = turn["answer"]
    return (
        convert(turn.get("question") or answer.question, script),
        answer_lines(answer, script),
        reference_lines(answer, documents, script),
    )


def to_markdown(turns: Sequence[dict], documents: Mapping[str, Document] | None = None) -> str:
    """The conversation as Markdown: a heading per question, the answer, its references."""
    documents = documents or {}
    out = [f"# {S.EXPORT_TITLE}", ""]
    for number, turn in enumerate(_exported(turns), start=1):
        question, lines, references = _parts(turn, documents)
        out += [f"## {number}. {S.EXPORT_QUESTION}{_md(question)}", ""]
        out += [f"**{S.EXPORT_ANSWER}**", ""]
        out += [_md(line) if not line[:1].isdigit() else line for line in lines]
        if references:
            out += ["", f"**{S.REFERENCES_HEADING}**", ""]
            out += [f"- {_md(line)}" for line in references]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Text with the Markdown characters that would change its look escaped."""
    for char in "\\`*_#<>|":
        text = text.replace(char, "\\" + char)
    return text


def to_docx(
    turns: Sequence[dict], path: Path, documents: Mapping[str, Document] | None = None
) -> Path:
    """The conversation as a Word document at `path` (python-docx)."""
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    documents = documents or {}
    doc = Docx()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "Noto Sans CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(S.EXPORT_TITLE, level=0)
    for number, turn in enumerate(_exported(turns), start=1):
        question, lines, references = _parts(turn, documents)
        doc.add_heading(f"{number}. {S.EXPORT_QUESTION}{question}", level=2)
        for line in lines:
            doc.add_paragraph(line)
        if references:
            doc.add_paragraph().add_run(S.REFERENCES_HEADING).bold = True
            for line in references:
                doc.add_paragraph(line, style="List Bullet")
    doc.save(str(path))
    return path


def write_exports(
    turns: Sequence[dict], documents: Mapping[str, Document] | None = None
) -> tuple[Path, Path] | None:
    """Both files in a fresh temporary folder, or None when nothing was answered yet."""
    if not _exported(turns):
        return None
    folder = Path(tempfile.mkdtemp(prefix="rag-export-"))
    markdown = folder / "政务问答-对话.md"
    markdown.write_text(to_markdown(turns, documents), encoding="utf-8")
    return markdown, to_docx(turns, folder / "政务问答-对话.docx", documents)
