"""What a generator did with the dev questions, from `rag ask --jsonl` outputs.

    python tests/fakes/replay_report.py eval/dev.jsonl LLM.jsonl EXTRACTIVE.jsonl

Prints, for the answerable questions: how many ended with a non-empty guarded answer from
the LLM (`generator` is the LLM's name), how many with the extractive fallback, which were
refused although the extractive path answers them; and, over every answered sentence, how
many are not supported by each passage they cite judged on its own (the support judge of
the `rag` that is imported).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.answer.support import judge


def _rows(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row for row in rows}


def unsupported_per_passage(answer: dict) -> list[dict]:
    """Sentences of an `ask --json` answer that some cited passage alone does not support."""
    passages = {c["n"]: c["text"] for c in answer.get("citations", [])}
    out = []
    for sentence in answer.get("sentences", []):
        cited = sentence["citations"]
        failing = [n for n in cited if n not in passages or not judge(sentence["text"], [passages[n]]).supported]
        if failing or not cited:
            out.append({"id": answer["id"], "text": sentence["text"], "citations": cited, "failing": failing})
    return out


def report(questions: dict[str, dict], llm: dict[str, dict], extractive: dict[str, dict]) -> dict:
    answerable = [q for q in questions if questions[q]["answerable"]]
    ok = lambda row: row is not None and "error" not in row and not row["refused"]  # noqa: E731
    generated = [q for q in answerable if ok(llm.get(q)) and llm[q]["generator"] != "extractive"]
    fallback = [q for q in answerable if ok(llm.get(q)) and llm[q]["generator"] == "extractive"]
    lost = [q for q in answerable if ok(extractive.get(q)) and not ok(llm.get(q))]
    answered = [llm[q] for q in llm if ok(llm[q])]
    bad = [s for row in answered for s in unsupported_per_passage(row)]
    return {
        "answerable": len(answerable),
        "guarded_llm_answers": len(generated),
        "guarded_llm_share": round(len(generated) / len(answerable), 4),
        "extractive_fallbacks": len(fallback),
        "answered_any_share": round((len(generated) + len(fallback)) / len(answerable), 4),
        "errors": sum("error" in row for row in llm.values()),
        "refused_where_extractive_answers": lost,
        "sentences_answered": sum(len(row["sentences"]) for row in answered),
        "sentences_answered_by_llm": sum(len(llm[q]["sentences"]) for q in llm if ok(llm[q]) and llm[q]["generator"] != "extractive"),
        "unsupported_per_passage": len(bad),
        "unsupported_examples": bad[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("llm", type=Path)
    parser.add_argument("extractive", type=Path)
    args = parser.parse_args()
    figures = report(_rows(args.questions), _rows(args.llm), _rows(args.extractive))
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
